import { describe, expect, it } from 'vitest';
import { AUGMENT_PRESETS } from '../augmentation';
import { DEFAULT_CONFIG, completeConfig } from '../defaults';
import { OBJECTIVES, objectiveSettings } from '../objectives';
import type { DatasetSummary } from '../types/datasets';
import type { CheckpointInfo } from '../types/models';
import type { FinetuneMethod, PretrainObjective, TrainConfig } from '../types/training';
import {
  DEFAULT_SETTINGS,
  changedKeys,
  choose,
  migrateConfig,
  declaredFieldsChosen,
  readSettings,
  resetStage,
} from './choices';
import { ALL_AUTO, FEW_LABELS, describeSteps, finetuneEpoch, fitToLabels, labelledRows } from './fewLabels';
import { resolveConfig, type SettingsContext } from './resolve';
import type { StudioSettings } from './types';

const CONTRASTIVE_BATCH = OBJECTIVES.contrastive.usual!.batchSize!;
const GAN_LR = OBJECTIVES.gan.usual!.learningRate!;

const digits: DatasetSummary = {
  name: 'mnist',
  description: '',
  kind: 'image',
  source: 'builtin',
  task: 'classification',
  rows: 10_000,
  features: 784,
  inputShape: [28, 28, 1],
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  classCounts: new Array<number>(10).fill(1000),
  trainClassCounts: new Array<number>(10).fill(700),
  inputSignature: 'digits',
  split: { train: 7000, val: 1500, test: 1500 },
  preview: { kind: 'image', height: 28, width: 28, channels: 1, images: [] },
};
const photos: DatasetSummary = {
  ...digits,
  name: 'photos',
  source: 'upload',
  inputSignature: 'photos',
  rows: 180,
  classNames: ['a', 'b', 'c'],
  classCounts: [60, 60, 60],
  trainClassCounts: [42, 42, 42],
  split: { train: 126, val: 27, test: 27 },
};

const on = (dataset: DatasetSummary | null, checkpoints: CheckpointInfo[] = []): SettingsContext => ({
  dataset,
  checkpoints,
});
const resolve = (s: StudioSettings, ctx: SettingsContext = on(digits), stage = s.stage) => resolveConfig(s, ctx, stage);

function encoderCheckpoint(id: string, patch: Partial<CheckpointInfo> = {}): CheckpointInfo {
  return {
    id,
    runKey: 'run-1',
    runTitle: 'Pretrain contrastive, mnist',
    name: id,
    stage: 'pretrain',
    epoch: 3,
    totalEpochs: 10,
    step: 100,
    tags: ['latest'],
    valLoss: 1,
    valAccuracy: NaN,
    bytes: 1,
    createdAt: 1,
    datasetName: 'mnist',
    inputSignature: 'digits',
    inputShape: [28, 28, 1],
    classNames: digits.classNames,
    config: { ...DEFAULT_CONFIG, stage: 'pretrain', objective: objectiveSettings('contrastive') },
    ...patch,
  };
}

