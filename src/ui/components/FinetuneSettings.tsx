import { describePhases } from '../../shared/schedule';
import { USUAL_LR } from '../../shared/settings/resolve';
import type { LabelBudget, OptimizerKind, ScheduleSpec, TrainConfig } from '../../shared/types/training';
import { fmtPercent } from '../format';
import { useStudio } from '../store';
import { ListField } from './ListField';
import { NumberField } from './NumberField';

const OPTIMIZERS: { value: OptimizerKind; label: string }[] = [
  { value: 'adam', label: 'Adam' },
  { value: 'momentum', label: 'SGD with momentum' },
  { value: 'sgd', label: 'SGD' },
];

/** Fine-tuning's settings: start point, label budget, head, optimizer, schedule, freezing, early stopping. */
export function FinetuneSettings({ locked }: { locked: boolean }) {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  const checkpoints = useStudio((s) => s.checkpoints);
  const ds = useStudio((s) => s.dataset);
  const regression = ds?.task === 'regression';
  const { optimizer, schedule, freeze, head, earlyStopping } = config;
  const setSchedule = (patch: Partial<ScheduleSpec>) => setConfig({ schedule: patch });

  return (
    <div className="stage-settings" role="tabpanel" aria-label="Fine-tuning">
      <label className="field">
        <span>Start from</span>
        <select
          data-testid="init-from"
          value={config.initFrom}
          disabled={locked}
          onChange={(e) => setConfig({ initFrom: e.target.value })}
        >
          <option value="scratch">scratch (random weights)</option>
          {checkpoints.map((c) => (
            <option key={c.id} value={c.id}>
              {c.stage === 'pretrain' ? `${c.config.objective} encoder` : 'fine-tuned'} · {c.datasetName} · epoch{' '}
              {c.epoch} · {c.name}
              {c.tags.includes('bestProbe') ? ` · best probe ${fmtPercent(c.probeAccuracy)}` : ''}
            </option>
          ))}
        </select>
      </label>
      {checkpoints.find((c) => c.id === config.initFrom)?.stage === 'pretrain' && (
        <label className="field">
          <span>Encoder weights</span>
          <select
            data-testid="encoder-init"
            value={config.encoderInit}
            disabled={locked}
            onChange={(e) => setConfig({ encoderInit: e.target.value as TrainConfig['encoderInit'] })}
          >
            <option value="pretrained">pretrained</option>
            <option value="random">random (same network from scratch, to compare)</option>
          </select>
        </label>
      )}

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

      <fieldset className="group">
        <legend>Task head</legend>
        <div className="grid-2">
          <ListField
            testId="head-hidden"
            label="Hidden layers"
            value={head.hidden}
            disabled={locked}
            count={[0, 4]}
            maxValue={4096}
            placeholder="none"
            hint="Units of Dense(relu) layers before the output; empty for none."
            invalidHint='Up to 4 whole numbers from 1 to 4096, such as "64".'
            onChange={(hidden) => setConfig({ head: { hidden } })}
          />
          <NumberField
            testId="head-dropout"
            label="Dropout"
            value={head.dropout}
            min={0}
            max={0.95}
            disabled={locked}
            hint="Before the output layer."
            onChange={(dropout) => setConfig({ head: { dropout } })}
          />
        </div>
      </fieldset>

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
        <div className="grid-2">
          <label className="field">
            <span>Learning-rate schedule</span>
            <select
              data-testid="lr-schedule"
              value={schedule.kind}
              disabled={locked}
              onChange={(e) => setSchedule({ kind: e.target.value as ScheduleSpec['kind'] })}
            >
              <option value="constant">constant</option>
              <option value="step">step decay</option>
              <option value="cosine">cosine</option>
            </select>
          </label>
          <NumberField
            testId="warmup-epochs"
            label="Warm-up (epochs)"
            value={schedule.warmupEpochs}
            min={0}
            max={config.epochs}
            disabled={locked}
            hint="Linear from 0; 0 for none."
            onChange={(warmupEpochs) => setSchedule({ warmupEpochs })}
          />
          {schedule.kind === 'step' && (
            <>
              <NumberField
                testId="step-every"
                label="Decay every (epochs)"
                value={schedule.stepEvery}
                min={1}
                max={1000}
                integer
                disabled={locked}
                onChange={(stepEvery) => setSchedule({ stepEvery })}
              />
              <NumberField
                testId="step-factor"
                label="Multiply by"
                value={schedule.stepFactor}
                min={0.0001}
                max={1}
                disabled={locked}
                onChange={(stepFactor) => setSchedule({ stepFactor })}
              />
            </>
          )}
          {schedule.kind === 'cosine' && (
            <NumberField
              testId="min-factor"
              label="Final fraction of the rate"
              value={schedule.minFactor}
              min={0}
              max={0.99}
              disabled={locked}
              onChange={(minFactor) => setSchedule({ minFactor })}
            />
          )}
        </div>
      </fieldset>

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
    </div>
  );
}

/** The learning-rate hint under the field, by optimizer. */
export function learningRateHint(c: TrainConfig): string {
  if (c.stage === 'pretrain')
    return c.objective === 'gan' ? 'Adam (β1 0.5); 0.0002 is usual for GANs.' : 'Adam; 0.001 is the usual start.';
  return `${c.optimizer.kind === 'adam' ? 'Adam' : c.optimizer.kind === 'momentum' ? 'SGD with momentum' : 'SGD'}; ${USUAL_LR[c.optimizer.kind]} is the usual start.`;
}
