import type { ProgressSnapshot } from '../shared/types/results';

export interface CoalescedProgress {
  progress: ProgressSnapshot;
  steps: number[];
  /** losses[k]: series k's values for `steps`. */
  losses: number[][];
}

/**
 * Gathers per-batch progress and losses and emits them at most once per `intervalMs`, so the UI
 * gets a few messages a second however fast batches run. No timers: a push after the interval
 * emits; `flush()` emits the tail (at epoch end, pause, stop).
 */
export class ProgressCoalescer {
  private steps: number[] = [];
  private losses: number[][] = [];
  private latest: ProgressSnapshot | null = null;
  private lastEmit = -Infinity;
  private dirty = false;

  constructor(
    private readonly emit: (p: CoalescedProgress) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  addLosses(steps: number[], losses: number[][]): void {
    this.steps.push(...steps);
    losses.forEach((series, k) => (this.losses[k] ??= []).push(...series));
    this.dirty = true;
  }

  setProgress(p: ProgressSnapshot): void {
    this.latest = p;
    this.dirty = true;
    if (this.now() - this.lastEmit >= this.intervalMs) this.flush();
  }

  flush(): void {
    if (!this.dirty || !this.latest) return;
    this.emit({ progress: this.latest, steps: this.steps, losses: this.losses });
    this.steps = [];
    this.losses = [];
    this.dirty = false;
    this.lastEmit = this.now();
  }
}