describe('settings per stage', () => {
  it('a stage keeps its own epochs, batch size, rate, schedule and augmentation; switching shows its values', () => {
    let s = choose(DEFAULT_SETTINGS, { stage: 'pretrain' });
    s = choose(s, { epochs: 40, batchSize: 64, learningRate: 0.01, augmentation: AUGMENT_PRESETS.strong });
    s = choose(s, { schedule: { kind: 'cosine' } });
    expect(resolve(s)).toMatchObject({ stage: 'pretrain', epochs: 40, batchSize: 64, learningRate: 0.01 });
    s = choose(s, { stage: 'finetune' });
    const finetune = resolve(s);
    expect(finetune).toMatchObject({ stage: 'finetune', epochs: 5, batchSize: 32, learningRate: 0.001 });
    expect(finetune.schedule.kind).toBe('constant');
    expect(finetune.augmentation).toEqual(AUGMENT_PRESETS.off);
    s = choose(s, { epochs: 7 });
    expect(resolve(s, on(digits), 'pretrain').epochs).toBe(40);
    expect(resolve(s).epochs).toBe(7);
  });

  it("choosing an objective changes pretraining's settings only", () => {
    const s = choose(DEFAULT_SETTINGS, { stage: 'pretrain', objective: { id: 'contrastive' } });
    expect(resolve(s)).toMatchObject({
      batchSize: CONTRASTIVE_BATCH,
      encoder: { kind: 'dense', widths: [256, 128] },
      augmentation: AUGMENT_PRESETS.strong,
    });
    // 8,500 rows in batches of 256: 34 steps an epoch, 1,500 steps in 45 epochs.
    expect(resolve(s).epochs).toBe(45);
    expect(resolve(s, on(digits), 'finetune')).toMatchObject({ batchSize: 32, epochs: 5, learningRate: 0.001 });
    const gan = choose(s, { objective: { id: 'gan' } });
    expect(resolve(gan)).toMatchObject({ learningRate: GAN_LR, batchSize: 32, encoder: { widths: [128] } });
    expect(resolve(gan, on(digits), 'finetune').learningRate).toBe(0.001);
    // A stored objective this version does not know falls back to the default one.
    const unknown = choose(s, { objective: { id: 'diffusion' as PretrainObjective } });
    expect(resolve(unknown).objective).toEqual({ id: 'autoencoder' });
  });

  it('each objective keeps its own fields while another is chosen; a value that does not fit follows the default', () => {
    let s = choose(DEFAULT_SETTINGS, {
      stage: 'pretrain',
      objective: { id: 'contrastive', contrastive: { temperature: 0.5 } },
    });
    s = choose(s, { objective: { id: 'denoising', denoising: { noise: 'gaussian' } } });
    s = choose(s, { objective: { denoising: { noiseLevel: 3 } } });
    expect(resolve(s).objective).toEqual({ id: 'denoising', noise: 'gaussian', noiseLevel: 3 });
    expect(changedKeys(s, 'pretrain')).toEqual([
      'objective',
      'contrastive.temperature',
      'denoising.noise',
      'denoising.noiseLevel',
    ]);
    expect(declaredFieldsChosen('objective', s.choices.shared.objective!).map((f) => f.name)).toEqual([
      'temperature',
      'corruption',
      'noise std',
    ]);
    // Masking takes a fraction below 1: the level chosen for Gaussian noise gives way to the mask's default.
    const masked = choose(s, { objective: { denoising: { noise: 'mask' } } });
    expect(resolve(masked).objective).toEqual({ id: 'denoising', noise: 'mask', noiseLevel: 0.3 });
    // Choosing the kind in the panel forgets the level (the field declares it resets).
    const forgot = choose(s, { objective: { denoising: { noise: 'mask', noiseLevel: undefined } } });
    expect(forgot.choices.shared.objective?.denoising).toEqual({ noise: 'mask' });
    expect(resolve(choose(s, { objective: { id: 'contrastive' } })).objective).toEqual({
      id: 'contrastive',
      temperature: 0.5,
    });
    expect(changedKeys(resetStage(s, 'pretrain'), 'pretrain')).toEqual([]);
  });

  it('the fine-tuning method is a choice of the fine-tuning stage; one this version does not know falls back', () => {
    const s = choose(DEFAULT_SETTINGS, { method: { id: 'supervised' } });
    expect(resolve(s).method).toEqual({ id: 'supervised' });
    expect(changedKeys(s, 'finetune')).toEqual(['method']);
    expect(changedKeys(s, 'pretrain')).toEqual([]);
    const unknown = choose(s, { method: { id: 'mixmatch' as FinetuneMethod } });
    expect(resolve(unknown).method).toEqual({ id: 'supervised' });
    expect(changedKeys(resetStage(s, 'finetune'), 'finetune')).toEqual([]);
    // A run stored before methods existed was supervised.
    expect(completeConfig({ epochs: 3 }).method).toEqual({ id: 'supervised' });
  });

  it("keeps what the user chose when the objective changes; an encoder kind alone takes that kind's usual widths", () => {
    let s = choose(DEFAULT_SETTINGS, { stage: 'pretrain', batchSize: 64 });
    s = choose(s, { objective: { id: 'contrastive' } });
    expect(resolve(s).batchSize).toBe(64);
    s = choose(s, { encoder: { kind: 'conv' } });
    expect(resolve(s).encoder).toEqual({ kind: 'conv', widths: [16, 32, 64] });
    expect(resolve(choose(s, { objective: { id: 'autoencoder' } })).encoder).toEqual({ kind: 'conv', widths: [16, 8] });
    s = choose(s, { encoder: { kind: 'conv', widths: [8, 8] } });
    expect(resolve(choose(s, { objective: { id: 'gan' } })).encoder).toEqual({ kind: 'conv', widths: [8, 8] });
    // A conv encoder does not fit a table: the dense one stands in, the choice stays for pictures.
    const table = { ...digits, kind: 'table' as const, inputShape: [10], features: 10, inputSignature: 't' };
    expect(resolve(s, on(table)).encoder).toEqual({ kind: 'dense', widths: [5] });
    expect(resolve(s).encoder.kind).toBe('conv');
  });

  it("the optimizer's usual rate follows the optimizer unless the rate was set", () => {
    const sgd = choose(DEFAULT_SETTINGS, { optimizer: { kind: 'sgd' } });
    expect(resolve(sgd).learningRate).toBe(0.05);
    expect(resolve(sgd).optimizer).toEqual({ ...DEFAULT_CONFIG.optimizer, kind: 'sgd' });
    expect(resolve(choose(sgd, { learningRate: 0.2 })).learningRate).toBe(0.2);
  });

  it('nested settings keep each field the user set, the others follow the defaults', () => {
    let s = choose(DEFAULT_SETTINGS, { freeze: { lrFactor: 0.5 } });
    s = choose(s, { earlyStopping: { patience: 9 } });
    const c = resolve(s);
    expect(c.freeze.lrFactor).toBe(0.5);
    expect(c.earlyStopping).toEqual({ enabled: true, patience: 9 });
    expect(changedKeys(s, 'finetune').sort()).toEqual(['earlyStopping', 'freeze']);
    expect(changedKeys(s, 'pretrain')).toEqual([]);
  });

  it("reset forgets the shown stage's changes only", () => {
    let s = choose(DEFAULT_SETTINGS, { epochs: 9, seed: 4, optimizer: { kind: 'sgd' } });
    s = choose(choose(s, { stage: 'pretrain' }), { epochs: 30, objective: { id: 'gan' } });
    const reset = resetStage(choose(s, { stage: 'finetune' }), 'finetune');
    expect(resolve(reset)).toMatchObject({ epochs: 5, seed: 4, learningRate: 0.001 });
    expect(resolve(reset, on(digits), 'pretrain')).toMatchObject({ epochs: 30, objective: { id: 'gan' } });
  });
});

