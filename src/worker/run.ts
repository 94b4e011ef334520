// One training run in the worker, as one object: it chooses the backend, lets its body build and
// train the network, forwards the engine's events (batch progress coalesced), keeps checkpoints,
// turns failures into faults, evaluates, and resolves to one outcome. Pretraining and fine-tuning
// differ only in their body (./bodies); an objective is a module of the engine's
// (engine/pretrain/objectives), which the pretraining body runs.
import { assertNever } from '../shared/assertNever';
import type * as tf from '@tensorflow/tfjs';
import { chooseBackend, type BackendHost, type DeviceFault, type DeviceWatch } from '../engine/backends';
import type { Dataset } from '../engine/data/dataset';
import { PRETRAIN_METHODS } from '../engine/pretrain/objectives';
import { TooBigError, isOutOfMemory, readMemory } from '../engine/memory';
import { RunControl } from '../engine/train/control';
import { evaluateTest } from '../engine/train/loop';
import { defaultReadEvery } from '../engine/train/measure';
import { completeConfig } from '../shared/defaults';
import { errorMessage } from '../shared/format';
import type { RunEventBody } from '../shared/protocol';
import type { BackendName } from '../shared/types/backends';
import type { RunFault } from '../shared/types/faults';
import type { CheckpointInfo } from '../shared/types/models';
import type { EpochLog, Evaluation } from '../shared/types/results';
import type { TrainConfig } from '../shared/types/training';
import type { EngineEvent, RunBody, RunPlan } from './bodies/body';
import { RunCheckpointer } from './checkpointing';
import { ProgressCoalescer } from './coalescer';
import { listCheckpoints, type SavedCheckpoint } from './data/checkpoints';
import * as say from './messages';
import type { Post } from './post';

/** How a run ended, and what it leaves. */
export interface RunOutcome {
  state: 'done' | 'stopped' | 'error';
  /**
   * The network it trained (fine-tuning), also after a stop or a divergence; null when it built
   * none or its device was lost. Whoever takes the outcome owns it.
   */
  model: tf.LayersModel | null;
  /** The epoch the model is at (early stopping: the best one), or null before the first. */
  lastEpoch: EpochLog | null;
  /** Test metrics, when it ended well and the dataset has a test split. */
  evaluation: Evaluation | null;
  title: string;
  /** What stopped or paused it, or null. */
  fault: RunFault | null;
}

export interface RunOptions {
  /** Tags its events (the UI ignores those of an older run). */
  id: number;
  ds: Dataset;
  /** The settings it trains with (see runConfig). */
  config: TrainConfig;
  body: RunBody;
  host: BackendHost;
  post: Post;
  /**
   * Going on from a checkpoint: its run's key (the run list and its checkpoints stay one run); a
   * sweep's run: the key the sweep gave it.
   */
  runKey?: string;
  /** A diverged run ends rather than waiting paused for a recovery (a sweep records it and goes on). */
  endOnFault?: boolean;
}

/**
 * The settings a run trains with: a resumed run's are its checkpoint's (settings newer than the
 * checkpoint completed with defaults) on the backend chosen now; a recovery lowers the rate.
 */
export function runConfig(requested: TrainConfig, resume: SavedCheckpoint | null, learningRate?: number): TrainConfig {
  const base = resume ? { ...completeConfig(resume.info.config), backend: requested.backend } : requested;
  const config = learningRate ? { ...base, learningRate } : base;
  // The objective's checkpoints say which encoder they hold (a pooled conv encoder, the Transformer).
  const saved = config.stage === 'pretrain' ? PRETRAIN_METHODS[config.objective.id].savedEncoder : undefined;
  if (saved) return { ...config, encoder: saved(config.encoder) };
  return config;
}

type Ended = RunOutcome['state'];

export class Run {
  readonly id: number;
  readonly config: TrainConfig;
  readonly control = new RunControl();
  /** Resolves once the run has ended, however it ended (it never rejects). */
  readonly finished: Promise<RunOutcome>;
  private checkpointer: RunCheckpointer | null = null;
  private watch: DeviceWatch | null = null;
  private active: BackendName | null = null;
  private title = '';
  private lastEpoch: EpochLog | null = null;
  private evaluation: Evaluation | null = null;
  private currentFault: RunFault | null = null;
  /** Why the loss diverged, once it did (the run then pauses when its generator has closed). */
  private diverged = '';

  constructor(private readonly o: RunOptions) {
    this.id = o.id;
    this.config = o.config;
    this.finished = this.execute();
  }

  /** The key its checkpoints and its record carry, once it has started. */
  get runKey(): string | null {
    return this.checkpointer?.runKey ?? null;
  }

  /** Set when a fault stopped it, or paused it (a diverged run waits until recovered or stopped). */
  get fault(): RunFault | null {
    return this.currentFault;
  }

  pause(): void {
    this.control.pause();
  }

  resume(): void {
    this.control.resume();
  }

  stop(): void {
    this.control.stop();
  }

