// The fine-tuning methods the studio knows, one module each, as the pretraining objectives are
// (shared/objectives): the page's list and fields, the defaults and the worker's checks read them
// from here. Adding a method is its module here and its engine module (engine/train/methods), one
// line in each list.
import { resolveFields } from '../fields';
import type { MethodInfo } from './info';
import { supervised } from './supervised';

export const METHODS = { supervised } as const;

export type FinetuneMethod = keyof typeof METHODS;

type SettingsOf<I> = I extends MethodInfo<string, infer S> ? S : never;

/** The settings of one method: its id and its own fields (a discriminated union). */
export type MethodSettings = {
  [K in FinetuneMethod]: { id: K } & SettingsOf<(typeof METHODS)[K]>;
}[FinetuneMethod];

/** What the user chose: the method, and each method's fields they set (kept when switching). */
export type MethodChoice = { id?: FinetuneMethod } & {
  [K in FinetuneMethod]?: Partial<SettingsOf<(typeof METHODS)[K]>>;
};

/** Any method's declaration, read without its own types. */
export const methodInfo = (id: FinetuneMethod): MethodInfo<FinetuneMethod, object> => METHODS[id];

/** Whether `id` is a method this version knows (a stored one may be another version's). */
export const isMethod = (id: unknown): id is FinetuneMethod => typeof id === 'string' && Object.hasOwn(METHODS, id);

/** The method chosen where this version knows it (else supervised), with its fields resolved. */
export function methodSettings(choice: MethodChoice = {}): MethodSettings {
  const id = isMethod(choice.id) ? choice.id : 'supervised';
  return { ...resolveFields(methodInfo(id).fields, choice[id] as object | undefined), id } as MethodSettings;
}

/** The settings as `id`'s own (a method's module reads only its own). */
export function methodSettingsOf<K extends FinetuneMethod>(
  s: MethodSettings,
  id: K,
): Extract<MethodSettings, { id: K }> {
  if (s.id !== id) throw new Error(`The ${id} method was given the ${s.id} method's settings.`);
  return s as Extract<MethodSettings, { id: K }>;
}

export type { MethodInfo } from './info';
