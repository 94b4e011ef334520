import { isRunActive } from '../../shared/runState';
import type { Stage } from '../../shared/types/training';
import { useStudio } from '../store';
import { AugmentationSettings } from './AugmentationSettings';
import { BackendField } from './BackendField';
import { FinetuneSettings } from './FinetuneSettings';
import { LrFinder } from './LrFinder';
import { Panel } from './Panel';
import { PretrainSettings } from './pretrain/PretrainSettings';
import { RunFields } from './RunFields';
import { StageDefaults } from './StageDefaults';

/** The Training panel: the stage's own settings, then what both stages set. */
export function SettingsPanel() {
  const stage = useStudio((s) => s.config.stage);
  const setConfig = useStudio((s) => s.setConfig);
  const text = useStudio((s) => s.dataset?.kind === 'text');
  const locked = useStudio((s) => isRunActive(s.run.state));

  return (
    <Panel id="train-settings" step={3} title="Training">
      <div className="tabs" role="tablist" aria-label="Stage">
        {(['pretrain', 'finetune'] as Stage[]).map((s) => (
          <button
            key={s}
            role="tab"
            data-testid={`stage-${s}`}
            aria-selected={stage === s}
            className={stage === s ? 'tab active' : 'tab'}
            disabled={locked}
            onClick={() => setConfig({ stage: s })}
          >
            {s === 'pretrain' ? 'Pretrain (no labels)' : 'Fine-tune (labels)'}
          </button>
        ))}
      </div>
      {stage === 'pretrain' ? <PretrainSettings locked={locked} /> : <FinetuneSettings locked={locked} />}
      {!text && <AugmentationSettings locked={locked} />}
      <RunFields />
      <LrFinder locked={locked} />
      <StageDefaults locked={locked} />
      <BackendField />
    </Panel>
  );
}
