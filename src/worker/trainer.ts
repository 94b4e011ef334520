// The current run and what the last one left: starting a run (settings checked, its body
// chosen), pausing, resuming and stopping it, recovering after a fault, and taking its outcome
// (the model to evaluate, download and try; the fault to recover from).
import type * as tf from '@tensorflow/tfjs';
import type { BackendHost } from '../engine/backends';
import { restoreModel } from '../engine/checkpoint/serialize';
import type { Dataset } from '../engine/data/dataset';
import { inputSignature } from '../engine/pretrain/encoders';
import { evaluateTest } from '../engine/train/loop';
import { errorMessage } from '../shared/format';
import type { BackendChoice } from '../shared/types/backends';
import type { RunFault } from '../shared/types/faults';
import type { TrainConfig } from '../shared/types/training';
import { finetuningBody } from './bodies/finetuning';
import { pretrainingBody } from './bodies/pretraining';
import { checkpointMismatch, sameClasses } from './compatibility';
import { loadCheckpoint, type SavedCheckpoint } from './data/checkpoints';
import type { Library } from './library';
import { encoderHasNoHead, modelOfOtherData } from './messages';
import { taskOf, type CurrentModel, type ModelService } from './models';
import type { Post } from './post';
import { Run, runConfig, type RunOutcome } from './run';
import { validateConfig } from './validateConfig';
import { findLearningRate } from './rateFinder';
import { RunControl } from '../engine/train/control';
import type { LrFinding } from '../shared/types/results';

/** The run in progress, with the settings it was asked for (a recovery starts from them). */
interface ActiveRun {
  run: Run;
  requested: TrainConfig;
  /** Resolves when the trainer has taken the run's outcome. */
  settled: Promise<void>;
}

/** What a sweep's run adds to a plain start (see SweepRunner). */
export interface RunExtras {
  /** The key of its run-list entry (a rerun after a reload keeps it). */
  runKey?: string;
  /** Put before the run's title in the run list and the live panel ("Sweep 3/12 · "). */
  titlePrefix?: string;
  /** A diverged run ends instead of waiting paused for a recovery. */
  endOnFault?: boolean;
}

/** Where the trainer finds the current dataset, and whether another one is loading. */
export interface DatasetSource {
  readonly dataset: Dataset | null;
  readonly loading: string | null;
}

/** The network the last run left, and what it was trained on (evaluating it on other data is refused). */
interface TrainedModel {
  model: tf.LayersModel;
  signature: string;
  classNames: string[];
  datasetName: string;
}

export class Trainer {
  private active: ActiveRun | null = null;
  private trained: TrainedModel | null = null;
  /** The last finished fine-tuning run's model, offered for download and inference. */
  private current: CurrentModel | null = null;
  /** The last run that ended on a fault: recover() goes on from it. */
  private lastFault: { config: TrainConfig; fault: RunFault } | null = null;
  /** The offered model's card was taken down while a fine-tuning run trains (put back if it builds none). */
  private cardHidden = false;
  private runCounter = 0;
  /** The learning-rate sweep in progress, or null. */
  private finder: RunControl | null = null;

  constructor(
    private readonly post: Post,
    private readonly host: BackendHost,
    private readonly data: DatasetSource,
    private readonly library: Library,
    private readonly models: () => ModelService,
  ) {}

  /** A run is in progress (also while it waits paused after a fault), or a learning-rate sweep. */
  get busy(): boolean {
    return this.active !== null || this.finder !== null;
  }

  /**
   * A learning-rate sweep for `requested`'s stage on the current dataset (checked as a run's settings
   * are); resolves with its curve and suggestion. One at a time, never beside a run.
   */
  async findRate(requested: TrainConfig): Promise<LrFinding> {
    const ds = this.data.dataset;
    if (!ds) throw new Error('Choose a dataset before looking for a learning rate.');
    if (this.active) throw new Error('A run is in progress: look for a learning rate when it has ended.');
    if (this.finder) throw new Error('The learning-rate finder is already running.');
    if (this.data.loading) throw new Error(`${this.data.loading} is still loading; try when it is ready.`);
    const config = runConfig(requested, null);
    validateConfig(config, ds);
    const control = new RunControl();
    this.finder = control;
    try {
      return await findLearningRate({ ds, config, host: this.host, post: this.post, control });
    } finally {
      this.finder = null;
    }
  }

  /** Stops the learning-rate sweep in progress; its curve so far is its finding. */
  stopFinder(): void {
    if (!this.finder) throw new Error('The learning-rate finder is not running.');
    this.finder.stop();
  }

  /** The run in progress's key (its checkpoints are not pruned), or null. */
  get runKey(): string | null {
    return this.active?.run.runKey ?? null;
  }

