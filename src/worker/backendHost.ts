// Starting tfjs backends inside the worker. WebGPU and WASM modules are loaded only when asked
// for, so the worker bundle a user downloads does not carry every backend up front.
import { assertNever } from '../shared/assertNever';
import * as tf from '@tensorflow/tfjs';
import type { BackendHost, DeviceFault, DeviceWatch } from '../engine/backends';
import type { DeviceLimits } from '../engine/memory';
import type { AdapterInfo, BackendName } from '../shared/types/backends';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import {
  DEFAULT_WASM_THREADS,
  LOGICAL_CORES,
  describeThreads,
  liftThreadCap,
  loadThreadedFactoryFromOrigin,
  requestedThreads,
  threadsPossible,
  wasmThreadCap,
} from './wasmThreads';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerWasmKernels } from '../engine/wasmKernels';

let wasmConfigured = false;
/** tfjs-backend-wasm, once loaded (its thread count is known after the backend started). */
let wasmModule: { getThreadsCount(): number } | null = null;
/** The thread count set in Diagnostics (null: the default). */
let wasmRequested: number | null = null;

/** The GPUDevice of the active tfjs webgpu backend, if that is what runs. */
export function webgpuDevice(): GPUDevice | null {
  try {
    return tf.getBackend() === 'webgpu' ? ((tf.backend() as unknown as { device?: GPUDevice }).device ?? null) : null;
  } catch {
    return null;
  }
}

/** The canvas of the active tfjs webgl backend (its context can be lost too). */
function webglCanvas(): OffscreenCanvas | null {
  try {
    return tf.getBackend() === 'webgl'
      ? (((tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } }).gpgpu?.gl?.canvas as
          OffscreenCanvas | undefined) ?? null)
      : null;
  } catch {
    return null;
  }
}

/** wasm32's heap ceiling in tfjs-backend-wasm 4.22 (emscripten getHeapMax). */
const WASM_HEAP_BYTES = 4294901760;

