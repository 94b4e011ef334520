// Bench section 7: one training case on WASM in a worker whose thread count the page chose (its
// name carries "threads=N", as the app's does). The page runs each case in a 1-thread and an
// N-thread worker, in alternating order, and pairs the rounds.
import { objectiveSettings } from '../shared/objectives';
import * as tf from '@tensorflow/tfjs';
import { activate } from '../engine/backends';
import type { Dataset } from '../engine/data/dataset';
import { parseImageAsset } from '../engine/data/imageAsset';
import { buildTableDataset } from '../engine/data/table/buildTable';
import { readCsv } from '../engine/data/table/readCsv';
import { TRAINING_KERNELS, buildModel } from '../engine/models/build';
import { pretrain } from '../engine/pretrain/pretrain';
import { RunControl } from '../engine/train/control';
import { batchLoss, batchTensors, trainWithLabels, trainableVariables } from '../engine/train/loop';
import { AUGMENT_PRESETS } from '../shared/augmentation';
import { DEFAULT_CONFIG, DEFAULT_TABLE_OPTIONS } from '../shared/defaults';
import { workerBackendHost } from '../worker/backendHost';
import type { KernelTime, ThreadsCase, ThreadsRow } from './protocol';

/** The digits for the image objectives, the mail corpus (64 tokens) for MLM. */
async function dataFor(c: ThreadsCase): Promise<Dataset> {
  if (c.objective !== 'mlm') return parseImageAsset(await (await fetch('/data/mnist.bin')).arrayBuffer());
  const csv = await (await fetch('/data/spam.csv')).text();
  return buildTableDataset(await readCsv(csv, 'spam.csv', { skipMalformed: false }), {
    ...DEFAULT_TABLE_OPTIONS,
    label: 'label',
    text: { vocabSize: 4000, maxLength: 64, lowercase: true },
  });
}

/** The first `rows` training rows; one batch of validation rows and of test rows (both untimed). */
function subset(ds: Dataset, rows: number, batchSize: number): Dataset {
  return {
    ...ds,
    split: {
      train: ds.split.train.subarray(0, rows),
      val: ds.split.val.subarray(0, batchSize),
      test: ds.split.test.subarray(0, batchSize),
    },
  };
}

/** Seconds of each epoch's training steps (loss reads included), as the epoch logs report them. */
async function epochSeconds(ds: Dataset, c: ThreadsCase, epochs: number): Promise<number[]> {
  const seconds: number[] = [];
  const readEvery = 8;
  if (c.objective === 'supervised') {
    const model = buildModel(c.model ?? 'mlp', ds.inputShape, 10, 1);
    try {
      const gen = trainWithLabels(
        model,
        ds,
        { epochs, batchSize: c.batchSize, learningRate: 1e-3, seed: 1, readEvery, augmentation: AUGMENT_PRESETS.off },
        new RunControl(),
      );
      for (let next = await gen.next(); !next.done; next = await gen.next())
        if (next.value.type === 'epoch') seconds.push(next.value.log.seconds);
    } finally {
      model.dispose();
    }
    return seconds;
  }
  const gen = pretrain(
    ds,
    {
      objective: objectiveSettings(c.objective),
      encoder: DEFAULT_CONFIG.encoder,
      epochs,
      batchSize: c.batchSize,
      seed: 1,
      readEvery,
      learningRate: DEFAULT_CONFIG.learningRate,
      augmentation: c.objective === 'contrastive' ? AUGMENT_PRESETS.strong : AUGMENT_PRESETS.off,
      probe: false,
      text: DEFAULT_CONFIG.text,
    },
    new RunControl(),
  );
  let next = await gen.next();
  for (; !next.done; next = await gen.next()) if (next.value.type === 'epoch') seconds.push(next.value.log.seconds);
  next.value.encoder.dispose();
  return seconds;
}

/** Where one supervised step's time goes, per kernel (tf.profile; WASM kernels run synchronously). */
async function profileStep(ds: Dataset, batchSize: number): Promise<{ stepMs: number; kernels: KernelTime[] }> {
  const model = buildModel('mlp', ds.inputShape, 10, 1);
  const optimizer = tf.train.adam(1e-3);
  const vars = trainableVariables(model);
  const { xs, ys } = batchTensors(model, ds, ds.split.train, 0, batchSize);
  const step = () => tf.dispose(optimizer.minimize(() => batchLoss(model, ds.task, xs, ys, true), true, vars) ?? []);
  try {
    for (let i = 0; i < 3; i++) step();
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) step();
    const stepMs = (performance.now() - t0) / 5;
    const info = await tf.profile(step);
    const byName = new Map<string, number>();
    for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    const kernels = [...byName].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
    return { stepMs, kernels };
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  }
}

export async function runThreadsCase(c: ThreadsCase): Promise<ThreadsRow> {
  const row: ThreadsRow = { ...c, threads: 0, samplesPerSec: [] };
  const kernels = TRAINING_KERNELS[c.objective === 'mlm' ? 'transformer' : (c.model ?? 'mlp')];
  const started = await activate('wasm', workerBackendHost, kernels);
  if (started.error) return { ...row, error: started.error };
  row.threads = workerBackendHost.wasmThreads?.()?.threads ?? 0;
  const full = await dataFor(c);
  const ds = subset(full, Math.min(c.rows, full.split.train.length), c.batchSize);
  // The first epoch (model build, kernel set-up) is not counted.
  const seconds = await epochSeconds(ds, c, c.epochs + 1);
  row.samplesPerSec = seconds.slice(1).map((s) => ds.split.train.length / s);
  if (c.profile) row.kernelProfile = await profileStep(full, c.batchSize);
  return row;
}
