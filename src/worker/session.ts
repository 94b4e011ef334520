// The worker's state and command handling: it owns the dataset, the model and the running loop,
// and turns the engine's events into protocol events (batch progress coalesced).
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, type BackendHost } from '../engine/backends';
import type { Dataset } from '../engine/data/dataset';
import { DataError } from '../engine/data/errors';
import { DatasetManager } from './data/datasets';
import { summarize } from '../engine/data/dataset';
import { TRAINING_KERNELS, buildModel } from '../engine/models/build';
import { RunControl } from '../engine/train/control';
import { classifierFromEncoder, incompatibility, storeEncoder, type StoredEncoder } from '../engine/pretrain/encoders';
import { validateNoise } from '../engine/pretrain/corrupt';
import { validateEncoder } from '../engine/pretrain/models';
import { SERIES, pretrain, pretrainRows, type PretrainEvent } from '../engine/pretrain/pretrain';
import { evaluateTest, labelBudget, trainClassifier, type TrainEvent } from '../engine/train/loop';
import { defaultReadEvery, measureAutoencoder, measureThroughput } from '../engine/train/measure';
import type { Command, WorkerEvent } from '../shared/protocol';
import type { BuiltinDatasetName, TrainConfig } from '../shared/types';
import { ProgressCoalescer } from './coalescer';

