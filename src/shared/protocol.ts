// The worker protocol: one discriminated union each way. Requests carry an id; the worker answers
// each with `ok` (with the command's reply, see ReplyOf) or `failed` naming that id, and streams
// run events tagged with the run id.
import type { BackendInfo, BackendName, MemoryInfo } from './types/backends';
import type { AugmentPreview } from './types/datasets';
import type { BuiltinDatasetName, DatasetSummary, ImageOptions, TableOptions } from './types/datasets';
import type { CheckpointInfo, ModelCard, InferenceInput, Prediction } from './types/models';
import type { TestHook } from './testHooks';
import type { ExplainRequest, Explanation, ImportanceResult } from './types/explain';
import type {
  EpochLog,
  Evaluation,
  PretrainSnapshot,
  LayerInfo,
  LrFinding,
  ProgressSnapshot,
  RunState,
  RunSummary,
} from './types/results';
import type { SweepSettings, SweepStatus } from './types/sweep';
import type { AugmentSpec, Stage, TrainConfig } from './types/training';
import type { RunFault } from './types/faults';

/**
 * The worker says it is alive every `periodMs` (also while training: the loop yields between
 * batches); the page restarts a worker it has not heard from for `timeoutMs`, or for
 * `loadingTimeoutMs` while a dataset loads (encoding a big table is long synchronous work).
 */
export const HEARTBEAT = { periodMs: 1000, timeoutMs: 20_000, loadingTimeoutMs: 120_000 } as const;

export type Command =
  /**
   * At start-up: brings back the dataset of the last visit, or loads `fallback` (`force`: loads the
   * built-in `fallback` whatever the last visit had); then lists checkpoints, runs, interrupted
   * runs and the last sweep, which goes on if a reload interrupted it.
   */
  | { type: 'restore'; id: number; fallback: BuiltinDatasetName; force?: boolean }
  | { type: 'loadBuiltin'; id: number; name: BuiltinDatasetName }
  /** `paths`: each file's path in a picked folder (webkitRelativePath), or its name. */
  | {
      type: 'loadFiles';
      id: number;
      files: File[];
      paths: string[];
      tableOptions?: Partial<TableOptions>;
      imageOptions?: ImageOptions;
    }
  | { type: 'configureTable'; id: number; options: TableOptions }
  | { type: 'configureImages'; id: number; options: ImageOptions }
  | { type: 'start'; id: number; config: TrainConfig }
  /** A label-efficiency sweep: fine-tuning runs per budget x arm x seed, from `config`'s settings. */
  | { type: 'startSweep'; id: number; settings: SweepSettings; config: TrainConfig }
  /** Stops the sweep's run in progress and the sweep. */
  | { type: 'cancelSweep'; id: number }
  | { type: 'listCheckpoints'; id: number }
  | { type: 'deleteCheckpoint'; id: number; checkpointId: string }
  | { type: 'renameCheckpoint'; id: number; checkpointId: string; name: string }
  /** Continues the checkpoint's run to its epoch count, optimizer state restored. */
  | { type: 'resumeCheckpoint'; id: number; checkpointId: string; config: TrainConfig }
  /** Frees space: deletes every checkpoint that is neither a run's best nor its final one. */
  | { type: 'pruneCheckpoints'; id: number }
  | { type: 'listRuns'; id: number }
  | { type: 'deleteRun'; id: number; runKey: string }
  /** Test metrics of a fine-tuned checkpoint on the current dataset, on demand. */
  | { type: 'evaluateCheckpoint'; id: number; checkpointId: string }
  /** Test metrics of the model the last run left, on demand. */
  | { type: 'evaluateCurrent'; id: number }
  /** Model source: "current" (the last run's model) or a checkpoint id. */
  | { type: 'describeModel'; id: number; source: string }
  /**
   * Replies with the files to save: one zip, model.json and its weights ("tfjs"), model.onnx, or
   * the PyTorch project zip.
   */
  | { type: 'exportModel'; id: number; source: string; format: ExportFormat }
  /** A model zip, or model.json with its weights (and preprocessing.json): becomes a checkpoint. */
  | { type: 'importModel'; id: number; files: File[] }
  | { type: 'predict'; id: number; source: string; input: InferenceInput }
  /** Why the model predicted what it did for one input (see shared/types/explain.ts). */
  | { type: 'explain'; id: number; request: ExplainRequest }
  /** Permutation importance of a table model's columns on the current test split. */
  | { type: 'columnImportance'; id: number; source: string }
  /** A few training samples of the current dataset as augmentation `spec` changes them. */
  | { type: 'previewAugmentation'; id: number; spec: AugmentSpec; seed: number }
  /**
   * After a fault: ends the paused or stopped run and goes on from its last good checkpoint (or
   * its start), with the learning rate divided by 10 when the loss diverged.
   */
  | { type: 'recoverRun'; id: number; backend: TrainConfig['backend'] }
  /**
   * A learning-rate sweep of the stage `config` is for (lrFinder.ts): streams its curve as `lrFinder`
   * events and answers with the finding. Runs, sweeps and dataset changes wait meanwhile.
   */
  | { type: 'findLearningRate'; id: number; config: TrainConfig }
  /** Stops the learning-rate sweep in progress (its curve so far is the finding). */
  | { type: 'stopLearningRateFinder'; id: number }
  /** Test builds only (STUDIO_TEST_HOOKS=1): forces a fault, see src/shared/testHooks.ts. */
  | { type: 'test'; id: number; hook: TestHook }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number }
  | { type: 'stop'; id: number };

