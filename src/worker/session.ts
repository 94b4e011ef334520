// The worker's state and command handling: it owns the dataset, the model and the running loop,
// and turns the engine's events into protocol events (batch progress coalesced).
import * as tf from '@tensorflow/tfjs';
import type { BackendHost } from '../engine/backends';
import type { Dataset } from '../engine/data/dataset';
import { DataError } from '../engine/data/errors';
import { validateNoise } from '../engine/pretrain/corrupt';
import { validateEncoder } from '../engine/pretrain/models';
import { RunControl } from '../engine/train/control';
import type { Command } from '../shared/protocol';
import { completeConfig } from '../shared/defaults';
import type { BuiltinDatasetName } from '../shared/types/datasets';
import type { EpochLog, Evaluation } from '../shared/types/results';
import type { RunFault } from '../shared/types/faults';
import type { TrainConfig } from '../shared/types/training';
import { restoreModel } from '../engine/checkpoint/serialize';
import { inputSignature } from '../engine/pretrain/encoders';
import { evaluateTest } from '../engine/train/loop';
import { validateFreeze } from '../engine/train/freeze';
import { validateOptimizer } from '../engine/train/optimizers';
import { ModelService, taskOf, type CurrentModel } from './models';
import {
  deleteCheckpoint,
  deleteRun,
  listCheckpoints,
  listRuns,
  loadCheckpoint,
  renameCheckpoint,
  takeInterruptedRuns,
} from './data/checkpoints';
import { DatasetManager } from './data/datasets';
import { checkpointMismatch, executeRun, type RunRequest } from './training';
import type { Post } from './post';
import { runTestHook } from './testHooks';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class StudioSession {
  private readonly data: DatasetManager;
  private model: tf.LayersModel | null = null;
  /** What `model` was trained on: evaluating it on other data is refused. */
  private modelData: { signature: string; classNames: string; name: string } | null = null;
  /** The last finished fine-tuning run's model, offered for download and inference. */
  private current: CurrentModel | null = null;
  private readonly models = new ModelService(
    () => this.current,
    () => this.data.dataset,
    () => this.run !== null,
  );
  private run: {
    id: number;
    control: RunControl;
    runKey?: string;
    config: TrainConfig;
    fault?: RunFault;
    finished?: Promise<void>;
  } | null = null;
  /** The last run that ended on a fault (device lost, out of memory): recoverRun goes on from it. */
  private lastFault: { config: TrainConfig; fault: RunFault } | null = null;
  private runCounter = 0;

  constructor(
    private readonly post: Post,
    private readonly host: BackendHost,
    loadBuiltin: (name: BuiltinDatasetName) => Promise<Dataset>,
  ) {
    this.data = new DatasetManager(post, loadBuiltin);
  }

  async handle(cmd: Command): Promise<void> {
    try {
      switch (cmd.type) {
        case 'restore':
          try {
            await this.changeDataset('your last dataset', () => this.data.restore(cmd.fallback));
          } finally {
            // Checkpoints do not depend on the dataset: list them even if it failed to load.
            await this.publishCheckpoints();
            await this.announceInterrupted();
            await this.publishRuns();
          }
          break;
        case 'listCheckpoints':
          await this.publishCheckpoints();
          break;
        case 'deleteCheckpoint':
          this.models.forget(cmd.checkpointId);
          await deleteCheckpoint(cmd.checkpointId);
          await this.publishCheckpoints();
          break;
        case 'renameCheckpoint':
          await renameCheckpoint(cmd.checkpointId, cmd.name.trim() || cmd.checkpointId);
          await this.publishCheckpoints();
          break;
        case 'pruneCheckpoints':
          await this.prune();
          break;
        case 'resumeCheckpoint': {
          const saved = await loadCheckpoint(cmd.checkpointId);
          if (saved.info.stage !== 'finetune')
            throw new Error(
              'Only fine-tuning runs can be resumed; use a pretraining checkpoint as "Start from" instead.',
            );
          if (saved.info.epoch >= saved.info.totalEpochs || saved.info.tags.includes('final'))
            throw new Error(
              `"${saved.info.name}" is the end of its run (epoch ${saved.info.epoch} of ${saved.info.totalEpochs}); there is nothing left to resume. Use it as "Start from" to train further.`,
            );
          this.start(cmd.config, saved);
          break;
        }
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
        case 'listRuns':
          await this.publishRuns();
          break;
        case 'deleteRun':
          if (cmd.runKey === this.run?.runKey)
            throw new Error('This run is in progress: stop it before removing it from the list.');
          await deleteRun(cmd.runKey);
          await this.publishRuns();
          break;
        case 'evaluateCheckpoint':
        case 'evaluateCurrent':
          await this.evaluate(cmd.type === 'evaluateCheckpoint' ? cmd.checkpointId : null);
          break;
        case 'describeModel':
          this.post({ type: 'reply', id: cmd.id, reply: await this.models.describe(cmd.source) });
          break;
        case 'exportModel': {
          const reply = await this.models.export(cmd.source, cmd.format);
          this.post({ type: 'reply', id: cmd.id, reply }, reply.kind === 'files' ? reply.files.map((f) => f.data) : []);
          break;
        }
        case 'importModel': {
          const reply = await this.models.import(cmd.files);
          await this.publishCheckpoints();
          this.post({ type: 'reply', id: cmd.id, reply });
          break;
        }
        case 'predict':
          this.post({ type: 'reply', id: cmd.id, reply: await this.models.predict(cmd.source, cmd.input) });
          break;
        case 'pause':
          this.requireRun('pause').pause();
          break;
        case 'resume':
          // A diverged run's weights are not worth continuing: resuming it means recovering.
          if (this.run?.fault) await this.recover(cmd.type, undefined);
          else this.requireRun('resume').resume();
          break;
        case 'recoverRun':
          await this.recover(cmd.type, cmd.backend);
          break;
        case 'test':
          if (__TEST_HOOKS__) runTestHook(cmd.hook);
          else throw new Error('Test hooks are not in this build (they are in a build made with STUDIO_TEST_HOOKS=1).');
          break;
        case 'stop':
          this.requireRun('stop').stop();
          break;
      }
      this.post({ type: 'ok', id: cmd.id });
    } catch (e) {
      this.post({ type: 'failed', id: cmd.id, message: message(e), code: e instanceof DataError ? e.code : undefined });
    }
  }

  /**
   * Goes on after a fault: from the run's last good checkpoint, or from its start when it had
   * none, with the lowered learning rate when the loss diverged. A paused (diverged) run is ended
   * first. `backend`: the backend to use now (undefined: the run's own).
   */
  private async recover(action: string, backend: TrainConfig['backend'] | undefined): Promise<void> {
    let from: { config: TrainConfig; fault: RunFault } | null = null;
    if (this.run?.fault) {
      const { control, finished, config, fault } = this.run;
      from = { config, fault };
      control.stop();
      await finished;
    } else if (this.run) {
      throw new Error(`Nothing to ${action === 'recoverRun' ? 'recover' : action}: a run is in progress.`);
    } else from = this.lastFault;
    if (!from) throw new Error('There is no failed run to go on from.');
    this.lastFault = null;
    const config = { ...from.config, backend: backend ?? from.config.backend };
    const learningRate = from.fault.learningRate;
    if (from.fault.checkpointId) {
      const saved = await loadCheckpoint(from.fault.checkpointId);
      this.start(config, saved, learningRate);
    } else this.start(learningRate ? { ...config, learningRate } : config);
  }

  private requireRun(action: string): RunControl {
    if (!this.run) throw new Error(`Nothing to ${action}: no run is in progress.`);
    return this.run.control;
  }

  private async changeDataset(name: string, load: () => Promise<Dataset>): Promise<void> {
    if (this.run) throw new Error('Stop the current run before changing the dataset.');
    await this.data.change(name, load);
  }

  /** Resolves once the current dataset is in IndexedDB (tests and benchmarks wait on it). */
  saved(): Promise<void> {
    return this.data.flushed();
  }

  private start(config: TrainConfig, resume?: RunRequest['resume'], learningRate?: number): void {
    const ds = this.data.dataset;
    if (!ds) throw new Error('Choose a dataset before starting a run.');
    if (this.run) throw new Error('A run is already in progress: stop it first.');
    if (this.data.loading) throw new Error(`${this.data.loading} is still loading; start when it is ready.`);
    validateConfig(
      resume
        ? { ...completeConfig(resume.info.config), backend: config.backend, ...(learningRate ? { learningRate } : {}) }
        : config,
      ds,
    );
    const control = new RunControl();
    const runId = ++this.runCounter;
    this.run = { id: runId, control, config };
    let kept: tf.LayersModel | null = null;
    const keep = (m: tf.LayersModel) => {
      if (this.current) {
        this.current = null;
        this.post({ type: 'currentModel', card: null });
      }
      this.model?.dispose();
      this.model = m;
      this.modelData = { signature: inputSignature(ds), classNames: ds.classNames.join('\u0000'), name: ds.name };
      kept = m;
    };
    const onRunKey = (runKey: string) => {
      if (this.run?.id === runId) this.run.runKey = runKey;
    };
    const onFault = (fault: RunFault) => {
      if (this.run?.id !== runId) return;
      // A diverged run stays (paused) until recovered; every fault is remembered for recoverRun
      // (also after the paused run was stopped).
      if (fault.kind === 'diverged') this.run.fault = fault;
      this.lastFault = { config: this.run.config, fault };
      if (fault.kind === 'device-lost') {
        // Models on the lost device cannot be used again (the backend is made anew).
        try {
          this.model?.dispose();
        } catch {
          // its tensors went with the device
        }
        this.model = null;
        this.modelData = null;
        this.models.forget();
      }
    };
    this.lastFault = null;
    // What the run reports is also what a download of its model says about it.
    let evaluation: Evaluation | null = null;
    let lastEpoch: EpochLog | null = null;
    let ended: string | null = null;
    let title = '';
    let faulted = false;
    const post: Post = (e, transfer) => {
      if ('runId' in e && e.runId === runId) {
        if (e.type === 'runFault') faulted = true;
        if (e.type === 'bestRestored') lastEpoch = e.log;
        if (e.type === 'evaluation') evaluation = e.evaluation;
        if (e.type === 'epoch') lastEpoch = e.log;
        if (e.type === 'runEnded') ended = e.state;
        if (e.type === 'runStarted') title = e.title;
      }
      this.post(e, transfer);
    };
    const finished = executeRun(
      { runId, ds, config, control, resume, learningRate, onFault },
      this.host,
      post,
      keep,
      onRunKey,
    ).finally(async () => {
      if (this.run?.id === runId) this.run = null;
      void this.publishRuns();
      // A diverged or faulted run's weights are not a model to hand out.
      if (!kept || kept !== this.model || faulted || (ended !== 'done' && ended !== 'stopped') || !lastEpoch) return;
      const metrics: Record<string, number> = {
        valLoss: lastEpoch.valLoss,
        valAccuracy: lastEpoch.valAccuracy,
        trainLoss: lastEpoch.trainLoss,
      };
      const ev = evaluation as Evaluation | null;
      if (ev?.task === 'classification')
        Object.assign(metrics, {
          testLoss: ev.loss,
          testAccuracy: ev.accuracy,
          testMacroF1: ev.macroF1,
          testSamples: ev.samples,
        });
      if (ev?.task === 'regression')
        Object.assign(metrics, {
          testLoss: ev.loss,
          testMse: ev.mse,
          testMae: ev.mae,
          testR2: ev.r2,
          testSamples: ev.samples,
        });
      for (const k of Object.keys(metrics)) if (!Number.isFinite(metrics[k])) delete metrics[k];
      const log = lastEpoch as EpochLog;
      this.current = {
        model: kept,
        name: `${title || ds.name}, epoch ${log.epoch}`,
        datasetName: ds.name,
        preprocessing: ds.preprocessing,
        task: taskOf('finetune', ds.preprocessing),
        epoch: log.epoch,
        metrics,
      };
      try {
        this.post({ type: 'currentModel', card: await this.models.currentCard() });
      } catch (e) {
        this.post({ type: 'warning', message: `The trained model could not be described: ${message(e)}` });
      }
    });
    this.run.finished = finished;
  }

  private async publishRuns(): Promise<void> {
    try {
      this.post({ type: 'runs', runs: await listRuns() });
    } catch (e) {
      this.post({ type: 'warning', message: `The run list could not be read: ${message(e)}` });
    }
  }

  /** Test metrics of a fine-tuned checkpoint (or the last run's model) on the current dataset. */
  private async evaluate(checkpointId: string | null): Promise<void> {
    const ds = this.data.dataset;
    if (!ds) throw new Error('Choose a dataset before evaluating.');
    if (this.run) throw new Error('A run is in progress: evaluate when it has ended.');
    if (ds.task === 'none' || !ds.y) throw new Error(`${ds.name} has no labels to evaluate against.`);
    if (!ds.split.test.length) throw new Error(`${ds.name} has no test rows; raise the test share to evaluate.`);
    if (!checkpointId) {
      if (!this.model || !this.modelData)
        throw new Error('No fine-tuned model to evaluate yet: fine-tune one, or evaluate a checkpoint.');
      if (this.modelData.signature !== inputSignature(ds) || this.modelData.classNames !== ds.classNames.join('\u0000'))
        throw new Error(
          `The last fine-tuned model was trained on ${this.modelData.name} (other inputs or classes than ${ds.name} now); evaluate a checkpoint that fits ${ds.name} instead.`,
        );
      this.post({
        type: 'evaluated',
        evaluation: { ...(await evaluateTest(this.model, ds)), title: 'The last fine-tuned model' },
      });
      return;
    }
    const { info, data } = await loadCheckpoint(checkpointId);
    if (info.stage !== 'finetune')
      throw new Error(
        `"${info.name}" is a pretrained encoder without a task head; fine-tune from it first, then evaluate.`,
      );
    const why = checkpointMismatch(info, ds, true);
    if (why) throw new Error(why);
    const model = await restoreModel(data.model, `The checkpoint "${info.name}"`);
    try {
      this.post({ type: 'evaluated', evaluation: { ...(await evaluateTest(model, ds)), title: info.name } });
    } finally {
      model.dispose();
    }
  }

  private async publishCheckpoints(): Promise<void> {
    this.post({ type: 'checkpoints', checkpoints: await listCheckpoints() });
  }

  /** Runs that were training when the page went away, with their last checkpoint. */
  private async announceInterrupted(): Promise<void> {
    try {
      const runs = await takeInterruptedRuns();
      if (!runs.length) return;
      const all = await listCheckpoints();
      const list = runs
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .map((r) => ({
          runKey: r.runKey,
          title: r.title,
          checkpoint: all.filter((c) => c.runKey === r.runKey).sort((a, b) => b.epoch - a.epoch)[0] ?? null,
        }));
      const latest = list.find((r) => r.checkpoint);
      let history = null;
      if (latest?.checkpoint) {
        const { data } = await loadCheckpoint(latest.checkpoint.id);
        const h = data.history;
        history = {
          title: latest.title,
          series: h.series,
          steps: Array.from(h.steps),
          losses: h.losses.map((l) => Array.from(l)),
          epochs: h.epochs,
        };
      }
      this.post({ type: 'interrupted', runs: list, history });
    } catch (e) {
      this.post({ type: 'warning', message: `Interrupted runs could not be looked up: ${message(e)}` });
    }
  }

  /**
   * Frees space: keeps each run's best, final and newest checkpoint (its resume point) and
   * everything of the run in progress; deletes the rest.
   */
  private async prune(): Promise<void> {
    const all = await listCheckpoints();
    const newest = new Map<string, number>();
    for (const c of all) newest.set(c.runKey, Math.max(newest.get(c.runKey) ?? 0, c.epoch));
    for (const c of all) {
      if (
        c.runKey === this.run?.runKey ||
        c.tags.includes('best') ||
        c.tags.includes('final') ||
        newest.get(c.runKey) === c.epoch
      )
        continue;
      this.models.forget(c.id);
      await deleteCheckpoint(c.id);
    }
    await this.publishCheckpoints();
  }
}

