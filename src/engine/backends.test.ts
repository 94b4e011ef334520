import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { BackendName } from '../shared/types/backends';
import { chooseBackend, isSoftwareAdapter, type BackendHost } from './backends';

// In Node only the cpu backend exists; the host decides what the others do, as a browser would.
function host(opts: { adapter?: boolean; failing?: Partial<Record<BackendName, string>> } = {}): BackendHost {
  return {
    async prepare(name) {
      const why = opts.failing?.[name];
      if (why) throw new Error(why);
    },
    async webgpuAdapter() {
      return opts.adapter
        ? { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true }
        : null;
    },
  };
}

describe('choosing a backend', () => {
  it('falls back with a readable reason when WebGPU has no adapter', async () => {
    const info = await chooseBackend('webgpu', host({ failing: { webgl: 'no WebGL here', wasm: 'no wasm here' } }), {
      requiredKernels: [],
    });
    expect(info.active).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.fellBack).toBe(true);
    expect(info.reason).toMatch(/webgpu could not start: no WebGPU adapter.*Running on cpu instead/);
    expect(info.probes.map((p) => p.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });

  it('refuses a backend that lacks a kernel the model needs to train', async () => {
    const info = await chooseBackend('cpu', host(), {
      requiredKernels: ['NoSuchKernelForTraining'],
      order: ['cpu'],
    }).catch((e: Error) => e);
    expect(info).toBeInstanceOf(Error);
    expect((info as Error).message).toMatch(
      /cpu backend .* cannot train this model \(no NoSuchKernelForTraining kernel\)/,
    );
  });

  it('auto measures every usable backend and activates the fastest', async () => {
    const speeds: Partial<Record<BackendName, number>> = { cpu: 500 };
    const measured: BackendName[] = [];
    const info = await chooseBackend(
      'auto',
      host({ failing: { webgpu: 'x', webgl: 'no WebGL here', wasm: 'no wasm' } }),
      {
        requiredKernels: [],
        measure: async (b) => {
          measured.push(b);
          return speeds[b] ?? 0;
        },
      },
    );
    expect(measured).toEqual(['cpu']);
    expect(info.active).toBe('cpu');
    expect(info.reason).toMatch(/auto measured cpu 500\/s; picked cpu/);
    expect(info.probes.find((p) => p.backend === 'webgl')?.error).toBe('no WebGL here');
  });

  it('auto does not measure the cpu backend once wasm has been measured', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    const measured: BackendName[] = [];
    const info = await chooseBackend('auto', host({ failing: { webgpu: 'x', webgl: 'no WebGL here' } }), {
      requiredKernels: [],
      measure: async (b) => {
        measured.push(b);
        return 100;
      },
    });
    expect(measured).toEqual(['wasm']);
    expect(info.active).toBe('wasm');
    expect(info.probes.find((p) => p.backend === 'cpu')?.skipped).toMatch(/slower than wasm/);
    expect(info.reason).toMatch(
      /auto measured wasm 100\/s \(cpu not measured: slower than wasm wherever wasm runs\); picked wasm/,
    );
    await tf.setBackend('cpu');
  });

  it('recognises a software WebGPU adapter', () => {
    expect(
      isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: false }),
    ).toBe(true);
    expect(
      isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ada', description: 'RTX 4090', isFallbackAdapter: false }),
    ).toBe(false);
  });
});
