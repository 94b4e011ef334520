// What a fine-tuning method makes of a run before and while it trains: the method its settings
// name (checked), the rows an epoch goes through (the label budget's, or the unlabelled pool) and
// its own figures, summed per epoch for the log.
import { checkFields } from '../../shared/fields';
import { epochPlan } from '../../shared/methods';
import type { EpochLog } from '../../shared/types/results';
import type { TrainConfig } from '../../shared/types/training';
import type { Dataset } from '../data/dataset';
import { budgetedRows } from './budget';
import { FINETUNE_METHODS, type FinetuneMethodModule } from './methods';
import type { RunnerEvent } from './runner';

type RunRows = Pick<TrainConfig, 'labelBudget' | 'labelFraction' | 'labelsPerClass' | 'seed' | 'batchSize' | 'method'>;

/**
 * The config's method (its own settings checked, and whether it can run on this data: refused by
 * name before anything is built) and its epoch's rows.
 */
export function methodRun(ds: Dataset, cfg: RunRows) {
  const method = checkedMethod(cfg.method);
  const rows = epochRows(ds, cfg);
  const refused = method.validate?.(ds, rows.pool);
  if (refused) throw new Error(refused);
  return { method, ...rows };
}

/** The method the settings name, its own settings checked (refused by the field's name). */
function checkedMethod(settings: TrainConfig['method']) {
  const method = FINETUNE_METHODS[settings.id];
  checkFields(method.info.fields, settings, (field, why) => {
    throw new Error(`${field}: ${why}`);
  });
  return method;
}

/**
 * A method's figures (the scalars its step returns after the losses): taken out of the loss reads
 * and summed per epoch, for the epoch's log.
 */
export class EpochFigures {
  readonly names: string[];
  private sums: number[];

  constructor(private readonly method: FinetuneMethodModule) {
    this.names = method.figures ?? [];
    this.sums = this.names.map(() => 0);
  }

  /** `inner`'s events, its loss reads without the figures (summed here). */
  async *split<R>(inner: AsyncGenerator<RunnerEvent, R>): AsyncGenerator<RunnerEvent, R> {
    const losses = this.method.series.length;
    let next = await inner.next();
    while (!next.done) {
      const ev = next.value;
      if (ev.type === 'losses' && this.names.length) {
        ev.losses.slice(losses).forEach((values, k) => values.forEach((v) => (this.sums[k]! += v)));
        yield { ...ev, losses: ev.losses.slice(0, losses) };
      } else yield ev;
      next = await inner.next();
    }
    return next.value;
  }

  /** The epoch's part of the log from its sums, which start again. */
  take(): Partial<EpochLog> {
    if (!this.names.length) return {};
    const part = this.method.epochFigures?.(this.sums) ?? {};
    this.sums = this.names.map(() => 0);
    return part;
  }
}

/**
 * What a fine-tuning epoch goes through by the config's method: its rows (the label budget's, or
 * the unlabelled pool) in batches of what size; and both sets of rows.
 */
export function epochRows(
  ds: Dataset,
  cfg: RunRows,
): { rows: Int32Array; batchSize: number; labelled: Int32Array; pool: Int32Array } {
  const labelled = budgetedRows(ds, cfg, cfg.seed);
  const pool = unlabelledPool(ds, labelled);
  const sizes = { labelled: labelled.length, pool: pool.length, batchSize: cfg.batchSize };
  const epoch = epochPlan(FINETUNE_METHODS[cfg.method.id].info, cfg.method, sizes);
  return { rows: epoch.over === 'pool' ? pool : labelled, batchSize: epoch.batchSize, labelled, pool };
}

/**
 * Training rows outside the label budget (their labels held back) and the rows that have none:
 * what a method that learns from unlabelled rows reads.
 */
export function unlabelledPool(ds: Dataset, labelled: Int32Array): Int32Array {
  const taken = new Set(labelled);
  const held = ds.split.train.filter((r) => !taken.has(r));
  const none = ds.unlabeled ?? new Int32Array(0);
  const out = new Int32Array(held.length + none.length);
  out.set(held);
  out.set(none, held.length);
  return out;
}
