import { mulberry32, shuffleInPlace } from './random';

export interface SplitFractions {
  val: number;
  test: number;
}

/**
 * Seeded stratified split: each class's rows are shuffled and cut in the same proportions, so
 * small classes appear in every part. Returns sorted row indices per part.
 */
export function stratifiedSplit(
  labels: Int32Array,
  numClasses: number,
  fractions: SplitFractions,
  seed: number,
): { train: Int32Array; val: Int32Array; test: Int32Array } {
  const rand = mulberry32(seed);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, row) => byClass[label]!.push(row));
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  for (const rows of byClass) {
    const shuffled = shuffleInPlace(Int32Array.from(rows), rand);
    const nTest = Math.round(shuffled.length * fractions.test);
    const nVal = Math.round(shuffled.length * fractions.val);
    test.push(...shuffled.subarray(0, nTest));
    val.push(...shuffled.subarray(nTest, nTest + nVal));
    train.push(...shuffled.subarray(nTest + nVal));
  }
  const sorted = (a: number[]) => Int32Array.from(a).sort();
  return { train: sorted(train), val: sorted(val), test: sorted(test) };
}
