// What a run does with checkpoints: it records its curve, saves model and optimizer every N epochs
// (waiting for the write, so a checkpoint is the state after exactly that epoch), keeps the
// latest K plus the best and the final one, and marks the run's status for a later reload.
import type * as tf from '@tensorflow/tfjs';
import { captureModel } from '../engine/checkpoint/serialize';
import type { Dataset } from '../engine/data/dataset';
import { inputSignature } from '../engine/pretrain/encoders';
import type { CheckpointInfo } from '../shared/types/models';
import type { EpochLog, Evaluation, RunSummary } from '../shared/types/results';
import type { Stage, TrainConfig } from '../shared/types/training';
import { errorMessage, formatBytes } from '../shared/format';
import { StorageFullError, applyRetention, getRun, listCheckpoints, putRun, saveCheckpoint } from './data/checkpoints';
import type { CheckpointData, RunRecord } from './data/db';
import { storageFull } from './messages';
import type { Post } from './post';

export interface RunHistory {
  series: string[];
  steps: number[];
  losses: number[][];
  epochs: EpochLog[];
}

/** A run's curve as a checkpoint stores it (typed arrays: a run can have a million steps). */
export function encodeHistory(h: RunHistory): CheckpointData['history'] {
  return {
    series: h.series,
    steps: Float32Array.from(h.steps),
    losses: h.losses.map((l) => Float32Array.from(l)),
    epochs: [...h.epochs],
  };
}

/** A stored curve as plain arrays again (to draw it, or to go on appending to it). */
export function decodeHistory(h: CheckpointData['history']): RunHistory {
  return {
    series: h.series,
    steps: Array.from(h.steps),
    losses: h.losses.map((l) => Array.from(l)),
    epochs: [...h.epochs],
  };
}

export interface CheckpointerOptions {
  post: Post;
  runKey: string;
  title: string;
  config: TrainConfig;
  ds: Dataset;
  /** The curve so far (a resumed run), or a fresh one with these series. */
  history: RunHistory;
  /** Where fine-tuning started, and the training rows it uses (for the run list). */
  from: string;
  trainRows: number;
}

export class RunCheckpointer {
  readonly runKey: string;
  readonly history: RunHistory;
  private readonly post: Post;
  private readonly title: string;
  private readonly stage: Stage;
  private readonly config: TrainConfig;
  private readonly ds: Dataset;
  private meta: { from: string; trainRows: number };
  private failedOnce = false;
  private status: RunRecord['status'] = 'running';
  private metrics: RunSummary['metrics'] = null;
  private startedAt = Date.now();
  private loadedStart = false;

  constructor(o: CheckpointerOptions) {
    ({
      post: this.post,
      runKey: this.runKey,
      title: this.title,
      config: this.config,
      ds: this.ds,
      history: this.history,
    } = o);
    this.stage = o.config.stage;
    this.meta = { from: o.from, trainRows: o.trainRows };
  }

  addLosses(steps: number[], losses: number[][]): void {
    this.history.steps.push(...steps);
    losses.forEach((values, k) => (this.history.losses[k] ??= []).push(...values));
  }

  addEpoch(log: EpochLog): void {
    this.history.epochs.push(log);
    void this.setStatus(this.status);
  }

  /** The test metrics, for the run list (without the example lists). */
  setMetrics(e: Evaluation): void {
    this.metrics =
      e.task === 'classification'
        ? { accuracy: e.accuracy, macroF1: e.macroF1, weightedF1: e.weightedF1 }
        : { r2: e.r2, mse: e.mse, mae: e.mae };
  }

  async setStatus(status: RunRecord['status']): Promise<void> {
    this.status = status;
    try {
      if (!this.loadedStart) {
        // A resumed run keeps the start time and start point of its record.
        this.loadedStart = true;
        const existing = await getRun(this.runKey);
        if (existing) {
          this.startedAt = existing.startedAt ?? this.startedAt;
          if (existing.from) this.meta = { from: existing.from, trainRows: existing.trainRows || this.meta.trainRows };
        }
      }
      await putRun({
        runKey: this.runKey,
        title: this.title,
        stage: this.stage,
        status,
        config: this.config,
        datasetName: this.ds.name,
        from: this.meta.from,
        trainRows: this.meta.trainRows,
        epochs: this.history.epochs,
        metrics: this.metrics,
        startedAt: this.startedAt,
        updatedAt: Date.now(),
      });
    } catch {
      // The run goes on; a reload then simply will not offer to resume it.
    }
  }

  /**
   * Saves after `log.epoch` when the interval says so, after the last epoch, and when the epoch's
   * linear probe beats every earlier one of the run (so the best-probe encoder is there to start
   * from). `final`: this is the run's result (early stopping's best epoch), whatever the interval;
   * when early stopping is on, only such a call marks the final checkpoint.
   */
  async afterEpoch(
    log: EpochLog,
    model: tf.LayersModel,
    optimizer: tf.Optimizer | null,
    final?: boolean,
  ): Promise<void> {
    const last =
      final ??
      (log.epoch === this.config.epochs && !(this.config.stage === 'finetune' && this.config.earlyStopping?.enabled));
    if (
      !last &&
      !this.bestProbeSoFar(log) &&
      log.epoch !== this.config.epochs &&
      log.epoch % Math.max(1, this.config.checkpointEvery) !== 0
    )
      return;
    const saved = await captureModel(model, optimizer);
    const info: CheckpointInfo = {
      id: `${this.runKey}-e${log.epoch}`,
      runKey: this.runKey,
      runTitle: this.title,
      name: `${this.title}, epoch ${log.epoch}`,
      stage: this.stage,
      epoch: log.epoch,
      totalEpochs: this.config.epochs,
      step: log.step,
      tags: last ? ['latest', 'final'] : ['latest'],
      valLoss: log.valLoss,
      valAccuracy: log.valAccuracy,
      ...(log.probe ? { probeAccuracy: log.probe.linear } : {}),
      bytes: saved.bytes,
      createdAt: Date.now(),
      datasetName: this.ds.name,
      inputSignature: inputSignature(this.ds),
      inputShape: this.ds.inputShape,
      classNames: this.ds.classNames,
      config: this.config,
    };
    try {
      await saveCheckpoint(info, {
        id: info.id,
        model: saved,
        preprocessing: this.ds.preprocessing,
        history: encodeHistory(this.history),
      });
      await applyRetention(this.runKey, Math.max(1, this.config.keepLast));
    } catch (e) {
      // Training goes on: the user is told once per run, with what to do.
      if (!this.failedOnce) {
        this.failedOnce = true;
        if (e instanceof StorageFullError)
          this.post({
            type: 'warning',
            code: 'storage-full',
            message: storageFull(
              log.epoch,
              formatBytes(e.neededBytes, { round: 'up' }),
              e.freeBytes !== null ? formatBytes(e.freeBytes) : null,
            ),
          });
        else this.post({ type: 'warning', message: errorMessage(e) });
      }
    }
    await this.publish();
  }

  /** Whether `log`'s linear probe is above every earlier epoch's of this run. */
  private bestProbeSoFar(log: EpochLog): boolean {
    if (!log.probe || !Number.isFinite(log.probe.linear)) return false;
    const earlier = this.history.epochs.filter((e) => e.epoch < log.epoch && e.probe);
    return earlier.every((e) => log.probe!.linear > e.probe!.linear);
  }

  async publish(): Promise<void> {
    try {
      this.post({ type: 'checkpoints', checkpoints: await listCheckpoints() });
    } catch (e) {
      this.post({ type: 'warning', message: `The checkpoint list could not be read: ${errorMessage(e)}` });
    }
  }
}
