// The fine-tuning learning rate as a pure function of the step, shared by the engine (which sets
// it on the optimizer) and the UI (which plots the whole plan and the current point).
import type { FreezeSpec, TrainConfig } from './types/training';

type ScheduleConfig = Pick<TrainConfig, 'learningRate' | 'epochs' | 'schedule' | 'freeze'>;

/** Whether `epoch` (1-based) trains the head only (encoder frozen). */
export function headOnly(freeze: FreezeSpec, epoch: number): boolean {
  return freeze.headEpochs > 0 && epoch <= freeze.headEpochs;
}

/** The rate multiplier of the phase `epoch` is in: 1 while the encoder is frozen (or never frozen), `lrFactor` after unfreezing. */
export function phaseFactor(freeze: FreezeSpec, epoch: number): number {
  return freeze.headEpochs > 0 && epoch > freeze.headEpochs ? freeze.lrFactor : 1;
}

/** The schedule's multiplier (0..1] at 0-based `step` of a run of `totalSteps`. */
export function scheduleFactor(c: ScheduleConfig, step: number, stepsPerEpoch: number): number {
  const s = c.schedule;
  const total = Math.max(1, c.epochs * stepsPerEpoch);
  const warmup = Math.round(Math.max(0, s.warmupEpochs) * stepsPerEpoch);
  // Linear warm-up reaches the full rate at its last step (step warmup - 1), never 0.
  if (step < warmup) return (step + 1) / warmup;
  if (s.kind === 'step') {
    const epochsDone = Math.floor(step / stepsPerEpoch);
    return s.stepFactor ** Math.floor(epochsDone / Math.max(1, s.stepEvery));
  }
  if (s.kind === 'cosine') {
    const span = Math.max(1, total - warmup - 1);
    const t = Math.min(1, (step - warmup) / span);
    return s.minFactor + (1 - s.minFactor) * 0.5 * (1 + Math.cos(Math.PI * t));
  }
  return 1;
}

/** The learning rate used for 0-based `step` (whose epoch is floor(step / stepsPerEpoch) + 1). */
export function learningRateAt(c: ScheduleConfig, step: number, stepsPerEpoch: number): number {
  const epoch = Math.floor(step / stepsPerEpoch) + 1;
  return c.learningRate * scheduleFactor(c, step, stepsPerEpoch) * phaseFactor(c.freeze, epoch);
}

/** The plan for plotting: at most `points` (step, rate) pairs over the whole run (steps 1-based). */
export function schedulePlan(c: ScheduleConfig, stepsPerEpoch: number, points = 200): { step: number; lr: number }[] {
  const total = Math.max(1, c.epochs * stepsPerEpoch);
  const every = Math.max(1, Math.floor(total / points));
  const out: { step: number; lr: number }[] = [];
  for (let s = 0; s < total; s += every) out.push({ step: s + 1, lr: learningRateAt(c, s, stepsPerEpoch) });
  if (out[out.length - 1]!.step !== total) out.push({ step: total, lr: learningRateAt(c, total - 1, stepsPerEpoch) });
  return out;
}

/** What trains when, in words, for the settings and the layer list. */
export function describePhases(c: Pick<TrainConfig, 'epochs' | 'freeze'>): string[] {
  const f = c.freeze;
  if (f.headEpochs <= 0) return [`Epochs 1–${c.epochs}: every layer trains.`];
  const which =
    f.unfreeze === 'all'
      ? 'every layer'
      : `the head and the last ${f.lastK} encoder layer${f.lastK === 1 ? '' : 's'} with weights`;
  if (f.headEpochs >= c.epochs) return [`Epochs 1–${c.epochs}: the head only (encoder frozen).`];
  return [
    `Epochs 1–${f.headEpochs}: the head only (encoder frozen).`,
    `Epochs ${f.headEpochs + 1}–${c.epochs}: ${which}, at the learning rate × ${f.lrFactor}.`,
  ];
}
