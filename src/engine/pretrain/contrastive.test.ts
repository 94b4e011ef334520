import * as tf from '@tensorflow/tfjs';
import { objectiveSettings } from '../../shared/objectives';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, loadMnist, sliceSplits } from '../../test/fixtures';
import { AUGMENT_PRESETS } from '../../shared/augmentation';
import { DEFAULT_TABLE_OPTIONS } from '../../shared/defaults';
import type { EncoderSpec } from '../../shared/types/training';
import { buildTableDataset } from '../data/table/buildTable';
import { readCsv } from '../data/table/readCsv';
import type { Dataset } from '../data/dataset';
import { RunControl } from '../train/control';
import { captureModel } from '../checkpoint/serialize';
import { classifierFromEncoder, savedWeights } from './encoders';
import { pretrain, type PretrainEvent, type PretrainResult } from './pretrain';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mnist = sliceSplits(loadMnist(), 256, 64, 64);

async function run(ds: Dataset, encoder: EncoderSpec, epochs: number, batchSize = 64) {
  const gen = pretrain(
    ds,
    {
      objective: objectiveSettings('contrastive'),
      encoder,
      epochs,
      batchSize,
      seed: 1,
      readEvery: 2,
      learningRate: 2e-3,
      augmentation: AUGMENT_PRESETS.light,
    },
    new RunControl(),
  );
  return collect<PretrainEvent, PretrainResult>(gen);
}

const losses = (events: PretrainEvent[]) => events.flatMap((e) => (e.type === 'losses' ? e.losses[0]! : []));
const epochLogs = (events: PretrainEvent[]) => events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

describe('contrastive pretraining (SimCLR, cpu)', () => {
  it('a dense encoder learns to pair two views: the loss falls from chance, only the encoder is left', async () => {
    const before = tf.memory().numTensors;
    const { events, result } = await run(mnist, { kind: 'dense', widths: [64, 32] }, 4);
    const l = losses(events);
    expect(l).toHaveLength(4 * Math.ceil(320 / 64));
    // Chance for 64 inputs (127 other views) is ln 127 = 4.84; light augmentation makes pairs easy to learn.
    expect(l[0]!).toBeGreaterThan(3.5);
    expect(mean(l.slice(-3))).toBeLessThan(mean(l.slice(0, 3)) - 0.5);
    const logs = epochLogs(events);
    expect(logs.every((e) => Number.isFinite(e.valLoss))).toBe(true);
    expect(logs[3]!.valLoss).toBeLessThan(logs[0]!.valLoss);
    const snap = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : [])).at(-1)!;
    expect(snap.images!.kind).toBe('views');
    expect(snap.images!.inputs).toHaveLength(8);
    // The two views of an input differ (they are augmented separately).
    expect(snap.images!.inputs[0]).not.toEqual(snap.images!.outputs[0]);
    expect(snap.embedding!.x).toHaveLength(64);
    expect(result.encoder.getWeights().map((w) => w.shape)).toEqual([[784, 64], [64], [64, 32], [32]]);
    result.encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains on training and validation rows only: poisoned test rows change nothing', async () => {
    const x = Float32Array.from(mnist.x as Float32Array);
    for (const r of mnist.split.test) x.fill(NaN, r * 784, (r + 1) * 784);
    const poisoned = { ...mnist, x } as Dataset;
    const { events, result } = await run(poisoned, { kind: 'dense', widths: [32] }, 1);
    expect(losses(events).every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(epochLogs(events)[0]!.valLoss)).toBe(true);
    result.encoder.dispose();
  });

  it('a conv encoder pools globally (any image size) and fine-tuning rebuilds the same network', async () => {
    const spec: EncoderSpec = { kind: 'conv', widths: [4, 8, 8], globalPool: true };
    const small = sliceSplits(loadMnist(), 64, 16, 16);
    const { result } = await run(small, spec, 1, 32);
    expect(result.encoder.outputs[0]!.shape).toEqual([null, 8]); // 28 is not a multiple of 8: no matter
    const saved = await captureModel(result.encoder, null);
    result.encoder.dispose();
    const model = classifierFromEncoder(spec, savedWeights(saved), [28, 28, 1], 10, 1);
    expect(model.layers.some((l) => l.getClassName() === 'Flatten')).toBe(false);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    const restored = model.getWeights()[0]!.dataSync();
    expect(Array.from(restored)).toEqual(Array.from(savedWeights(saved)[0]!.values));
    model.dispose();
  });

  it('tables: views from feature corruption (SCARF)', async () => {
    const rows = Array.from({ length: 160 }, (_, i) => `${i % 7},${(i * 3) % 11},${['a', 'b', 'c'][i % 3]},${i % 2}`);
    const raw = await readCsv(['x,y,kind,flag', ...rows].join('\n'), 't.csv', { skipMalformed: false });
    const table = buildTableDataset(raw, { ...DEFAULT_TABLE_OPTIONS, label: '' });
    const { events, result } = await run(table, { kind: 'dense', widths: [32, 16] }, 3, 32);
    const l = losses(events);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(mean(l.slice(-3))).toBeLessThan(mean(l.slice(0, 3)));
    const snap = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : [])).at(-1)!;
    expect(snap.images).toBeUndefined();
    result.encoder.dispose();
  });
});
