// The probe curve of a pretraining run, from its epoch logs (the probe rides on each epoch's log).
import type { EpochLog } from '../../shared/types/results';

export interface ProbePoint {
  epoch: number;
  /** Validation accuracy of the linear probe and of the k-NN probe. */
  linear: number;
  knn: number;
  k: number;
  /** Seconds the probe took, and the epoch's training seconds beside it. */
  seconds: number;
  epochSeconds: number;
}

/** One point per probed epoch, in epoch order (a resumed curve may repeat an epoch: the last wins). */
export function probePoints(epochs: readonly EpochLog[]): ProbePoint[] {
  const byEpoch = new Map<number, ProbePoint>();
  for (const e of epochs)
    if (e.probe)
      byEpoch.set(e.epoch, {
        epoch: e.epoch,
        linear: e.probe.linear,
        knn: e.probe.knn,
        k: e.probe.k,
        seconds: e.probe.seconds,
        epochSeconds: e.seconds,
      });
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** The epoch with the highest linear-probe accuracy (the earliest of equals), as the checkpoints keep it. */
export function bestProbe(points: readonly ProbePoint[]): ProbePoint | null {
  return points.reduce<ProbePoint | null>((best, p) => (!best || p.linear > best.linear ? p : best), null);
}
