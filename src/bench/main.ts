// Benchmark page: runs cases in a fresh worker each (so one backend's state cannot slow the
// next) and exposes `window.runBenchCase` to scripts/bench.mjs.
import type { BenchCase, BenchReply, BenchRow } from './protocol';

const out = document.getElementById('out')!;

function runBenchCase(benchCase: BenchCase): Promise<BenchRow> {
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<BenchRow>((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = (e: MessageEvent<BenchReply>) => {
      if (e.data.type === 'log') {
        out.textContent += `\n${e.data.text}`;
        console.log(e.data.text);
      } else resolve(e.data.row);
    };
    worker.postMessage({ type: 'case', id: 1, benchCase });
  }).finally(() => worker.terminate());
}

/** Plain papaparse over the file chosen in #csv, in a worker. */
function parseCsvPlain(): Promise<{ rows: number; seconds: number }> {
  const file = (document.getElementById('csv') as HTMLInputElement).files![0]!;
  const worker = new Worker(new URL('./csvWorker.ts', import.meta.url), { type: 'module' });
  return new Promise<{ rows: number; seconds: number }>((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = (e: MessageEvent<{ rows: number; seconds: number }>) => resolve(e.data);
    worker.postMessage(file);
  }).finally(() => worker.terminate());
}

Object.assign(window, { runBenchCase, parseCsvPlain });
out.textContent = 'ready';
