import { describe, expect, it } from 'vitest';
import type { ProgressSnapshot } from '../shared/types/results';
import { ProgressCoalescer, type CoalescedProgress } from './coalescer';

const snap = (step: number): ProgressSnapshot => ({
  epoch: 1,
  batch: step,
  step,
  stepsPerEpoch: 1000,
  totalEpochs: 1,
  samplesPerSec: 0,
  etaSeconds: 0,
  tensors: 0,
  bytes: 0,
});

describe('ProgressCoalescer', () => {
  it('sends a few messages a second however fast batches come, losing no loss', () => {
    let now = 0;
    const out: CoalescedProgress[] = [];
    const c = new ProgressCoalescer(
      (p) => out.push(p),
      250,
      () => now,
    );
    for (let step = 1; step <= 1000; step++) {
      now = step; // one batch per millisecond: 1000 batches in one second
      c.addLosses([step], [[1 / step], [2 / step]]);
      c.setProgress(snap(step));
    }
    c.flush();
    expect(out.length).toBeLessThanOrEqual(6); // ~4 per second, plus the first and the tail
    expect(out.flatMap((o) => o.steps)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(out.flatMap((o) => o.losses[1]!)).toEqual(Array.from({ length: 1000 }, (_, i) => 2 / (i + 1)));
    expect(out.at(-1)!.progress.step).toBe(1000);
  });

  it('flushes the tail at once and sends nothing when nothing changed', () => {
    let now = 0;
    const out: CoalescedProgress[] = [];
    const c = new ProgressCoalescer(
      (p) => out.push(p),
      250,
      () => now,
    );
    c.setProgress(snap(1)); // first one goes out immediately
    now = 10;
    c.addLosses([2], [[0.5]]);
    c.setProgress(snap(2));
    expect(out).toHaveLength(1);
    c.flush();
    expect(out).toHaveLength(2);
    expect(out[1]!.losses).toEqual([[0.5]]);
    c.flush();
    expect(out).toHaveLength(2);
  });
});
