// Choosing the tfjs backend: the requested one if it starts, otherwise the next that does, with a
// reason the user can read. `auto` measures real training steps on every usable backend, because
// the fastest one depends on the machine (on a software WebGPU adapter, WebGPU is the slowest).
import * as tf from '@tensorflow/tfjs';
import { errorMessage } from '../shared/format';
import type { DeviceLimits } from './memory';
import {
  BACKENDS,
  type AdapterInfo,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
  type BackendProbe,
  type WasmThreads,
} from '../shared/types/backends';

/** What the host (worker, Node test, benchmark) provides to start backends. */
export interface BackendHost {
  /** Imports and configures a backend's module; throws with a reason when it cannot exist here. */
  prepare(name: BackendName): Promise<void>;
  /** The WebGPU adapter's description, or null when there is no adapter. */
  webgpuAdapter?(): Promise<AdapterInfo | null>;
  /** What the active backend can hold (see memory.ts checkFits), or null when unknown. */
  deviceLimits?(name: BackendName): DeviceLimits | null;
  /** Watches the active GPU backend for a lost device or an out-of-memory error during a run. */
  watchDevice?(name: BackendName): DeviceWatch | null;
  /** After a lost device: a fresh backend instance is created on its next use. */
  resetBackend?(name: BackendName): void;
  /** The wasm backend's threads, once it started. */
  wasmThreads?(): WasmThreads | null;
}

export interface DeviceFault {
  kind: 'device-lost' | 'out-of-memory';
  detail: string;
}

export interface DeviceWatch {
  /** Resolves when the device is lost or runs out of memory (never otherwise). */
  fault: Promise<DeviceFault>;
  /** The fault, once it happened (synchronously readable). */
  happened: DeviceFault | null;
  dispose(): void;
}

export interface ChooseOptions {
  /** Kernels the model needs for training (see TRAINING_KERNELS). */
  requiredKernels: string[];
  /** Samples per second of a few real steps on the active backend (for `auto`). */
  measure?: (backend: BackendName) => Promise<number>;
  /** Backends to consider, in fallback order. */
  order?: readonly BackendName[];
}

export function isSoftwareAdapter(a: AdapterInfo): boolean {
  return (
    a.isFallbackAdapter ||
    /swiftshader|llvmpipe|lavapipe|software/i.test(`${a.architecture} ${a.description} ${a.vendor}`)
  );
}

/** Starts one backend. Returns why it cannot run, or null when it is now active. */
export async function activate(
  name: BackendName,
  host: BackendHost,
  requiredKernels: string[],
): Promise<{ error: string | null; adapter?: AdapterInfo }> {
  let adapter: AdapterInfo | undefined;
  try {
    if (name === 'webgpu' && host.webgpuAdapter) {
      const info = await host.webgpuAdapter();
      if (!info)
        return { error: 'no WebGPU adapter (the browser or GPU driver offers none; in Chrome check chrome://gpu)' };
      adapter = info;
    }
    await host.prepare(name);
  } catch (e) {
    return { error: errorMessage(e) };
  }
  const missing = requiredKernels.filter((k) => !tf.getKernel(k, name));
  if (missing.length)
    return {
      error: `the ${name} backend of tfjs ${tf.version.tfjs} cannot train this model (no ${missing.join(', ')} kernel)`,
    };
  try {
    if (!(await tf.setBackend(name))) return { error: `the ${name} backend failed to initialize` };
  } catch (e) {
    return { error: `the ${name} backend failed to initialize: ${errorMessage(e)}` };
  }
  if (tf.getBackend() !== name) return { error: `tfjs kept ${tf.getBackend()} instead of ${name}` };
  return { error: null, adapter };
}

function softwareNote(adapter: AdapterInfo | undefined): string {
  return adapter && isSoftwareAdapter(adapter)
    ? ` WebGPU runs on a software adapter (${adapter.architecture || adapter.description || 'fallback'}): no GPU acceleration, so it is slow here; "auto" measures and may pick a faster backend.`
    : '';
}