  private emit(e: RunEventBody): void {
    this.o.post({ ...e, runId: this.id } as Parameters<Post>[0]);
  }

  private async execute(): Promise<RunOutcome> {
    let state: Ended;
    try {
      state = await this.train();
    } catch (e) {
      state = await this.failed(e).catch((again: unknown) => {
        // Telling the fault failed too (storage gone?): the page must still see the run end.
        this.emit({ type: 'runEnded', state: 'error', message: `Training failed: ${errorMessage(again)}` });
        return 'error' as const;
      });
    }
    try {
      this.watch?.dispose();
    } catch {
      // a watch on a lost device has nothing left to release
    }
    let model = this.o.body.model;
    if (model && this.currentFault?.kind === 'device-lost') {
      // Its tensors were on the lost device: it cannot be used again.
      try {
        model.dispose();
      } catch {
        // they went with the device
      }
      model = null;
    }
    return {
      state,
      model,
      lastEpoch: this.lastEpoch,
      evaluation: this.evaluation,
      title: this.title,
      fault: this.currentFault,
    };
  }

  private async train(): Promise<Ended> {
    const { ds, body, host } = this.o;
    const config = this.config;
    this.emit({
      type: 'runPhase',
      state: 'starting',
      message: config.backend === 'auto' ? 'Measuring backends…' : 'Starting backend…',
    });
    const plan = await body.plan();
    const info = await chooseBackend(config.backend, host, {
      requiredKernels: plan.requiredKernels,
      measure: () => plan.measure(),
    });
    this.emit({ type: 'backend', info });
    this.watch = host.watchDevice?.(info.active) ?? null;
    this.active = info.active;
    this.title = plan.title;
    const history = plan.history ?? { series: plan.series, steps: [], losses: plan.series.map(() => []), epochs: [] };
    const checkpointer = new RunCheckpointer({
      post: this.o.post,
      runKey: this.o.runKey ?? crypto.randomUUID(),
      title: plan.title,
      config,
      ds,
      history,
      from: plan.from,
      trainRows: plan.trainRows,
    });
    this.checkpointer = checkpointer;
    this.emit({ type: 'runStarted', stage: config.stage, series: plan.series, title: plan.title, config });
    if (plan.history)
      this.emit({ type: 'runHistory', steps: history.steps, losses: history.losses, epochs: history.epochs });
    await checkpointer.setStatus('running');

    this.emit({ type: 'runPhase', state: 'running' });
    const events = body.train({
      control: this.control,
      checkpointer,
      readEvery: defaultReadEvery(info.active),
      limits: host.deviceLimits?.(info.active) ?? null,
    });
    const outcome = await this.guarded(this.drive(events, plan));
    if ('failed' in outcome) return this.deviceFault(outcome.failed);
    await checkpointer.publish();
    if (this.diverged) return this.reportFault('diverged', this.diverged, true);
    if (body.model && outcome.done.steps > 0) {
      if (ds.split.test.length) {
        // The run's model becomes the session's current one when the run ends.
        this.evaluation = { ...(await evaluateTest(body.model, ds)), source: 'current' };
        checkpointer.setMetrics(this.evaluation);
        this.emit({ type: 'evaluation', evaluation: this.evaluation });
      } else this.o.post({ type: 'warning', message: say.noTestRows(ds.name) });
    }
    return this.end(outcome.done.state === 'stopped' ? 'stopped' : 'done');
  }

  /** Drives the body's generator to its end, always closing it (its finally frees tensors). */
  private async drive<R>(events: AsyncGenerator<EngineEvent, R>, plan: RunPlan): Promise<R> {
    const config = this.config;
    const stepsPerEpoch = plan.stepsPerEpoch ?? Math.ceil(plan.trainRows / config.batchSize);
    const total = config.epochs * stepsPerEpoch;
    const checkpointer = this.checkpointer!;
    const coalescer = new ProgressCoalescer(({ progress, steps, losses }) =>
      this.emit({ type: 'progress', progress, steps, losses }),
    );
    const forward = (ev: EngineEvent): void => {
      switch (ev.type) {
        case 'losses':
          coalescer.addLosses(ev.steps, ev.losses);
          checkpointer.addLosses(ev.steps, ev.losses);
          return;
        case 'batch': {
          const memory = readMemory();
          coalescer.setProgress({
            epoch: ev.epoch,
            batch: ev.batch,
            step: ev.step,
            stepsPerEpoch: ev.stepsPerEpoch,
            totalEpochs: config.epochs,
            samplesPerSec: ev.samplesPerSec,
            etaSeconds: ev.samplesPerSec > 0 ? ((total - ev.step) * config.batchSize) / ev.samplesPerSec : NaN,
            tensors: memory.tensors,
            bytes: memory.bytes,
            ...(plan.rateAt ? { learningRate: plan.rateAt(ev.step, ev.stepsPerEpoch) } : {}),
          });
          return;
        }
        case 'paused':
          coalescer.flush();
          this.emit({ type: 'runPhase', state: 'paused' });
          return;
        case 'resumed':
          this.emit({ type: 'runPhase', state: 'running' });
          return;
        case 'epoch':
          coalescer.flush();
          this.lastEpoch = ev.log;
          checkpointer.addEpoch(ev.log);
          this.emit({ type: 'epoch', log: ev.log });
          this.emit({ type: 'epochMemory', epoch: ev.log.epoch, memory: readMemory() });
          return;
        case 'snapshot':
          this.emit({ type: 'snapshot', snapshot: ev.snapshot });
          return;
        case 'layers':
          this.emit({ type: 'layers', epoch: ev.epoch, layers: ev.layers });
          return;
        case 'earlyStop':
          this.emit({
            type: 'notice',
            message: say.earlyStopped(ev.epoch, config.earlyStopping.patience, ev.bestEpoch),
          });
          return;
        case 'restoredBest':
          this.lastEpoch = ev.log;
          this.emit({ type: 'bestRestored', log: ev.log });
          this.emit({ type: 'notice', message: say.bestRestored(ev.epoch, ev.valLoss) });
          return;
        case 'diverged':
          this.diverged = say.divergedAt(ev);
          return;
        default:
          return assertNever(ev);
      }
    };
    try {
      let next = await events.next();
      while (!next.done) {
        forward(next.value);
        next = await events.next();
      }
      return next.value;
    } finally {
      await events.return(undefined as R);
      coalescer.flush();
    }
  }

