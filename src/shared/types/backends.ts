// Where training runs: the backends, the adapter, and the worker memory they report.

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKENDS)[number];

export type BackendChoice = 'auto' | BackendName;

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** One backend's outcome while choosing where to train. */
export interface BackendProbe {
  backend: BackendName;
  /** Samples per second measured on a few real steps (auto only). */
  samplesPerSec?: number;
  /** Why this backend could not be used, when it could not. */
  error?: string;
  /** Why auto did not measure it (it could have run). */
  skipped?: string;
}

export interface BackendInfo {
  requested: BackendChoice;
  active: BackendName;
  /** Human sentence: why `active` runs (fallback reason, software adapter, auto's measurement). */
  reason: string;
  /** Set when something the user should know went wrong (a fallback happened). */
  fellBack: boolean;
  adapter?: AdapterInfo;
  probes: BackendProbe[];
  /** When wasm runs: whether the page is cross-origin isolated and how many threads it uses. */
  wasm?: WasmThreads;
}

/** tfjs-backend-wasm's threads: more than one only in a cross-origin isolated page. */
export interface WasmThreads {
  isolated: boolean;
  threads: number;
  /** One sentence: how many threads run, or why only one. */
  note: string;
}

/** Memory of the worker's tfjs engine: tensors alive, their bytes, and the GPU's share (webgpu/webgl). */
export interface MemoryInfo {
  tensors: number;
  bytes: number;
  /** Bytes held on the GPU (webgpu, webgl); absent on wasm/cpu. */
  gpuBytes?: number;
  backend: string;
}
