// Pretraining's body: an encoder learned without labels (autoencoder, denoising, GAN, contrastive;
// masked language modeling for text); its checkpoints hold the encoder, which fine-tuning can
// start from.
import type { Dataset } from '../../engine/data/dataset';
import { TRAINING_KERNELS } from '../../engine/models/build';
import { checkFits } from '../../engine/memory';
import { PROJECTION_SIZE } from '../../engine/pretrain/contrastive';
import { buildDecoder, buildEncoder, buildProjection } from '../../engine/pretrain/models';
import { SERIES, mlmSpec, pretrain, pretrainRows } from '../../engine/pretrain/pretrain';
import { measureAutoencoder, measureMlm } from '../../engine/train/measure';
import { MLM_RATE, buildMlmHead } from '../../engine/text/mlm';
import { buildTextEncoder } from '../../engine/text/transformer';
import type { SweepHooks } from '../../engine/train/loop';
import type { TrainConfig } from '../../shared/types/training';
import type { RunBody, TrainContext } from './body';

/** `sweep`: a learning-rate sweep instead of a run (see lrFinder.ts). */
export function pretrainingBody(ds: Dataset, config: TrainConfig, sweep?: SweepHooks): RunBody {
  const mlm = config.objective === 'mlm';
  return {
    model: null,
    plan: async () => ({
      title: `Pretrain ${config.objective}, ${ds.name}`,
      from: '',
      series: SERIES[config.objective],
      trainRows: pretrainRows(ds).length,
      requiredKernels: mlm ? TRAINING_KERNELS.transformer : config.encoder.kind === 'conv' ? TRAINING_KERNELS.cnn : [],
      measure: () =>
        mlm
          ? measureMlm(mlmSpec(ds, config.text), ds, config.batchSize)
          : measureAutoencoder(config.encoder, ds, config.batchSize),
    }),
    async *train({ control, checkpointer, readEvery, limits }: TrainContext) {
      if (limits && mlm) {
        // The Transformer and its vocabulary-sized output layer (applied to the masked tokens only).
        const spec = mlmSpec(ds, config.text);
        const { encoder, trunk } = buildTextEncoder(spec, config.seed);
        const head = buildMlmHead(spec.width, spec.vocabSize, config.seed);
        try {
          checkFits(trunk, config.batchSize, limits, ds.features);
          checkFits(head, Math.ceil(config.batchSize * ds.features * MLM_RATE), limits);
        } finally {
          encoder.dispose();
          head.dispose();
        }
      } else if (limits) {
        // Too big for this backend: said before the first step, with the limit (encoder and decoder,
        // or the projection head; a contrastive batch holds two views of each input).
        const encoder = buildEncoder(config.encoder, ds.inputShape, config.seed);
        const probes = [encoder];
        const contrastive = config.objective === 'contrastive';
        try {
          if (contrastive) probes.push(buildProjection(encoder, PROJECTION_SIZE, config.seed));
          else if (config.objective !== 'gan')
            probes.push(buildDecoder(config.encoder, ds.inputShape, ds.kind === 'image', config.seed));
          for (const m of probes) checkFits(m, contrastive ? 2 * config.batchSize : config.batchSize, limits);
        } finally {
          probes.forEach((m) => m.dispose());
        }
      }
      const result = yield* pretrain(ds, { ...config, readEvery, ...sweep }, control, (log, encoder) =>
        checkpointer.afterEpoch(log, encoder, null),
      );
      result.encoder.dispose();
      return { state: result.state, steps: result.steps };
    },
  };
}
