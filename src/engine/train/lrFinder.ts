// The learning-rate finder (Smith 2017; fastai's lr_find): a short run whose rate grows
// exponentially every step, from far too small to far too large, on the training split. The loss
// against the rate shows where learning is fastest; the suggestion is a tenth of the rate at the
// smoothed loss's minimum (before it the loss falls, after it the steps grow too large).
import type { LrFinding, LrPoint } from '../../shared/types/results';
import type { RunControl } from './control';

export const LR_FINDER = {
  minRate: 1e-7,
  maxRate: 10,
  steps: 100,
  /** The sweep stops once the smoothed loss passes this many times its lowest. */
  stopFactor: 4,
  /** Exponential smoothing of the losses (debiased), as fastai. */
  beta: 0.98,
} as const;

/** The rate of sweep step `step` (0-based): minRate at the first, maxRate at the last. */
export function sweepRate(step: number, steps: number = LR_FINDER.steps): number {
  const t = steps > 1 ? Math.min(1, step / (steps - 1)) : 0;
  return LR_FINDER.minRate * (LR_FINDER.maxRate / LR_FINDER.minRate) ** t;
}

/**
 * The suggested rate of a sweep: a tenth of the rate where the smoothed loss is lowest; null when
 * the loss never fell (nothing to learn from the curve).
 */
export function suggestRate(points: LrPoint[]): number | null {
  const finite = points.filter((p) => Number.isFinite(p.smoothed));
  if (finite.length < 5) return null;
  const best = finite.reduce((a, b) => (b.smoothed < a.smoothed ? b : a));
  // Fell at all: below the loss of the sweep's first steps (their mean: one batch is noisy).
  const first = finite.slice(0, 10).reduce((sum, p) => sum + p.loss, 0) / Math.min(10, finite.length);
  if (!(best.smoothed < first * 0.98)) return null;
  return Number((best.rate / 10).toPrecision(2));
}

/**
 * Follows a sweep's losses (each step's first series, in step order) and says when to stop: the
 * curve so far, for the page, and the stop once the loss blew up or the steps are done.
 */
export class LrSweep {
  readonly points: LrPoint[] = [];
  private average = 0;
  private lowest = Infinity;

  constructor(
    private readonly control: RunControl,
    private readonly steps: number = LR_FINDER.steps,
  ) {}

  /** Takes the losses of 1-based `steps` (as the runner reports them); stops the run when done. */
  add(steps: number[], losses: number[]): void {
    for (const [i, step] of steps.entries()) {
      if (this.control.isStopped) return;
      const loss = losses[i]!;
      const n = this.points.length + 1;
      if (Number.isFinite(loss)) this.average = LR_FINDER.beta * this.average + (1 - LR_FINDER.beta) * loss;
      const smoothed = Number.isFinite(loss) ? this.average / (1 - LR_FINDER.beta ** n) : NaN;
      this.points.push({ rate: sweepRate(step - 1, this.steps), loss, smoothed });
      if (smoothed < this.lowest) this.lowest = smoothed;
      const blewUp = !Number.isFinite(loss) || smoothed > LR_FINDER.stopFactor * this.lowest;
      if (blewUp || n >= this.steps) this.control.stop();
    }
  }

  get finding(): LrFinding {
    return { points: this.points, suggestion: suggestRate(this.points) };
  }
}
