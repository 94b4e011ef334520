// The fine-tuning methods the studio knows, one module each, as the pretraining objectives are
// (shared/objectives): the page's list and fields, the defaults and the worker's checks read them
// from here. Adding a method is its module here and its engine module (engine/train/methods), one
// line in each list.
import { inRegistry, resolveEntry, type ChoiceOf, type SettingsUnion } from '../declared';
import type { MethodInfo } from './info';
import { semiSupervised } from './semiSupervised';
import { supervised } from './supervised';

export const METHODS = { supervised, 'semi-supervised': semiSupervised } as const;

export type FinetuneMethod = keyof typeof METHODS;

/** The settings of one method: its id and its own fields (a discriminated union). */
export type MethodSettings = SettingsUnion<typeof METHODS>;

/** What the user chose: the method, and each method's fields they set (kept when switching). */
export type MethodChoice = ChoiceOf<typeof METHODS>;

/** Any method's declaration, read without its own types. */
export const methodInfo = (id: FinetuneMethod): MethodInfo<FinetuneMethod, object> => METHODS[id];

/** Whether `id` is a method this version knows (a stored one may be another version's). */
export const isMethod = (id: unknown): id is FinetuneMethod => inRegistry(METHODS, id);

/** The method chosen where this version knows it (else supervised), with its fields resolved. */
export const methodSettings = (choice: MethodChoice = {}): MethodSettings =>
  resolveEntry(METHODS, isMethod(choice.id) ? choice.id : 'supervised', choice);

export type { EpochPlan, MethodInfo, MethodUsual } from './info';
export { epochPlan } from './info';
export { STRONG_VIEW } from './semiSupervised';
