// The WASM thread count the user chose (Diagnostics), kept in localStorage and handed to each new
// worker in its name, which the worker reads before tfjs-backend-wasm starts (worker/wasmThreads.ts).

export const WASM_THREADS_KEY = 'studio.wasmThreads';

/** 0: the default (one thread; worker/wasmThreads.ts says why). */
export function savedWasmThreads(): number {
  try {
    const n = Number(localStorage.getItem(WASM_THREADS_KEY) ?? 0);
    return Number.isInteger(n) && n >= 0 && n <= 64 ? n : 0;
  } catch {
    return 0;
  }
}

/** The worker's name: "studio", with the chosen thread count when there is one. */
export function workerName(): string {
  const n = savedWasmThreads();
  return n > 0 ? `studio threads=${n}` : 'studio';
}