  /** The model to offer; none while a fine-tuning run trains its successor. */
  get offered(): CurrentModel | null {
    return this.active?.run.config.stage === 'finetune' ? null : this.current;
  }

  pause(): void {
    this.require('pause').pause();
  }

  /** A diverged run's weights are not worth continuing: resuming it means recovering. */
  async resume(): Promise<void> {
    if (this.active?.run.fault) await this.recover('resume');
    else this.require('resume').resume();
  }

  stop(): void {
    this.require('stop').stop();
  }

  private require(action: string): Run {
    if (!this.active) throw new Error(`Nothing to ${action}: no run is in progress.`);
    return this.active.run;
  }

  /**
   * A run on the current dataset. `resume`: the checkpoint whose run goes on; `learningRate`: a
   * recovery's lowered rate. Throws when it cannot start; otherwise resolves with the run's outcome
   * once the trainer has taken it (the model is the trainer's).
   */
  start(
    requested: TrainConfig,
    resume: SavedCheckpoint | null = null,
    learningRate?: number,
    extras: RunExtras = {},
  ): Promise<RunOutcome> {
    const ds = this.data.dataset;
    if (!ds) throw new Error('Choose a dataset before starting a run.');
    if (this.active) throw new Error('A run is already in progress: stop it first.');
    if (this.finder) throw new Error('The learning-rate finder is running: wait for it (or stop it) first.');
    if (this.data.loading) throw new Error(`${this.data.loading} is still loading; start when it is ready.`);
    const config = runConfig(requested, resume, learningRate);
    validateConfig(config, ds);
    this.lastFault = null;
    // The page offers no model while a fine-tuning run trains the next one.
    this.cardHidden = config.stage === 'finetune' && this.current !== null;
    if (this.cardHidden) this.post({ type: 'currentModel', card: null });
    const body =
      config.stage === 'pretrain'
        ? pretrainingBody(ds, config)
        : // The last run's network makes room just before the new one is built.
          finetuningBody(ds, config, resume, () => this.dropTrained());
    const prefix = extras.titlePrefix;
    if (prefix) {
      const plan = body.plan.bind(body);
      body.plan = async () => {
        const p = await plan();
        return { ...p, title: prefix + p.title };
      };
    }
    const run = new Run({
      id: ++this.runCounter,
      ds,
      config,
      body,
      host: this.host,
      post: this.post,
      runKey: resume?.info.runKey ?? extras.runKey,
      endOnFault: extras.endOnFault,
    });
    const settled = run.finished
      .then((outcome) => this.settle(run, ds, outcome))
      .catch((e: unknown) =>
        this.post({ type: 'warning', message: `The run's end was not recorded: ${errorMessage(e)}` }),
      )
      .finally(() => {
        if (this.active?.run === run) this.active = null; // whatever happened, the next run may start
      });
    this.active = { run, requested, settled };
    return run.finished.then((outcome) => settled.then(() => outcome));
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
      this.models().forget();
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
        augmentation: run.config.augmentation,
        config: run.config,
      };
    }
    // Unchanged and still shown: nothing to tell the page.
    if (!usable && !(this.current && this.cardHidden)) return;
    this.cardHidden = false;
    try {
      this.post({ type: 'currentModel', card: await this.models().currentCard() });
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
  async recover(action: 'resume' | 'recover', backend?: BackendChoice): Promise<void> {
    let from = this.lastFault;
    if (this.active) {
      const { run, requested, settled } = this.active;
      if (!run.fault) throw new Error(`Nothing to ${action}: a run is in progress.`);
      from = { config: requested, fault: run.fault };
      run.stop();
      await settled;
    }
    if (!from) throw new Error('There is no failed run to go on from.');
    // start() forgets the fault once the new run is under way; a refused start keeps it for a retry.
    const config = { ...from.config, backend: backend ?? from.config.backend };
    const learningRate = from.fault.learningRate;
    if (from.fault.checkpointId) void this.start(config, await loadCheckpoint(from.fault.checkpointId), learningRate);
    else void this.start(learningRate ? { ...config, learningRate } : config);
  }

  /** Test metrics of a fine-tuned checkpoint (or the last run's model) on the current dataset. */
  async evaluate(checkpointId: string | null): Promise<void> {
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
      this.post({
        type: 'evaluated',
        evaluation: { ...evaluation, title: 'The last fine-tuned model', source: 'current' },
      });
      return;
    }
    const { info, data } = await loadCheckpoint(checkpointId);
    if (info.stage !== 'finetune') throw new Error(encoderHasNoHead(info.name));
    const why = checkpointMismatch(info, ds, true);
    if (why) throw new Error(why);
    const model = await restoreModel(data.model, `The checkpoint "${info.name}"`);
    try {
      this.post({
        type: 'evaluated',
        evaluation: { ...(await evaluateTest(model, ds)), title: info.name, source: checkpointId },
      });
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
