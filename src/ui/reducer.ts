// The UI's state as a function of the worker's events: `reduce(state, event)` gives the next state
// and the alerts to raise, as data. No React, no worker, no callbacks: the store (store.ts) applies
// the state and turns the alerts' actions into buttons.
import type { WorkerEvent } from '../shared/protocol';
import { assertNever } from '../shared/assertNever';
import { isRunActive } from '../shared/runState';
import type { BackendInfo, BackendName, MemoryInfo } from '../shared/types/backends';
import type { ImageOptions, DatasetSummary } from '../shared/types/datasets';
import type { RunFault } from '../shared/types/faults';
import type { CheckpointInfo, ModelCard } from '../shared/types/models';
import type {
  EpochLog,
  Evaluation,
  LayerInfo,
  LrFinding,
  PretrainSnapshot,
  ProgressSnapshot,
  RunState,
  RunSummary,
} from '../shared/types/results';
import type { SweepStatus } from '../shared/types/sweep';
import { resolveConfig } from '../shared/settings/resolve';
import type { StudioSettings } from '../shared/settings/types';
import type { Stage, TrainConfig } from '../shared/types/training';

export interface RunView {
  id: number | null;
  state: RunState;
  message: string | null;
  stage: Stage;
  title: string;
  progress: ProgressSnapshot | null;
  /** Names of the loss series: ["loss"], or ["discriminator", "generator"] for a GAN. */
  series: string[];
  /**
   * Every batch loss of the run, per series (losses[k][i] belongs to steps[i]). Appended in place
   * (a run can have a million steps) and signalled by `lossVersion`, so an update never copies
   * the whole history (see the `progress` case of `reduce`).
   */
  steps: number[];
  losses: number[][];
  lossVersion: number;
  snapshot: PretrainSnapshot | null;
  epochs: EpochLog[];
  backend: BackendInfo | null;
  /** The settings the run really uses (a resumed run's are its checkpoint's). */
  config: TrainConfig | null;
  /** Fine-tuning: the layers and which of them train now (changes when freezing ends). */
  layers: LayerInfo[];
  layersEpoch: number;
  /** Things to know that are not faults (early stopping, best weights restored). */
  notices: string[];
  /** Why the run was paused or stopped (diverged, device lost, …), with what can be resumed. */
  fault: RunFault | null;
  /** Worker memory at the end of each epoch (a leak shows as growth). */
  epochMemory: { epoch: number; tensors: number }[];
}

/** A dataset load's progress: its phase, the fraction of it done, milliseconds since the phase began, and
 * `done` of `total` items where the phase counts them. */
export interface DatasetProgress {
  phase: string;
  fraction: number;
  elapsedMs?: number;
  done?: number;
  total?: number;
}

/** What the store holds besides its alerts and its functions: everything `reduce` reads and writes. */
export interface StudioData {
  workerReady: boolean;
  datasetLoading: string | null;
  /** The load's progress as the worker last reported it (see timeLeft.ts for the estimate). */
  datasetProgress: DatasetProgress | null;
  /** Size and colour for uploaded images, applied to the next upload and to the current images. */
  imageOptions: ImageOptions;
  dataset: DatasetSummary | null;
  /** What the user chose (stored); everything else follows the defaults of what is current. */
  settings: StudioSettings;
  /** The settings the shown stage runs with: resolved from `settings`, the dataset and the checkpoints. */
  config: TrainConfig;
  run: RunView;
  /** Settings fields whose text is not a valid value: Start waits until they are fixed. */
  invalidFields: string[];
  /** A start request is on its way (Start stays disabled until the worker answers). */
  startRequested: boolean;
  /** Checkpoints in IndexedDB, newest first. */
  checkpoints: CheckpointInfo[];
  /** Every kept run (IndexedDB), newest first. */
  runs: RunSummary[];
  /** The run keys of the runs ticked for comparing. */
  comparedRunKeys: string[];
  /** The results panel: the last run's evaluation, or one asked for on demand. */
  evaluation: Evaluation | null;
  /** The last finished fine-tuning run's model (download, inference), while the worker keeps it. */
  currentModel: ModelCard | null;
  /** Runs a reload interrupted, offered for resuming. */
  interrupted: { runKey: string; title: string; checkpoint: CheckpointInfo | null }[];
  /** The worker's memory, from its heartbeat. */
  memory: MemoryInfo | null;
  /** The worker was replaced after a crash or hang: offer its interrupted run once it is back. */
  recovering: boolean;
  /** The latest label-efficiency sweep (IndexedDB), as the worker last reported it. */
  sweep: SweepStatus | null;
  /** Each stage's last learning-rate sweep on this dataset: its curve so far and where it stands. */
  lrFinders: Partial<Record<Stage, LrFinderView>>;
  /** Column importance under way: columns shuffled so far of all (the untrained twin's included). */
  importanceProgress: { done: number; total: number } | null;
}