describe('defaults follow whatever dataset is current, in any order', () => {
  it('uploaded pictures: the CNN, light augmentation and enough steps, at page open as after the digits', () => {
    for (const before of [on(null), on(digits)]) {
      resolve(DEFAULT_SETTINGS, before); // what was shown before does not matter: nothing is stored
      const c = resolve(DEFAULT_SETTINGS, on(photos));
      expect(c).toMatchObject({ model: 'cnn', augmentation: AUGMENT_PRESETS.light, batchSize: 16 });
      expect(c.epochs * Math.ceil(126 / 16)).toBeGreaterThanOrEqual(FEW_LABELS.minSteps);
    }
    expect(resolve(DEFAULT_SETTINGS, on(digits))).toMatchObject({ model: 'mlp', epochs: 5, batchSize: 32 });
  });

  it('uploaded pictures pretrain a convolutional encoder (contrastive: the CNN itself); the digits a dense one', () => {
    const contrastive = choose(DEFAULT_SETTINGS, { stage: 'pretrain', objective: { id: 'contrastive' } });
    expect(resolve(contrastive, on(photos)).encoder).toEqual({ kind: 'conv', widths: [16, 32, 64] });
    expect(resolve(contrastive, on(digits)).encoder).toEqual({ kind: 'dense', widths: [256, 128] });
    expect(resolve(choose(contrastive, { encoder: { kind: 'dense' } }), on(photos)).encoder.kind).toBe('dense');
  });

  it("a choice stands on every dataset where it fits: the user's MLP for pictures, their epochs", () => {
    const s = choose(DEFAULT_SETTINGS, { model: 'mlp', epochs: 12 });
    expect(resolve(s, on(photos))).toMatchObject({ model: 'mlp', epochs: 12 });
  });

  it('the newest pretraining run of this data is where fine-tuning starts, at its best probe; scratch when chosen', () => {
    const older = encoderCheckpoint('old', { runKey: 'a', createdAt: 1, tags: ['bestProbe'] });
    const best = encoderCheckpoint('best', { runKey: 'b', createdAt: 2, tags: ['bestProbe'] });
    const last = encoderCheckpoint('last', { runKey: 'b', createdAt: 3, tags: ['final'] });
    const otherData = encoderCheckpoint('other', { runKey: 'c', createdAt: 4, inputSignature: 'x' });
    const ctx = on(digits, [older, best, last, otherData]);
    expect(resolve(DEFAULT_SETTINGS, ctx).initFrom).toBe('best');
    expect(resolve(choose(DEFAULT_SETTINGS, { initFrom: 'scratch' }), ctx).initFrom).toBe('scratch');
    expect(resolve(DEFAULT_SETTINGS, on(photos, [best])).initFrom).toBe('scratch');
  });
});

