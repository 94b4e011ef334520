// What the pretraining objectives (shared/objectives) and the fine-tuning methods (shared/methods)
// have in common: a registry of declarations, each with an id, a label and its own fields; a run's
// settings are a union on `id`, and the user's choice keeps each one's fields apart.
import { resolveFields, type Fields } from './fields';

export interface Declaration<Id extends string = string, S = object> {
  id: Id;
  /** The list's label. */
  label: string;
  /** Its own settings: fields drawn under the list, resolved and checked from this declaration. */
  fields: Fields<S>;
}

/** A declaration's own settings. */
export type OwnSettings<D> = D extends Declaration<string, infer S> ? S : never;

/** The settings of one entry of the registry `R`: its id and its own fields (a discriminated union). */
export type SettingsUnion<R> = { [K in keyof R & string]: { id: K } & OwnSettings<R[K]> }[keyof R & string];

/** What the user chose: an entry, and each entry's fields they set (kept while another is chosen). */
export type ChoiceOf<R> = { id?: keyof R & string } & { [K in keyof R & string]?: Partial<OwnSettings<R[K]>> };

/** Whether `id` names an entry of `registry` (a stored one may be another version's). */
export const inRegistry = <R extends object>(registry: R, id: unknown): id is keyof R & string =>
  typeof id === 'string' && Object.hasOwn(registry, id);

/** `id`'s settings: those chosen for it where they fit its fields, its defaults elsewhere. */
export function resolveEntry<R extends Record<string, Declaration<string, object>>>(
  registry: R,
  id: keyof R & string,
  choice: ChoiceOf<R>,
): SettingsUnion<R> {
  const own = (choice as Record<string, object | undefined>)[id];
  return { ...resolveFields(registry[id]!.fields, own), id } as SettingsUnion<R>;
}

/** The settings as `id`'s own (a module reads only its own); `what` names the kind in the error. */
export function ownSettings<U extends { id: string }, K extends U['id']>(
  s: U,
  id: K,
  what: string,
): Extract<U, { id: K }> {
  if (s.id !== id) throw new Error(`The ${id} ${what} was given the ${s.id} ${what}'s settings.`);
  return s as Extract<U, { id: K }>;
}
