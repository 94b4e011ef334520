import * as tf from '@tensorflow/tfjs';
import { objectiveSettings } from '../../shared/objectives';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, sliceSplits } from '../../test/fixtures';
import { DEFAULT_TABLE_OPTIONS } from '../../shared/defaults';
import type { PretrainObjective } from '../../shared/types/training';
import { buildTableDataset } from '../data/table/buildTable';
import { readCsv } from '../data/table/readCsv';
import { RunControl } from '../train/control';
import { corrupt } from './corrupt';
import { captureModel } from '../checkpoint/serialize';
import { classifierFromEncoder, inputSignature, savedWeights } from './encoders';
import { buildCritic, buildEncoder, buildGenerator } from './models';
import { ganSteps, pretrain, type PretrainEvent, type PretrainResult } from './pretrain';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mnist = sliceSplits(loadMnist(), 512, 64, 64);
const base = {
  epochs: 3,
  batchSize: 32,
  seed: 1,
  readEvery: 4,
  learningRate: 2e-3,
  noise: { kind: 'mask' as const, level: 0.3 },
};

async function run(objective: PretrainObjective, ds = mnist, epochs = 3) {
  const gen = pretrain(
    ds,
    { ...base, epochs, objective: objectiveSettings(objective), encoder: { kind: 'dense', widths: [64] } },
    new RunControl(),
  );
  const events: PretrainEvent[] = [];
  let next = await gen.next();
  while (!next.done) {
    events.push(next.value);
    next = await gen.next();
  }
  return { events, result: next.value as PretrainResult };
}

const series = (events: PretrainEvent[], k: number) => events.flatMap((e) => (e.type === 'losses' ? e.losses[k]! : []));
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

describe('pretraining objectives (cpu)', () => {
  it('the autoencoder lowers its reconstruction error and shows inputs beside reconstructions', async () => {
    const before = tf.memory().numTensors;
    const { events, result } = await run('autoencoder');
    const losses = series(events, 0);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 3)) * 0.7);
    const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    expect(epochs[2]!.valLoss).toBeLessThan(epochs[0]!.valLoss);
    const snaps = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
    expect(snaps).toHaveLength(3);
    expect(snaps[0]!.images!.kind).toBe('reconstruction');
    expect(snaps[0]!.images!.inputs).toHaveLength(8);
    expect(snaps[0]!.images!.outputs[0]!.length).toBe(784);
    expect(snaps[2]!.embedding!.x).toHaveLength(64);
    expect(snaps[2]!.embedding!.labels).toHaveLength(64);
    // Only the encoder is handed back: 2 tensors (kernel, bias) stay alive.
    expect(result.encoder.getWeights().map((w) => w.shape)).toEqual([[784, 64], [64]]);
    result.encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the denoising autoencoder lowers its error too', async () => {
    const { events, result } = await run('denoising');
    const losses = series(events, 0);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 3)) * 0.8);
    result.encoder.dispose();
  });

  it('the GAN reports both losses and the discriminator learns, leaving only the encoder', async () => {
    const before = tf.memory().numTensors;
    const { events, result } = await run('gan', mnist, 2);
    const d = series(events, 0);
    const g = series(events, 1);
    expect(d.length).toBe(g.length);
    expect(d.length).toBe(2 * Math.ceil(576 / 32));
    expect(d.every(Number.isFinite) && g.every(Number.isFinite)).toBe(true);
    expect(mean(d.slice(-5))).toBeLessThan(mean(d.slice(0, 3)));
    const snap = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : [])).at(-1)!;
    expect(snap.images!.kind).toBe('samples');
    expect(snap.images!.outputs).toHaveLength(16);
    result.encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports reconstruction error per column for tables', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `${i % 7},${(i * 3) % 11},${['a', 'b', 'c'][i % 3]},${i % 2}`);
    const raw = await readCsv(['x,y,kind,flag', ...rows].join('\n'), 't.csv', { skipMalformed: false });
    const table = buildTableDataset(raw, { ...DEFAULT_TABLE_OPTIONS, label: '' });
    const { events, result } = await run('autoencoder', table, 2);
    const snap = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : [])).at(-1)!;
    expect(snap.columnErrors!.map((c) => c.column)).toEqual(['x', 'y', 'kind', 'flag']);
    expect(snap.columnErrors!.every((c) => Number.isFinite(c.mse) && c.mse >= 0)).toBe(true);
    expect(snap.embedding!.labels).toBeNull();
    result.encoder.dispose();
  });
});