export async function chooseBackend(
  choice: BackendChoice,
  host: BackendHost,
  opts: ChooseOptions,
): Promise<BackendInfo> {
  return withWasmThreads(await choose(choice, host, opts), host);
}

/** On wasm, how many threads run (or why one) is part of the reason shown. */
function withWasmThreads(info: BackendInfo, host: BackendHost): BackendInfo {
  const wasm = info.active === 'wasm' ? host.wasmThreads?.() : null;
  return wasm ? { ...info, wasm, reason: `${info.reason} ${wasm.note}` } : info;
}

async function choose(choice: BackendChoice, host: BackendHost, opts: ChooseOptions): Promise<BackendInfo> {
  const order = opts.order ?? BACKENDS;
  const probes: BackendProbe[] = [];
  let adapter: AdapterInfo | undefined;

  if (choice !== 'auto') {
    const candidates = [choice, ...order.filter((b) => b !== choice)];
    for (const name of candidates) {
      const r = await activate(name, host, opts.requiredKernels);
      if (r.adapter) adapter = r.adapter;
      probes.push(r.error ? { backend: name, error: r.error } : { backend: name });
      if (r.error) continue;
      const failed = probes.filter((p) => p.error);
      const reason = failed.length
        ? `${choice} could not start: ${failed[0]!.error}. Running on ${name} instead.`
        : `Running on ${name}, as chosen.`;
      return {
        requested: choice,
        active: name,
        reason: reason + (name === 'webgpu' ? softwareNote(adapter) : ''),
        fellBack: name !== choice,
        adapter,
        probes,
      };
    }
    throw new Error(`No tfjs backend could start: ${probes.map((p) => `${p.backend}: ${p.error}`).join('; ')}`);
  }

  // auto: measure every backend that starts, then activate the fastest.
  for (const name of order) {
    // tfjs's cpu backend (plain JavaScript) trains slower than WASM (compiled, SIMD) wherever WASM
    // runs, and measuring it can take a minute (one Transformer step here): not measured then.
    if (name === 'cpu' && probes.some((p) => p.backend === 'wasm' && p.samplesPerSec !== undefined)) {
      probes.push({ backend: name, skipped: 'slower than wasm wherever wasm runs' });
      continue;
    }
    const r = await activate(name, host, opts.requiredKernels);
    if (r.adapter) adapter = r.adapter;
    if (r.error) {
      probes.push({ backend: name, error: r.error });
      continue;
    }
    try {
      probes.push({ backend: name, samplesPerSec: opts.measure ? await opts.measure(name) : 0 });
    } catch (e) {
      probes.push({ backend: name, error: `failed while measuring: ${errorMessage(e)}` });
    }
  }
  const usable = probes.filter((p) => p.samplesPerSec !== undefined);
  if (!usable.length)
    throw new Error(`No tfjs backend could start: ${probes.map((p) => `${p.backend}: ${p.error}`).join('; ')}`);
  const best = pickFastest(usable);
  const r = await activate(best.backend, host, opts.requiredKernels);
  if (r.error) throw new Error(`auto picked ${best.backend} but it failed to start again: ${r.error}`);
  const skipped = probes.filter((p) => p.skipped).map((p) => ` (${p.backend} not measured: ${p.skipped})`);
  const measured = usable.map((p) => `${p.backend} ${Math.round(p.samplesPerSec!)}/s`).join(', ') + skipped.join('');
  return {
    requested: 'auto',
    active: best.backend,
    reason:
      `auto measured ${measured}; picked ${best.backend}.` + (best.backend === 'webgpu' ? softwareNote(adapter) : ''),
    fellBack: false,
    adapter,
    probes,
  };
}

export function pickFastest(probes: BackendProbe[]): BackendProbe {
  return probes.reduce((a, b) => ((b.samplesPerSec ?? -1) > (a.samplesPerSec ?? -1) ? b : a));
}