  /** The run's work, or the device's failure, whichever comes first (a lost device may never answer a read). */
  private guarded<R>(work: Promise<R>): Promise<{ done: R } | { failed: DeviceFault }> {
    const fault = this.watch ? this.watch.fault : new Promise<DeviceFault>(() => undefined);
    return Promise.race([work.then((done) => ({ done })), fault.then((failed) => ({ failed }))]);
  }

  private async end(state: Ended, message?: string): Promise<Ended> {
    await this.checkpointer?.setStatus(state);
    this.emit(message ? { type: 'runEnded', state, message } : { type: 'runEnded', state });
    return state;
  }

  private async failed(e: unknown): Promise<Ended> {
    // A lost device often shows first as a failed operation: give its event a moment to arrive.
    const watch = this.watch;
    const device = watch
      ? (watch.happened ??
        (await Promise.race([watch.fault, new Promise<null>((r) => setTimeout(() => r(null), 300))])))
      : null;
    if (device) return this.deviceFault(device);
    if (e instanceof TooBigError) return this.reportFault('too-big', e.message, false);
    if (isOutOfMemory(e))
      return this.reportFault(
        'out-of-memory',
        say.outOfMemory(this.active ?? 'The backend', errorMessage(e), this.config.batchSize),
        false,
      );
    return this.end('error', `Training failed: ${errorMessage(e)}`);
  }

  /** A lost device or a GPU out of memory: the run stops; the backend is made anew for the next. */
  private deviceFault(f: DeviceFault): Promise<Ended> {
    this.control.stop();
    if (f.kind === 'device-lost' && this.active) this.o.host.resetBackend?.(this.active);
    const why =
      f.kind === 'device-lost' ? say.deviceLost(f.detail) : say.outOfMemory('The GPU', f.detail, this.config.batchSize);
    return this.reportFault(f.kind, why, false);
  }

  /** The run's newest checkpoint it can go on from (fine-tuning, not its end), if any. */
  private async lastGood(): Promise<CheckpointInfo | null> {
    const runKey = this.runKey;
    if (!runKey || this.config.stage !== 'finetune') return null;
    try {
      const mine = (await listCheckpoints())
        .filter((c) => c.runKey === runKey && c.epoch < c.totalEpochs)
        .sort((a, b) => b.epoch - a.epoch);
      return mine[0] ?? null;
    } catch {
      return null;
    }
  }

  /**
   * Tells the UI what stopped the run and what is kept. A diverged run then waits paused (its
   * weights are not saved) until it is recovered or stopped; any other fault ends it.
   */
  private async reportFault(kind: RunFault['kind'], why: string, pause: boolean): Promise<Ended> {
    const good = await this.lastGood();
    const kept = say.keptCheckpoint(good?.epoch ?? null);
    const where = { checkpointId: good?.id ?? null, checkpointEpoch: good?.epoch ?? null };
    const fault: RunFault =
      kind === 'diverged'
        ? {
            kind,
            message: say.divergedFault(why, kept, this.config.learningRate),
            ...where,
            learningRate: this.config.learningRate / 10,
          }
        : { kind, message: say.stoppedFault(why, kept), ...where };
    this.currentFault = fault;
    this.emit({ type: 'runFault', fault });
    if (!pause || this.o.endOnFault) return this.end('error');
    await this.checkpointer?.setStatus('stopped');
    this.emit({ type: 'runPhase', state: 'paused', message: fault.message });
    this.control.pause();
    await this.control.waitWhilePaused(); // until the session recovers the run or the user stops it
    this.emit({ type: 'runEnded', state: 'stopped' });
    return 'stopped';
  }
}