/** Commands without their id, as the UI writes them. */
export type CommandBody = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;

export type CommandType = Command['type'];

/** A file the worker built for the page to save (its bytes are transferred, not copied). */
/** How a model leaves the studio: its zip, the two tfjs files, ONNX, or a PyTorch project. */
export type ExportFormat = 'zip' | 'tfjs' | 'onnx' | 'pytorch';

export interface ExportedFile {
  name: string;
  data: ArrayBuffer;
  mime: string;
}

/** What each command answers with, besides `ok`; commands not listed answer with nothing. */
export interface Replies {
  describeModel: ModelCard;
  /** One zip, or model.json and its weights. */
  exportModel: ExportedFile[];
  /** The imported model as it is now listed. */
  importModel: ModelCard;
  predict: Prediction;
  explain: Explanation;
  columnImportance: ImportanceResult;
  previewAugmentation: AugmentPreview;
  findLearningRate: LrFinding;
}

/** The reply of command type `T` (void for commands that only succeed or fail). */
export type ReplyOf<T extends CommandType> = T extends keyof Replies ? Replies[T] : void;

type WithoutRunId<E> = E extends unknown ? Omit<E, 'runId'> : never;

/** A run's event as the run writes it; the run adds its id. */
export type RunEventBody = WithoutRunId<Extract<WorkerEvent, { runId: number }>>;

export type WorkerEvent =
  | { type: 'ready' }
  /** The worker is about to die of an uncaught error: its real message (see describeUncaught). */
  | { type: 'crashing'; message: string }
  /** The model of the last finished run (null while none, or while a run trains it). */
  | { type: 'currentModel'; card: ModelCard | null }
  /** Sign of life, with the engine's memory (see HEARTBEAT). */
  | { type: 'heartbeat'; memory: MemoryInfo }
  /** Memory at the end of each epoch of a run (a leak shows as growth). */
  | { type: 'epochMemory'; runId: number; epoch: number; memory: MemoryInfo }
  /** Why a run was paused or stopped, with what can be resumed. */
  | { type: 'runFault'; runId: number; fault: RunFault }
  /** The command `id` succeeded; `reply` is its ReplyOf (absent for void). */
  | { type: 'ok'; id: number; reply?: Replies[keyof Replies] }
  /** `code` names a data problem the UI can offer a fix for (e.g. "malformed-rows"). */
  | { type: 'failed'; id: number; message: string; code?: string }
  | { type: 'warning'; message: string; code?: 'storage-full' }
  | { type: 'checkpoints'; checkpoints: CheckpointInfo[] }
  /** A resumed run's curve up to its checkpoint. */
  | { type: 'runHistory'; runId: number; steps: number[]; losses: number[][]; epochs: EpochLog[] }
  /** Runs a reload interrupted, each with the checkpoint to resume from (if any was saved). */
  | {
      type: 'interrupted';
      runs: { runKey: string; title: string; checkpoint: CheckpointInfo | null }[];
      /** The curve of the most recent one, up to its last checkpoint. */
      history: { title: string; series: string[]; steps: number[]; losses: number[][]; epochs: EpochLog[] } | null;
    }
  | { type: 'datasetLoading'; name: string }
  /**
   * A load's progress, at most one message per percent: the phase, the fraction of it done, the
   * milliseconds since the phase began (for a time-left estimate), and `done` of `total` items
   * where the phase counts them (images decoded).
   */
  | { type: 'datasetProgress'; phase: string; fraction: number; elapsedMs?: number; done?: number; total?: number }
  | { type: 'datasetLoaded'; summary: DatasetSummary }
  | { type: 'backend'; runId: number; info: BackendInfo }
  | { type: 'runPhase'; runId: number; state: RunState; message?: string }
  /** The loss series the run reports (e.g. ["loss"], or ["discriminator", "generator"]). */
  | { type: 'runStarted'; runId: number; stage: Stage; series: string[]; title: string; config: TrainConfig }
  /** Coalesced batch progress: several batches' losses in one message, a few per second. */
  | { type: 'progress'; runId: number; progress: ProgressSnapshot; steps: number[]; losses: number[][] }
  | { type: 'snapshot'; runId: number; snapshot: PretrainSnapshot }
  | { type: 'epoch'; runId: number; log: EpochLog }
  | { type: 'evaluation'; runId: number; evaluation: Evaluation }
  /** An evaluation asked for on demand (not tied to a run in progress). */
  | { type: 'evaluated'; evaluation: Evaluation }
  /** The network's layers and which of them train, at the start and when freezing changes. */
  | { type: 'layers'; runId: number; epoch: number; layers: LayerInfo[] }
  /** Early stopping put the weights of this epoch back: the run's model is that epoch's. */
  | { type: 'bestRestored'; runId: number; log: EpochLog }
  /** Something the user should know about the run that is not a fault (early stopping). */
  | { type: 'notice'; runId: number; message: string }
  /** A learning-rate sweep's curve so far (see findLearningRate), after each step. */
  | { type: 'lrFinder'; stage: Stage; state: 'running'; finding: LrFinding; backend: BackendName }
  /** The latest label-efficiency sweep (null: none yet), after each change. */
  | { type: 'sweep'; sweep: SweepStatus | null }
  /** Every kept run, newest first (the run list and compare view). */
  | { type: 'runs'; runs: RunSummary[] }
  | { type: 'runEnded'; runId: number; state: 'done' | 'stopped' | 'error'; message?: string }
  /** Column importance under way: `done` of `total` columns shuffled (the untrained twin's too). */
  | { type: 'importanceProgress'; done: number; total: number };
