// The studio's IndexedDB: the current dataset, checkpoints (listing data apart from the heavy
// weights, both written in one transaction), runs (to notice a run a reload interrupted), and the
// latest label-efficiency sweep (to go on with it after a reload).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SavedModel } from '../../engine/checkpoint/serialize';
import type { Dataset } from '../../engine/data/dataset';
import type { Preprocessing } from '../../shared/preprocessing';
import type { BuiltinDatasetName, ImageOptions, TableOptions } from '../../shared/types/datasets';
import type { CheckpointInfo } from '../../shared/types/models';
import type { EpochLog, RunSummary } from '../../shared/types/results';
import type { SweepStatus } from '../../shared/types/sweep';

/** Where the current dataset came from: enough to derive it again (new label, image size). */
export type SavedSource =
  | { kind: 'builtin'; name: BuiltinDatasetName; options?: TableOptions }
  | { kind: 'table'; file: Blob; fileName: string; options: TableOptions }
  | { kind: 'images'; files: Blob[]; paths: string[]; name: string; options: ImageOptions };

/** The current dataset's record (see persist.ts). */
export interface SavedDataset {
  version: 1;
  savedAt: number;
  source: SavedSource;
  /** Absent for built-ins, which are files of the app itself. */
  dataset?: Dataset;
}

export interface CheckpointData {
  id: string;
  model: SavedModel;
  /** How raw inputs become this model's inputs (scaling, categories, image size, label names). */
  preprocessing: Preprocessing;
  /** The run's curve up to this checkpoint, so it can be drawn again after a reload. */
  history: { series: string[]; steps: Float32Array; losses: Float32Array[]; epochs: EpochLog[] };
}

/** A run's record: its status (to notice one a reload interrupted) and its summary (run list, compare view). */
export type RunRecord = RunSummary;

export interface StudioDB extends DBSchema {
  datasets: { key: string; value: SavedDataset };
  checkpointMeta: { key: string; value: CheckpointInfo; indexes: { byRun: string } };
  checkpointData: { key: string; value: CheckpointData };
  runs: { key: string; value: RunRecord };
  /** The latest label-efficiency sweep (key "current"): its plan, results and the run in progress. */
  sweeps: { key: string; value: SweepStatus };
}

export const DB_NAME = 'pretrain-studio';

let db: Promise<IDBPDatabase<StudioDB>> | null = null;

export function openStudioDB(): Promise<IDBPDatabase<StudioDB>> {
  db ??= openDB<StudioDB>(DB_NAME, 3, {
    upgrade(d, oldVersion) {
      if (oldVersion < 1) d.createObjectStore('datasets');
      if (oldVersion < 2) {
        d.createObjectStore('checkpointMeta', { keyPath: 'id' }).createIndex('byRun', 'runKey');
        d.createObjectStore('checkpointData', { keyPath: 'id' });
        d.createObjectStore('runs', { keyPath: 'runKey' });
      }
      if (oldVersion < 3) d.createObjectStore('sweeps');
    },
    // Closed by the browser (storage cleared, version change): open anew next time.
    terminated: () => (db = null),
    // A newer version of the studio in another tab wants to upgrade: let it.
    blocking: () => {
      void db?.then((d) => d.close());
      db = null;
    },
  }).catch((e: unknown) => {
    db = null;
    throw e;
  });
  return db;
}
