// Starting tfjs backends inside the worker. WebGPU and WASM modules are loaded only when asked
// for, so the worker bundle a user downloads does not carry every backend up front.
import type { BackendHost } from '../engine/backends';
import type { AdapterInfo, BackendName } from '../shared/types';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let wasmConfigured = false;

export const workerBackendHost: BackendHost = {
  async prepare(name: BackendName) {
    switch (name) {
      case 'webgpu':
        if (!('gpu' in navigator)) throw new Error('this browser has no WebGPU (navigator.gpu is missing; use Chrome or Edge 113+)');
        await import('@tensorflow/tfjs-backend-webgpu');
        return;
      case 'webgl':
        if (typeof OffscreenCanvas === 'undefined') throw new Error('WebGL needs OffscreenCanvas in a worker, and this browser has none');
        return;
      case 'wasm': {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        if (!wasmConfigured) {
          // All three files must be mapped before the backend starts (see shared ENVIRONMENT.md).
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
    }
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
