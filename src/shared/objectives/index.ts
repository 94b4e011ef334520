// The pretraining objectives the studio knows, one module each: the page's list and fields, the
// settings' defaults and the worker's checks read them from here. Adding an objective is its
// module here and its engine module (engine/pretrain/objectives), one line in each list.
import { autoencoder } from './autoencoder';
import { contrastive } from './contrastive';
import { denoising } from './denoising';
import { inRegistry, ownSettings, resolveEntry, type ChoiceOf, type SettingsUnion } from '../declared';
import { gan } from './gan';
import type { ObjectiveInfo } from './info';
import { mlm } from './mlm';

export const OBJECTIVES = { autoencoder, denoising, gan, contrastive, mlm } as const;

export type PretrainObjective = keyof typeof OBJECTIVES;

/** The settings of one objective: its id and its own fields (a discriminated union). */
export type ObjectiveSettings = SettingsUnion<typeof OBJECTIVES>;

/** What the user chose: the objective, and each objective's fields they set (kept when switching). */
export type ObjectiveChoice = ChoiceOf<typeof OBJECTIVES>;

/** Any objective's declaration, read without its own types (the list, the panel, the checks). */
export const objectiveInfo = (id: PretrainObjective): ObjectiveInfo<PretrainObjective, object> => OBJECTIVES[id];

/** Whether `id` is an objective this version knows (a stored one may be another version's). */
export const isObjective = (id: unknown): id is PretrainObjective => inRegistry(OBJECTIVES, id);

/** The objectives for text, or for other data, in the list's order. */
export function objectivesFor(text: boolean): PretrainObjective[] {
  return (Object.keys(OBJECTIVES) as PretrainObjective[]).filter((o) => OBJECTIVES[o].readsText === text);
}

/** `id`'s settings: those chosen for it where they fit its fields, its defaults elsewhere. */
export const objectiveSettings = (id: PretrainObjective, choice: ObjectiveChoice = {}): ObjectiveSettings =>
  resolveEntry(OBJECTIVES, id, choice);

/** The settings as `id`'s own (an objective's module reads only its own). */
export const settingsOf = <K extends PretrainObjective>(s: ObjectiveSettings, id: K) => ownSettings(s, id, 'objective');

/** The choice that gives `s` back (an older version's stored settings, a run's config). */
export function choiceOf(s: ObjectiveSettings): ObjectiveChoice {
  const { id, ...own } = s;
  return { id, [id]: own } as ObjectiveChoice;
}

export type { ObjectiveInfo } from './info';
