// Pretraining's body: an encoder learned without labels by one of the objectives the engine lists
// (engine/pretrain/objectives); its checkpoints hold the encoder, which fine-tuning can start from.
import type { Dataset } from '../../engine/data/dataset';
import { PRETRAIN_METHODS } from '../../engine/pretrain/objectives';
import { pretrain, pretrainRows } from '../../engine/pretrain/pretrain';
import type { SweepHooks } from '../../engine/train/loop';
import type { TrainConfig } from '../../shared/types/training';
import type { RunBody, TrainContext } from './body';

/** `sweep`: a learning-rate sweep instead of a run (see lrFinder.ts). */
export function pretrainingBody(ds: Dataset, config: TrainConfig, sweep?: SweepHooks): RunBody {
  const method = PRETRAIN_METHODS[config.objective.id];
  return {
    model: null,
    plan: async () => ({
      title: `Pretrain ${config.objective.id}, ${ds.name}`,
      from: '',
      series: method.series,
      trainRows: pretrainRows(ds).length,
      requiredKernels: method.kernels(config),
      measure: () => method.measure(ds, config),
    }),
    async *train({ control, checkpointer, readEvery, limits }: TrainContext) {
      // Too big for this backend: said before the first step, with the limit.
      if (limits) method.checkSize(ds, config, limits);
      const result = yield* pretrain(ds, { ...config, readEvery, ...sweep }, control, (log, encoder) =>
        checkpointer.afterEpoch(log, encoder, null),
      );
      result.encoder.dispose();
      return { state: result.state, steps: result.steps };
    },
  };
}
