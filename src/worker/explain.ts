// Explanations in the worker: one input's attributions (engine/explain/explain.ts), and the
// permutation importance of a table's columns on the test split, with the randomization check.
import { explainInput } from '../engine/explain/explain';
import { permutationImportance } from '../engine/explain/importance';
import { sanityOf, untrainedTwin } from '../engine/explain/sanity';
import { sampleShape } from '../engine/models/shape';
import { featureWidth } from '../shared/preprocessing';
import type { ExplainRequest, Explanation, ImportanceResult } from '../shared/types/explain';
import type { ModelService } from './models';

/** Shuffles per column: enough for a mean and a spread, cheap for a small model. */
const REPEATS = 5;
/** Test rows read at most (evenly spaced over the split beyond that). */
const MAX_ROWS = 2000;

export async function explain(models: ModelService, req: ExplainRequest): Promise<Explanation> {
  const t0 = performance.now();
  const { model, preprocessing, x } = await models.inputFor(req.source, req.input);
  const e = await explainInput({ model, preprocessing, x, method: req.method, classIndex: req.classIndex });
  return { ...e, source: req.source, ms: performance.now() - t0 };
}

export async function columnImportance(
  models: ModelService,
  source: string,
  progress: (done: number, total: number) => void,
): Promise<ImportanceResult> {
  const t0 = performance.now();
  const { model, preprocessing: p, task, x, y } = await models.testSplitFor(source, MAX_ROWS);
  if (p.kind !== 'table' || task === 'none')
    throw new Error('Column importance is for tables with a label: pictures and texts are explained one at a time.');
  const width = p.features.reduce((n, f) => n + featureWidth(f), 0);
  const input = { x, y, width, groups: p.features.map(featureWidth), task };
  const shape = sampleShape(model, width);
  // The twin's columns count in the progress: twice the columns in all.
  const total = 2 * p.features.length;
  const trained = await permutationImportance(model, input, shape, REPEATS, 1, (done) => progress(done, total));
  const twin = await untrainedTwin(model);
  let untrained: Awaited<ReturnType<typeof permutationImportance>>;
  try {
    untrained = await permutationImportance(twin, input, shape, REPEATS, 1, (done) =>
      progress(p.features.length + done, total),
    );
  } finally {
    twin.dispose();
  }
  // Regression labels are standardized for training: the MSE in the label's own units.
  const unit = p.label?.type === 'numeric' ? p.label.std ** 2 : 1;
  const columns = p.features
    .map((f, i) => ({ column: f.column, mean: trained.mean[i]! * unit, std: trained.std[i]! * unit }))
    .sort((a, b) => b.mean - a.mean);
  return {
    source,
    metric: task === 'classification' ? 'accuracy' : 'mse',
    baseline: trained.baseline * unit,
    repeats: REPEATS,
    rows: y.length,
    columns,
    sanity: sanityOf(trained.mean, untrained.mean),
    ms: performance.now() - t0,
  };
}