export function validateConfig(c: TrainConfig, ds: Dataset): void {
  const bad = (field: string, why: string) => {
    throw new Error(`${field}: ${why}`);
  };
  if (!Number.isInteger(c.epochs) || c.epochs < 1 || c.epochs > 1000)
    bad('Epochs', 'use a whole number from 1 to 1000.');
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1 || c.batchSize > 4096)
    bad('Batch size', 'use a whole number from 1 to 4096.');
  if (!(c.learningRate > 0) || c.learningRate > 10_000)
    bad('Learning rate', 'use a positive number up to 10000, such as 0.001.');
  if (!Number.isInteger(c.checkpointEvery) || c.checkpointEvery < 1)
    bad('Checkpoint every', 'use a whole number of epochs, 1 or more.');
  if (!Number.isInteger(c.keepLast) || c.keepLast < 1) bad('Keep latest', 'use a whole number, 1 or more.');
  if (c.model === 'cnn' && ds.kind !== 'image')
    bad('Model', 'the small CNN needs an image dataset; use the MLP for tables.');
  if (c.stage === 'pretrain') {
    if (c.objective === 'denoising') validateNoise(c.noise);
    validateEncoder(c.encoder);
    if (c.encoder.kind === 'conv' && ds.kind !== 'image')
      bad('Encoder', 'a convolutional encoder needs images; use a dense encoder for tables.');
    if (!Number.isInteger(c.latentSize) || c.latentSize < 1 || c.latentSize > 1024)
      bad('Noise size', 'use a whole number from 1 to 1024.');
    return;
  }
  if (ds.task === 'none' || !ds.y)
    bad(
      'Labels',
      `${ds.name} has no labels, so there is nothing to fine-tune on. Pick a label column (tables) or class folders (images), or pretrain on it.`,
    );
  if (c.labelBudget === 'perClass' && (!Number.isInteger(c.labelsPerClass) || c.labelsPerClass < 1))
    bad('Labels per class', 'use a whole number, 1 or more (or choose "all labels").');
  if (c.labelBudget === 'fraction' && !(c.labelFraction > 0 && c.labelFraction <= 1))
    bad('Fraction of labels', 'use a number above 0 and at most 1, such as 0.1.');
  validateOptimizer(c.optimizer);
  validateFreeze(c.freeze, c.epochs);
  const s = c.schedule;
  if (!(s.warmupEpochs >= 0) || s.warmupEpochs > c.epochs) bad('Warm-up', `use 0 to ${c.epochs} epochs.`);
  if (
    s.kind === 'step' &&
    (!Number.isInteger(s.stepEvery) || s.stepEvery < 1 || !(s.stepFactor > 0 && s.stepFactor <= 1))
  )
    bad('Step decay', 'decay every whole number of epochs (1 or more) by a factor above 0 and at most 1, such as 0.5.');
  if (s.kind === 'cosine' && !(s.minFactor >= 0 && s.minFactor < 1))
    bad('Cosine', 'the final fraction of the rate is from 0 to below 1.');
  if (c.head.hidden.some((u) => !Number.isInteger(u) || u < 1 || u > 4096) || c.head.hidden.length > 4)
    bad('Head layers', 'give up to 4 whole numbers from 1 to 4096, such as "64".');
  if (!(c.head.dropout >= 0 && c.head.dropout < 1)) bad('Head dropout', 'use a rate from 0 to below 1, such as 0.5.');
  if (c.earlyStopping.enabled && (!Number.isInteger(c.earlyStopping.patience) || c.earlyStopping.patience < 1))
    bad('Early stopping', 'patience is a whole number of epochs, 1 or more.');
  if (c.earlyStopping.enabled && !ds.split.val.length)
    bad(
      'Early stopping',
      `it watches the validation loss, and ${ds.name} has no validation rows; raise the validation share or turn early stopping off.`,
    );
  if (c.labelBudget === 'perClass' && ds.task !== 'classification')
    bad('Label budget', '"N per class" needs classes; for regression use all labels or a fraction.');
  if (ds.split.train.length === 0) bad('Data', 'the training split is empty; lower the validation and test shares.');
}
