// One run in the worker: choose the backend, build (or restore) the network, drive the engine's
// generator, forward its events (batch progress coalesced), save checkpoints, evaluate.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, type BackendHost, type DeviceFault, type DeviceWatch } from '../engine/backends';
import { restoreModel, restoreOptimizer } from '../engine/checkpoint/serialize';
import type { Dataset } from '../engine/data/dataset';
import { TRAINING_KERNELS, buildModel } from '../engine/models/build';
import { classifierFromEncoder, inputSignature, savedWeights } from '../engine/pretrain/encoders';
import { buildDecoder, buildEncoder } from '../engine/pretrain/models';
import { SERIES, pretrain, pretrainRows, type PretrainEvent } from '../engine/pretrain/pretrain';
import { RunControl } from '../engine/train/control';
import { evaluateTest, labelBudget, trainClassifier, type TrainEvent } from '../engine/train/loop';
import { defaultReadEvery, measureAutoencoder, measureThroughput } from '../engine/train/measure';
import type { Preprocessing } from '../shared/preprocessing';
import { learningRateAt } from '../shared/schedule';
import { TooBigError, checkFits, isOutOfMemory, readMemory } from '../engine/memory';
import { completeConfig } from '../shared/defaults';
import type { BackendName } from '../shared/types/backends';
import type { CheckpointInfo } from '../shared/types/models';
import type { RunFault } from '../shared/types/faults';
import type { TrainConfig } from '../shared/types/training';
import { RunCheckpointer, type RunHistory } from './checkpointing';
import { ProgressCoalescer } from './coalescer';
import type { CheckpointData } from './data/db';
import { deleteCheckpoint, listCheckpoints, loadCheckpoint } from './data/checkpoints';
import type { Post } from './post';

