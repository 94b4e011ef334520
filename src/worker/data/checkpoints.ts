// Checkpoints in IndexedDB. A checkpoint is written in one transaction over its listing and its
// data, then read back and verified before it is reported: a write that is interrupted (tab
// closed, quota hit, a forced fault) leaves no partial entry and the earlier checkpoints intact.
import { errorMessage } from '../../shared/format';
import { CheckpointError, verify } from '../../engine/checkpoint/serialize';
import { completeConfig } from '../../shared/defaults';
import type { CheckpointInfo } from '../../shared/types/models';
import { openStudioDB, type CheckpointData, type RunRecord } from './db';

/**
 * Test builds only (__TEST_HOOKS__; set by src/worker/testHooks.ts): called in a checkpoint write
 * after its listing was put, it may abort the transaction and throw, as a failing write would.
 */
let afterListingHook: ((tx: { abort(): void }) => void) | null = null;
export function setCheckpointWriteHook(hook: typeof afterListingHook): void {
  afterListingHook = hook;
}

export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor(
    readonly neededBytes: number,
    readonly freeBytes: number | null,
  ) {
    super('storage full');
  }
}

async function freeBytes(): Promise<number | null> {
  try {
    const e = await navigator.storage.estimate();
    return e.quota !== undefined && e.usage !== undefined ? e.quota - e.usage : null;
  } catch {
    return null;
  }
}

export async function saveCheckpoint(info: CheckpointInfo, data: CheckpointData): Promise<void> {
  const db = await openStudioDB();
  const tx = db.transaction(['checkpointMeta', 'checkpointData'], 'readwrite');
  // An aborted transaction also rejects `done`; the failure is handled below, once.
  const done = tx.done.catch((e: unknown) => Promise.reject(e));
  done.catch(() => undefined);
  try {
    await tx.objectStore('checkpointMeta').put(info);
    if (__TEST_HOOKS__) afterListingHook?.(tx);
    await tx.objectStore('checkpointData').put(data);
    await done;
  } catch (e) {
    try {
      tx.abort(); // e.g. a put that threw before the transaction failed: nothing may commit
    } catch {
      // already aborted or finished
    }
    if (e instanceof DOMException && e.name === 'QuotaExceededError')
      throw new StorageFullError(info.bytes, await freeBytes());
    throw new CheckpointError(
      `The checkpoint of epoch ${info.epoch} could not be written (${errorMessage(e)}); the earlier checkpoints are intact.`,
    );
  }
  // Read back: only a whole, consistent checkpoint may be listed.
  const back = await db.get('checkpointData', info.id);
  try {
    if (!back) throw new CheckpointError('it was not found after writing');
    verify(back.model, `The checkpoint of epoch ${info.epoch}`);
  } catch (e) {
    await deleteCheckpoint(info.id);
    throw e instanceof CheckpointError
      ? e
      : new CheckpointError(`The checkpoint of epoch ${info.epoch} did not read back whole; it was removed.`);
  }
}

/** A stored listing with its settings as this version names them (earlier versions stored fewer). */
const completeInfo = (info: CheckpointInfo): CheckpointInfo => ({ ...info, config: completeConfig(info.config) });

export async function listCheckpoints(): Promise<CheckpointInfo[]> {
  const all = await (await openStudioDB()).getAll('checkpointMeta');
  return all.map(completeInfo).sort((a, b) => b.createdAt - a.createdAt);
}

/** A checkpoint read back whole: its listing and its network, optimizer state and curve. */
export interface SavedCheckpoint {
  info: CheckpointInfo;
  data: CheckpointData;
}

export async function loadCheckpoint(id: string): Promise<SavedCheckpoint> {
  const db = await openStudioDB();
  const [info, data] = await Promise.all([db.get('checkpointMeta', id), db.get('checkpointData', id)]);
  if (!info || !data) throw new CheckpointError(`The checkpoint "${id}" is not in this browser's storage any more.`);
  verify(data.model, `The checkpoint "${info.name}"`);
  return { info: completeInfo(info), data };
}

export async function deleteCheckpoint(id: string): Promise<void> {
  const db = await openStudioDB();
  const tx = db.transaction(['checkpointMeta', 'checkpointData'], 'readwrite');
  await Promise.all([
    tx.objectStore('checkpointMeta').delete(id),
    tx.objectStore('checkpointData').delete(id),
    tx.done,
  ]);
}

export async function renameCheckpoint(id: string, name: string): Promise<void> {
  const db = await openStudioDB();
  const info = await db.get('checkpointMeta', id);
  if (!info) throw new CheckpointError(`The checkpoint "${id}" is not in this browser's storage any more.`);
  await db.put('checkpointMeta', { ...info, name });
}

/**
 * Keeps, per run, the last `keepLast` epoch checkpoints, the best by validation loss, the best by
 * linear-probe accuracy (the earliest of equals) and the final one; deletes the rest, and updates
 * the kept ones' tags.
 */
export async function applyRetention(runKey: string, keepLast: number): Promise<void> {
  const db = await openStudioDB();
  const runs = (await db.getAllFromIndex('checkpointMeta', 'byRun', runKey)).sort((a, b) => a.epoch - b.epoch);
  const finite = runs.filter((c) => Number.isFinite(c.valLoss));
  const best = finite.length ? finite.reduce((a, b) => (b.valLoss < a.valLoss ? b : a)) : null;
  const probed = runs.filter((c) => Number.isFinite(c.probeAccuracy));
  const bestProbe = probed.length ? probed.reduce((a, b) => (b.probeAccuracy! > a.probeAccuracy! ? b : a)) : null;
  const latest = new Set(runs.slice(-keepLast).map((c) => c.id));
  for (const c of runs) {
    const tags: CheckpointInfo['tags'] = [];
    if (latest.has(c.id)) tags.push('latest');
    if (best?.id === c.id) tags.push('best');
    if (bestProbe?.id === c.id) tags.push('bestProbe');
    if (c.tags.includes('final')) tags.push('final');
    if (!tags.length) await deleteCheckpoint(c.id);
    else if (tags.join() !== c.tags.join()) await db.put('checkpointMeta', { ...c, tags });
  }
}

export async function putRun(run: RunRecord): Promise<void> {
  await (await openStudioDB()).put('runs', run);
}

export async function getRun(runKey: string): Promise<RunRecord | undefined> {
  return (await openStudioDB()).get('runs', runKey);
}

/** Runs still marked running belong to a page that went away: they were interrupted. */
export async function takeInterruptedRuns(): Promise<RunRecord[]> {
  const db = await openStudioDB();
  const running = (await db.getAll('runs')).filter((r) => r.status === 'running');
  for (const r of running) await db.put('runs', { ...r, status: 'interrupted', updatedAt: Date.now() });
  return running;
}

/** Every run record, newest first; records of older versions get the fields they lack. */
export async function listRuns(): Promise<RunRecord[]> {
  const all = await (await openStudioDB()).getAll('runs');
  return all
    .map((r) => ({
      ...r,
      config: completeConfig(r.config),
      from: r.from ?? '',
      trainRows: r.trainRows ?? 0,
      epochs: r.epochs ?? [],
      metrics: r.metrics ?? null,
      startedAt: r.startedAt ?? r.updatedAt,
    }))
    .sort((a, b) => b.startedAt - a.startedAt);
}

export async function deleteRun(runKey: string): Promise<void> {
  await (await openStudioDB()).delete('runs', runKey);
}
