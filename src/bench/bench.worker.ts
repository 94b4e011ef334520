/// <reference lib="webworker" />
// Benchmark worker: the studio's own loop against plain tfjs model.fit, same backend, model,
// batch size and data, in paired runs interleaved in one worker (order alternates each round);
// the loop with augmentation off and light, paired the same way; contrastive pretraining epochs;
// masked-language-model steps of the Transformer on the mail corpus; training steps of one model
// per backend.
import { objectiveSettings } from '../shared/objectives';
import * as tf from '@tensorflow/tfjs';
import { activate } from '../engine/backends';
import { AUGMENT_PRESETS } from '../shared/augmentation';
import { DEFAULT_CONFIG } from '../shared/defaults';
import { errorMessage } from '../shared/format';
import type { AugmentSpec } from '../shared/types/training';
import type { Dataset } from '../engine/data/dataset';
import { gatherBatch } from '../engine/data/dataset';
import { parseImageAsset } from '../engine/data/imageAsset';
import { range } from '../engine/data/random';
import { TRAINING_KERNELS, buildModel } from '../engine/models/build';
import { classifierFromEncoder } from '../engine/pretrain/encoders';
import { pretrain } from '../engine/pretrain/pretrain';
import { RunControl } from '../engine/train/control';
import { batchLoss, batchTensors, trainWithLabels, trainableVariables } from '../engine/train/loop';
import { defaultReadEvery, measureThroughput } from '../engine/train/measure';
import { workerBackendHost } from '../worker/backendHost';
import type {
  AugmentCase,
  AugmentRow,
  BenchCase,
  BenchReply,
  BenchRequest,
  BenchRow,
  ContrastiveCase,
  ContrastiveRow,
  MlmCase,
  ExplainRow,
  MlmRow,
  StepsCase,
  StepsRow,
  ThreadsRow,
} from './protocol';
import { runThreadsCase } from './threadsCase';
import { runExplainCase } from './explainCase';
import { DEFAULT_TABLE_OPTIONS } from '../shared/defaults';
import { buildTableDataset } from '../engine/data/table/buildTable';
import { readCsv } from '../engine/data/table/readCsv';
import { mulberry32 } from '../engine/data/random';
import { buildMlmHead, maskTokens, mlmSteps } from '../engine/text/mlm';
import { buildTextEncoder } from '../engine/text/transformer';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: BenchReply) => scope.postMessage(m);
let mnist: Promise<Dataset> | null = null;
const loadMnist = () => (mnist ??= fetch('/data/mnist.bin').then(async (r) => parseImageAsset(await r.arrayBuffer())));

function subset(ds: Dataset, n: number): Dataset {
  return { ...ds, split: { train: range(0, n), val: new Int32Array(0), test: new Int32Array(0) } };
}

// Each timed round trains two epochs and times the second: the steady state of a run, after the
// one-time set-up that both pay (fit's data is uploaded before it starts; the studio uploads its
// training set at the start of a run).
// `augmentation` as fine-tuning passes the run's config (the app's default: off).
async function timeLoop(
  model: tf.LayersModel,
  ds: Dataset,
  c: { batchSize: number },
  backend: string,
  augmentation: AugmentSpec = AUGMENT_PRESETS.off,
): Promise<number> {
  const gen = trainWithLabels(
    model,
    ds,
    {
      epochs: 2,
      batchSize: c.batchSize,
      learningRate: 1e-3,
      seed: 1,
      readEvery: defaultReadEvery(backend),
      augmentation,
    },
    new RunControl(),
  );
  let secondEpochStart = 0;
  let secondEpochEnd = 0;
  for (let next = await gen.next(); !next.done; next = await gen.next()) {
    const ev = next.value;
    if (ev.type === 'epoch' && ev.log.epoch === 1) secondEpochStart = performance.now();
    if (ev.type === 'epoch' && ev.log.epoch === 2) secondEpochEnd = performance.now();
  }
  return (ds.split.train.length * 1000) / (secondEpochEnd - secondEpochStart);
}

async function timeFit(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, c: BenchCase): Promise<number> {
  let begin = 0;
  let end = 0;
  await model.fit(xs, ys, {
    batchSize: c.batchSize,
    epochs: 2,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async (epoch) => {
        if (epoch === 1) begin = performance.now();
      },
      onEpochEnd: async (epoch) => {
        if (epoch === 1) end = performance.now();
      },
    },
  });
  return (xs.shape[0] * 1000) / (end - begin);
}

