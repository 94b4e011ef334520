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

(window as unknown as { runBenchCase: typeof runBenchCase }).runBenchCase = runBenchCase;
out.textContent = 'ready';
