// The label-efficiency sweep in the worker: its fine-tuning runs one after another through the
// trainer (each one lands in the run list as any run does), the test metric of each collected,
// progress and time left posted, cancel, and the state kept in IndexedDB after every run, so a
// reload goes on from the next unfinished run (the interrupted one is trained again under its key).
import { summarize, type Dataset } from '../engine/data/dataset';
import { budgetedRows } from '../engine/train/loop';
import { errorMessage } from '../shared/format';
import { fitToLabels, fitToMethod, methodStart } from '../shared/settings/fewLabels';
import { planSweep, sweepEta, sweepProblem, sweepRunConfig } from '../shared/sweep';
import type { SweepResult, SweepRunSpec, SweepSettings, SweepStatus } from '../shared/types/sweep';
import type { TrainConfig } from '../shared/types/training';
import { checkpointMismatch } from './compatibility';
import { loadCheckpoint } from './data/checkpoints';
import { loadSweep, saveSweep } from './data/sweeps';
import { nothingToFinetune } from './messages';
import type { Post } from './post';
import type { RunOutcome } from './run';
import type { DatasetSource, RunExtras } from './trainer';
import { validateConfig } from './validateConfig';

/** What the sweep needs of the trainer (the session's Trainer; a test may give its own). */
export interface SweepTrainer {
  readonly busy: boolean;
  readonly runKey: string | null;
  start(config: TrainConfig, resume: null, learningRate: undefined, extras: RunExtras): Promise<RunOutcome>;
  stop(): void;
}

export class SweepRunner {
  private status: SweepStatus | null = null;
  private loop: Promise<void> | null = null;
  private cancelled = false;
  private saveFailed = false;

  constructor(
    private readonly post: Post,
    private readonly trainer: SweepTrainer,
    private readonly data: DatasetSource,
  ) {}

  /** A sweep is under way (between its runs too): other runs and dataset changes wait. */
  get running(): boolean {
    return this.loop !== null;
  }