describe('convolutional encoders (images)', () => {
  const tiny = sliceSplits(loadMnist(), 64, 16, 16);
  const conv = { kind: 'conv' as const, widths: [8, 4] };

  it('a conv autoencoder rebuilds 28x28 images through a 7x7x4 bottleneck', async () => {
    const gen = pretrain(
      tiny,
      { ...base, epochs: 2, objective: objectiveSettings('autoencoder'), encoder: conv },
      new RunControl(),
    );
    let next = await gen.next();
    const snaps: PretrainEvent[] = [];
    while (!next.done) {
      if (next.value.type === 'snapshot') snaps.push(next.value);
      next = await gen.next();
    }
    const result = next.value as PretrainResult;
    expect(result.encoder.outputs[0]!.shape).toEqual([null, 7, 7, 4]);
    const last = snaps.at(-1)!;
    if (last.type !== 'snapshot') throw new Error('expected a snapshot');
    expect(last.snapshot.images!.outputs[0]!.length).toBe(784);
    expect(Number.isFinite(result.loss)).toBe(true);
    result.encoder.dispose();
  });

  it("a DCGAN-style generator makes images of the dataset's size", () => {
    const g = buildGenerator(conv, [28, 28, 1], 16, true, 1);
    expect(g.outputs[0]!.shape).toEqual([null, 28, 28, 1]);
    const e = buildEncoder(conv, [32, 32, 3], 1);
    expect(e.outputs[0]!.shape).toEqual([null, 8, 8, 4]);
    expect(() => buildEncoder({ kind: 'conv', widths: [8, 8, 8] }, [28, 28, 1], 1)).toThrow(/divisible by 8/);
    g.dispose();
    e.dispose();
  });
});

describe('denoising corruption', () => {
  it('masks the stated fraction of values', async () => {
    const x = tf.ones([200, 500]);
    const y = corrupt(x, { noise: 'mask', noiseLevel: 0.3 });
    const zeroShare = (await y.equal(0).mean().data())[0]!;
    expect(zeroShare).toBeGreaterThan(0.29);
    expect(zeroShare).toBeLessThan(0.31);
    tf.dispose([x, y]);
  });

  it('adds Gaussian noise of the stated standard deviation', async () => {
    const x = tf.zeros([200, 500]);
    const y = corrupt(x, { noise: 'gaussian', noiseLevel: 0.5 });
    const [m, sd] = await Promise.all([y.mean().data(), tf.moments(y).variance.sqrt().data()]);
    expect(Math.abs(m[0]!)).toBeLessThan(0.01);
    expect(sd[0]!).toBeGreaterThan(0.49);
    expect(sd[0]!).toBeLessThan(0.51);
    tf.dispose([x, y]);
  });
});

describe('GAN updates', () => {
  it('a discriminator step leaves the generator unchanged, and a generator step the discriminator', async () => {
    const spec = { kind: 'dense' as const, widths: [32] };
    const encoder = buildEncoder(spec, [28, 28, 1], 1);
    const critic = buildCritic(encoder, 1);
    const generator = buildGenerator(spec, [28, 28, 1], 8, true, 1);
    const dOpt = tf.train.adam(0.01, 0.5);
    const gOpt = tf.train.adam(0.01, 0.5);
    const steps = ganSteps(encoder, critic, generator, dOpt, gOpt, 8);
    const snapshot = (m: tf.LayersModel[]) => m.flatMap((x) => x.getWeights().map((w) => Array.from(w.dataSync())));
    const real = tf.randomUniform([16, 784]);

    const g0 = snapshot([generator]);
    const d0 = snapshot([encoder, critic]);
    steps.discriminator(real).dispose();
    expect(snapshot([generator])).toEqual(g0);
    expect(snapshot([encoder, critic])).not.toEqual(d0);

    const d1 = snapshot([encoder, critic]);
    steps.generator(16).dispose();
    expect(snapshot([encoder, critic])).toEqual(d1);
    expect(snapshot([generator])).not.toEqual(g0);
    tf.dispose([real]);
    [encoder, critic, generator, dOpt, gOpt].forEach((m) => m.dispose());
  });
});

describe('handing the encoder to fine-tuning', () => {
  it('copies the pretrained layer into the reference architecture, and refuses another input', async () => {
    const spec = { kind: 'dense' as const, widths: [128] };
    const encoder = buildEncoder(spec, [28, 28, 1], 5);
    const saved = await captureModel(encoder, null);
    const model = classifierFromEncoder(spec, savedWeights(saved), [28, 28, 1], 10, 2);
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dropout', 'Dense']);
    expect(Array.from(model.getWeights()[0]!.dataSync().slice(0, 20))).toEqual(
      Array.from(encoder.getWeights()[0]!.dataSync().slice(0, 20)),
    );
    expect(() =>
      classifierFromEncoder({ kind: 'dense', widths: [64] }, savedWeights(saved), [28, 28, 1], 10, 2),
    ).toThrow(/does not fit/);
    const iris = buildTableDataset(
      await readCsv('a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n', 'i.csv', { skipMalformed: false }),
      { ...DEFAULT_TABLE_OPTIONS, label: 'label' },
    );
    expect(inputSignature(iris)).not.toBe(inputSignature(mnist));
    model.dispose();
    encoder.dispose();
  });
});
