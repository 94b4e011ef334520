import type { OptimizerKind } from '../../../shared/types/training';
import { useStudio } from '../../store';
import { NumberField } from '../NumberField';
import { ScheduleFields } from './ScheduleFields';

const OPTIMIZERS: { value: OptimizerKind; label: string }[] = [
  { value: 'adam', label: 'Adam' },
  { value: 'momentum', label: 'SGD with momentum' },
  { value: 'sgd', label: 'SGD' },
];

/** The optimizer with its own settings (momentum, Adam's betas), and the learning-rate schedule. */
export function OptimizerFields({ locked }: { locked: boolean }) {
  const optimizer = useStudio((s) => s.config.optimizer);
  const setConfig = useStudio((s) => s.setConfig);
  return (
    <fieldset className="group">
      <legend>Optimizer</legend>
      <div className="grid-2">
        <label className="field">
          <span>Optimizer</span>
          <select
            data-testid="optimizer"
            value={optimizer.kind}
            disabled={locked}
            // The rate follows the optimizer's usual one unless you set it (resolve.ts).
            onChange={(e) => setConfig({ optimizer: { kind: e.target.value as OptimizerKind } })}
          >
            {OPTIMIZERS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        {optimizer.kind === 'momentum' && (
          <NumberField
            testId="momentum"
            label="Momentum"
            value={optimizer.momentum}
            min={0}
            max={0.999}
            disabled={locked}
            onChange={(momentum) => setConfig({ optimizer: { momentum } })}
          />
        )}
        {optimizer.kind === 'adam' && (
          <>
            <NumberField
              testId="beta1"
              label="β1"
              value={optimizer.beta1}
              min={0}
              max={0.9999}
              disabled={locked}
              onChange={(beta1) => setConfig({ optimizer: { beta1 } })}
            />
            <NumberField
              testId="beta2"
              label="β2"
              value={optimizer.beta2}
              min={0}
              max={0.99999}
              disabled={locked}
              onChange={(beta2) => setConfig({ optimizer: { beta2 } })}
            />
          </>
        )}
      </div>
      <ScheduleFields locked={locked} />
    </fieldset>
  );
}
