// The UI's single store. The worker owns tensors and the run; this holds what the UI shows.
import { create } from 'zustand';
import type { WorkerEvent } from '../shared/protocol';
import { DEFAULT_CONFIG, completeConfig, DEFAULT_IMAGE_OPTIONS } from '../shared/defaults';
import type { BackendInfo, MemoryInfo } from '../shared/types/backends';
import type { CheckpointInfo, ModelCard } from '../shared/types/models';
import type { EncoderSpec, Stage, TrainConfig } from '../shared/types/training';
import type { ImageOptions, DatasetSummary } from '../shared/types/datasets';
import type {
  PretrainSnapshot,
  EpochLog,
  Evaluation,
  LayerInfo,
  RunSummary,
  ProgressSnapshot,
  RunState,
} from '../shared/types/results';
import type { RunFault } from '../shared/types/faults';

export interface AlertAction {
  label: string;
  run: () => void;
}

export interface Alert {
  id: number;
  message: string;
  action?: AlertAction;
  /** What went wrong, for styling and tests: a run fault's kind, "worker", … */
  kind?: string;
}

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
   * the whole history.
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

export interface StudioState {
  workerReady: boolean;
  datasetLoading: string | null;
  datasetProgress: { phase: string; fraction: number } | null;
  /** Size and colour for uploaded images, applied to the next upload and to the current images. */
  imageOptions: ImageOptions;
  dataset: DatasetSummary | null;
  config: TrainConfig;
  run: RunView;
  alerts: Alert[];
  /** Settings fields whose text is not a valid value: Start waits until they are fixed. */
  invalidFields: string[];
  /** A start request is on its way (Start stays disabled until the worker answers). */
  starting: boolean;
  /** Checkpoints in IndexedDB, newest first. */
  checkpoints: CheckpointInfo[];
  /** Every kept run (IndexedDB), newest first, and the ones ticked for comparing. */
  runs: RunSummary[];
  compare: string[];
  toggleCompare(runKey: string): void;
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
  /** Set by actions.ts: goes on after a run fault; resumes a checkpoint. */
  onRecover?: (fault: RunFault) => void;
  onResumeCheckpoint?: (checkpointId: string) => void;
  setFieldInvalid(field: string, invalid: boolean): void;
  /** Set by actions.ts: frees storage (the storage-full alert's button). */
  onPrune?: () => void;
  setConfig(patch: Partial<TrainConfig>): void;
  pushAlert(message: string, action?: AlertAction, kind?: string): void;
  dismissAlert(id: number): void;
  applyEvent(e: WorkerEvent): void;
}

