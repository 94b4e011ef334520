// The worker's session: a thin router of the page's commands to the dataset holder, the current
// run, the model service and the library of checkpoints and runs. Each command has one handler,
// whose result is that command's reply (see ReplyOf in the protocol).
import type * as tf from '@tensorflow/tfjs';
import type { BackendHost } from '../engine/backends';
import { restoreModel } from '../engine/checkpoint/serialize';
import type { Dataset } from '../engine/data/dataset';
import { DataError } from '../engine/data/errors';
import { inputSignature } from '../engine/pretrain/encoders';
import { evaluateTest } from '../engine/train/loop';
import { errorMessage } from '../shared/format';
import type { Command, CommandType, Replies, ReplyOf } from '../shared/protocol';
import type { BackendChoice } from '../shared/types/backends';
import type { BuiltinDatasetName } from '../shared/types/datasets';
import type { RunFault } from '../shared/types/faults';
import type { TrainConfig } from '../shared/types/training';
import { finetuningBody } from './bodies/finetuning';
import { pretrainingBody } from './bodies/pretraining';
import { checkpointMismatch, sameClasses } from './compatibility';
import {
  deleteCheckpoint,
  deleteRun,
  injectCheckpointWriteFault,
  loadCheckpoint,
  renameCheckpoint,
  type SavedCheckpoint,
} from './data/checkpoints';
import { DatasetManager } from './data/datasets';
import { Library } from './library';
import { encoderHasNoHead, endOfRun, modelOfOtherData } from './messages';
import { ModelService, taskOf, type CurrentModel } from './models';
import type { Post } from './post';
import { Run, runConfig, type RunOutcome } from './run';
import { validateConfig } from './validateConfig';

type Handlers = { [K in CommandType]: (cmd: Extract<Command, { type: K }>) => Promise<ReplyOf<K>> };

/** The run in progress, with the settings it was asked for (a recovery starts from them). */
interface ActiveRun {
  run: Run;
  requested: TrainConfig;
  /** Resolves when the session has taken the run's outcome. */
  settled: Promise<void>;
}

/** The network the last run left, and what it was trained on (evaluating it on other data is refused). */
interface TrainedModel {
  model: tf.LayersModel;
  signature: string;
  classNames: string[];
  datasetName: string;
}

export class StudioSession {
  private readonly data: DatasetManager;
  private readonly library: Library;
  private active: ActiveRun | null = null;
  private trained: TrainedModel | null = null;
  /** The last finished fine-tuning run's model, offered for download and inference. */
  private current: CurrentModel | null = null;
  private readonly models = new ModelService(
    // While a fine-tuning run trains its successor, there is no current model to hand out.
    () => (this.active?.run.config.stage === 'finetune' ? null : this.current),
    () => this.data.dataset,
    () => this.active !== null,
  );
  /** The last run that ended on a fault: recoverRun goes on from it. */
  private lastFault: { config: TrainConfig; fault: RunFault } | null = null;
  private runCounter = 0;

  constructor(
    private readonly post: Post,
    private readonly host: BackendHost,
    loadBuiltin: (name: BuiltinDatasetName) => Promise<Dataset>,
  ) {
    this.data = new DatasetManager(post, loadBuiltin);
    this.library = new Library(post);
  }

