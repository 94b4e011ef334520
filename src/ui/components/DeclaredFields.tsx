import type { Declaration } from '../../shared/declared';
import { choicePatch, fieldLabel, fieldList, fieldMax, type FieldValue, type Values } from '../../shared/fields';
import type { DataKind } from '../../shared/types/datasets';
import type { EncoderSpec } from '../../shared/types/training';
import { NumberField } from './NumberField';

/** What a hint reads: the run's batch and encoder, the data's kind, and the entry's own settings. */
export type HintContext = { batchSize: number; encoder: EncoderSpec; kind: DataKind; [field: string]: unknown };

/** A pretraining objective's or a fine-tuning method's declaration, as the page draws it. */
export interface Declared extends Pick<Declaration, 'id' | 'fields'> {
  hint?(c: HintContext): string;
}

export interface DeclaredFieldsProps {
  /** Which list it belongs to (the fields' test id: "objective-fields", "method-fields"). */
  kind: 'objective' | 'method';
  info: Declared;
  /** Its settings as the run would use them. */
  values: Values;
  /** What its hint reads of the run. */
  run: { batchSize: number; encoder: EncoderSpec; kind: DataKind };
  locked: boolean;
  /** The user set fields (undefined: forget the choice, the default follows). */
  onChange(patch: Record<string, FieldValue | undefined>): void;
}

/**
 * An objective's (a method's) own settings, drawn from its declaration (shared/objectives,
 * shared/methods), and its hint.
 */
export function DeclaredFields({ kind, info, values, run, locked, onChange }: DeclaredFieldsProps) {
  const fields = fieldList(info.fields);
  const grid = fields.length > 1 ? 'grid-2' : undefined;
  return (
    <>
      {fields.length > 0 && (
        <div className={grid} data-testid={`${kind}-fields`} data-id={info.id}>
          {fields.map(([key, f]) =>
            f.kind === 'number' ? (
              <NumberField
                key={key}
                testId={f.testId}
                label={fieldLabel(f, values)}
                value={values[key] as number}
                min={f.min}
                max={fieldMax(f, values)}
                integer={f.integer}
                disabled={locked}
                onChange={(v) => onChange(choicePatch(f, key, v))}
              />
            ) : (
              <label className="field" key={key}>
                <span>{fieldLabel(f, values)}</span>
                <select
                  data-testid={f.testId}
                  value={values[key] as string}
                  disabled={locked}
                  onChange={(e) => onChange(choicePatch(f, key, e.target.value))}
                >
                  {Object.entries(f.options).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </label>
            ),
          )}
        </div>
      )}
      {info.hint && <p className="hint">{info.hint({ ...values, ...run })}</p>}
    </>
  );
}
