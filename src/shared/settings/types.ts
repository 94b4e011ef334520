// The settings as the page keeps them: the user's own choices only, per stage where a stage keeps
// its own value. The values a run trains with are resolved from them (resolve.ts).
import type { MethodChoice } from '../methods';
import type { ObjectiveChoice } from '../objectives';
import type { Stage, TrainConfig } from '../types/training';

/** What each stage keeps for itself: pretraining and fine-tuning rarely want the same values. */
export const STAGE_KEYS = ['epochs', 'batchSize', 'learningRate', 'schedule', 'augmentation'] as const;
export type StageKey = (typeof STAGE_KEYS)[number];
export type StageSettings = Pick<TrainConfig, StageKey>;

/** Settings one set of serves both stages (a stage may ignore some: pretraining has no head). */
export type SharedKey = Exclude<keyof TrainConfig, StageKey | 'stage'>;

/**
 * A setting as a choice: nested settings (the schedule, freezing, the optimizer…) keep only the
 * fields the user set, so that the rest go on following the defaults. Lists and the augmentation
 * (a preset or all its values together) are chosen whole.
 */
type Chosen<T> = T extends readonly unknown[] ? T : T extends object ? Partial<T> : T;

/** Settings whose value is one whole (a preset and its values, lists): never merged field by field. */
export const WHOLE_KEYS: readonly (keyof TrainConfig)[] = ['augmentation'];

/**
 * A change the user makes. An objective (a method) is chosen by id, its fields per objective (per
 * method), so that each keeps what was set for it while another is shown.
 */
type Declared = 'objective' | 'method';
export type ConfigPatch = { [K in Exclude<keyof TrainConfig, Declared>]?: Chosen<TrainConfig[K]> } & {
  objective?: ObjectiveChoice;
  method?: MethodChoice;
};

export interface Choices {
  shared: { [K in Exclude<SharedKey, Declared>]?: Chosen<TrainConfig[K]> } & {
    objective?: ObjectiveChoice;
    method?: MethodChoice;
  };
  pretrain: { [K in StageKey]?: Chosen<TrainConfig[K]> };
  finetune: { [K in StageKey]?: Chosen<TrainConfig[K]> };
}

/** What the page stores (local storage) and edits. */
export interface StudioSettings {
  version: 2;
  /** The stage the settings panel shows, and Start runs. */
  stage: Stage;
  choices: Choices;
}

export const isStageKey = (key: string): key is StageKey => (STAGE_KEYS as readonly string[]).includes(key);