async function runCase(c: BenchCase): Promise<BenchRow> {
  const full = await loadMnist();
  const row: BenchRow = { ...c, samples: 0, firstBatchSeconds: NaN, loopSamplesPerSec: [], fitSamplesPerSec: [] };
  const started = await activate(c.backend, workerBackendHost, TRAINING_KERNELS[c.model]);
  if (started.error) return { ...row, error: started.error };
  const build = () => buildModel(c.model, full.inputShape, 10, 1);

  // First batch on this backend: model build, upload, shader compilation, one update, one read.
  const t0 = performance.now();
  await measureThroughput(build, full, c.batchSize, { warmupSteps: 1, minMs: 0, maxSteps: 0 });
  row.firstBatchSeconds = (performance.now() - t0) / 1000;
  const rate = await measureThroughput(build, full, c.batchSize);
  const samples = Math.max(
    c.batchSize * 8,
    Math.min(full.split.train.length, Math.round((rate * c.secondsPerRun) / c.batchSize) * c.batchSize),
  );
  row.samples = samples;
  const ds = subset(full, samples);

  const loopModel = build();
  const fitModel = build();
  fitModel.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const { x, y } = gatherBatch(full, ds.split.train, 0, samples);
  const inShape = fitModel.inputs[0]!.shape.slice(1) as number[];
  const xs = tf.tensor(x, [samples, ...inShape]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), 10));
  try {
    // One untimed pass each, then paired timed rounds in alternating order.
    await timeLoop(loopModel, subset(full, Math.min(samples, c.batchSize * 4)), c, c.backend);
    await timeFit(
      fitModel,
      xs.slice(0, Math.min(samples, c.batchSize * 4)),
      ys.slice(0, Math.min(samples, c.batchSize * 4)),
      c,
    );
    for (let r = 0; r < c.rounds; r++) {
      if (r % 2 === 0) {
        row.loopSamplesPerSec.push(await timeLoop(loopModel, ds, c, c.backend));
        row.fitSamplesPerSec.push(await timeFit(fitModel, xs, ys, c));
      } else {
        row.fitSamplesPerSec.push(await timeFit(fitModel, xs, ys, c));
        row.loopSamplesPerSec.push(await timeLoop(loopModel, ds, c, c.backend));
      }
      post({
        type: 'log',
        text: `${c.backend} ${c.model} round ${r + 1}: loop ${Math.round(row.loopSamplesPerSec.at(-1)!)}/s, fit ${Math.round(row.fitSamplesPerSec.at(-1)!)}/s`,
      });
    }
  } finally {
    tf.dispose([xs, ys]);
    (fitModel.optimizer as tf.Optimizer | undefined)?.dispose();
    loopModel.dispose();
    fitModel.dispose();
  }
  return row;
}

/**
 * Samples per second of one supervised training step (after an untimed one that compiles its
 * kernels): cheap enough on the slowest backends to decide what can be measured there.
 */
