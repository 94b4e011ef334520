// tfjs-backend-wasm's threaded build: with the page cross-origin isolated, its Emscripten module
// starts pthread workers and hands each the module's factory as a blob: script to importScripts.
// The studio's CSP (script-src 'self') refuses blob: scripts, so every pthread worker died at
// start and took the training worker down. The same factory ships as a file in the package; the
// pthread workers get its same-origin URL instead, which the CSP allows.
import type { WasmThreads } from '../shared/types/backends';
import threadedFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url';

let installed = false;

/** Rewrites Emscripten's pthread "load" message to point at the factory file. Idempotent. */
export function loadThreadedFactoryFromOrigin(): void {
  if (installed || typeof Worker === 'undefined') return;
  installed = true;
  const url = new URL(threadedFactory, self.location.href).href;
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: [StructuredSerializeOptions?]) {
    const m = message as { cmd?: unknown; urlOrBlob?: unknown } | null;
    const load = m && m.cmd === 'load' && m.urlOrBlob instanceof Blob ? { ...m, urlOrBlob: url } : message;
    return post.call(this, load, ...rest);
  } as Worker['postMessage'];
}

/** Whether the threaded build can run here (shared memory needs a cross-origin isolated page). */
export function threadsPossible(): boolean {
  return (
    typeof SharedArrayBuffer !== 'undefined' && (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
  );
}

/**
 * WASM's threads unless Diagnostics sets more: one. Measured (npm run bench, section 7, 2 cores),
 * two threads were slower for the reference MLP at batch 32 and 256 and for every objective at the
 * default batch of 32: tfjs-backend-wasm 4.22 runs its matrix products without the thread pool,
 * and each small operation that does use it (element-wise ops, the optimizer's updates) loses
 * more waking the threads than it gains. Only pretraining at batch 256 gained (up to 1.2x, where
 * noise and augmentation make the element-wise work large). With one thread the single-threaded
 * SIMD build runs, and no pthread workers start.
 */
export const DEFAULT_WASM_THREADS = 1;

/**
 * The threads asked for: the page passes the user's setting in the worker's name ("threads=N"),
 * or null for the default.
 */
export function requestedThreads(workerName: string, cores = LOGICAL_CORES): number | null {
  const n = Number(/\bthreads=(\d+)/.exec(workerName)?.[1] ?? 0);
  return n > 0 ? Math.min(n, WASM_MAX_THREADS, cores) : null;
}

/**
 * tfjs-backend-wasm 4.22 caps its thread pool at half the logical cores (it assumes two hardware
 * threads per core) and at 8 (the workers its build pre-creates): one thread on a 2-core machine.
 */
export const WASM_MAX_THREADS = 8;
export function wasmThreadCap(cores: number): number {
  return Math.max(1, Math.min(WASM_MAX_THREADS, Math.floor(cores / 2)));
}

/** The logical cores, read before liftThreadCap may change what the worker reports. */
export const LOGICAL_CORES = typeof navigator === 'undefined' ? 1 : Math.max(1, navigator.hardwareConcurrency || 1);

/**
 * Lets tfjs-backend-wasm start `n` threads where its cap would allow fewer: it reads
 * navigator.hardwareConcurrency when its module starts (and halves it), so this worker reports
 * 2n logical cores from here on. Only this worker sees it; LOGICAL_CORES keeps the real count.
 */
export function liftThreadCap(n: number): void {
  Object.defineProperty(self.navigator, 'hardwareConcurrency', { configurable: true, value: 2 * n });
}

/** `requested`: the count set in Diagnostics, or null (the default). */
export function describeThreads(
  isolated: boolean,
  threads: number,
  cores: number,
  requested: number | null,
): WasmThreads {
  const runs = `WASM runs ${threads} thread${threads === 1 ? '' : 's'}`;
  return {
    isolated,
    threads,
    note: !isolated
      ? 'WASM runs one thread: the page is not cross-origin isolated (its server sends no Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers), so threads cannot share memory.'
      : requested === null
        ? `${runs}: measured faster for training at the default batch size than several (tfjs-backend-wasm runs matrix products on one thread, and small operations lose time waking the others); Diagnostics sets more, up to ${Math.min(cores, WASM_MAX_THREADS)} here (it paid only for pretraining at batch 256).`
        : `${runs}, as set in Diagnostics (of ${cores} logical cores; one, the default, measured faster for training).`,
  };
}
