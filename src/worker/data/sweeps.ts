// The latest label-efficiency sweep in IndexedDB: written after each of its runs starts and ends,
// so a reload goes on from the next unfinished run.
import type { SweepStatus } from '../../shared/types/sweep';
import { openStudioDB } from './db';

const CURRENT = 'current';

export async function saveSweep(sweep: SweepStatus): Promise<void> {
  await (await openStudioDB()).put('sweeps', sweep, CURRENT);
}

export async function loadSweep(): Promise<SweepStatus | null> {
  return (await (await openStudioDB()).get('sweeps', CURRENT)) ?? null;
}
