/** Classification metrics from true and predicted class indices. Pure, no tfjs. */
export interface ClassificationMetrics {
  accuracy: number;
  macroF1: number;
  /** F1 averaged with each class weighted by its support (its rows in `actual`). */
  weightedF1: number;
  confusion: number[][];
  perClass: { precision: number; recall: number; f1: number; support: number }[];
}

export function classificationMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): ClassificationMetrics {
  if (actual.length !== predicted.length) throw new Error('actual and predicted differ in length');
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const p = predicted[i]!;
    confusion[a]![p]! += 1;
    if (a === p) correct++;
  }
  // A class never predicted has precision 0 (not NaN); classes absent from both are left out of
  // the macro average, as scikit-learn does for labels that do not occur.
  const perClass = confusion.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((s, v) => s + v, 0);
    const predictedCount = confusion.reduce((s, r) => s + r[c]!, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support, present: support > 0 || predictedCount > 0 };
  });
  const present = perClass.filter((c) => c.present);
  const supportSum = perClass.reduce((s, c) => s + c.support, 0);
  return {
    weightedF1: supportSum ? perClass.reduce((s, c) => s + c.f1 * c.support, 0) / supportSum : 0,
    accuracy: actual.length ? correct / actual.length : 0,
    macroF1: present.length ? present.reduce((s, c) => s + c.f1, 0) / present.length : 0,
    confusion,
    perClass: perClass.map(({ precision, recall, f1, support }) => ({ precision, recall, f1, support })),
  };
}

/** Regression metrics in the target's own units. */
export function regressionMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): { mse: number; mae: number; r2: number } {
  const n = actual.length;
  if (!n) return { mse: NaN, mae: NaN, r2: NaN };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i]!;
  mean /= n;
  let se = 0;
  let ae = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    const d = actual[i]! - predicted[i]!;
    se += d * d;
    ae += Math.abs(d);
    tot += (actual[i]! - mean) ** 2;
  }
  // A constant target has no variance to explain: R2 is 0 for a perfect fit's absence, 1 if exact.
  return { mse: se / n, mae: ae / n, r2: tot > 0 ? 1 - se / tot : se === 0 ? 1 : 0 };
}
