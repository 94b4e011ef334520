// The loaded dataset survives a page reload: its arrays, its preprocessing, and the source files
// (so the user can still change the label or image size) are kept in IndexedDB.
import type { Dataset } from '../../engine/data/dataset';
import { openStudioDB } from './db';
import type { BuiltinDatasetName, ImageOptions, TableOptions } from '../../shared/types/datasets';

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

const CURRENT = 'current';

export async function saveCurrentDataset(record: SavedDataset): Promise<void> {
  await (await openStudioDB()).put('datasets', record, CURRENT);
}

export async function loadCurrentDataset(): Promise<SavedDataset | undefined> {
  const r = await (await openStudioDB()).get('datasets', CURRENT);
  return r?.version === 1 ? r : undefined;
}