  private readonly handlers: Handlers = {
    restore: async (cmd) => {
      try {
        await this.changeDataset('your last dataset', () => this.data.restore(cmd.fallback));
      } finally {
        // Checkpoints do not depend on the dataset: list them even if it failed to load.
        await this.library.publishCheckpoints();
        await this.library.announceInterrupted();
        await this.library.publishRuns();
      }
    },
    loadBuiltin: (cmd) => this.changeDataset(cmd.name, () => this.data.loadBuiltin(cmd.name)),
    loadFiles: (cmd) =>
      this.changeDataset(cmd.files.length === 1 ? cmd.files[0]!.name : `${cmd.files.length} files`, () =>
        this.data.loadFiles(cmd.files, cmd.paths, cmd.tableOptions, cmd.imageOptions),
      ),
    configureTable: (cmd) => this.changeDataset('the table', () => this.data.configureTable(cmd.options)),
    configureImages: (cmd) => this.changeDataset('the images', () => this.data.configureImages(cmd.options)),

    start: async (cmd) => this.start(cmd.config),
    resumeCheckpoint: async (cmd) => {
      const saved = await loadCheckpoint(cmd.checkpointId);
      if (saved.info.stage !== 'finetune')
        throw new Error('Only fine-tuning runs can be resumed; use a pretraining checkpoint as "Start from" instead.');
      if (saved.info.epoch >= saved.info.totalEpochs || saved.info.tags.includes('final'))
        throw new Error(endOfRun(saved.info));
      this.start(cmd.config, saved);
    },
    pause: async () => this.requireRun('pause').pause(),
    // A diverged run's weights are not worth continuing: resuming it means recovering.
    resume: async () => (this.active?.run.fault ? this.recover('resume') : this.requireRun('resume').resume()),
    stop: async () => this.requireRun('stop').stop(),
    recoverRun: (cmd) => this.recover('recover', cmd.backend),

    listCheckpoints: () => this.library.publishCheckpoints(),
    deleteCheckpoint: async (cmd) => {
      this.models.forget(cmd.checkpointId);
      await deleteCheckpoint(cmd.checkpointId);
      await this.library.publishCheckpoints();
    },
    renameCheckpoint: async (cmd) => {
      await renameCheckpoint(cmd.checkpointId, cmd.name.trim() || cmd.checkpointId);
      await this.library.publishCheckpoints();
    },
    pruneCheckpoints: () => this.library.prune(this.active?.run.runKey ?? null, (id) => this.models.forget(id)),
    listRuns: () => this.library.publishRuns(),
    deleteRun: async (cmd) => {
      if (cmd.runKey === this.active?.run.runKey)
        throw new Error('This run is in progress: stop it before removing it from the list.');
      await deleteRun(cmd.runKey);
      await this.library.publishRuns();
    },

    evaluateCheckpoint: (cmd) => this.evaluate(cmd.checkpointId),
    evaluateCurrent: () => this.evaluate(null),
    describeModel: (cmd) => this.models.describe(cmd.source),
    exportModel: (cmd) => this.models.export(cmd.source, cmd.format),
    importModel: async (cmd) => {
      const card = await this.models.import(cmd.files);
      await this.library.publishCheckpoints();
      return card;
    },
    predict: (cmd) => this.models.predict(cmd.source, cmd.input),

    faultNextCheckpointWrite: async (cmd) => injectCheckpointWriteFault(cmd.kind, cmd.skip),
    testFault: async (cmd) => {
      if (cmd.kind === 'device-lost') {
        if (!this.host.loseDeviceForTest) throw new Error('This host cannot lose its device.');
        this.host.loseDeviceForTest();
      } else {
        const until = Date.now() + (cmd.ms ?? 60_000);
        while (Date.now() < until) {
          // blocks the worker: no heartbeat, no answers (the page must notice)
        }
      }
    },
  };

  async handle(cmd: Command): Promise<void> {
    try {
      const handler = this.handlers[cmd.type] as (c: Command) => Promise<ReplyOf<CommandType>>;
      const reply = await handler(cmd);
      // Exported files' bytes move to the page rather than being copied.
      const transfer = cmd.type === 'exportModel' && Array.isArray(reply) ? reply.map((f) => f.data) : [];
      this.post(
        reply === undefined
          ? { type: 'ok', id: cmd.id }
          : { type: 'ok', id: cmd.id, reply: reply as Replies[keyof Replies] },
        transfer,
      );
    } catch (e) {
      this.post({
        type: 'failed',
        id: cmd.id,
        message: errorMessage(e),
        code: e instanceof DataError ? e.code : undefined,
      });
    }
  }

  /** Resolves once the current dataset is in IndexedDB (tests and benchmarks wait on it). */
  saved(): Promise<void> {
    return this.data.flushed();
  }

  private async changeDataset(name: string, load: () => Promise<Dataset>): Promise<void> {
    if (this.active) throw new Error('Stop the current run before changing the dataset.');
    await this.data.change(name, load);
  }

  private requireRun(action: string): Run {
    if (!this.active) throw new Error(`Nothing to ${action}: no run is in progress.`);
    return this.active.run;
  }

  private start(requested: TrainConfig, resume: SavedCheckpoint | null = null, learningRate?: number): void {
    const ds = this.data.dataset;
    if (!ds) throw new Error('Choose a dataset before starting a run.');
    if (this.active) throw new Error('A run is already in progress: stop it first.');
    if (this.data.loading) throw new Error(`${this.data.loading} is still loading; start when it is ready.`);
    const config = runConfig(requested, resume, learningRate);
    validateConfig(config, ds);
    this.lastFault = null;
    // The page offers no model while a fine-tuning run trains the next one.
    if (config.stage === 'finetune' && this.current) this.post({ type: 'currentModel', card: null });
    const run = new Run({
      id: ++this.runCounter,
      ds,
      config,
      body: config.stage === 'pretrain' ? pretrainingBody(ds, config) : finetuningBody(ds, config, resume),
      host: this.host,
      post: this.post,
      runKey: resume?.info.runKey,
    });
    this.active = { run, requested, settled: run.finished.then((outcome) => this.settle(run, ds, outcome)) };
  }

