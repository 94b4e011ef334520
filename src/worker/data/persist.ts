// The loaded dataset survives a page reload: its arrays, its preprocessing, and the source files
// (so the user can still change the label or image size) are kept in IndexedDB.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Dataset } from '../../engine/data/dataset';
import type { BuiltinDatasetName, ImageOptions, TableOptions } from '../../shared/types';

export type SavedSource =
  | { kind: 'builtin'; name: BuiltinDatasetName }
  | { kind: 'table'; file: Blob; fileName: string; options: TableOptions }
  | { kind: 'images'; files: Blob[]; paths: string[]; name: string; options: ImageOptions };

export interface SavedDataset {
  version: 1;
  savedAt: number;
  source: SavedSource;
  /** Absent for built-ins, which are files of the app itself. */
  dataset?: Dataset;
}

interface StudioDB extends DBSchema {
  datasets: { key: string; value: SavedDataset };
}

const DB_NAME = 'pretrain-studio';
const CURRENT = 'current';

let db: Promise<IDBPDatabase<StudioDB>> | null = null;
function open(): Promise<IDBPDatabase<StudioDB>> {
  db ??= openDB<StudioDB>(DB_NAME, 1, {
    upgrade(d) {
      if (!d.objectStoreNames.contains('datasets')) d.createObjectStore('datasets');
    },
    // Closed by the browser (storage cleared, version change): open anew next time.
    terminated: () => (db = null),
  }).catch((e: unknown) => {
    db = null;
    throw e;
  });
  return db;
}

export async function saveCurrentDataset(record: SavedDataset): Promise<void> {
  await (await open()).put('datasets', record, CURRENT);
}

export async function loadCurrentDataset(): Promise<SavedDataset | undefined> {
  const r = await (await open()).get('datasets', CURRENT);
  return r?.version === 1 ? r : undefined;
}