export interface LrFinderView {
  state: 'running' | 'done' | 'error';
  finding: LrFinding;
  backend?: BackendName;
  message?: string;
}

/** What an alert is about, for styling and tests (its data-kind): a run fault's kind, or the worker. */
export type AlertKind = RunFault['kind'] | 'worker' | 'worker-resume';

/** What an alert's button does, as data; the store binds it to the callbacks actions.ts provides. */
export type AlertActionSpec =
  /** Goes on after a run fault (actions.ts: recoverRun). */
  | { type: 'recover'; label: string; fault: RunFault }
  /** Frees storage (actions.ts: pruneCheckpoints). */
  | { type: 'prune'; label: string }
  /** Continues a checkpoint's run (actions.ts: resumeCheckpoint). */
  | { type: 'resumeCheckpoint'; label: string; checkpointId: string };

export interface AlertSpec {
  message: string;
  kind?: AlertKind;
  action?: AlertActionSpec;
}

export interface Reduction {
  /** The next state; the very object passed in when the event changes nothing. */
  state: StudioData;
  /** Alerts to raise, in this order. */
  alerts: AlertSpec[];
  /** Kinds of the alerts already shown that the event makes moot: they are taken down. */
  withdraw: AlertKind[];
}

/** Alerts whose "Resume" belongs to the worker that ran the run; a restarted worker offers its own. */
const FAULT_ALERTS: AlertKind[] = ['diverged', 'device-lost', 'out-of-memory'];

export const emptyRun = (): RunView => ({
  id: null,
  state: 'idle',
  message: null,
  stage: 'finetune',
  title: '',
  progress: null,
  series: ['loss'],
  steps: [],
  losses: [[]],
  lossVersion: 0,
  snapshot: null,
  epochs: [],
  backend: null,
  config: null,
  layers: [],
  layersEpoch: 0,
  notices: [],
  fault: null,
  epochMemory: [],
});

/**
 * `next` with its config resolved again when what it follows changed (the settings, the dataset, the
 * checkpoints); the very config object otherwise, so that its readers do not redraw.
 */
export function withResolvedConfig<S extends StudioData>(prev: StudioData, next: S): S {
  if (prev.settings === next.settings && prev.dataset === next.dataset && prev.checkpoints === next.checkpoints)
    return next;
  const config = resolveConfig(next.settings, { dataset: next.dataset, checkpoints: next.checkpoints });
  return JSON.stringify(config) === JSON.stringify(prev.config)
    ? { ...next, config: prev.config }
    : { ...next, config };
}

/** The button an alert about a run fault offers: none for a run too big to start. */
function faultAction(f: RunFault): AlertActionSpec | undefined {
  switch (f.kind) {
    case 'too-big':
      return undefined;
    case 'diverged':
      return {
        type: 'recover',
        label: `Resume from last good checkpoint with learning rate ${f.learningRate}`,
        fault: f,
      };
    case 'device-lost':
    case 'out-of-memory':
      return {
        type: 'recover',
        label: `Resume ${f.checkpointEpoch !== null ? `from epoch ${f.checkpointEpoch}` : 'from the start'}`,
        fault: f,
      };
    default:
      return assertNever(f.kind);
  }
}

