// The loaded dataset survives a page reload: its arrays, its preprocessing, and the source files
// (so the user can still change the label or image size) are kept in IndexedDB.
import { openStudioDB, type SavedDataset } from './db';

export type { SavedDataset, SavedSource } from './db';

const CURRENT = 'current';

export async function saveCurrentDataset(record: SavedDataset): Promise<void> {
  await (await openStudioDB()).put('datasets', record, CURRENT);
}

export async function loadCurrentDataset(): Promise<SavedDataset | undefined> {
  const r = await (await openStudioDB()).get('datasets', CURRENT);
  return r?.version === 1 ? r : undefined;
}
