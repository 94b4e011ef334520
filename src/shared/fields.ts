// The own settings of a pretraining objective or a fine-tuning method, declared as data: the page
// draws a field for each, resolving gives each its chosen value when that is valid (else its
// default), and the worker checks them before a run, all from one declaration (each one's module).

/** What a setting of this kind holds: a number, or one of named choices. */
export type FieldValue = number | string;
export type Values = Record<string, FieldValue>;

interface FieldBase<S> {
  /** The field's name on the page (and in refusals); may follow the other settings. */
  label: string | ((s: S) => string);
  /** Its `data-testid`. */
  testId: string;
}

export interface NumberSetting<S> extends FieldBase<S> {
  kind: 'number';
  default: number | ((s: S) => number);
  min: number;
  /** May follow a setting declared before it (e.g. the noise's kind). */
  max: number | ((s: S) => number);
  integer?: boolean;
}

export interface ChoiceSetting<S, V extends string> extends FieldBase<S> {
  kind: 'choice';
  default: V;
  /** Each choice and its label, in the list's order. */
  options: Record<V, string>;
  /** Settings that follow this one: a new choice forgets what was set for them. */
  resets?: (keyof S & string)[];
}

/** A declaration per setting, in the order the page shows them (a field may read those before it). */
export type Fields<S> = {
  [K in keyof S]: S[K] extends number ? NumberSetting<S> : S[K] extends string ? ChoiceSetting<S, S[K]> : never;
};

type AnySetting = NumberSetting<Values> | ChoiceSetting<Values, string>;

const asSettings = (fields: object) => Object.entries(fields) as [string, AnySetting][];

const read = <T>(v: T | ((s: Values) => T), s: Values): T => (typeof v === 'function' ? (v as (s: Values) => T)(s) : v);

export const fieldLabel = (f: AnySetting, s: Values): string => read(f.label, s);
export const fieldMax = (f: NumberSetting<Values>, s: Values): number => read(f.max, s);

/** Why `value` does not fit the field (null: it does), given the settings declared before it. */
export function fieldProblem(f: AnySetting, value: unknown, before: Values): string | null {
  if (f.kind === 'choice')
    return typeof value === 'string' && Object.hasOwn(f.options, value)
      ? null
      : `choose ${Object.keys(f.options)
          .map((o) => `"${o}"`)
          .join(' or ')}.`;
  const max = fieldMax(f, before);
  const fits = typeof value === 'number' && value >= f.min && value <= max && (!f.integer || Number.isInteger(value));
  if (fits) return null;
  const what = f.integer ? 'a whole number' : 'a number';
  return `use ${what} from ${f.min} to ${max}, such as ${read(f.default, before)}.`;
}

/** The values a run uses: each chosen one that fits, else the field's default, in declaration order. */
export function resolveFields(fields: object, chosen: object | undefined): Values {
  const out: Values = {};
  const given = (chosen ?? {}) as Record<string, unknown>;
  for (const [key, f] of asSettings(fields)) {
    const value = given[key];
    out[key] =
      value !== undefined && fieldProblem(f, value, out) === null ? (value as FieldValue) : read(f.default, out);
  }
  return out;
}

/** Refuses the first value that does not fit its field, by the field's name and what works. */
export function checkFields(fields: object, values: object, refuse: (field: string, why: string) => never): void {
  const s = values as Values;
  for (const [key, f] of asSettings(fields)) {
    const problem = fieldProblem(f, s[key], s);
    if (problem) refuse(fieldLabel(f, s), problem);
  }
}

/** What choosing `value` for a field sets: it, and forgets the settings that follow it (`resets`). */
export function choicePatch(f: AnySetting, key: string, value: FieldValue): Record<string, FieldValue | undefined> {
  const resets = f.kind === 'choice' ? (f.resets ?? []) : [];
  return { [key]: value, ...Object.fromEntries(resets.map((r) => [r, undefined])) };
}

/** The fields of an objective as the page draws them (untyped: the page draws any objective's). */
export function fieldList(fields: object): [string, AnySetting][] {
  return asSettings(fields);
}

export type { AnySetting };
