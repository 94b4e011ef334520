// The worker protocol: one discriminated union each way. Requests carry an id; the worker answers
// each with `ok` or `failed` naming that id, and streams run events tagged with the run id.
import type {
  BackendInfo,
  BuiltinDatasetName,
  DatasetSummary,
  CheckpointInfo,
  EpochLog,
  Evaluation,
  PretrainSnapshot,
  Stage,
  ImageOptions,
  TableOptions,
  ProgressSnapshot,
  RunState,
  TrainConfig,
  MemoryInfo,
  RunFault,
} from './types';

/**
 * The worker says it is alive every `periodMs` (also while training: the loop yields between
 * batches); the page restarts a worker it has not heard from for `timeoutMs`, or for
 * `loadingTimeoutMs` while a dataset loads (encoding a big table is long synchronous work).
 */
export const HEARTBEAT = { periodMs: 1000, timeoutMs: 20_000, loadingTimeoutMs: 120_000 } as const;

export type Command =
  /** Brings back the dataset of the last visit, or loads `fallback`. */
  | { type: 'restore'; id: number; fallback: BuiltinDatasetName }
  | { type: 'loadBuiltin'; id: number; name: BuiltinDatasetName }
  /** `paths`: each file's path in a picked folder (webkitRelativePath), or its name. */
  | { type: 'loadFiles'; id: number; files: File[]; paths: string[]; tableOptions?: Partial<TableOptions>; imageOptions?: ImageOptions }
  | { type: 'configureTable'; id: number; options: TableOptions }
  | { type: 'configureImages'; id: number; options: ImageOptions }
  | { type: 'start'; id: number; config: TrainConfig }
  | { type: 'listCheckpoints'; id: number }
  | { type: 'deleteCheckpoint'; id: number; checkpointId: string }
  | { type: 'renameCheckpoint'; id: number; checkpointId: string; name: string }
  /** Continues the checkpoint's run to its epoch count, optimizer state restored. */
  | { type: 'resumeCheckpoint'; id: number; checkpointId: string; config: TrainConfig }
  /** Frees space: deletes every checkpoint that is neither a run's best nor its final one. */
  | { type: 'pruneCheckpoints'; id: number }
  /** Test hook: the next checkpoint write is aborted half-way (atomicity can be observed). */
  | { type: 'faultNextCheckpointWrite'; id: number; kind: 'abort' | 'quota'; skip: number }
  /**
   * After a fault: ends the paused or stopped run and goes on from its last good checkpoint (or
   * its start), with the learning rate divided by 10 when the loss diverged.
   */
  | { type: 'recoverRun'; id: number; backend: TrainConfig['backend'] }
  /** Test hook: destroys the WebGPU device (as a GPU reset would), or blocks the worker. */
  | { type: 'testFault'; id: number; kind: 'device-lost' | 'hang'; ms?: number }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number }
  | { type: 'stop'; id: number };

/** Commands without their id, as the UI writes them. */
export type CommandBody = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;

export type WorkerEvent =
  | { type: 'ready' }
  /** Sign of life, with the engine's memory (see HEARTBEAT). */
  | { type: 'heartbeat'; memory: MemoryInfo }
  /** Memory at the end of each epoch of a run (a leak shows as growth). */
  | { type: 'epochMemory'; runId: number; epoch: number; memory: MemoryInfo }
  /** Why a run was paused or stopped, with what can be resumed. */
  | { type: 'runFault'; runId: number; fault: RunFault }
  | { type: 'ok'; id: number }
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
  | { type: 'datasetProgress'; phase: string; fraction: number }
  | { type: 'datasetLoaded'; summary: DatasetSummary }
  | { type: 'backend'; runId: number; info: BackendInfo }
  | { type: 'runPhase'; runId: number; state: RunState; message?: string }
  /** The loss series the run reports (e.g. ["loss"], or ["discriminator", "generator"]). */
  | { type: 'runStarted'; runId: number; stage: Stage; series: string[]; title: string }
  /** Coalesced batch progress: several batches' losses in one message, a few per second. */
  | { type: 'progress'; runId: number; progress: ProgressSnapshot; steps: number[]; losses: number[][] }
  | { type: 'snapshot'; runId: number; snapshot: PretrainSnapshot }

  | { type: 'epoch'; runId: number; log: EpochLog }
  | { type: 'evaluation'; runId: number; evaluation: Evaluation }
  | { type: 'runEnded'; runId: number; state: 'done' | 'stopped' | 'error'; message?: string };