export type Post = (event: WorkerEvent, transfer?: Transferable[]) => void;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class StudioSession {
  private readonly data: DatasetManager;
  private model: tf.LayersModel | null = null;
  private run: { id: number; control: RunControl } | null = null;
  /** Encoders from pretraining runs, by id (kept in memory for fine-tuning). */
  private readonly encoders = new Map<string, StoredEncoder>();
  private runCounter = 0;
  private loading: string | null = null;
  private lastProgress = { phase: '', fraction: -1 };

  constructor(
    private readonly post: Post,
    private readonly host: BackendHost,
    loadBuiltin: (name: BuiltinDatasetName) => Promise<Dataset>,
  ) {
    this.data = new DatasetManager({
      loadBuiltin,
      warn: (message) => post({ type: 'warning', message }),
      progress: (phase, fraction) => {
        // At most one message per percent.
        if (phase === this.lastProgress.phase && Math.abs(fraction - this.lastProgress.fraction) < 0.01) return;
        this.lastProgress = { phase, fraction };
        post({ type: 'datasetProgress', phase, fraction });
      },
    });
  }

  async handle(cmd: Command): Promise<void> {
    try {
      switch (cmd.type) {
        case 'restore':
          await this.changeDataset('your last dataset', () => this.data.restore(cmd.fallback));
          break;
        case 'loadBuiltin':
          await this.changeDataset(cmd.name, () => this.data.loadBuiltin(cmd.name));
          break;
        case 'loadFiles':
          await this.changeDataset(cmd.files.length === 1 ? cmd.files[0]!.name : `${cmd.files.length} files`, () =>
            this.data.loadFiles(cmd.files, cmd.paths, cmd.tableOptions, cmd.imageOptions),
          );
          break;
        case 'configureTable':
          await this.changeDataset('the table', () => this.data.configureTable(cmd.options));
          break;
        case 'configureImages':
          await this.changeDataset('the images', () => this.data.configureImages(cmd.options));
          break;
        case 'start':
          this.start(cmd.config);
          break;
        case 'pause':
          this.requireRun('pause').pause();
          break;
        case 'resume':
          this.requireRun('resume').resume();
          break;
        case 'stop':
          this.requireRun('stop').stop();
          break;
        case 'memory': {
          const m = tf.memory();
          this.post({ type: 'ok', id: cmd.id, result: { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() ?? null } });
          return;
        }
      }
      this.post({ type: 'ok', id: cmd.id });
    } catch (e) {
      this.post({ type: 'failed', id: cmd.id, message: message(e), code: e instanceof DataError ? e.code : undefined });
    }
  }

  private requireRun(action: string): RunControl {
    if (!this.run) throw new Error(`Nothing to ${action}: no run is in progress.`);
    return this.run.control;
  }

  /** The previous dataset stays until the new one has loaded, so a failure loses nothing. */
  private async changeDataset(name: string, load: () => Promise<Dataset>): Promise<void> {
    if (this.run) throw new Error('Stop the current run before changing the dataset.');
    if (this.loading) throw new Error(`${this.loading} is still loading; wait for it to finish, then try again.`);
    this.loading = name;
    this.lastProgress = { phase: '', fraction: -1 };
    this.post({ type: 'datasetLoading', name });
    try {
      const ds = await load();
      this.post({ type: 'datasetLoaded', summary: summarize(ds) });
    } finally {
      this.loading = null;
      this.post({ type: 'datasetLoading', name: '' });
    }
  }

  /** Resolves once the current dataset is in IndexedDB (tests and benchmarks wait on it). */
  saved(): Promise<void> {
    return this.data.flushed();
  }

  private start(config: TrainConfig): void {
    const ds = this.data.dataset;
    if (!ds) throw new Error('Choose a dataset before starting a run.');
    if (this.run) throw new Error('A run is already in progress: stop it first.');
    if (this.loading) throw new Error(`${this.loading} is still loading; start when it is ready.`);
    validateConfig(config, ds);
    const control = new RunControl();
    const runId = ++this.runCounter;
    this.run = { id: runId, control };
    void this.execute(runId, ds, config, control).finally(() => {
      if (this.run?.id === runId) this.run = null;
    });
  }

  private async execute(runId: number, ds: Dataset, config: TrainConfig, control: RunControl): Promise<void> {
    const post = this.post;
    try {
      post({ type: 'runPhase', runId, state: 'starting', message: config.backend === 'auto' ? 'Measuring backends…' : 'Starting backend…' });
      const pretraining = config.stage === 'pretrain';
      const outputs = ds.task === 'classification' ? ds.classNames.length : 0;
      const stored = !pretraining && config.initFrom !== 'scratch' ? this.encoders.get(config.initFrom) : undefined;
      if (!pretraining && config.initFrom !== 'scratch') {
        if (!stored) throw new Error(`The pretrained encoder "${config.initFrom}" is no longer available; pretrain again or start from scratch.`);
        const why = incompatibility(stored, ds);
        if (why) throw new Error(why);
      }
      const build = (): tf.LayersModel =>
        stored ? classifierFromEncoder(stored, ds.inputShape, outputs, config.seed) : buildModel(config.model, ds.inputShape, outputs, config.seed);
      const convolutional = pretraining ? config.encoder.kind === 'conv' : stored ? stored.info.encoder.kind === 'conv' : config.model === 'cnn';
      const info = await chooseBackend(config.backend, this.host, {
        requiredKernels: convolutional ? TRAINING_KERNELS.cnn : [],
        measure: () => (pretraining ? measureAutoencoder(config.encoder, ds, config.batchSize) : measureThroughput(build, ds, config.batchSize)),
      });
      post({ type: 'backend', runId, info });
      const readEvery = defaultReadEvery(info.active);
      const trainRows = pretraining ? pretrainRows(ds).length : labelBudget(ds, config.labelsPerClass, config.seed).length;
      const total = config.epochs * Math.ceil(trainRows / config.batchSize);
      const coalescer = new ProgressCoalescer(({ progress, steps, losses }) => post({ type: 'progress', runId, progress, steps, losses }));
      let diverged = '';
      const onEvent = (ev: TrainEvent | PretrainEvent): void => {
        switch (ev.type) {
          case 'losses':
            coalescer.addLosses(ev.steps, ev.losses);
            break;
          case 'batch':
            coalescer.setProgress({
              epoch: ev.epoch,
              batch: ev.batch,
              step: ev.step,
              stepsPerEpoch: ev.stepsPerEpoch,
              totalEpochs: config.epochs,
              samplesPerSec: ev.samplesPerSec,
              etaSeconds: ev.samplesPerSec > 0 ? ((total - ev.step) * config.batchSize) / ev.samplesPerSec : NaN,
              tensors: tf.memory().numTensors,
              bytes: tf.memory().numBytes,
            });
            break;
          case 'paused':
            coalescer.flush();
            post({ type: 'runPhase', runId, state: 'paused' });
            break;
          case 'resumed':
            post({ type: 'runPhase', runId, state: 'running' });
            break;
          case 'epoch':
            coalescer.flush();
            post({ type: 'epoch', runId, log: ev.log });
            break;
          case 'snapshot':
            post({ type: 'snapshot', runId, snapshot: ev.snapshot });
            break;
          case 'diverged':
            diverged = `The ${ev.series} loss became ${ev.loss} at step ${ev.step}: training diverged. Lower the learning rate (try ${config.learningRate / 10}) and start again.`;
            break;
        }
      };
      // Drives a run's generator to its end, always closing it (its finally frees tensors).
      const drive = async <E extends TrainEvent | PretrainEvent, R>(gen: AsyncGenerator<E, R>): Promise<R> => {
        try {
          let next = await gen.next();
          while (!next.done) {
            onEvent(next.value);
            next = await gen.next();
          }
          return next.value;
        } finally {
          await gen.return(undefined as R);
          coalescer.flush();
        }
      };

      if (pretraining) {
        const title = `Pretrain · ${config.objective}`;
        post({ type: 'runStarted', runId, stage: 'pretrain', series: SERIES[config.objective], title });
        post({ type: 'runPhase', runId, state: 'running' });
        const result = await drive(pretrain(ds, { ...config, readEvery }, control));
        try {
          if (!diverged && result.steps > 0) {
            const id = `enc-${runId}-${config.objective}`;
            const enc = await storeEncoder(
              result.encoder,
              { id, objective: config.objective, dataset: ds.name, epochs: config.epochs, encoder: config.encoder, inputShape: ds.inputShape, loss: result.loss, createdAt: Date.now() },
              ds,
            );
            this.encoders.set(id, enc);
            post({ type: 'encoders', encoders: [...this.encoders.values()].map((e) => e.info) });
          }
        } finally {
          result.encoder.dispose();
        }
        post(diverged ? { type: 'runEnded', runId, state: 'error', message: diverged } : { type: 'runEnded', runId, state: result.state === 'stopped' ? 'stopped' : 'done' });
        return;
      }

      this.model?.dispose();
      this.model = null;
      const model = build();
      this.model = model;
      post({ type: 'runStarted', runId, stage: 'finetune', series: ['loss'], title: stored ? `Fine-tune from ${stored.info.id}` : 'Fine-tune from scratch' });
      post({ type: 'runPhase', runId, state: 'running' });
      const final = await drive(trainClassifier(model, ds, { ...config, readEvery }, control));
      if (diverged) {
        post({ type: 'runEnded', runId, state: 'error', message: diverged });
        return;
      }
      if (final.steps > 0) {
        if (ds.split.test.length) post({ type: 'evaluation', runId, evaluation: await evaluateTest(model, ds) });
        else post({ type: 'warning', message: `${ds.name} has no test rows, so there are no test metrics. Raise the test share or add rows.` });
      }
      post({ type: 'runEnded', runId, state: final.state === 'stopped' ? 'stopped' : 'done' });
    } catch (e) {
      post({ type: 'runEnded', runId, state: 'error', message: `Training failed: ${message(e)}` });
    }
  }
}

