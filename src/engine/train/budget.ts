// The label budget: which training rows' labels a fine-tuning run may read.
import type { TrainConfig } from '../../shared/types/training';
import type { Dataset } from '../data/dataset';
import { mulberry32, shuffleInPlace } from '../data/random';

/**
 * The training rows the label budget allows: all, a seeded fraction of each class (at least one
 * row per class), or the first `labelsPerClass` of each class in a seeded order. Regression takes
 * the fraction of all rows (a per-class budget does not apply to it).
 */
export function budgetedRows(
  ds: Dataset,
  b: Pick<TrainConfig, 'labelBudget' | 'labelFraction' | 'labelsPerClass'>,
  seed: number,
): Int32Array {
  const kind = b.labelBudget ?? 'all';
  if (kind === 'all' || !ds.y) return ds.split.train;
  const order = shuffleInPlace(Int32Array.from(ds.split.train), mulberry32(seed * 31 + 17));
  if (ds.task !== 'classification') {
    if (kind !== 'fraction') return ds.split.train;
    return order.slice(0, Math.max(1, Math.round(order.length * b.labelFraction))).sort();
  }
  let quota: number[];
  if (kind === 'perClass') quota = new Array<number>(ds.classNames.length).fill(b.labelsPerClass);
  else {
    const counts = new Array<number>(ds.classNames.length).fill(0);
    for (const r of order) counts[ds.y[r]!]!++;
    quota = counts.map((n) => (n ? Math.max(1, Math.round(n * b.labelFraction)) : 0));
  }
  const taken = new Array<number>(ds.classNames.length).fill(0);
  const out: number[] = [];
  for (const r of order) {
    const c = ds.y[r]!;
    if (taken[c]! < quota[c]!) {
      taken[c]!++;
      out.push(r);
    }
  }
  return Int32Array.from(out).sort();
}
