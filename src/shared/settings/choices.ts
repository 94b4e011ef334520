// The user's choices: recording a change (into the stage it belongs to), forgetting a stage's
// changes, and reading what an older version stored.
import { DEFAULT_CONFIG, completeConfig } from '../defaults';
import { inRegistry, resolveEntry, type ChoiceOf, type Declaration } from '../declared';
import { METHODS, type MethodChoice } from '../methods';
import { OBJECTIVES, type ObjectiveChoice } from '../objectives';
import { fieldLabel, fieldList, type Values } from '../fields';
import { changedChoice, storedChoice } from '../objectives/stored';
import type { Stage, TrainConfig } from '../types/training';
import { STAGE_KEYS, WHOLE_KEYS, isStageKey, type Choices, type ConfigPatch, type StudioSettings } from './types';

export const EMPTY_CHOICES: Choices = { shared: {}, pretrain: {}, finetune: {} };

export const DEFAULT_SETTINGS: StudioSettings = { version: 2, stage: 'finetune', choices: EMPTY_CHOICES };

/**
 * Settings that belong to one stage although both stages' configs carry them: forgetting a stage's
 * changes forgets these too. Seed, backend, checkpoints and the model's shape serve both.
 */
export const STAGE_ONLY: Record<Stage, readonly (keyof TrainConfig)[]> = {
  pretrain: ['objective', 'encoder'],
  finetune: [
    'method',
    'initFrom',
    'encoderInit',
    'labelBudget',
    'labelFraction',
    'labelsPerClass',
    'optimizer',
    'freeze',
    'head',
    'earlyStopping',
  ],
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The user set `patch`: stage settings go to `stage` (by default the stage the patch switches to, or
 * the one shown), the rest to both.
 * Nested settings keep every field chosen so far (a field given as undefined is forgotten); an
 * encoder given without widths (its kind changed) forgets chosen widths, which then follow the kind.
 */
export function choose(settings: StudioSettings, patch: ConfigPatch, stage?: Stage): StudioSettings {
  const into = stage ?? patch.stage ?? settings.stage;
  const choices: Choices = {
    shared: { ...settings.choices.shared },
    pretrain: { ...settings.choices.pretrain },
    finetune: { ...settings.choices.finetune },
  };
  let shown = settings.stage;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === 'stage') {
      shown = value as Stage;
      continue;
    }
    const bucket = (isStageKey(key) ? choices[into] : choices.shared) as Record<string, unknown>;
    const before = bucket[key];
    const whole =
      WHOLE_KEYS.includes(key as keyof TrainConfig) || (key === 'encoder' && isRecord(value) && !('widths' in value));
    bucket[key] = whole ? value : merged(before, value);
  }
  return { ...settings, stage: shown, choices };
}

/** `value` over `before`, records field by field at every depth (an objective's fields are two down). */
function merged(before: unknown, value: unknown): unknown {
  if (!isRecord(value) || !isRecord(before)) return value;
  const out: Record<string, unknown> = { ...before };
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) delete out[key];
    else out[key] = merged(before[key], v);
  }
  return out;
}

/** The user's changes to what `stage` shows are forgotten: its settings follow the defaults again. */
export function resetStage(settings: StudioSettings, stage: Stage): StudioSettings {
  const shared = { ...settings.choices.shared } as Record<string, unknown>;
  for (const key of STAGE_ONLY[stage]) delete shared[key];
  return { ...settings, choices: { ...settings.choices, shared, [stage]: {} } };
}

/**
 * The keys of the user's changes that `stage` shows (for "Reset to defaults"); an objective's (a
 * method's) own fields as "id.field".
 */
export function changedKeys(settings: StudioSettings, stage: Stage): string[] {
  const { shared } = settings.choices;
  const keys = Object.keys(shared).filter((k) => STAGE_ONLY[stage].includes(k as keyof TrainConfig));
  const declared = (['objective', 'method'] as const).filter((k) => keys.includes(k));
  return [
    ...Object.keys(settings.choices[stage]),
    ...keys.filter((k) => !(declared as string[]).includes(k)),
    ...declared.filter((k) => shared[k]?.id !== undefined),
    ...declared.flatMap((k) => declaredFieldsChosen(k, shared[k] ?? {})).map((f) => f.key),
  ];
}

