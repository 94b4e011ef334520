/// <reference lib="webworker" />
// Benchmark worker: the studio's own loop against plain tfjs model.fit, same backend, model,
// batch size and data, in paired runs interleaved in one worker (order alternates each round).
import * as tf from '@tensorflow/tfjs';
import { activate } from '../engine/backends';
import { errorMessage } from '../shared/format';
import type { Dataset } from '../engine/data/dataset';
import { gatherBatch } from '../engine/data/dataset';
import { parseImageAsset } from '../engine/data/imageAsset';
import { range } from '../engine/data/random';
import { TRAINING_KERNELS, buildModel } from '../engine/models/build';
import { RunControl } from '../engine/train/control';
import { trainSupervised } from '../engine/train/loop';
import { defaultReadEvery, measureThroughput } from '../engine/train/measure';
import { workerBackendHost } from '../worker/backendHost';
import type { BenchCase, BenchReply, BenchRequest, BenchRow } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: BenchReply) => scope.postMessage(m);
let mnist: Promise<Dataset> | null = null;

function subset(ds: Dataset, n: number): Dataset {
  return { ...ds, split: { train: range(0, n), val: new Int32Array(0), test: new Int32Array(0) } };
}

// Each timed round trains two epochs and times the second: the steady state of a run, after the
// one-time set-up that both pay (fit's data is uploaded before it starts; the studio uploads its
// training set at the start of a run).
async function timeLoop(model: tf.LayersModel, ds: Dataset, c: BenchCase, backend: string): Promise<number> {
  const gen = trainSupervised(
    model,
    ds,
    { epochs: 2, batchSize: c.batchSize, learningRate: 1e-3, seed: 1, readEvery: defaultReadEvery(backend) },
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
  const full = await (mnist ??= fetch('/data/mnist.bin').then(async (r) => parseImageAsset(await r.arrayBuffer())));
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

scope.onmessage = async (e: MessageEvent<BenchRequest>) => {
  const { id, benchCase } = e.data;
  try {
    post({ type: 'row', id, row: await runCase(benchCase) });
  } catch (err) {
    post({
      type: 'row',
      id,
      row: {
        ...benchCase,
        samples: 0,
        firstBatchSeconds: NaN,
        loopSamplesPerSec: [],
        fitSamplesPerSec: [],
        error: errorMessage(err),
      },
    });
  }
};