async function probeRate(build: () => tf.LayersModel, ds: Dataset, batchSize: number): Promise<number> {
  const model = build();
  const optimizer = tf.train.adam(1e-3);
  const vars = trainableVariables(model);
  const { xs, ys } = batchTensors(model, ds, ds.split.train, 0, batchSize);
  try {
    const step = async () => {
      const loss = optimizer.minimize(() => batchLoss(model, ds.task, xs, ys, true), true, vars)!;
      await loss.data();
      loss.dispose();
    };
    await step();
    const t0 = performance.now();
    await step();
    return (batchSize * 1000) / (performance.now() - t0);
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * Training steps of the studio's loss on one backend (section 10: the CNN per backend): one
 * untimed step (kernel set-up, shader compilation), then steps until the case's seconds have
 * passed, each with its loss read.
 */
async function runStepsCase(c: StepsCase): Promise<StepsRow> {
  const row: StepsRow = { ...c, stepSeconds: [] };
  const started = await activate(c.backend, workerBackendHost, TRAINING_KERNELS[c.model]);
  if (started.error) return { ...row, error: started.error };
  const full = await loadMnist();
  const model = buildModel(c.model, full.inputShape, 10, 1);
  const optimizer = tf.train.adam(1e-3);
  const vars = trainableVariables(model);
  const { xs, ys } = batchTensors(model, full, full.split.train, 0, c.batchSize);
  const step = async () => {
    const t0 = performance.now();
    const loss = optimizer.minimize(() => batchLoss(model, full.task, xs, ys, true), true, vars)!;
    await loss.data();
    loss.dispose();
    return (performance.now() - t0) / 1000;
  };
  try {
    await step();
    const end = performance.now() + c.seconds * 1000;
    while (row.stepSeconds.length < c.maxSteps && (row.stepSeconds.length < c.minSteps || performance.now() < end)) {
      row.stepSeconds.push(await step());
      post({
        type: 'log',
        text: `${c.backend} ${c.model}: step ${row.stepSeconds.length} ${row.stepSeconds.at(-1)!.toFixed(3)} s`,
      });
    }
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  }
  return row;
}

/** Allowance for the augmented epochs and the loop's reads when estimating a case's seconds. */
const SLACK = 1.3;

/**
 * A fine-tuning epoch with augmentation off and with the light preset: the same model, batch size
 * and rows, paired rounds in alternating order, the second epoch of each two-epoch run timed.
 */
async function runAugmentCase(c: AugmentCase): Promise<AugmentRow> {
  const full = await loadMnist();
  const row: AugmentRow = { ...c, samples: 0, probeSamplesPerSec: NaN, offSamplesPerSec: [], lightSamplesPerSec: [] };
  const started = await activate(c.backend, workerBackendHost, TRAINING_KERNELS[c.model]);
  if (started.error) return { ...row, error: started.error };
  const build = () => buildModel(c.model, full.inputShape, 10, 1);
  // Sized from the un-augmented rate: the light epoch takes longer by what is measured. Each round
  // trains 2 arms x 2 epochs; the untimed pass before, one batch per epoch.
  const probe = await probeRate(build, full, c.batchSize);
  row.probeSamplesPerSec = probe;
  const warmSamples = c.batchSize;
  const fits = (samples: number) => ((4 * warmSamples + 4 * c.rounds * samples) / probe) * SLACK <= c.budgetSeconds;
  // measureThroughput (several steps) where it costs little, else the probe's rate.
  const rate = (7 * c.batchSize) / probe < 3 ? await measureThroughput(build, full, c.batchSize) : probe;
  let samples = Math.max(
    c.batchSize * 2,
    Math.min(full.split.train.length, Math.round((rate * c.secondsPerRun) / c.batchSize) * c.batchSize),
  );
  while (samples > c.batchSize * 2 && !fits(samples)) samples -= c.batchSize;
  if (!fits(samples))
    return {
      ...row,
      error: `too slow here for this section's budget of ${c.budgetSeconds} s (${probe.toFixed(1)} samples/s in a probe step; the smallest case would take ~${Math.round(((4 * warmSamples + 8 * c.rounds * c.batchSize) / probe) * SLACK)} s; raise --augment-budget)`,
    };
  row.samples = samples;
  const ds = subset(full, samples);
  const model = build();
  const { off, light } = AUGMENT_PRESETS;
  try {
    // One untimed pass each (the augmentation's kernels compile), then paired timed rounds.
    const warm = subset(full, warmSamples);
    await timeLoop(model, warm, c, c.backend, off);
    await timeLoop(model, warm, c, c.backend, light);
    for (let r = 0; r < c.rounds; r++) {
      if (r % 2 === 0) {
        row.offSamplesPerSec.push(await timeLoop(model, ds, c, c.backend, off));
        row.lightSamplesPerSec.push(await timeLoop(model, ds, c, c.backend, light));
      } else {
        row.lightSamplesPerSec.push(await timeLoop(model, ds, c, c.backend, light));
        row.offSamplesPerSec.push(await timeLoop(model, ds, c, c.backend, off));
      }
      post({
        type: 'log',
        text: `${c.backend} ${c.model} round ${r + 1}: augmentation off ${Math.round(row.offSamplesPerSec.at(-1)!)}/s, light ${Math.round(row.lightSamplesPerSec.at(-1)!)}/s`,
      });
    }
  } finally {
    model.dispose();
  }
  return row;
}

/**
 * The first `rows` rows to pretrain on: `batchSize` validation rows (the held-out loss takes one
 * batch of them, as in the app) and the rest from the training split; the first 300 test rows for
 * the epoch's snapshot (the app shows test rows), never trained on.
 */
function pretrainSubset(ds: Dataset, rows: number, batchSize: number): Dataset {
  const val = Math.min(rows, batchSize, ds.split.val.length);
  return {
    ...ds,
    split: {
      train: ds.split.train.subarray(0, rows - val),
      val: ds.split.val.subarray(0, val),
      test: ds.split.test.subarray(0, 300),
    },
  };
}

/**
 * A contrastive pretraining run as the app makes one (strong augmentation by default for it): per
 * epoch, the seconds of its training steps and of the whole epoch (held-out loss and snapshot too).
 */
async function timePretrain(
  ds: Dataset,
  c: ContrastiveCase,
  epochs: number,
): Promise<{ train: number[]; whole: number[] }> {
  const gen = pretrain(
    ds,
    {
      objective: objectiveSettings('contrastive'),
      encoder: c.encoder,
      epochs,
      batchSize: c.batchSize,
      seed: 1,
      readEvery: defaultReadEvery(c.backend),
      learningRate: DEFAULT_CONFIG.learningRate,
      augmentation: AUGMENT_PRESETS.strong,
    },
    new RunControl(),
  );
  const train: number[] = [];
  const whole: number[] = [];
  let mark = performance.now();
  let next = await gen.next();
  for (; !next.done; next = await gen.next()) {
    const ev = next.value;
    if (ev.type === 'epoch') train.push(ev.log.seconds);
    if (ev.type === 'snapshot') {
      const now = performance.now();
      whole.push((now - mark) / 1000);
      mark = now;
    }
  }
  next.value.encoder.dispose();
  if (next.value.state !== 'done') throw new Error(`the contrastive run ended ${next.value.state}`);
  return { train, whole };
}

/**
 * Contrastive epochs on a subset sized from a probe step of the encoder with a classifier head
 * (a contrastive step puts twice the batch through the encoder: both views); the first epoch of
 * the run (model build, kernel compilation) is not counted.
 */
async function runContrastiveCase(c: ContrastiveCase): Promise<ContrastiveRow> {
  const full = await loadMnist();
  const row: ContrastiveRow = {
    ...c,
    rows: 0,
    valRows: 0,
    estimatedStepSeconds: NaN,
    trainSeconds: [],
    epochSeconds: [],
  };
  const conv = c.encoder.kind === 'conv';
  const started = await activate(c.backend, workerBackendHost, conv ? TRAINING_KERNELS.cnn : []);
  if (started.error) return { ...row, error: started.error };
  const probeBatch = conv ? 8 : 32;
  const rate = await probeRate(() => classifierFromEncoder(c.encoder, [], full.inputShape, 10, 1), full, probeBatch);
  row.estimatedStepSeconds = (2 * c.batchSize) / rate;
  if (row.estimatedStepSeconds > c.maxStepSeconds)
    return {
      ...row,
      error: `too slow here: ~${row.estimatedStepSeconds.toFixed(0)} s per step of ${c.batchSize} (estimated from a training step of ${probeBatch}), so ~${Math.round((row.estimatedStepSeconds * 8000) / c.batchSize / 60)} min per 8,000-row epoch; raise --pretrain-max-step to measure it`,
    };
  const steps = Math.max(1, Math.floor(c.secondsPerEpoch / row.estimatedStepSeconds));
  row.rows = Math.min(c.maxRows, full.split.train.length + c.batchSize, steps * c.batchSize);
  const ds = pretrainSubset(full, row.rows, c.batchSize);
  row.valRows = ds.split.val.length;
  post({
    type: 'log',
    text: `${c.backend} contrastive ${c.encoder.kind}: ~${row.estimatedStepSeconds.toFixed(2)} s per step of ${c.batchSize} (probe) -> ${row.rows} rows`,
  });
  const timed = await timePretrain(ds, c, c.epochs + 1);
  row.trainSeconds = timed.train.slice(1);
  row.epochSeconds = timed.whole.slice(1);
  return row;
}

/** MLM steps as pretraining runs them (15% masked, the loss read every step) on the mail corpus. */
async function runMlmCase(c: MlmCase): Promise<MlmRow> {
  const csv = await (await fetch('/data/spam.csv')).text();
  const ds = buildTableDataset(await readCsv(csv, 'spam.csv', { skipMalformed: false }), {
    ...DEFAULT_TABLE_OPTIONS,
    label: 'label',
    text: { vocabSize: c.vocabSize, maxLength: c.maxLength, lowercase: true },
  });
  const row: MlmRow = {
    ...c,
    tokenizerSeconds: ds.text!.tokenizerMs / 1000,
    mails: ds.rows,
    meanTokens: ds.text!.meanTokens,
    stepSeconds: [],
    stepTokens: [],
  };
  const started = await activate(c.backend, workerBackendHost, TRAINING_KERNELS.transformer);
  if (started.error) return { ...row, error: started.error };
  const spec = { ...c.text, vocabSize: ds.text!.vocabSize, maxLen: c.maxLength };
  const { encoder, trunk } = buildTextEncoder(spec, 1);
  const head = buildMlmHead(c.text.width, spec.vocabSize, 1);
  const optimizer = tf.train.adam(1e-3);
  const steps = mlmSteps(trunk, head, optimizer);
  const rand = mulberry32(1);
  try {
    for (let i = 0; i < c.steps + 2; i++) {
      const start = (i * c.batchSize) % (ds.split.train.length - c.batchSize);
      const { x, size } = gatherBatch(ds, ds.split.train, start, start + c.batchSize);
      let tokens = 0;
      for (const id of x) if (id !== 0) tokens++;
      const t0 = performance.now();
      const loss = steps.train(maskTokens(x, size, c.maxLength, spec.vocabSize, rand));
      await loss.data();
      loss.dispose();
      if (i < 2) continue;
      row.stepSeconds.push((performance.now() - t0) / 1000);
      row.stepTokens.push(tokens);
    }
  } finally {
    optimizer.dispose();
    head.dispose();
    encoder.dispose();
  }
  return row;
}

function failed(
  req: BenchRequest,
  error: string,
): BenchRow | AugmentRow | ContrastiveRow | MlmRow | ThreadsRow | StepsRow | ExplainRow {
  switch (req.type) {
    case 'case':
      return {
        ...req.benchCase,
        samples: 0,
        firstBatchSeconds: NaN,
        loopSamplesPerSec: [],
        fitSamplesPerSec: [],
        error,
      };
    case 'augment':
      return {
        ...req.augmentCase,
        samples: 0,
        probeSamplesPerSec: NaN,
        offSamplesPerSec: [],
        lightSamplesPerSec: [],
        error,
      };
    case 'contrastive':
      return {
        ...req.contrastiveCase,
        rows: 0,
        valRows: 0,
        estimatedStepSeconds: NaN,
        trainSeconds: [],
        epochSeconds: [],
        error,
      };
    case 'mlm':
      return {
        ...req.mlmCase,
        tokenizerSeconds: NaN,
        mails: 0,
        meanTokens: NaN,
        stepSeconds: [],
        stepTokens: [],
        error,
      };
    case 'threads':
      return { ...req.threadsCase, threads: 0, samplesPerSec: [], error };
    case 'steps':
      return { ...req.stepsCase, stepSeconds: [], error };
    case 'explain':
      return { ...req.explainCase, accuracy: {}, methods: [], importance: null, error };
  }
}

scope.onmessage = async (e: MessageEvent<BenchRequest>) => {
  const req = e.data;
  try {
    const row =
      req.type === 'case'
        ? await runCase(req.benchCase)
        : req.type === 'augment'
          ? await runAugmentCase(req.augmentCase)
          : req.type === 'contrastive'
            ? await runContrastiveCase(req.contrastiveCase)
            : req.type === 'mlm'
              ? await runMlmCase(req.mlmCase)
              : req.type === 'threads'
                ? await runThreadsCase(req.threadsCase)
                : req.type === 'steps'
                  ? await runStepsCase(req.stepsCase)
                  : await runExplainCase(req.explainCase);
    post({ type: 'row', id: req.id, row });
  } catch (err) {
    post({ type: 'row', id: req.id, row: failed(req, errorMessage(err)) });
  }
};