describe('few labels', () => {
  const perClass = (n: number) => choose(DEFAULT_SETTINGS, { labelBudget: 'perClass', labelsPerClass: n });

  it('the labelled rows are what the budget draws from the training split', () => {
    const budget = { labelBudget: 'perClass' as const, labelFraction: 0.1, labelsPerClass: 50 };
    expect(labelledRows(photos, budget)).toBe(126); // 42 a class
    expect(labelledRows(digits, { ...budget, labelsPerClass: 10 })).toBe(100);
    expect(labelledRows(digits, { ...budget, labelBudget: 'fraction', labelFraction: 0.01 })).toBe(70);
    expect(labelledRows(digits, { ...budget, labelBudget: 'all' })).toBe(7000);
  });

  it('10 labels a class: batches of 16 and enough steps, early stopping on; all labels: the reference 32 × 5', () => {
    const few = resolve(perClass(10));
    expect(few.batchSize).toBe(16);
    expect(few.epochs * Math.ceil(100 / 16)).toBeGreaterThanOrEqual(FEW_LABELS.minSteps);
    expect(few.earlyStopping.enabled).toBe(true);
    expect(few.earlyStopping.patience * 7).toBeGreaterThanOrEqual(FEW_LABELS.patienceSteps);
    expect(few.augmentation).toEqual(AUGMENT_PRESETS.light);
    expect(describeSteps(few, 100).text).toMatch(
      /143 epochs × 7 steps = 1,001 steps \(100 labelled rows in batches of 16\)/,
    );
    const all = resolve(DEFAULT_SETTINGS);
    expect(all).toMatchObject({ batchSize: 32, epochs: 5, augmentation: AUGMENT_PRESETS.off });
    expect(all.earlyStopping.enabled).toBe(true);
    expect(resolve(perClass(100)).batchSize).toBe(32);
  });

  it('a contrastive batch of 256 stays with pretraining: fine-tuning 100 labelled rows takes batches of 16', () => {
    let s = choose(perClass(10), { stage: 'pretrain', objective: { id: 'contrastive' } });
    expect(resolve(s).batchSize).toBe(256);
    s = choose(s, { stage: 'finetune' });
    expect(resolve(s).batchSize).toBe(16);
  });

  it('the user can still set anything: their batch and epochs stand, and the steps say so', () => {
    const s = choose(perClass(10), { batchSize: 256, epochs: 30 });
    const c = resolve(s);
    expect(c).toMatchObject({ batchSize: 256, epochs: 30 });
    expect(describeSteps(c, 100).text).toBe(
      '30 epochs × 1 step = 30 steps (100 labelled rows in batches of 256; at least 1,000 steps are suggested).',
    );
  });

  it('from a pretrained encoder: a short head-only phase first; from its random weights (the control): none', () => {
    const encoder = encoderCheckpoint('enc', { tags: ['bestProbe'] });
    const pretrained = resolve(perClass(10), on(digits, [encoder]));
    expect(pretrained.initFrom).toBe('enc');
    expect(pretrained.freeze.headEpochs).toBeGreaterThan(0);
    expect(pretrained.freeze.headEpochs).toBeLessThanOrEqual(pretrained.epochs / 5);
    const control = resolve(choose(perClass(10), { encoderInit: 'random' }), on(digits, [encoder]));
    expect(control.freeze.headEpochs).toBe(0);
    const mine = resolve(choose(perClass(10), { freeze: { headEpochs: 2 } }), on(digits, [encoder]));
    expect(mine.freeze.headEpochs).toBe(2);
  });

  it("semi-supervised starts from FixMatch's recipe: SGD with momentum 0.03 and cosine decay, 32 labelled rows a step, about 2,000 steps over the unlabelled rows", () => {
    const semi = choose(perClass(10), { method: { id: 'semi-supervised' } });
    const c = resolve(semi);
    expect(c.method).toEqual({ id: 'semi-supervised', threshold: 0.95, ratio: 7, weight: 1 });
    expect(c.optimizer.kind).toBe('momentum');
    expect(c.learningRate).toBe(0.03);
    expect(c.schedule).toMatchObject({ kind: 'cosine', minFactor: 0.2 });
    expect(c.batchSize).toBe(32);
    // An epoch: the 6,900 training rows outside the budget, 224 a step (31 steps).
    const epoch = finetuneEpoch(digits, c);
    expect(epoch).toMatchObject({ over: 'pool', rows: 6900, batchSize: 224, labelled: 100 });
    expect(c.epochs).toBe(Math.ceil(2000 / 31));
    // Early stopping off (the validation loss may be lowest at the start); its patience if turned on.
    expect(c.earlyStopping).toEqual({ enabled: false, patience: Math.ceil(600 / 31) });
    expect(resolve(choose(semi, { earlyStopping: { enabled: true } })).earlyStopping.enabled).toBe(true);
    expect(c.augmentation).toMatchObject({ preset: 'custom', shift: 0.08, rotate: 0, cutout: 0 });
    expect(describeSteps(c, 6900, { batchSize: 224 }).text).toBe(
      '65 epochs × 31 steps = 2,015 steps (each epoch a pass over 6,900 unlabelled rows, 224 a step with 32 labelled rows).',
    );
    // Rows without a label join the pool; with every label and none of those, there is no pool.
    expect(finetuneEpoch({ ...digits, unlabeled: 500 }, c).rows).toBe(7400);
    expect(finetuneEpoch(digits, { ...c, labelBudget: 'all' }).rows).toBe(0);
    // None of it is a choice: back to supervised, Adam and the few-label plan come back.
    expect(changedKeys(semi, 'finetune')).toEqual(['labelBudget', 'labelsPerClass', 'method']);
    const back = resolve(choose(semi, { method: { id: 'supervised' } }));
    expect(back).toMatchObject({ learningRate: 0.001, batchSize: 16, schedule: { kind: 'constant' } });
    expect(back.optimizer.kind).toBe('adam');
  });

  it('semi-supervised keeps what the user set: their optimizer takes its usual rate, their schedule and epochs stand', () => {
    const semi = choose(perClass(10), { method: { id: 'semi-supervised' }, optimizer: { kind: 'adam' } });
    expect(resolve(semi)).toMatchObject({ learningRate: 0.001, optimizer: { kind: 'adam' } });
    const own = choose(semi, { schedule: { kind: 'step' }, epochs: 7, learningRate: 0.002 });
    expect(resolve(own)).toMatchObject({ epochs: 7, learningRate: 0.002, schedule: { kind: 'step' } });
  });

  it("fitToLabels leaves the user's settings alone", () => {
    const c: TrainConfig = { ...DEFAULT_CONFIG, batchSize: 100, epochs: 2 };
    const ctx = { labelled: 100, valRows: 10, fromPretrained: false, pictures: null };
    const kept = fitToLabels(c, ctx, {
      ...ALL_AUTO,
      batchSize: false,
      epochs: false,
      earlyStopping: false,
      patience: false,
    });
    expect(kept).toMatchObject({ batchSize: 100, epochs: 2, earlyStopping: DEFAULT_CONFIG.earlyStopping });
    expect(fitToLabels(c, { ...ctx, valRows: 0 }, ALL_AUTO).earlyStopping.enabled).toBe(false);
  });
});

