import type { LabelBudget } from '../../../shared/types/training';
import { useStudio } from '../../store';
import { NumberField } from '../NumberField';

/** The label budget: all labels, a fraction of each class, or N per class (classification). */
export function LabelFields({ locked }: { locked: boolean }) {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  const regression = useStudio((s) => s.dataset?.task === 'regression');
  return (
    <fieldset className="group">
      <legend>Labels</legend>
      <div className="grid-2">
        <label className="field">
          <span>Label budget</span>
          <select
            data-testid="label-budget"
            value={config.labelBudget}
            disabled={locked}
            onChange={(e) => setConfig({ labelBudget: e.target.value as LabelBudget })}
          >
            <option value="all">all labels</option>
            <option value="fraction">a fraction of each class</option>
            <option value="perClass" disabled={regression}>
              N per class
            </option>
          </select>
        </label>
        {config.labelBudget === 'fraction' && (
          <NumberField
            testId="label-fraction"
            label="Fraction"
            value={config.labelFraction}
            min={0.0001}
            max={1}
            disabled={locked}
            hint="0.1 = a tenth of the training labels."
            onChange={(labelFraction) => setConfig({ labelFraction })}
          />
        )}
        {config.labelBudget === 'perClass' && (
          <NumberField
            testId="labels-per-class"
            label="Labels per class"
            value={config.labelsPerClass}
            min={1}
            max={1_000_000}
            integer
            disabled={locked}
            hint="Seeded: the same rows for the same seed."
            onChange={(labelsPerClass) => setConfig({ labelsPerClass })}
          />
        )}
      </div>
    </fieldset>
  );
}