export interface RunRequest {
  runId: number;
  ds: Dataset;
  config: TrainConfig;
  control: RunControl;
  /** Continue this checkpoint's run (fine-tuning only). */
  resume?: { info: CheckpointInfo; data: CheckpointData };
  /** Recovering from a fault: this learning rate replaces the run's. */
  learningRate?: number;
  /** Told of a fault before the run pauses or ends for it (see faults.ts). */
  onFault?: (fault: RunFault) => void;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Why a checkpoint cannot start a network for `ds`, or null. `whole`: its head is reused too. */
export function checkpointMismatch(info: CheckpointInfo, ds: Dataset, whole: boolean): string | null {
  if (info.inputSignature !== inputSignature(ds))
    return `The checkpoint "${info.name}" was trained on ${info.datasetName} (input ${info.inputShape.join('×')}); ${ds.name} has other inputs (${ds.inputShape.join('×')} or other columns). Start from scratch, or pretrain on this dataset first.`;
  if (whole && info.classNames.join('\u0000') !== ds.classNames.join('\u0000'))
    return `The checkpoint "${info.name}" predicts other classes (${info.classNames.join(', ') || 'a number'}) than ${ds.name} (${ds.classNames.join(', ') || 'a number'}). Start from scratch instead.`;
  return null;
}

/**
 * An imported model was trained on inputs scaled its own way: fine-tuning it on data scaled
 * otherwise would feed it numbers it never saw. Null when the scaling agrees.
 */
export function scalingMismatch(
  name: string,
  theirs: Preprocessing,
  ours: Preprocessing,
  dsName: string,
): string | null {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  if (theirs.kind === 'image' && ours.kind === 'image') {
    if (!close(theirs.scale, ours.scale))
      return `The imported model "${name}" expects pixels times ${theirs.scale}, ${dsName} gives times ${ours.scale}.`;
    return null;
  }
  if (theirs.kind !== 'table' || ours.kind !== 'table')
    return `The imported model "${name}" reads ${theirs.kind === 'image' ? 'images' : 'table rows'}; ${dsName} is ${ours.kind === 'image' ? 'images' : 'a table'}.`;
  for (const [i, f] of theirs.features.entries()) {
    const g = ours.features[i]!;
    if (f.type === 'numeric' && g.type === 'numeric' && !(close(f.mean, g.mean) && close(f.std, g.std)))
      return `The imported model "${name}" standardizes "${f.column}" with mean ${f.mean.toPrecision(6)} and std ${f.std.toPrecision(6)}; ${dsName} uses mean ${g.mean.toPrecision(6)} and std ${g.std.toPrecision(6)}. Its preprocessing does not match this dataset, so it cannot be trained on it: load the data it was trained on (same rows and split), or start from scratch.`;
  }
  return null;
}

/** The network a fine-tuning run starts with: scratch, a pretrained encoder, or a fine-tuned model. */
async function startingModel(
  config: TrainConfig,
  ds: Dataset,
  outputs: number,
): Promise<{ build: () => Promise<tf.LayersModel>; conv: boolean; from: string }> {
  if (config.initFrom === 'scratch')
    return {
      build: async () => buildModel(config.model, ds.inputShape, outputs, config.seed, config.head),
      conv: config.model === 'cnn',
      from: 'scratch',
    };
  const { info, data } = await loadCheckpoint(config.initFrom);
  const why =
    checkpointMismatch(info, ds, info.stage === 'finetune') ??
    (info.origin === 'import' ? scalingMismatch(info.name, data.preprocessing, ds.preprocessing, ds.name) : null);
  if (why) throw new Error(info.origin === 'import' ? `${why} (imported from ${info.importedFrom})` : why);
  if (info.stage === 'pretrain') {
    const weights = savedWeights(data.model);
    return {
      build: async () =>
        classifierFromEncoder(info.config.encoder, weights, ds.inputShape, outputs, config.seed, config.head),
      conv: info.config.encoder.kind === 'conv',
      from: `${info.config.objective} encoder (${info.name})`,
    };
  }
  return {
    build: () => restoreModel(data.model, `The checkpoint "${info.name}"`),
    conv: JSON.stringify(data.model.modelTopology).includes('Conv2D'),
    from: info.name,
  };
}

export async function executeRun(
  req: RunRequest,
  host: BackendHost,
  post: Post,
  keepModel: (m: tf.LayersModel) => void,
  /** Tells the session which run is writing checkpoints (pruning leaves it alone). */
  onRunKey: (runKey: string) => void,
): Promise<void> {
  const { runId, ds, control, resume } = req;
  // Checkpoints of older versions lack newer settings: the defaults fill them in.
  const base: TrainConfig = resume
    ? { ...completeConfig(resume.info.config), backend: req.config.backend }
    : req.config;
  const config: TrainConfig = req.learningRate ? { ...base, learningRate: req.learningRate } : base;
  let checkpointer: RunCheckpointer | null = null;
  let watch: DeviceWatch | null = null;
  let active: BackendName | null = null;
  /** The run's newest checkpoint it can go on from (fine-tuning, not its end), if any. */
  const lastGood = async (): Promise<CheckpointInfo | null> => {
    if (!checkpointer || config.stage !== 'finetune') return null;
    try {
      const mine = (await listCheckpoints())
        .filter((c) => c.runKey === checkpointer!.runKey && c.epoch < c.totalEpochs)
        .sort((a, b) => b.epoch - a.epoch);
      return mine[0] ?? null;
    } catch {
      return null;
    }
  };
  /** Tells the UI; a diverged run then waits paused (its weights are not saved) until recovered or stopped. */
  const fault = async (kind: RunFault['kind'], why: string, pause: boolean): Promise<void> => {
    const good = await lastGood();
    const where = good
      ? `the checkpoint of epoch ${good.epoch} is kept`
      : 'no checkpoint of this run was written yet, so it can start again from its beginning';
    const f: RunFault =
      kind === 'diverged'
        ? {
            kind,
            message: `${why} Training is paused; ${where}. Likely cause: the learning rate (${config.learningRate}) is too high, or the inputs are not scaled (raw values such as pixels 0–255).`,
            checkpointId: good?.id ?? null,
            checkpointEpoch: good?.epoch ?? null,
            learningRate: config.learningRate / 10,
          }
        : {
            kind,
            message: `${why} The run stopped; ${where}. Resume on this or another backend (Training → Backend).`,
            checkpointId: good?.id ?? null,
            checkpointEpoch: good?.epoch ?? null,
          };
    req.onFault?.(f);
    post({ type: 'runFault', runId, fault: f });
    if (!pause) {
      await checkpointer?.setStatus('error');
      post({ type: 'runEnded', runId, state: 'error' });
      return;
    }
    await checkpointer?.setStatus('stopped');
    post({ type: 'runPhase', runId, state: 'paused', message: f.message });
    control.pause();
    await control.waitWhilePaused(); // until the session recovers the run or the user stops it
    post({ type: 'runEnded', runId, state: 'stopped' });
  };
  /** A lost device or a GPU out of memory: the run stops; the backend is made new for the next. */
  const deviceFault = async (f: DeviceFault): Promise<void> => {
    control.stop();
    if (f.kind === 'device-lost' && active) host.resetBackend?.(active);
    const why =
      f.kind === 'device-lost'
        ? `The GPU device was lost (${f.detail}).`
        : `The GPU ran out of memory (${f.detail}) with a batch of ${config.batchSize}. Lower the batch size or use a smaller model.`;
    await fault(f.kind, why, false);
  };
  try {
    post({
      type: 'runPhase',
      runId,
      state: 'starting',
      message: config.backend === 'auto' ? 'Measuring backends…' : 'Starting backend…',
    });
    const pretraining = config.stage === 'pretrain';
    const outputs = ds.task === 'classification' ? ds.classNames.length : 0;
    if (resume) {
      const why = checkpointMismatch(resume.info, ds, true);
      if (why) throw new Error(why);
      // Resuming an earlier epoch abandons the run's later checkpoints (another future).
      for (const c of await listCheckpoints())
        if (c.runKey === resume.info.runKey && c.epoch > resume.info.epoch) await deleteCheckpoint(c.id);
    }
    const start = pretraining || resume ? null : await startingModel(config, ds, outputs);
    const conv = pretraining
      ? config.encoder.kind === 'conv'
      : resume
        ? JSON.stringify(resume.data.model.modelTopology).includes('Conv2D')
        : start!.conv;
    const info = await chooseBackend(config.backend, host, {
      requiredKernels: conv ? TRAINING_KERNELS.cnn : [],
      measure: () =>
        pretraining
          ? measureAutoencoder(config.encoder, ds, config.batchSize)
          : measureThroughput(
              () => buildModel(config.model, ds.inputShape, outputs, config.seed),
              ds,
              config.batchSize,
            ),
    });
    post({ type: 'backend', runId, info });
    watch = host.watchDevice?.(info.active) ?? null;
    active = info.active;
    const readEvery = defaultReadEvery(info.active);
    const trainRows = pretraining ? pretrainRows(ds).length : labelBudget(ds, config, config.seed).length;
    const stepsPerEpoch = Math.ceil(trainRows / config.batchSize);
    const total = config.epochs * stepsPerEpoch;
    const title = resume
      ? resume.info.runTitle
      : pretraining
        ? `Pretrain ${config.objective}, ${ds.name}`
        : `Fine-tune ${ds.name} from ${start!.from}`;
    const series = pretraining ? SERIES[config.objective] : ['loss'];
    const history: RunHistory | undefined = resume
      ? {
          series: resume.data.history.series,
          steps: Array.from(resume.data.history.steps),
          losses: resume.data.history.losses.map((l) => Array.from(l)),
          epochs: [...resume.data.history.epochs],
        }
      : { series, steps: [], losses: series.map(() => []), epochs: [] };
    const from = resume
      ? resume.info.config.initFrom === 'scratch'
        ? 'scratch'
        : resume.info.runTitle
      : pretraining
        ? ''
        : start!.from;
    checkpointer = new RunCheckpointer(
      post,
      resume?.info.runKey ?? crypto.randomUUID(),
      title,
      config.stage,
      config,
      ds,
      history,
      { from, trainRows },
    );
    onRunKey(checkpointer.runKey);
    post({ type: 'runStarted', runId, stage: config.stage, series, title, config });
    if (resume)
      post({ type: 'runHistory', runId, steps: history!.steps, losses: history!.losses, epochs: history!.epochs });
    await checkpointer.setStatus('running');

    const coalescer = new ProgressCoalescer(({ progress, steps, losses }) =>
      post({ type: 'progress', runId, progress, steps, losses }),
    );
    let diverged = '';
    const faultOrNever = watch ? (watch as DeviceWatch).fault : new Promise<DeviceFault>(() => undefined);
    /** Drives the run until it ends or the device fails (a lost device may never answer a read). */
    const guarded = async <R>(work: Promise<R>): Promise<{ done: R } | { failed: DeviceFault }> =>
      Promise.race([work.then((done) => ({ done })), faultOrNever.then((failed) => ({ failed }))]);
    const cp = checkpointer;
    const onEvent = (ev: TrainEvent | PretrainEvent): void => {
      switch (ev.type) {
        case 'losses':
          coalescer.addLosses(ev.steps, ev.losses);
          cp.addLosses(ev.steps, ev.losses);
          break;
        case 'batch': {
          const memory = tf.memory();
          coalescer.setProgress({
            epoch: ev.epoch,
            batch: ev.batch,
            step: ev.step,
            stepsPerEpoch: ev.stepsPerEpoch,
            totalEpochs: config.epochs,
            samplesPerSec: ev.samplesPerSec,
            etaSeconds: ev.samplesPerSec > 0 ? ((total - ev.step) * config.batchSize) / ev.samplesPerSec : NaN,
            tensors: memory.numTensors,
            bytes: memory.numBytes,
            ...(pretraining ? {} : { learningRate: learningRateAt(config, ev.step - 1, ev.stepsPerEpoch) }),
          });
          break;
        }
        case 'paused':
          coalescer.flush();
          post({ type: 'runPhase', runId, state: 'paused' });
          break;
        case 'resumed':
          post({ type: 'runPhase', runId, state: 'running' });
          break;
        case 'epoch':
          coalescer.flush();
          cp.addEpoch(ev.log);
          post({ type: 'epoch', runId, log: ev.log });
          post({ type: 'epochMemory', runId, epoch: ev.log.epoch, memory: readMemory() });
          break;
        case 'snapshot':
          post({ type: 'snapshot', runId, snapshot: ev.snapshot });
          break;
        case 'layers':
          post({ type: 'layers', runId, epoch: ev.epoch, layers: ev.layers });
          break;
        case 'earlyStop':
          post({
            type: 'notice',
            runId,
            message: `Early stopping after epoch ${ev.epoch}: the validation loss has not improved for ${config.earlyStopping.patience} epochs (best: epoch ${ev.bestEpoch}).`,
          });
          break;
        case 'restoredBest':
          post({ type: 'bestRestored', runId, log: ev.log });
          post({
            type: 'notice',
            runId,
            message: `The weights of epoch ${ev.epoch} (the lowest validation loss, ${ev.valLoss.toFixed(4)}) were restored; the test metrics are theirs.`,
          });
          break;
        case 'diverged':
          diverged =
            ev.bound !== undefined
              ? `Training diverged at step ${ev.step}: the ${ev.series} grew to ${ev.loss.toFixed(2)}, past the bound of ${ev.bound.toFixed(2)} (3 × the loss of random guessing, or of the first batch if higher).`
              : `Training diverged at step ${ev.step}: the ${ev.series} became ${ev.loss}.`;
          break;
      }
    };
    // Drives a run's generator to its end, always closing it (its finally frees tensors).
    const drive = async <R>(gen: AsyncGenerator<TrainEvent | PretrainEvent, R>): Promise<R> => {
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
    const ended = async (state: 'done' | 'stopped' | 'error', msg?: string) => {
      await cp.setStatus(state);
      post(msg ? { type: 'runEnded', runId, state, message: msg } : { type: 'runEnded', runId, state });
    };

    post({ type: 'runPhase', runId, state: 'running' });
    if (pretraining) {
      // Too big for this backend: said before the first step, with the limit (encoder and decoder).
      const limits = host.deviceLimits?.(info.active);
      if (limits) {
        const probes = [buildEncoder(config.encoder, ds.inputShape, config.seed)];
        try {
          if (config.objective !== 'gan')
            probes.push(buildDecoder(config.encoder, ds.inputShape, ds.kind === 'image', config.seed));
          for (const m of probes) checkFits(m, config.batchSize, limits);
        } finally {
          probes.forEach((m) => m.dispose());
        }
      }
      const outcome = await guarded(
        drive(pretrain(ds, { ...config, readEvery }, control, (log, encoder) => cp.afterEpoch(log, encoder, null))),
      );
      if ('failed' in outcome) return await deviceFault(outcome.failed);
      outcome.done.encoder.dispose();
      await cp.publish();
      if (diverged) return await fault('diverged', diverged, true);
      await ended(outcome.done.state === 'stopped' ? 'stopped' : 'done');
      return;
    }

    const model = resume
      ? await restoreModel(resume.data.model, `The checkpoint "${resume.info.name}"`)
      : await start!.build();
    keepModel(model);
    // Too big for this backend: said before the first step, with the limit.
    const limits = host.deviceLimits?.(info.active);
    if (limits) checkFits(model, config.batchSize, limits);
    const cfg = {
      ...config,
      readEvery,
      startEpoch: resume ? resume.info.epoch + 1 : 1,
      startStep: resume ? resume.info.step : 0,
    };
    const outcome = await guarded(
      drive(
        trainClassifier(model, ds, cfg, control, {
          restoreOptimizer: resume ? (opt) => restoreOptimizer(opt, resume.data.model.optimizer) : undefined,
          afterEpoch: (log, m, opt, last) => cp.afterEpoch(log, m, opt, last),
        }),
      ),
    );
    if ('failed' in outcome) return await deviceFault(outcome.failed);
    const final = outcome.done;
    if (diverged) return await fault('diverged', diverged, true);
    if (final.steps > 0) {
      if (ds.split.test.length) {
        const evaluation = await evaluateTest(model, ds);
        cp.setMetrics(evaluation);
        post({ type: 'evaluation', runId, evaluation });
      } else
        post({
          type: 'warning',
          message: `${ds.name} has no test rows, so there are no test metrics. Raise the test share or add rows.`,
        });
    }
    await ended(final.state === 'stopped' ? 'stopped' : 'done');
  } catch (e) {
    // A lost device often shows first as a failed operation: give its event a moment to arrive.
    const device = watch
      ? (watch.happened ??
        (await Promise.race([watch.fault, new Promise<null>((r) => setTimeout(() => r(null), 300))])))
      : null;
    if (device) return await deviceFault(device);
    if (e instanceof TooBigError) return await fault('too-big', e.message, false);
    if (isOutOfMemory(e))
      return await fault(
        'out-of-memory',
        `${active ?? 'The backend'} ran out of memory (${message(e)}) with a batch of ${config.batchSize}. Lower the batch size or use a smaller model.`,
        false,
      );
    if (checkpointer) await checkpointer.setStatus('error');
    post({ type: 'runEnded', runId, state: 'error', message: `Training failed: ${message(e)}` });
  } finally {
    watch?.dispose();
  }
}