export function validateConfig(c: TrainConfig, ds: Dataset): void {
  const bad = (field: string, why: string) => {
    throw new Error(`${field}: ${why}`);
  };
  if (!Number.isInteger(c.epochs) || c.epochs < 1 || c.epochs > 1000) bad('Epochs', 'use a whole number from 1 to 1000.');
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1 || c.batchSize > 4096) bad('Batch size', 'use a whole number from 1 to 4096.');
  if (!(c.learningRate > 0) || c.learningRate > 100) bad('Learning rate', 'use a positive number such as 0.001.');
  if (c.model === 'cnn' && ds.kind !== 'image') bad('Model', 'the small CNN needs an image dataset; use the MLP for tables.');
  if (c.stage === 'pretrain') {
    if (c.objective === 'denoising') validateNoise(c.noise);
    validateEncoder(c.encoder);
    if (c.encoder.kind === 'conv' && ds.kind !== 'image') bad('Encoder', 'a convolutional encoder needs images; use a dense encoder for tables.');
    if (!Number.isInteger(c.latentSize) || c.latentSize < 1 || c.latentSize > 1024) bad('Noise size', 'use a whole number from 1 to 1024.');
    return;
  }
  if (ds.task === 'none' || !ds.y)
    bad('Labels', `${ds.name} has no labels, so there is nothing to fine-tune on. Pick a label column (tables) or class folders (images), or pretrain on it.`);
  if (!Number.isInteger(c.labelsPerClass) || c.labelsPerClass < 0) bad('Labels per class', 'use 0 (all labels) or a whole number.');
  if (ds.split.train.length === 0) bad('Data', 'the training split is empty; lower the validation and test shares.');
}
