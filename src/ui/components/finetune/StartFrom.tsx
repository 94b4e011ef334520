import type { TrainConfig } from '../../../shared/types/training';
import { fmtPercent } from '../../format';
import { useStudio } from '../../store';

/** Where fine-tuning starts: scratch or a checkpoint; from an encoder, its weights or the same network at random (the control). */
export function StartFrom({ locked }: { locked: boolean }) {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  const checkpoints = useStudio((s) => s.checkpoints);
  return (
    <>
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
              {c.stage === 'pretrain' ? `${c.config.objective.id} encoder` : 'fine-tuned'} · {c.datasetName} · epoch{' '}
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
    </>
  );
}
