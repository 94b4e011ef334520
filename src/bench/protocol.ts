import type { BackendName } from '../shared/types/backends';
import type { ModelKind } from '../shared/types/training';

export interface BenchCase {
  backend: BackendName;
  model: ModelKind;
  batchSize: number;
  rounds: number;
  /** Target seconds per timed run; the sample count is sized from a warm-up measurement. */
  secondsPerRun: number;
}

export interface BenchRow {
  backend: BackendName;
  model: ModelKind;
  batchSize: number;
  samples: number;
  firstBatchSeconds: number;
  loopSamplesPerSec: number[];
  fitSamplesPerSec: number[];
  error?: string;
}

export type BenchRequest = { type: 'case'; id: number; benchCase: BenchCase };
export type BenchReply = { type: 'row'; id: number; row: BenchRow } | { type: 'log'; text: string };
