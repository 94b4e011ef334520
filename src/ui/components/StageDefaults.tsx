import { changedKeys, declaredFieldsChosen } from '../../shared/settings/choices';
import { FEW_LABELS, describeSteps, labelledRows } from '../../shared/settings/fewLabels';
import { useStudio } from '../store';

/** Settings as people name them, for "your changes". */
const NAMES: Record<string, string> = {
  epochs: 'epochs',
  batchSize: 'batch size',
  learningRate: 'learning rate',
  schedule: 'schedule',
  augmentation: 'augmentation',
  objective: 'objective',
  method: 'method',
  encoder: 'encoder',
  initFrom: 'start',
  encoderInit: 'encoder weights',
  labelBudget: 'label budget',
  labelFraction: 'label fraction',
  labelsPerClass: 'labels per class',
  optimizer: 'optimizer',
  freeze: 'freezing',
  head: 'task head',
  earlyStopping: 'early stopping',
};

/**
 * What the shown stage runs with: the steps its epochs come to, and which settings are the user's
 * (the others follow the data's defaults), with a way back to the defaults.
 */
export function StageDefaults({ locked }: { locked: boolean }) {
  const settings = useStudio((s) => s.settings);
  const config = useStudio((s) => s.config);
  const ds = useStudio((s) => s.dataset);
  const reset = useStudio((s) => s.resetStageSettings);
  const changed = changedKeys(settings, config.stage);
  const names: Record<string, string> = { ...NAMES };
  for (const kind of ['objective', 'method'] as const)
    for (const f of declaredFieldsChosen(kind, settings.choices.shared[kind] ?? {})) names[f.key] = f.name;
  const rows = !ds
    ? 0
    : config.stage === 'pretrain'
      ? ds.split.train + ds.split.val + (ds.unlabeled ?? 0)
      : labelledRows(ds, config);
  const steps = ds && rows > 0 ? describeSteps(config, rows) : null;
  const fitted = config.stage === 'finetune' && !changed.includes('batchSize') && !changed.includes('epochs');
  return (
    <div className="stage-defaults">
      {steps && (
        <p className="hint" data-testid="stage-steps" data-steps={steps.steps} data-rows={rows}>
          {steps.text}
          {fitted &&
            ` Fitted to the labelled rows: batches of at most a quarter of them, at least ${FEW_LABELS.minSteps.toLocaleString('en')} steps${config.earlyStopping.enabled ? '; early stopping keeps the best epoch' : ''}.`}
        </p>
      )}
      <p className="hint" data-testid="stage-changes" data-changed={changed.join(',')}>
        {changed.length ? (
          <>
            Your settings: {changed.map((k) => names[k] ?? k).join(', ')}; the rest follow{' '}
            {ds ? `${ds.name}'s` : 'the data'} defaults.{' '}
            <button type="button" className="link" data-testid="settings-reset" disabled={locked} onClick={reset}>
              Reset to defaults
            </button>
          </>
        ) : (
          `Defaults for ${ds ? ds.name : 'the data'}${config.stage === 'finetune' ? ' and its labels' : ''}: they follow the data until you change them.`
        )}
      </p>
    </div>
  );
}