  /** Resolves when the sweep in progress has ended (tests). */
  get ended(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  async start(settings: SweepSettings, base: TrainConfig): Promise<void> {
    if (this.loop) throw new Error('A sweep is already running: cancel it before starting another.');
    if (this.trainer.busy) throw new Error('A run is in progress: stop it before starting a sweep.');
    const ds = this.data.dataset;
    if (!ds) throw new Error('Choose a dataset before starting a sweep.');
    if (this.data.loading) throw new Error(`${this.data.loading} is still loading; start when it is ready.`);
    if (ds.task === 'none' || !ds.y) throw new Error(nothingToFinetune(ds.name));
    const problem = sweepProblem(settings);
    if (problem) throw new Error(problem);
    let encoderName: string | null = null;
    if (settings.encoderId) {
      const { info } = await loadCheckpoint(settings.encoderId);
      if (info.stage !== 'pretrain')
        throw new Error(`"${info.name}" is a fine-tuned model; compare with a pretraining checkpoint (an encoder).`);
      const why = checkpointMismatch(info, ds, false);
      if (why) throw new Error(why);
      encoderName = `${info.config.objective.id} encoder (${info.name})`;
    }
    if (settings.semiSupervised && ds.task !== 'classification')
      throw new Error('The semi-supervised arms learn classes (pseudo-labels): leave them out for regression.');
    const plan = planSweep(settings, base.seed, ds.unlabeled?.length ?? 0);
    // The settings are checked once, before anything trains, with the first run of each arm.
    for (const arm of new Set(plan.map((p) => p.arm)))
      validateConfig(
        this.configOf(
          base,
          plan.find((p) => p.arm === arm)!,
          settings,
          ds,
        ),
        ds,
      );
    const now = Date.now();
    this.status = {
      id: crypto.randomUUID(),
      state: 'running',
      settings,
      base: { ...base, stage: 'finetune' },
      datasetName: ds.name,
      task: ds.task,
      metric: ds.task === 'classification' ? 'accuracy' : 'r2',
      encoderName,
      plan,
      results: [],
      current: null,
      runKeys: {},
      etaSeconds: null,
      startedAt: now,
      updatedAt: now,
    };
    await this.save();
    this.go();
  }

  /** Stops the run in progress and the sweep; the finished runs' results stay. */
  cancel(): void {
    if (!this.loop || !this.status) throw new Error('No sweep is running.');
    this.cancelled = true;
    const key = this.status.current?.runKey;
    if (key && this.trainer.runKey === key) this.trainer.stop();
  }

  /**
   * At start-up: shows the last sweep. One that was running when the page went away goes on
   * (see goOn) when `datasetBack`; otherwise it is marked stopped. Returns the run key it was
   * training, whose interrupted record the sweep itself reruns (not offered for resuming).
   */
  async load(datasetBack: boolean): Promise<string | null> {
    if (this.loop) return null;
    try {
      this.status = await loadSweep();
    } catch (e) {
      this.post({ type: 'warning', message: `The last sweep could not be read: ${errorMessage(e)}` });
      return null;
    }
    const s = this.status;
    if (!s) return null;
    const key = s.current?.runKey ?? null;
    if (s.state === 'running' && (!datasetBack || this.data.dataset?.name !== s.datasetName))
      await this.finish('stopped', `The sweep was interrupted and ${s.datasetName} is not loaded: start it again.`);
    else this.publish();
    return key;
  }

  /** Goes on with a sweep a reload interrupted, from its next unfinished run. */
  goOn(): void {
    if (this.status?.state === 'running' && !this.loop) this.go();
  }

  private go(): void {
    this.cancelled = false;
    this.loop = this.runAll()
      .catch((e: unknown) => this.finish('error', `The sweep failed: ${errorMessage(e)}`))
      .finally(() => (this.loop = null));
    this.publish();
  }

  private configOf(base: TrainConfig, spec: SweepRunSpec, settings: SweepSettings, ds: Dataset): TrainConfig {
    const task = ds.task === 'regression' ? 'regression' : 'classification';
    const config = sweepRunConfig(base, spec, settings.encoderId, { task, trainRows: ds.split.train.length });
    if (!settings.fit) return config;
    // Few labels train with their own batch, steps and recipe (as the page shows for one budget),
    // and each arm's method with its own optimizer and plan where the user set none.
    const fromPretrained = settings.encoderId !== null && config.encoderInit === 'pretrained';
    const started = methodStart(config, settings.fit);
    const fitted = fitToLabels(
      started,
      {
        labelled: budgetedRows(ds, config, config.seed).length,
        valRows: ds.split.val.length,
        fromPretrained,
        pictures: ds.kind === 'image' ? ds.source : null,
      },
      settings.fit,
    );
    const own = fitToMethod(fitted, summarize(ds), settings.fit, fromPretrained);
    return { ...own, checkpointEvery: own.epochs };
  }

  private async runAll(): Promise<void> {
    const s = this.status!;
    const total = s.plan.length;
    for (const spec of s.plan) {
      if (s.results.some((r) => r.index === spec.index)) continue;
      if (this.cancelled) return this.finish('stopped', 'Cancelled.');
      const ds = this.data.dataset;
      if (!ds || ds.name !== s.datasetName)
        return this.finish('stopped', `The dataset changed: the sweep needs ${s.datasetName}.`);
      const config = this.configOf(s.base, spec, s.settings, ds);
      const runKey = (s.runKeys[spec.index] ??= crypto.randomUUID());
      const startedAt = Date.now();
      s.current = { index: spec.index, runKey, startedAt };
      s.etaSeconds = sweepEta(s.results, total, 0);
      await this.save(); // before it trains: a reload reruns this one under the same key
      let outcome: RunOutcome;
      try {
        outcome = await this.trainer.start(config, null, undefined, {
          runKey,
          titlePrefix: `Sweep ${spec.index + 1}/${total} · `,
          endOnFault: true,
        });
      } catch (e) {
        s.current = null;
        return this.finish('error', `Run ${spec.index + 1} of ${total} could not start: ${errorMessage(e)}`);
      }
      s.current = null;
      // Stopped (cancel, or Stop on the run): the sweep ends; the finished runs stay.
      if (outcome.state === 'stopped' && !outcome.fault)
        return this.finish('stopped', this.cancelled ? 'Cancelled.' : 'Stopped with its run.');
      s.results.push(this.resultOf(spec, outcome, config, ds, runKey, (Date.now() - startedAt) / 1000));
      s.etaSeconds = sweepEta(s.results, total, 0);
      await this.save();
    }
    await this.finish('done');
  }

  private resultOf(
    spec: SweepRunSpec,
    outcome: RunOutcome,
    config: TrainConfig,
    ds: Dataset,
    runKey: string,
    seconds: number,
  ): SweepResult {
    const ev = outcome.evaluation;
    const metric = ev?.task === 'classification' ? ev.accuracy : ev?.task === 'regression' ? ev.r2 : null;
    const trainRows = budgetedRows(ds, config, config.seed).length;
    const x = ds.task === 'classification' ? trainRows / Math.max(1, ds.classNames.length) : trainRows;
    const failed = metric === null || !Number.isFinite(metric);
    const message =
      outcome.fault?.message ?? (failed ? 'no test metric (did it fail, or has the data no test rows?)' : undefined);
    return {
      ...spec,
      metric: failed ? null : metric,
      trainRows,
      x,
      seconds,
      runKey,
      state: failed ? 'error' : 'done',
      ...(message ? { message } : {}),
    };
  }

  private async finish(state: SweepStatus['state'], message?: string): Promise<void> {
    const s = this.status;
    if (!s) return;
    s.state = state;
    s.current = null;
    s.etaSeconds = state === 'running' ? s.etaSeconds : 0;
    if (message) s.message = message;
    else delete s.message;
    await this.save();
  }

  /** Kept in IndexedDB, then shown; a failed write is told once and the sweep goes on. */
  private async save(): Promise<void> {
    const s = this.status!;
    s.updatedAt = Date.now();
    try {
      await saveSweep(s);
    } catch (e) {
      if (!this.saveFailed)
        this.post({
          type: 'warning',
          message: `The sweep's progress could not be saved (it goes on, but a reload would lose it): ${errorMessage(e)}`,
        });
      this.saveFailed = true;
    }
    this.publish();
  }

  private publish(): void {
    // A copy: the page gets a snapshot, not an object the sweep keeps changing.
    this.post({ type: 'sweep', sweep: this.status ? structuredClone(this.status) : null });
  }
}