/** Where each declared setting's entries are listed. */
const REGISTRIES: Record<'objective' | 'method', Record<string, Declaration<string, object>>> = {
  objective: OBJECTIVES,
  method: METHODS,
};

/** The objective's (the method's) fields the user set, with their names on the page. */
export function declaredFieldsChosen(
  kind: 'objective' | 'method',
  choice: ObjectiveChoice | MethodChoice,
): { key: string; name: string }[] {
  const registry = REGISTRIES[kind];
  return Object.entries(choice).flatMap(([id, own]) => {
    if (!inRegistry(registry, id) || !isRecord(own)) return [];
    const set = own as Record<string, unknown>;
    const values = resolveEntry(registry, id, choice as ChoiceOf<typeof registry>) as unknown as Values;
    return fieldList(registry[id]!.fields)
      .filter(([key]) => set[key] !== undefined)
      .map(([key, f]) => ({ key: `${id}.${key}`, name: fieldLabel(f, values).toLowerCase() }));
  });
}

/**
 * Settings as an earlier version stored them: one config for both stages. What differs from that
 * version's defaults was the user's (or a dataset default, which resolving gives again); its stage
 * settings go to both stages, except pretraining's usual values for its objective (a contrastive
 * batch of 256, a GAN's rate), which fine-tuning never wanted.
 */
export function migrateConfig(stored: Partial<TrainConfig>): StudioSettings {
  const old = completeConfig(stored);
  const choices: Choices = { shared: {}, pretrain: {}, finetune: {} };
  const differs = (key: keyof TrainConfig) => JSON.stringify(old[key]) !== JSON.stringify(DEFAULT_CONFIG[key]);
  const usual = OBJECTIVES[old.objective.id]?.usual;
  const objective = changedChoice(stored as Record<string, unknown>, DEFAULT_CONFIG.objective.id);
  if (objective) choices.shared.objective = objective;
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    if (key === 'stage' || key === 'objective' || !differs(key)) continue;
    if (!isStageKey(key)) {
      (choices.shared as Record<string, unknown>)[key] = old[key];
      continue;
    }
    (choices.pretrain as Record<string, unknown>)[key] = old[key];
    const pretrainOnly =
      (key === 'batchSize' && old.batchSize === usual?.batchSize) ||
      (key === 'learningRate' && old.learningRate === usual?.learningRate);
    if (!pretrainOnly) (choices.finetune as Record<string, unknown>)[key] = old[key];
  }
  return { version: 2, stage: old.stage === 'pretrain' ? 'pretrain' : 'finetune', choices };
}

/** Stored settings of any version, or the defaults when there are none or they cannot be read. */
export function readSettings(stored: unknown, legacy: unknown): StudioSettings {
  if (isRecord(stored) && stored.version === 2 && isRecord(stored.choices)) {
    const c = stored.choices;
    const part = (v: unknown) => (isRecord(v) ? v : {});
    return {
      version: 2,
      stage: stored.stage === 'pretrain' ? 'pretrain' : 'finetune',
      choices: {
        shared: sharedChoices(part(c.shared)),
        pretrain: onlyStageKeys(part(c.pretrain)),
        finetune: onlyStageKeys(part(c.finetune)),
      },
    };
  }
  if (isRecord(legacy)) return migrateConfig(legacy as Partial<TrainConfig>);
  return DEFAULT_SETTINGS;
}

/** Stored shared choices, an earlier version's objective fields moved into the objective's choice. */
function sharedChoices(shared: Record<string, unknown>): Choices['shared'] {
  const rest = { ...shared };
  for (const old of ['objective', 'noise', 'latentSize', 'temperature']) delete rest[old];
  const objective = storedChoice(shared);
  return objective ? { ...rest, objective } : rest;
}

function onlyStageKeys(v: Record<string, unknown>): Choices['pretrain'] {
  return Object.fromEntries(Object.entries(v).filter(([k]) => (STAGE_KEYS as readonly string[]).includes(k)));
}
