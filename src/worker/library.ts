// What the studio keeps across reloads, as the page sees it: the checkpoint list, the run list,
// runs a reload interrupted, and freeing space.
import { errorMessage } from '../shared/format';
import { decodeHistory } from './checkpointing';
import { deleteCheckpoint, listCheckpoints, listRuns, loadCheckpoint, takeInterruptedRuns } from './data/checkpoints';
import type { Post } from './post';

export class Library {
  constructor(private readonly post: Post) {}

  async publishCheckpoints(): Promise<void> {
    this.post({ type: 'checkpoints', checkpoints: await listCheckpoints() });
  }

  async publishRuns(): Promise<void> {
    try {
      this.post({ type: 'runs', runs: await listRuns() });
    } catch (e) {
      this.post({ type: 'warning', message: `The run list could not be read: ${errorMessage(e)}` });
    }
  }

  /**
   * Runs that were training when the page went away, with their last checkpoint. `skip`: a run
   * someone else goes on with (a sweep's), not offered.
   */
  async announceInterrupted(skip: string | null = null): Promise<void> {
    try {
      const runs = (await takeInterruptedRuns()).filter((r) => r.runKey !== skip);
      if (!runs.length) return;
      const all = await listCheckpoints();
      const list = runs
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .map((r) => ({
          runKey: r.runKey,
          title: r.title,
          checkpoint: all.filter((c) => c.runKey === r.runKey).sort((a, b) => b.epoch - a.epoch)[0] ?? null,
        }));
      const latest = list.find((r) => r.checkpoint);
      const history = latest?.checkpoint
        ? { title: latest.title, ...decodeHistory((await loadCheckpoint(latest.checkpoint.id)).data.history) }
        : null;
      this.post({ type: 'interrupted', runs: list, history });
    } catch (e) {
      this.post({ type: 'warning', message: `Interrupted runs could not be looked up: ${errorMessage(e)}` });
    }
  }

  /**
   * Frees space: keeps each run's best (by loss and by probe), final and newest checkpoint (its resume point) and
   * everything of the run `keep` (the one in progress); deletes the rest. `deleted` hears of each.
   */
  async prune(keep: string | null, deleted: (checkpointId: string) => void): Promise<void> {
    const all = await listCheckpoints();
    const newest = new Map<string, number>();
    for (const c of all) newest.set(c.runKey, Math.max(newest.get(c.runKey) ?? 0, c.epoch));
    for (const c of all) {
      if (
        c.runKey === keep ||
        c.tags.some((t) => t === 'best' || t === 'bestProbe' || t === 'final') ||
        newest.get(c.runKey) === c.epoch
      )
        continue;
      deleted(c.id);
      await deleteCheckpoint(c.id);
    }
    await this.publishCheckpoints();
  }
}