describe('stored settings', () => {
  it('an earlier version kept one config for both stages: its values migrate to both, pretraining-only ones stay there', () => {
    // That version kept every objective's fields on the config.
    const old = {
      ...DEFAULT_CONFIG,
      stage: 'pretrain',
      objective: 'contrastive',
      temperature: 0.5,
      noise: { kind: 'gaussian', level: 2 },
      latentSize: 32,
      batchSize: CONTRASTIVE_BATCH,
      epochs: 20,
      seed: 9,
      labelsPerClass: 10,
    } as unknown as Partial<TrainConfig>;
    delete old.labelBudget; // older still: labelsPerClass > 0 meant N per class
    const s = migrateConfig(old);
    expect(s.stage).toBe('pretrain');
    expect(resolve(s)).toMatchObject({ batchSize: 256, epochs: 20, seed: 9 });
    // Only what differs from the defaults was the user's (the GAN's 32 was not).
    expect(s.choices.shared.objective).toEqual({
      id: 'contrastive',
      contrastive: { temperature: 0.5 },
      denoising: { noise: 'gaussian', noiseLevel: 2 },
    });
    expect(resolve(s).objective).toEqual({ id: 'contrastive', temperature: 0.5 });
    expect(resolve(choose(s, { objective: { id: 'denoising' } })).objective).toEqual({
      id: 'denoising',
      noise: 'gaussian',
      noiseLevel: 2,
    });
    const finetune = resolve(s, on(digits), 'finetune');
    expect(finetune).toMatchObject({ epochs: 20, seed: 9, labelBudget: 'perClass', labelsPerClass: 10 });
    expect(finetune.batchSize).toBe(16); // not the contrastive 256: few labels' own
  });

  it("reads the objective fields this version's first settings kept on every run into their objective's", () => {
    const stored = {
      version: 2,
      stage: 'pretrain',
      choices: { shared: { objective: 'gan', latentSize: 64, temperature: 0.5, seed: 3 }, pretrain: {}, finetune: {} },
    };
    const s = readSettings(stored, null);
    expect(s.choices.shared).toEqual({
      seed: 3,
      objective: { id: 'gan', gan: { latentSize: 64 }, contrastive: { temperature: 0.5 } },
    });
    expect(resolve(s).objective).toEqual({ id: 'gan', latentSize: 64 });
    expect(resolve(choose(s, { objective: { id: 'contrastive' } })).objective).toEqual({
      id: 'contrastive',
      temperature: 0.5,
    });
    // A stored run's config is read the same way; an objective this version does not know stays by name.
    const run = completeConfig({
      objective: 'denoising',
      noise: { kind: 'mask', level: 0.5 },
    } as unknown as Partial<TrainConfig>);
    expect(run.objective).toEqual({ id: 'denoising', noise: 'mask', noiseLevel: 0.5 });
    expect('noise' in run).toBe(false);
    expect(completeConfig({ objective: { id: 'diffusion' } } as unknown as Partial<TrainConfig>).objective).toEqual({
      id: 'diffusion',
    });
    expect(completeConfig({}).objective).toEqual({ id: 'autoencoder' });
  });

  it("an earlier version's noise level stays with its kind (its default follows the kind)", () => {
    const old = { objective: 'denoising', noise: { kind: 'gaussian', level: 0.3 } } as unknown as Partial<TrainConfig>;
    const s = migrateConfig(old);
    expect(s.choices.shared.objective?.denoising).toEqual({ noise: 'gaussian', noiseLevel: 0.3 });
    expect(resolve({ ...s, stage: 'pretrain' }).objective).toEqual({
      id: 'denoising',
      noise: 'gaussian',
      noiseLevel: 0.3,
    });
    // Gaussian noise at its own default: only the kind was the user's.
    const usual = {
      objective: 'denoising',
      noise: { kind: 'gaussian', level: 0.5 },
    } as unknown as Partial<TrainConfig>;
    expect(migrateConfig(usual).choices.shared.objective?.denoising).toEqual({ noise: 'gaussian' });
  });

  it('reads what it wrote, migrates the old key, and starts afresh from anything else', () => {
    const s = choose(DEFAULT_SETTINGS, { epochs: 3 });
    expect(readSettings(JSON.parse(JSON.stringify(s)), null)).toEqual(s);
    expect(readSettings(null, { ...DEFAULT_CONFIG, epochs: 8 }).choices.finetune.epochs).toBe(8);
    expect(readSettings('nonsense', 42)).toEqual(DEFAULT_SETTINGS);
    expect(readSettings({ version: 2, choices: { finetune: { evil: 1, epochs: 4 } } }, null).choices.finetune).toEqual({
      epochs: 4,
    });
  });
});
