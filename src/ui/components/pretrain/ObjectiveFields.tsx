import type { ObjectiveInfo } from '../../../shared/objectives';
import {
  choicePatch,
  fieldLabel,
  fieldList,
  fieldMax,
  type FieldValue,
  type Values,
} from '../../../shared/objectives/fields';
import type { EncoderSpec } from '../../../shared/types/training';
import { NumberField } from '../NumberField';

export interface ObjectiveFieldsProps {
  info: ObjectiveInfo<string, object>;
  /** The objective's settings as the run would use them. */
  values: Values;
  /** What its hint reads of the run. */
  run: { batchSize: number; encoder: EncoderSpec };
  locked: boolean;
  /** The user set fields (undefined: forget the choice, the default follows). */
  onChange(patch: Record<string, FieldValue | undefined>): void;
}

/** An objective's own settings, drawn from its declaration (shared/objectives), and its hint. */
export function ObjectiveFields({ info, values, run, locked, onChange }: ObjectiveFieldsProps) {
  const fields = fieldList(info.fields);
  const grid = fields.length > 1 ? 'grid-2' : undefined;
  return (
    <>
      {fields.length > 0 && (
        <div className={grid} data-testid="objective-fields" data-objective={info.id}>
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
      {info.hint && <p className="hint">{info.hint(run)}</p>}
    </>
  );
}
