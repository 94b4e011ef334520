// Faults the engine must catch by itself: a diverging loss (NaN or past the bound) stops the run
// before anything of it is saved; memory stays flat over ten epochs; a model too big for a
// backend is refused with the limit it passes.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, loadMnist, sliceSplits } from '../../test/fixtures';
import { TooBigError, checkFits, isOutOfMemory } from '../memory';
import { buildModel } from '../models/build';
import { RunControl } from './control';
import { lossBound, trainWithLabels } from './loop';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mnist = loadMnist();

describe('divergence', () => {
  it('a learning rate of 1e3 on the reference model stops within a few steps, past the bound, with no epoch saved', async () => {
    const ds = sliceSplits(mnist, 500, 100, 100);
    const model = buildModel('mlp', ds.inputShape, 10, 1);
    const before = tf.memory().numTensors;
    let saved = 0;
    const { events, result } = await collect(
      trainWithLabels(
        model,
        ds,
        { epochs: 3, batchSize: 50, learningRate: 1e3, seed: 1, readEvery: 1 },
        new RunControl(),
        {
          afterEpoch: async () => {
            saved++;
          },
        },
      ),
    );
    expect(result.state).toBe('diverged');
    const d = events.find((e) => e.type === 'diverged');
    // Cross-entropy saturates near 16 instead of becoming NaN: the bound catches it.
    // (the bound: 3 × ln 10, or 3 × the first batch's loss when that is higher)
    const { bound, loss } = d as { bound: number; loss: number };
    expect(bound).toBeGreaterThanOrEqual(3 * Math.log(10));
    expect(bound).toBeLessThan(10);
    expect(loss).toBeGreaterThan(bound);
    expect((d as { step: number }).step).toBeLessThanOrEqual(5);
    expect(events.some((e) => e.type === 'epoch')).toBe(false);
    expect(saved).toBe(0);
    expect(tf.memory().numTensors).toBe(before); // the loop's tensors are freed on the way out
    model.dispose();
  });

  it('a sane learning rate never trips the bound', async () => {
    const ds = sliceSplits(mnist, 500, 100, 100);
    const model = buildModel('mlp', ds.inputShape, 10, 1);
    const { events, result } = await collect(
      trainWithLabels(
        model,
        ds,
        { epochs: 2, batchSize: 16, learningRate: 1e-3, seed: 1, readEvery: 1 },
        new RunControl(),
      ),
    );
    expect(result.state).toBe('done');
    expect(events.some((e) => e.type === 'diverged')).toBe(false);
    expect(lossBound(ds)).toBeCloseTo(6.9, 1);
    model.dispose();
  });
});

describe('memory', () => {
  it('ten epochs of the reference model keep numTensors constant after the first', async () => {
    const ds = sliceSplits(mnist, 300, 100, 100);
    const model = buildModel('mlp', ds.inputShape, 10, 1);
    const atEpochEnd: number[] = [];
    const { result } = await collect(
      trainWithLabels(
        model,
        ds,
        { epochs: 10, batchSize: 32, learningRate: 1e-3, seed: 1, readEvery: 3 },
        new RunControl(),
      ),
      (e) => e.type === 'epoch' && atEpochEnd.push(tf.memory().numTensors),
    );
    expect(result.state).toBe('done');
    expect(atEpochEnd).toHaveLength(10);
    console.log(`numTensors at the end of each of 10 epochs: ${atEpochEnd.join(' ')}`);
    expect(new Set(atEpochEnd.slice(1)).size).toBe(1);
    expect(atEpochEnd[1]).toBe(atEpochEnd[0]);
    model.dispose();
  });
});

describe('too big for the device', () => {
  it('names the layer, the limit and the largest batch that fits', () => {
    const model = buildModel('mlp', [28, 28, 1], 10, 1);
    // The reference model's input batch: 4096 × 784 floats = 12.25 MB.
    expect(() =>
      checkFits(model, 4096, {
        backend: 'webgpu',
        maxBufferBytes: 8 * 1024 * 1024,
        bufferLimitName: 'maxStorageBufferBindingSize',
      }),
    ).toThrow(TooBigError);
    expect(() =>
      checkFits(model, 4096, {
        backend: 'webgpu',
        maxBufferBytes: 8 * 1024 * 1024,
        bufferLimitName: 'maxStorageBufferBindingSize',
      }),
    ).toThrow(
      /batch of 4096, the input batch needs 13 MB in one buffer, over the webgpu limit of 8 MB \(maxStorageBufferBindingSize\)\. Lower the batch size to 2674 or less/,
    );
    expect(() =>
      checkFits(model, 2674, { backend: 'webgpu', maxBufferBytes: 8 * 1024 * 1024, bufferLimitName: 'x' }),
    ).not.toThrow();
    expect(() =>
      checkFits(model, 64, {
        backend: 'wasm',
        maxBufferBytes: 2 ** 32,
        bufferLimitName: 'heap',
        totalBytes: 1024 * 1024,
      }),
    ).toThrow(/over the 1 MB that wasm can hold in all/);
    const fits = checkFits(model, 32, {
      backend: 'wasm',
      maxBufferBytes: 2 ** 32,
      bufferLimitName: 'heap',
      totalBytes: 2 ** 32,
    });
    expect(fits.totalBytes).toBeGreaterThan((784 * 128 + 128 + 1290) * 16);
    model.dispose();
  });

  it('recognises out-of-memory errors of the backends', () => {
    expect(isOutOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemory(new Error('Aborted(Cannot enlarge memory arrays to size 5000000000 bytes (OOM).'))).toBe(true);
    expect(
      isOutOfMemory(
        new Error(
          'Requested texture size [40000x40000] greater than WebGL maximum on this browser / GPU [16384x16384].',
        ),
      ),
    ).toBe(true);
    expect(isOutOfMemory(new Error('Labels: no label column'))).toBe(false);
  });
});

describe('reading memory', () => {
  it('reads the engine without starting a backend', async () => {
    const { readMemory } = await import('../memory');
    const m = readMemory();
    expect(m.backend).toBe('cpu');
    expect(m.tensors).toBe(tf.memory().numTensors);
    expect(m.gpuBytes).toBeUndefined();
  });
});

describe('divergence bound', () => {
  it('is relative to a high first loss: a start above 3 × ln(classes) is not divergence', async () => {
    const ds = sliceSplits(mnist, 320, 64, 64);
    // Inputs scaled up 30x: the first losses are large, yet the run learns (it is not diverging).
    const loud: typeof ds = { ...ds, xScale: ds.xScale * 30 };
    const model = buildModel('mlp', ds.inputShape, 10, 1);
    const { events, result } = await collect(
      trainWithLabels(
        model,
        loud,
        { epochs: 2, batchSize: 32, learningRate: 1e-3, seed: 1, readEvery: 1 },
        new RunControl(),
      ),
    );
    const first = events.find((e) => e.type === 'losses') as { losses: number[][] };
    expect(first.losses[0]![0]).toBeGreaterThan(lossBound(ds)); // starts past the fixed bound
    expect(events.some((e) => e.type === 'diverged')).toBe(false);
    expect(result.state).toBe('done');
    model.dispose();
  });
});