export const workerBackendHost: BackendHost = {
  async prepare(name: BackendName) {
    switch (name) {
      case 'webgpu':
        if (!('gpu' in navigator))
          throw new Error('this browser has no WebGPU (navigator.gpu is missing; use Chrome or Edge 113+)');
        await import('@tensorflow/tfjs-backend-webgpu');
        {
          // A device lost while no run watched it (between runs) is not used again.
          const current = (tf.engine() as unknown as { registry: Record<string, { device?: GPUDevice } | undefined> })
            .registry.webgpu?.device;
          if (
            current &&
            (await Promise.race([
              current.lost.then(() => true),
              new Promise<boolean>((r) => setTimeout(() => r(false), 0)),
            ]))
          )
            workerBackendHost.resetBackend!('webgpu');
        }
        return;
      case 'webgl':
        if (typeof OffscreenCanvas === 'undefined')
          throw new Error('WebGL needs OffscreenCanvas in a worker, and this browser has none');
        return;
      case 'wasm': {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        registerWasmKernels();
        if (!wasmConfigured) {
          wasmRequested = requestedThreads(self.name);
          const threads = wasmRequested ?? DEFAULT_WASM_THREADS;
          if (threads === 1) {
            // The single-threaded SIMD build: no pool of pthread workers to start for one thread.
            tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
          } else {
            loadThreadedFactoryFromOrigin();
            wasm.setThreadsCount(threads);
            if (threads > wasmThreadCap(LOGICAL_CORES)) liftThreadCap(threads);
          }
          wasmModule = wasm;
          // All three files must be mapped before the backend starts (docs/architecture.md, Platform facts).
          wasm.setWasmPaths({
            'tfjs-backend-wasm.wasm': wasmPlain,
            'tfjs-backend-wasm-simd.wasm': wasmSimd,
            'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
          });
          wasmConfigured = true;
        }
        return;
      }
      case 'cpu':
        return;
      default:
        return assertNever(name);
    }
  },
  wasmThreads() {
    if (!wasmModule) return null;
    try {
      return describeThreads(threadsPossible(), wasmModule.getThreadsCount(), LOGICAL_CORES, wasmRequested);
    } catch {
      return null; // the backend has not started yet
    }
  },
  deviceLimits(name): DeviceLimits | null {
    switch (name) {
      case 'webgpu': {
        const d = webgpuDevice();
        if (!d) return null;
        const storage = d.limits.maxStorageBufferBindingSize;
        const buffer = d.limits.maxBufferSize;
        return storage <= buffer
          ? { backend: 'webgpu', maxBufferBytes: storage, bufferLimitName: 'maxStorageBufferBindingSize of this GPU' }
          : { backend: 'webgpu', maxBufferBytes: buffer, bufferLimitName: 'maxBufferSize of this GPU' };
      }
      case 'webgl': {
        const size = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
        // A tensor lives in one texture of at most size × size texels, 4 floats each when packed.
        return {
          backend: 'webgl',
          maxBufferBytes: size * size * 4 * 4,
          bufferLimitName: `MAX_TEXTURE_SIZE ${size} of this GPU`,
        };
      }
      case 'wasm':
        return {
          backend: 'wasm',
          maxBufferBytes: WASM_HEAP_BYTES,
          bufferLimitName: 'the 4 GB heap of WebAssembly',
          totalBytes: WASM_HEAP_BYTES,
        };
      case 'cpu':
        return {
          backend: 'cpu',
          maxBufferBytes: 2 ** 31,
          bufferLimitName: 'the largest typed array this studio allocates',
        };
      default:
        return assertNever(name);
    }
  },
  watchDevice(name): DeviceWatch | null {
    let report: (f: DeviceFault) => void = () => undefined;
    const watch: DeviceWatch = {
      happened: null,
      fault: new Promise<DeviceFault>((resolve) => (report = resolve)),
      dispose: () => undefined,
    };
    const raise = (f: DeviceFault) => {
      if (watch.happened) return;
      watch.happened = f;
      report(f);
    };
    if (name === 'webgpu') {
      const device = webgpuDevice();
      if (!device) return null;
      let live = true;
      void device.lost.then(
        (info) =>
          live &&
          raise({
            kind: 'device-lost',
            detail: `${info.reason === 'destroyed' ? 'the device was destroyed' : 'the GPU was reset or removed'}${info.message ? `: ${info.message}` : ''}`,
          }),
      );
      const onError = (e: GPUUncapturedErrorEvent) => {
        if (e.error instanceof GPUOutOfMemoryError)
          raise({ kind: 'out-of-memory', detail: e.error.message || 'the GPU ran out of memory' });
      };
      device.addEventListener('uncapturederror', onError);
      watch.dispose = () => {
        live = false;
        device.removeEventListener('uncapturederror', onError);
      };
      return watch;
    }
    if (name === 'webgl') {
      const canvas = webglCanvas();
      if (!canvas) return null;
      const onLost = () => raise({ kind: 'device-lost', detail: 'the WebGL context was lost' });
      canvas.addEventListener('webglcontextlost', onLost);
      watch.dispose = () => canvas.removeEventListener('webglcontextlost', onLost);
      return watch;
    }
    return null;
  },
  resetBackend(name) {
    // A lost device cannot be used again: drop the backend instance and register its factory anew,
    // so that the next setBackend asks for a fresh adapter and device.
    const factory = tf.findBackendFactory(name);
    if (!factory) return;
    const priority = name === 'webgpu' ? 3 : name === 'webgl' ? 2 : 1;
    try {
      if (tf.getBackend() === name) void tf.setBackend('cpu');
    } catch {
      // no backend active
    }
    try {
      tf.removeBackend(name);
    } catch {
      // not registered
    }
    tf.registerBackend(name, factory, priority);
  },
  async webgpuAdapter(): Promise<AdapterInfo | null> {
    if (!('gpu' in navigator)) return null;
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return null;
    const info = adapter.info;
    return {
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      isFallbackAdapter: (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false,
    };
  },
};