/**
 * The next state after a worker event, and the alerts it raises. Pure but for one deliberate
 * exception: `progress` appends its batch losses to the shown run's `steps` and `losses` arrays in
 * place (and bumps `lossVersion`). A run can have a million steps and progress arrives a few times
 * a second: copying the whole history on every message would cost more than everything else the
 * UI does. Those arrays belong to the run alone (a new run, a restored curve or a resumed run's
 * history brings new arrays), and readers take `lossVersion`, not the arrays' identity, as the sign
 * of change.
 */
export function reduce(state: StudioData, event: WorkerEvent): Reduction {
  const e = event;
  if ('runId' in e && !(e.type === 'runPhase' && e.state === 'starting')) return reduceRunEvent(state, e);
  const unchanged: Reduction = { state, alerts: [], withdraw: [] };
  const next = changes(state);
  switch (e.type) {
    case 'ready':
      return next({ workerReady: true });
    case 'ok':
      return unchanged; // answered through the client's promises
    case 'crashing':
      return unchanged; // the client puts it in the crash alert
    case 'currentModel':
      return next({ currentModel: e.card });
    case 'heartbeat':
      return next({ memory: e.memory });
    case 'failed':
      // Failed requests are answered through the client's promises; id -1 is the worker itself.
      return e.id >= 0 ? unchanged : workerFailed(state, e.message);
    case 'warning':
      return next({}, [
        {
          message: e.message,
          action: e.code === 'storage-full' ? { type: 'prune', label: 'Delete old checkpoints' } : undefined,
        },
      ]);
    case 'datasetLoading':
      return next({ datasetLoading: e.name || null, datasetProgress: null });
    case 'datasetProgress':
      return next({
        datasetProgress: {
          phase: e.phase,
          fraction: e.fraction,
          ...(e.elapsedMs !== undefined ? { elapsedMs: e.elapsedMs } : {}),
          ...(e.done !== undefined && e.total !== undefined ? { done: e.done, total: e.total } : {}),
        },
      });
    case 'datasetLoaded':
      // The settings follow the dataset through their defaults (withResolvedConfig).
      return next({
        dataset: e.summary,
        imageOptions: e.summary.imageOptions ?? state.imageOptions,
        // A new dataset makes the last run's results stale, and the rate found for the last one.
        run: state.run.state === 'idle' ? state.run : emptyRun(),
        evaluation: null, // its labels or scaling may have changed
        lrFinders: {},
      });
    case 'runPhase':
      // "starting" opens a new run, whatever was shown before.
      return next({
        run: { ...emptyRun(), id: e.runId, state: 'starting', message: e.message ?? null },
        evaluation: null,
      });
    case 'checkpoints':
      // A start point that was deleted falls back to the default one (withResolvedConfig).
      return next({ checkpoints: e.checkpoints });
    case 'interrupted':
      return interrupted(state, e);
    case 'evaluated':
      return next({ evaluation: e.evaluation });
    case 'sweep':
      return next({ sweep: e.sweep });
    case 'lrFinder':
      return next({
        lrFinders: { ...state.lrFinders, [e.stage]: { state: e.state, finding: e.finding, backend: e.backend } },
      });
    case 'importanceProgress':
      return next({ importanceProgress: e.done < e.total ? { done: e.done, total: e.total } : null });
    case 'runs':
      return next({
        runs: e.runs,
        comparedRunKeys: state.comparedRunKeys.filter((k) => e.runs.some((r) => r.runKey === k)),
      });
    default:
      return assertNever(e);
  }
}

/** A patch of the state (the settings resolved again), with the alerts it raises and withdraws. */
const changes =
  (state: StudioData) =>
  (patch: Partial<StudioData>, alerts: AlertSpec[] = [], withdraw: AlertKind[] = []): Reduction => ({
    state: withResolvedConfig(state, { ...state, ...patch }),
    alerts,
    withdraw,
  });