const emptyRun = (): RunView => ({
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

let alertCounter = 0;

// The training settings (backend, optimizer, epochs…) are kept across reloads, in this browser only.
const CONFIG_KEY = 'pretrain-studio:config';

function loadConfig(): TrainConfig {
  try {
    const stored = globalThis.localStorage?.getItem(CONFIG_KEY);
    return stored ? completeConfig(JSON.parse(stored) as Partial<TrainConfig>) : { ...DEFAULT_CONFIG };
  } catch {
    return { ...DEFAULT_CONFIG }; // unreadable or from an incompatible version: start afresh
  }
}

function saveConfig(config: TrainConfig): void {
  try {
    globalThis.localStorage?.setItem(CONFIG_KEY, JSON.stringify(config));
  } catch {
    // storage full or disabled: the settings simply do not survive a reload
  }
}

/** Images: one Dense(128) layer, the reference model's first layer. Tables: half the inputs. */
export function defaultEncoder(ds: DatasetSummary): EncoderSpec {
  return {
    kind: 'dense',
    widths: [ds.kind === 'image' ? 128 : Math.max(2, Math.min(64, Math.round(ds.features / 2)))],
  };
}

export const useStudio = create<StudioState>()((set, get) => ({
  workerReady: false,
  datasetLoading: null,
  datasetProgress: null,
  imageOptions: { ...DEFAULT_IMAGE_OPTIONS },
  dataset: null,
  config: loadConfig(),
  run: emptyRun(),
  alerts: [],
  invalidFields: [],
  checkpoints: [],
  interrupted: [],
  currentModel: null,
  memory: null,
  recovering: false,
  starting: false,
  runs: [],
  compare: [],
  evaluation: null,
  toggleCompare: (runKey) =>
    set((s) => ({
      compare: s.compare.includes(runKey) ? s.compare.filter((k) => k !== runKey) : [...s.compare, runKey],
    })),

  setFieldInvalid: (field, invalid) =>
    set((s) => {
      const has = s.invalidFields.includes(field);
      if (has === invalid) return s;
      return { invalidFields: invalid ? [...s.invalidFields, field] : s.invalidFields.filter((f) => f !== field) };
    }),
  setConfig: (patch) =>
    set((s) => {
      const config = { ...s.config, ...patch };
      saveConfig(config);
      return { config };
    }),
  pushAlert: (message, action, kind) =>
    set((s) => ({ alerts: [...s.alerts, { id: ++alertCounter, message, action, kind }] })),
  dismissAlert: (id) => set((s) => ({ alerts: s.alerts.filter((a) => a.id !== id) })),

  applyEvent: (e) => {
    const run = get().run;
    const isCurrent = 'runId' in e && (run.id === null || e.runId === run.id);
    switch (e.type) {
      case 'ready':
        set({ workerReady: true });
        return;
      case 'ok':
        return; // answered through the client's promises
      case 'currentModel':
        set({ currentModel: e.card });
        return;
      case 'heartbeat':
        set({ memory: e.memory });
        return;
      case 'epochMemory':
        if (isCurrent)
          set({
            memory: e.memory,
            run: { ...run, epochMemory: [...run.epochMemory, { epoch: e.epoch, tensors: e.memory.tensors }] },
          });
        return;
      case 'runFault': {
        if (!isCurrent) return;
        const f = e.fault;
        set({ run: { ...run, fault: f } });
        const from = f.checkpointEpoch !== null ? `from epoch ${f.checkpointEpoch}` : 'from the start';
        const label =
          f.kind === 'diverged'
            ? `Resume from last good checkpoint with learning rate ${f.learningRate}`
            : f.kind === 'too-big'
              ? null
              : `Resume ${from}`;
        get().pushAlert(f.message, label ? { label, run: () => get().onRecover?.(f) } : undefined, f.kind);
        return;
      }
      case 'failed':
        if (e.id < 0) {
          // The worker crashed: nothing it was doing will answer; the UI must not stay busy.
          get().pushAlert(e.message, undefined, 'worker');
          set((s) => ({
            // A fault's "Resume" belonged to the worker that stopped; the restart offers its own.
            alerts: s.alerts.filter((a) => !['diverged', 'device-lost', 'out-of-memory'].includes(a.kind ?? '')),
            datasetLoading: null,
            workerReady: false,
            currentModel: null, // it lived in the worker that stopped
            recovering: ['starting', 'running', 'paused'].includes(s.run.state),
            run: ['starting', 'running', 'paused'].includes(s.run.state)
              ? { ...s.run, state: 'error', message: e.message, fault: null }
              : { ...s.run, fault: null },
          }));
        }
        return;
      case 'warning':
        get().pushAlert(
          e.message,
          e.code === 'storage-full' ? { label: 'Delete old checkpoints', run: () => get().onPrune?.() } : undefined,
        );
        return;
      case 'datasetLoading':
        set({ datasetLoading: e.name || null, datasetProgress: null });
        return;
      case 'datasetProgress':
        set({ datasetProgress: { phase: e.phase, fraction: e.fraction } });
        return;
      case 'datasetLoaded': {
        const model = e.summary.kind === 'image' ? get().config.model : 'mlp';
        const previous = get().dataset;
        // A different dataset gets its default encoder; a re-derived one keeps the user's.
        const fresh = !previous || previous.name !== e.summary.name || previous.kind !== e.summary.kind;
        set((s) => ({
          dataset: e.summary,
          config: { ...s.config, model, ...(fresh ? { encoder: defaultEncoder(e.summary) } : {}) },
          imageOptions: e.summary.imageOptions ?? s.imageOptions,
          // A new dataset makes the last run's results stale.
          run: s.run.state === 'idle' ? s.run : { ...emptyRun() },
          evaluation: null, // its labels or scaling may have changed
        }));
        return;
      }
      case 'runPhase':
        if (e.state === 'starting')
          set({ run: { ...emptyRun(), id: e.runId, state: 'starting', message: e.message ?? null }, evaluation: null });
        else if (isCurrent) set({ run: { ...run, state: e.state, message: e.message ?? null } });
        return;
      case 'backend':
        if (!isCurrent) return;
        set({ run: { ...run, backend: e.info } });
        if (e.info.fellBack) get().pushAlert(e.info.reason);
        return;
      case 'runStarted':
        if (isCurrent)
          set({
            run: {
              ...run,
              stage: e.stage,
              series: e.series,
              title: e.title,
              config: e.config,
              losses: e.series.map(() => []),
            },
          });
        return;
      case 'progress':
        if (!isCurrent) return;
        run.steps.push(...e.steps);
        e.losses.forEach((values, k) => (run.losses[k] ??= []).push(...values));
        set({ run: { ...run, progress: e.progress, lossVersion: run.lossVersion + 1 } });
        return;
      case 'snapshot':
        if (isCurrent) set({ run: { ...run, snapshot: e.snapshot } });
        return;
      case 'checkpoints':
        set((s) => ({
          checkpoints: e.checkpoints,
          // A start point that was deleted falls back to scratch.
          config:
            s.config.initFrom !== 'scratch' && !e.checkpoints.some((c) => c.id === s.config.initFrom)
              ? { ...s.config, initFrom: 'scratch' }
              : s.config,
        }));
        return;
      case 'interrupted': {
        // The interrupted run's curve is shown as it was at its last checkpoint.
        const h = e.history;
        // After a worker restart, the run it was training is offered right in the alert.
        const resumable = e.runs.find(
          (r) => r.checkpoint && r.checkpoint.stage === 'finetune' && r.checkpoint.epoch < r.checkpoint.totalEpochs,
        );
        if (get().recovering && resumable) {
          const c = resumable.checkpoint!;
          get().pushAlert(
            `“${resumable.title}” was interrupted when the worker stopped; its last checkpoint is epoch ${c.epoch} of ${c.totalEpochs}.`,
            { label: `Resume from epoch ${c.epoch}`, run: () => get().onResumeCheckpoint?.(c.id) },
            'worker-resume',
          );
        }
        if (get().recovering) set({ recovering: false });
        set((s) => ({
          interrupted: e.runs,
          run:
            h && s.run.state === 'idle'
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
              : s.run,
        }));
        return;
      }
      case 'runHistory':
        // Arrives right after runStarted, before any progress: the history is the curve so far.
        if (!isCurrent) return;
        set({
          run: { ...run, steps: e.steps, losses: e.losses, epochs: [...e.epochs], lossVersion: run.lossVersion + 1 },
        });
        return;
      case 'epoch':
        if (isCurrent) set({ run: { ...run, epochs: [...run.epochs, e.log] } });
        return;
      case 'evaluation':
        if (isCurrent) set({ evaluation: e.evaluation });
        return;
      case 'evaluated':
        set({ evaluation: e.evaluation });
        return;
      case 'layers':
        if (isCurrent) set({ run: { ...run, layers: e.layers, layersEpoch: e.epoch } });
        return;
      case 'bestRestored':
        return; // the notice that comes with it says so
      case 'notice':
        if (isCurrent) set({ run: { ...run, notices: [...run.notices, e.message] } });
        return;
      case 'runs':
        set((s) => ({ runs: e.runs, compare: s.compare.filter((k) => e.runs.some((r) => r.runKey === k)) }));
        return;
      case 'runEnded':
        if (!isCurrent) return;
        set({ run: { ...run, state: e.state, message: e.message ?? null } });
        if (e.state === 'error' && e.message) get().pushAlert(e.message);
        return;
    }
  },
}));
