import { useStudio } from '../../store';
import { NumberField } from '../NumberField';

/** Early stopping on the validation loss, with its patience. */
export function EarlyStoppingFields({ locked }: { locked: boolean }) {
  const earlyStopping = useStudio((s) => s.config.earlyStopping);
  const setConfig = useStudio((s) => s.setConfig);
  return (
    <fieldset className="group">
      <legend>Early stopping</legend>
      <div className="grid-2">
        <label className="field checkbox">
          <input
            type="checkbox"
            data-testid="early-stopping"
            checked={earlyStopping.enabled}
            disabled={locked}
            onChange={(e) => setConfig({ earlyStopping: { enabled: e.target.checked } })}
          />
          <span>Stop when the validation loss stops improving, and keep the best epoch's weights</span>
        </label>
        {earlyStopping.enabled && (
          <NumberField
            testId="patience"
            label="Patience (epochs)"
            value={earlyStopping.patience}
            min={1}
            max={1000}
            integer
            disabled={locked}
            onChange={(patience) => setConfig({ earlyStopping: { patience } })}
          />
        )}
      </div>
    </fieldset>
  );
}
