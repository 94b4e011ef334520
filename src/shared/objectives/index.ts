// The pretraining objectives the studio knows, one module each: the page's list and fields, the
// settings' defaults and the worker's checks read them from here. Adding an objective is its
// module here and its engine module (engine/pretrain/objectives), one line in each list.
import { autoencoder } from './autoencoder';
import { contrastive } from './contrastive';
import { denoising } from './denoising';
import { resolveFields } from '../fields';
import { gan } from './gan';
import type { ObjectiveInfo } from './info';
import { mlm } from './mlm';

export const OBJECTIVES = { autoencoder, denoising, gan, contrastive, mlm } as const;

export type PretrainObjective = keyof typeof OBJECTIVES;

type SettingsOf<I> = I extends ObjectiveInfo<string, infer S> ? S : never;

/** The settings of one objective: its id and its own fields (a discriminated union). */
export type ObjectiveSettings = {
  [K in PretrainObjective]: { id: K } & SettingsOf<(typeof OBJECTIVES)[K]>;
}[PretrainObjective];

/** What the user chose: the objective, and each objective's fields they set (kept when switching). */
export type ObjectiveChoice = { id?: PretrainObjective } & {
  [K in PretrainObjective]?: Partial<SettingsOf<(typeof OBJECTIVES)[K]>>;
};

/** Any objective's declaration, read without its own types (the list, the panel, the checks). */
export const objectiveInfo = (id: PretrainObjective): ObjectiveInfo<PretrainObjective, object> => OBJECTIVES[id];

/** Whether `id` is an objective this version knows (a stored one may be another version's). */
export const isObjective = (id: unknown): id is PretrainObjective =>
  typeof id === 'string' && Object.hasOwn(OBJECTIVES, id);

/** The objectives for text, or for other data, in the list's order. */
export function objectivesFor(text: boolean): PretrainObjective[] {
  return (Object.keys(OBJECTIVES) as PretrainObjective[]).filter((o) => OBJECTIVES[o].readsText === text);
}

/** `id`'s settings: those chosen for it where they fit its fields, its defaults elsewhere. */
export function objectiveSettings(id: PretrainObjective, choice: ObjectiveChoice = {}): ObjectiveSettings {
  const fields = objectiveInfo(id).fields;
  return { ...resolveFields(fields, choice[id] as object | undefined), id } as ObjectiveSettings;
}

/** The settings as `id`'s own (an objective's module reads only its own). */
export function settingsOf<K extends PretrainObjective>(
  s: ObjectiveSettings,
  id: K,
): Extract<ObjectiveSettings, { id: K }> {
  if (s.id !== id) throw new Error(`The ${id} objective was given the ${s.id} objective's settings.`);
  return s as Extract<ObjectiveSettings, { id: K }>;
}

/** The choice that gives `s` back (an older version's stored settings, a run's config). */
export function choiceOf(s: ObjectiveSettings): ObjectiveChoice {
  const { id, ...own } = s;
  return { id, [id]: own } as ObjectiveChoice;
}

export type { ObjectiveInfo } from './info';
