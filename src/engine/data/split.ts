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
  const parts = { train: [] as Int32Array[], val: [] as Int32Array[], test: [] as Int32Array[] };
  for (const rows of byClass) {
    const shuffled = shuffleInPlace(Int32Array.from(rows), rand);
    // Small classes still reach every part that asks for rows (when they have 3 or more rows).
    const n = shuffled.length;
    const nTest = Math.min(n - 1, Math.max(fractions.test > 0 && n >= 3 ? 1 : 0, Math.round(n * fractions.test)));
    const nVal = Math.min(n - 1 - nTest, Math.max(fractions.val > 0 && n >= 3 ? 1 : 0, Math.round(n * fractions.val)));
    parts.test.push(shuffled.subarray(0, nTest));
    parts.val.push(shuffled.subarray(nTest, nTest + nVal));
    parts.train.push(shuffled.subarray(nTest + nVal));
  }
  // Concatenated without spreading (a million rows would overflow the call stack).
  const joined = (chunks: Int32Array[]) => {
    const out = new Int32Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out.sort();
  };
  return { train: joined(parts.train), val: joined(parts.val), test: joined(parts.test) };
}