  /** Takes a finished run's outcome: its model, its fault (for recovery), the model to offer. */
  private async settle(run: Run, ds: Dataset, outcome: RunOutcome): Promise<void> {
    const requested = this.active?.requested ?? run.config;
    if (this.active?.run === run) this.active = null;
    void this.library.publishRuns();
    if (outcome.fault) this.lastFault = { config: requested, fault: outcome.fault };
    if (outcome.fault?.kind === 'device-lost') {
      // Networks on the lost device cannot be used again (the backend is made anew).
      this.dropTrained();
      this.models.forget();
    }
    if (outcome.model) {
      this.dropTrained();
      this.trained = {
        model: outcome.model,
        signature: inputSignature(ds),
        classNames: ds.classNames,
        datasetName: ds.name,
      };
    }
    const log = outcome.lastEpoch;
    // A diverged or faulted run's weights are not a model to hand out.
    const usable = outcome.model && !outcome.fault && outcome.state !== 'error' && log;
    if (usable) {
      this.current = {
        model: outcome.model!,
        name: `${outcome.title || ds.name}, epoch ${log.epoch}`,
        datasetName: ds.name,
        preprocessing: ds.preprocessing,
        task: taskOf('finetune', ds.preprocessing),
        epoch: log.epoch,
        metrics: modelMetrics(outcome),
      };
    }
    if (!usable && !this.current) return;
    try {
      this.post({ type: 'currentModel', card: await this.models.currentCard() });
    } catch (e) {
      this.post({ type: 'warning', message: `The trained model could not be described: ${errorMessage(e)}` });
    }
  }

  private dropTrained(): void {
    try {
      this.trained?.model.dispose();
    } catch {
      // its tensors went with a lost device
    }
    this.trained = null;
    if (this.current) this.post({ type: 'currentModel', card: null });
    this.current = null;
  }

  /**
   * Goes on after a fault: from the run's last good checkpoint, or from its start when it had
   * none, with the lowered learning rate when the loss diverged. A paused (diverged) run is ended
   * first. `backend`: the backend to use now (undefined: the run's own).
   */
  private async recover(action: 'resume' | 'recover', backend?: BackendChoice): Promise<void> {
    let from = this.lastFault;
    if (this.active) {
      const { run, requested, settled } = this.active;
      if (!run.fault) throw new Error(`Nothing to ${action}: a run is in progress.`);
      from = { config: requested, fault: run.fault };
      run.stop();
      await settled;
    }
    if (!from) throw new Error('There is no failed run to go on from.');
    this.lastFault = null;
    const config = { ...from.config, backend: backend ?? from.config.backend };
    const learningRate = from.fault.learningRate;
    if (from.fault.checkpointId) this.start(config, await loadCheckpoint(from.fault.checkpointId), learningRate);
    else this.start(learningRate ? { ...config, learningRate } : config);
  }

  /** Test metrics of a fine-tuned checkpoint (or the last run's model) on the current dataset. */
  private async evaluate(checkpointId: string | null): Promise<void> {
    const ds = this.data.dataset;
    if (!ds) throw new Error('Choose a dataset before evaluating.');
    if (this.active) throw new Error('A run is in progress: evaluate when it has ended.');
    if (ds.task === 'none' || !ds.y) throw new Error(`${ds.name} has no labels to evaluate against.`);
    if (!ds.split.test.length) throw new Error(`${ds.name} has no test rows; raise the test share to evaluate.`);
    if (!checkpointId) {
      const t = this.trained;
      if (!t) throw new Error('No fine-tuned model to evaluate yet: fine-tune one, or evaluate a checkpoint.');
      if (t.signature !== inputSignature(ds) || !sameClasses(t.classNames, ds.classNames))
        throw new Error(modelOfOtherData(t.datasetName, ds.name));
      const evaluation = await evaluateTest(t.model, ds);
      this.post({ type: 'evaluated', evaluation: { ...evaluation, title: 'The last fine-tuned model' } });
      return;
    }
    const { info, data } = await loadCheckpoint(checkpointId);
    if (info.stage !== 'finetune') throw new Error(encoderHasNoHead(info.name));
    const why = checkpointMismatch(info, ds, true);
    if (why) throw new Error(why);
    const model = await restoreModel(data.model, `The checkpoint "${info.name}"`);
    try {
      this.post({ type: 'evaluated', evaluation: { ...(await evaluateTest(model, ds)), title: info.name } });
    } finally {
      model.dispose();
    }
  }
}

/** What a download of the run's model says about it: validation, and test metrics when evaluated. */
function modelMetrics({ lastEpoch, evaluation: ev }: RunOutcome): Record<string, number> {
  const metrics: Record<string, number> = lastEpoch
    ? { valLoss: lastEpoch.valLoss, valAccuracy: lastEpoch.valAccuracy, trainLoss: lastEpoch.trainLoss }
    : {};
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
  return metrics;
}