/** An event of a run: those of a run other than the one shown (an earlier run's last words) change nothing. */
function reduceRunEvent(state: StudioData, e: Extract<WorkerEvent, { runId: number }>): Reduction {
  const run = state.run;
  if (run.id !== null && e.runId !== run.id) return { state, alerts: [], withdraw: [] };
  const next = changes(state);
  switch (e.type) {
    case 'epochMemory':
      return next({
        memory: e.memory,
        run: { ...run, epochMemory: [...run.epochMemory, { epoch: e.epoch, tensors: e.memory.tensors }] },
      });
    case 'runFault': {
      const f = e.fault;
      return next({ run: { ...run, fault: f } }, [{ message: f.message, action: faultAction(f), kind: f.kind }]);
    }
    case 'runPhase':
      return next({ run: { ...run, state: e.state, message: e.message ?? null } });
    case 'backend':
      return next({ run: { ...run, backend: e.info } }, e.info.fellBack ? [{ message: e.info.reason }] : []);
    case 'runStarted':
      return next({
        run: {
          ...run,
          stage: e.stage,
          series: e.series,
          title: e.title,
          config: e.config,
          losses: e.series.map(() => []),
        },
      });
    case 'progress':
      // The one mutation (see reduce): the run's loss history grows in place.
      run.steps.push(...e.steps);
      e.losses.forEach((values, k) => (run.losses[k] ??= []).push(...values));
      return next({ run: { ...run, progress: e.progress, lossVersion: run.lossVersion + 1 } });
    case 'snapshot':
      return next({ run: { ...run, snapshot: e.snapshot } });
    case 'runHistory':
      // Arrives right after runStarted, before any progress: the history is the curve so far.
      return next({
        run: { ...run, steps: e.steps, losses: e.losses, epochs: [...e.epochs], lossVersion: run.lossVersion + 1 },
      });
    case 'epoch':
      return next({ run: { ...run, epochs: [...run.epochs, e.log] } });
    case 'evaluation':
      return next({ evaluation: e.evaluation });
    case 'layers':
      return next({ run: { ...run, layers: e.layers, layersEpoch: e.epoch } });
    case 'bestRestored':
      return { state, alerts: [], withdraw: [] }; // the notice that comes with it says so
    case 'notice':
      return next({ run: { ...run, notices: [...run.notices, e.message] } });
    case 'runEnded':
      return next(
        { run: { ...run, state: e.state, message: e.message ?? null } },
        e.state === 'error' && e.message ? [{ message: e.message }] : [],
      );
    default:
      return assertNever(e);
  }
}

/** The worker crashed: nothing it was doing will answer; the UI must not stay busy. */
function workerFailed(state: StudioData, message: string): Reduction {
  const run = state.run;
  const active = isRunActive(run.state);
  return changes(state)(
    {
      datasetLoading: null,
      workerReady: false,
      currentModel: null, // it lived in the worker that stopped
      recovering: active,
      run: active ? { ...run, state: 'error', message, fault: null } : { ...run, fault: null },
    },
    [{ message, kind: 'worker' }],
    FAULT_ALERTS,
  );
}

/** Runs a reload or a worker restart interrupted: offered for resuming, the last one's curve shown. */
function interrupted(state: StudioData, e: Extract<WorkerEvent, { type: 'interrupted' }>): Reduction {
  const run = state.run;
  const alerts: AlertSpec[] = [];
  // After a worker restart, the run it was training is offered right in the alert.
  const resumable = e.runs.find(
    (r) => r.checkpoint && r.checkpoint.stage === 'finetune' && r.checkpoint.epoch < r.checkpoint.totalEpochs,
  );
  if (state.recovering && resumable) {
    const c = resumable.checkpoint!;
    alerts.push({
      message: `“${resumable.title}” was interrupted when the worker stopped; its last checkpoint is epoch ${c.epoch} of ${c.totalEpochs}.`,
      action: { type: 'resumeCheckpoint', label: `Resume from epoch ${c.epoch}`, checkpointId: c.id },
      kind: 'worker-resume',
    });
  }
  // The interrupted run's curve is shown as it was at its last checkpoint.
  const h = e.history;
  return changes(state)(
    {
      recovering: false,
      interrupted: e.runs,
      run:
        h && run.state === 'idle'
          ? {
              ...emptyRun(),
              state: 'stopped',
              message: 'Interrupted by a reload',
              title: h.title,
              series: h.series,
              steps: h.steps,
              losses: h.losses,
              epochs: h.epochs,
              lossVersion: 1,
            }
          : run,
    },
    alerts,
  );
}
