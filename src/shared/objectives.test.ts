import { describe, expect, it } from 'vitest';
import { AUGMENT_PRESETS } from './augmentation';
import { DEFAULT_CONFIG } from './defaults';
import { CONTRASTIVE_BATCH, GAN_LR, objectiveChange, stageChange } from './objectives';

const pretrain = { ...DEFAULT_CONFIG, stage: 'pretrain' as const };

describe('switching the pretraining objective', () => {
  it('contrastive: a larger batch, a deeper dense encoder and augmentation, where the usual values were kept', () => {
    const change = objectiveChange(pretrain, 'contrastive');
    expect(change).toMatchObject({
      objective: 'contrastive',
      batchSize: CONTRASTIVE_BATCH,
      encoder: { kind: 'dense', widths: [256, 128] },
      augmentation: AUGMENT_PRESETS.strong,
    });
    expect(change.learningRate).toBe(0.001);
  });

  it("keeps what the user chose: a batch size, an encoder, an augmentation that isn't off", () => {
    const mine = {
      ...pretrain,
      batchSize: 64,
      encoder: { kind: 'dense' as const, widths: [512] },
      augmentation: AUGMENT_PRESETS.light,
    };
    const change = objectiveChange(mine, 'contrastive');
    expect(change.batchSize).toBeUndefined();
    expect(change.encoder).toBeUndefined();
    expect(change.augmentation).toBeUndefined();
  });

  it('back from contrastive, and to and from the GAN, the usual values follow', () => {
    const contrastive = { ...pretrain, ...objectiveChange(pretrain, 'contrastive') };
    expect(objectiveChange(contrastive, 'autoencoder')).toMatchObject({ batchSize: 32, encoder: { widths: [128] } });
    const gan = { ...pretrain, ...objectiveChange(pretrain, 'gan') };
    expect(gan.learningRate).toBe(GAN_LR);
    expect(objectiveChange(gan, 'denoising').learningRate).toBe(0.001);
    const conv = { ...pretrain, encoder: { kind: 'conv' as const, widths: [16, 8] } };
    expect(objectiveChange(conv, 'contrastive').encoder).toEqual({ kind: 'conv', widths: [16, 32, 64] });
  });

  it("the GAN's rate is pretraining's only", () => {
    const gan = { ...pretrain, objective: 'gan' as const, learningRate: GAN_LR };
    expect(stageChange(gan, 'finetune').learningRate).toBe(0.001);
    expect(stageChange({ ...gan, stage: 'finetune', learningRate: 0.001 }, 'pretrain').learningRate).toBe(GAN_LR);
    expect(stageChange({ ...gan, learningRate: 0.01 }, 'finetune').learningRate).toBeUndefined();
  });
});
