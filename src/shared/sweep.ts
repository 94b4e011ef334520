// The label-efficiency sweep's plan and summary, pure (used by the worker and the page).
import { methodSettings } from './methods';
import type {
  SweepArm,
  SweepBudget,
  SweepPoint,
  SweepResult,
  SweepRow,
  SweepRunSpec,
  SweepSettings,
} from './types/sweep';
import type { CheckpointInfo } from './types/models';
import type { TrainConfig } from './types/training';

export const DEFAULT_SWEEP_BUDGETS: SweepBudget[] = [10, 100, 'all'];
export const DEFAULT_SWEEP_SEEDS = 3;
export const MAX_SWEEP_RUNS = 200;

/** "10, 100, all" → [10, 100, 'all'] (sorted, without repeats); null when a term is not a budget. */
export function parseBudgets(text: string): SweepBudget[] | null {
  const terms = text
    .split(/[,\s;]+/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  if (!terms.length) return null;
  const numbers = new Set<number>();
  let all = false;
  for (const t of terms) {
    if (t === 'all') all = true;
    else if (/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 1_000_000) numbers.add(Number(t));
    else return null;
  }
  return [...[...numbers].sort((a, b) => a - b), ...(all ? (['all'] as const) : [])];
}

export function formatBudgets(budgets: SweepBudget[]): string {
  return budgets.join(', ');
}

/** The arms a sweep runs, in the order each budget and seed trains them. */
export function sweepArms(settings: Pick<SweepSettings, 'encoderId' | 'semiSupervised'>): SweepArm[] {
  const supervised: SweepArm[] = settings.encoderId ? ['scratch', 'pretrained'] : ['scratch'];
  if (!settings.semiSupervised) return supervised;
  return [...supervised, 'semi-scratch', ...(settings.encoderId ? (['semi-pretrained'] as const) : [])];
}

const isSemi = (arm: SweepArm) => arm === 'semi-scratch' || arm === 'semi-pretrained';

/**
 * The runs of a sweep, in the order they train: budget by budget, seed by seed, scratch then the
 * encoder (so the pair of a budget and seed finishes together and the table fills early), then the
 * semi-supervised arms. With every label, these need rows without a label (`unlabeled`).
 */
export function planSweep(settings: SweepSettings, baseSeed: number, unlabeled = 0): SweepRunSpec[] {
  const plan: SweepRunSpec[] = [];
  for (const budget of settings.budgets)
    for (let s = 0; s < settings.seeds; s++)
      for (const arm of sweepArms(settings))
        if (!(isSemi(arm) && budget === 'all' && !unlabeled))
          plan.push({ index: plan.length, budget, arm, seed: baseSeed + s });
  return plan;
}

/**
 * A planned run's fine-tuning settings. Scratch, when there is an encoder, is the encoder's
 * network with random weights (not the model chosen under Model). Classification: N labels per class; regression (no
 * classes): N training rows, as a fraction of them. Each run keeps only its final checkpoint.
 */
export function sweepRunConfig(
  base: TrainConfig,
  spec: SweepRunSpec,
  encoderId: string | null,
  data: { task: 'classification' | 'regression'; trainRows: number },
): TrainConfig {
  const budget =
    spec.budget === 'all'
      ? { labelBudget: 'all' as const }
      : data.task === 'classification'
        ? { labelBudget: 'perClass' as const, labelsPerClass: spec.budget }
        : spec.budget >= data.trainRows
          ? { labelBudget: 'all' as const }
          : { labelBudget: 'fraction' as const, labelFraction: spec.budget / Math.max(1, data.trainRows) };
  // The supervised arms fine-tune supervised whatever the page shows; the semi arms by FixMatch with
  // the page's semi-supervised fields.
  const method = isSemi(spec.arm)
    ? methodSettings({
        id: 'semi-supervised',
        'semi-supervised': base.method.id === 'semi-supervised' ? base.method : {},
      })
    : methodSettings({ id: 'supervised' });
  return {
    ...base,
    stage: 'finetune',
    ...budget,
    method,
    seed: spec.seed,
    // With an encoder, scratch is its own network from random weights: the same layers, so the
    // difference is what the pretraining itself was worth.
    initFrom: encoderId ?? 'scratch',
    encoderInit: spec.arm === 'pretrained' || spec.arm === 'semi-pretrained' ? 'pretrained' : 'random',
    checkpointEvery: base.epochs,
    keepLast: 1,
  };
}

/** Checks what the user asked for; returns why it cannot run, or null. */
export function sweepProblem(settings: SweepSettings): string | null {
  if (!settings.budgets.length) return 'Label budgets: give one or more, such as "10, 100, all".';
  if (!Number.isInteger(settings.seeds) || settings.seeds < 1 || settings.seeds > 20)
    return 'Seeds: use a whole number from 1 to 20.';
  const runs = settings.budgets.length * settings.seeds * sweepArms(settings).length;
  if (runs > MAX_SWEEP_RUNS) return `That is ${runs} runs; a sweep has at most ${MAX_SWEEP_RUNS}.`;
  return null;
}

/** Mean and range per (budget, arm) over the finished runs, in budget order (failed runs left out). */
export function sweepPoints(results: SweepResult[], budgets: SweepBudget[]): SweepPoint[] {
  const points: SweepPoint[] = [];
  for (const budget of budgets)
    for (const arm of ['scratch', 'pretrained', 'semi-scratch', 'semi-pretrained'] as const) {
      const mine = results.filter((r) => r.budget === budget && r.arm === arm && r.metric !== null);
      if (!mine.length) continue;
      const values = mine.map((r) => r.metric!);
      points.push({
        budget,
        arm,
        x: mean(mine.map((r) => r.x)),
        mean: mean(values),
        min: Math.min(...values),
        max: Math.max(...values),
        runs: values.length,
      });
    }
  return points;
}

/** One row per budget with a finished run: every arm and the difference of the supervised means. */
export function sweepRows(points: SweepPoint[], budgets: SweepBudget[]): SweepRow[] {
  return budgets.flatMap((budget) => {
    const at = (arm: SweepArm) => points.find((p) => p.budget === budget && p.arm === arm) ?? null;
    const scratch = at('scratch');
    const pretrained = at('pretrained');
    const semiScratch = at('semi-scratch');
    const semiPretrained = at('semi-pretrained');
    const first = scratch ?? pretrained ?? semiScratch ?? semiPretrained;
    if (!first) return [];
    return [
      {
        budget,
        x: first.x,
        scratch,
        pretrained,
        diff: scratch && pretrained ? pretrained.mean - scratch.mean : null,
        semiScratch,
        semiPretrained,
      },
    ];
  });
}

/** Seconds left: the mean finished run's time for each run still to do, less the current one's elapsed time. */
export function sweepEta(results: SweepResult[], planned: number, currentElapsed: number): number | null {
  if (!results.length) return null;
  const per = mean(results.map((r) => r.seconds));
  const left = planned - results.length;
  return Math.max(0, per * left - Math.min(per, currentElapsed));
}

function mean(v: number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}

/**
 * The encoder a sweep compares with by default: the newest pretraining run's checkpoint with the
 * best probe accuracy (the probe's pick of its epochs), else its best, else its newest.
 */
export function defaultSweepEncoder(encoders: CheckpointInfo[]): CheckpointInfo | null {
  if (!encoders.length) return null;
  const newest = encoders.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
  const ofRun = encoders.filter((c) => c.runKey === newest.runKey);
  return ofRun.find((c) => c.tags.includes('bestProbe')) ?? ofRun.find((c) => c.tags.includes('best')) ?? newest;
}
