import { describePhases } from '../../../shared/schedule';
import { useStudio } from '../../store';
import { NumberField } from '../NumberField';

/** Freezing: head-only epochs, what unfreezes after them and at which rate, and the plan in words. */
export function FreezeFields({ locked }: { locked: boolean }) {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  const { freeze } = config;
  return (
    <fieldset className="group">
      <legend>Freezing</legend>
      <div className="grid-2">
        <NumberField
          testId="head-epochs"
          label="Head-only epochs"
          value={freeze.headEpochs}
          min={0}
          max={config.epochs}
          integer
          disabled={locked}
          hint="The encoder is frozen for these first epochs; 0: no freezing."
          onChange={(headEpochs) => setConfig({ freeze: { headEpochs } })}
        />
        {freeze.headEpochs > 0 && (
          <>
            <label className="field">
              <span>Then unfreeze</span>
              <select
                data-testid="unfreeze"
                value={freeze.unfreeze}
                disabled={locked}
                onChange={(e) => setConfig({ freeze: { unfreeze: e.target.value as 'all' | 'last' } })}
              >
                <option value="all">all layers</option>
                <option value="last">the last K encoder layers</option>
              </select>
            </label>
            {freeze.unfreeze === 'last' && (
              <NumberField
                testId="unfreeze-last-k"
                label="K"
                value={freeze.lastK}
                min={1}
                max={100}
                integer
                disabled={locked}
                onChange={(lastK) => setConfig({ freeze: { lastK } })}
              />
            )}
            <NumberField
              testId="unfreeze-lr-factor"
              label="Rate after unfreezing ×"
              value={freeze.lrFactor}
              min={0.0001}
              max={1}
              disabled={locked}
              onChange={(lrFactor) => setConfig({ freeze: { lrFactor } })}
            />
          </>
        )}
      </div>
      <ul className="muted small phases" data-testid="freeze-plan">
        {describePhases(config).map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </fieldset>
  );
}
