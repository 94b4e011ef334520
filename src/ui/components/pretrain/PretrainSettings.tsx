import { OBJECTIVES, objectiveInfo, objectivesFor } from '../../../shared/objectives';
import type { Values } from '../../../shared/fields';
import { useStudio } from '../../store';
import { EncoderFields } from './EncoderFields';
import { DeclaredFields } from '../DeclaredFields';
import { DeclaredSelect } from '../DeclaredSelect';

/** Pretraining's settings: the objective, the encoder (the Transformer for text) and the objective's own. */
export function PretrainSettings({ locked }: { locked: boolean }) {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  const ds = useStudio((s) => s.dataset);
  const { id, ...values } = config.objective;
  return (
    <div className="stage-settings" role="tabpanel" aria-label="Pretraining">
      <DeclaredSelect
        label="Objective"
        testId="pretrain-objective"
        value={id}
        entries={objectivesFor(ds?.kind === 'text').map((o) => OBJECTIVES[o])}
        locked={locked}
        onChange={(o) => setConfig({ objective: { id: o } })}
      />
      {ds?.kind === 'text' ? (
        <p className="hint" data-testid="mlm-hint">
          The Transformer set in the Model panel learns to fill in masked tokens of every training and validation text
          (no labels); held-out perplexity is measured each epoch.
        </p>
      ) : (
        <EncoderFields
          spec={config.encoder}
          images={ds?.kind === 'image'}
          disabled={locked}
          onChange={(encoder) => setConfig({ encoder })}
          onKind={(kind) => setConfig({ encoder: { kind } })}
        />
      )}
      <DeclaredFields
        kind="objective"
        info={objectiveInfo(id)}
        values={values as Values}
        run={{ ...config, kind: ds?.kind ?? 'image' }}
        locked={locked}
        onChange={(patch) => setConfig({ objective: { [id]: patch } })}
      />
      <p className="hint">
        Uses every row except the test split, labelled or not; labels are ignored. The encoder is kept for fine-tuning.
        With labels, each epoch's encoder is probed (linear and k-NN accuracy on the validation split, trained under the
        label budget set under Fine-tune).
      </p>
    </div>
  );
}
