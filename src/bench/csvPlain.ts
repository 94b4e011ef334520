// Bench baseline for section 3 (scripts/bench/csv.mjs): window.parseCsvPlain.

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

Object.assign(window, { parseCsvPlain });
