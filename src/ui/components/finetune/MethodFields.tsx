import type { Values } from '../../../shared/fields';
import { METHODS, methodInfo } from '../../../shared/methods';
import { finetuneEpoch } from '../../../shared/settings/fewLabels';
import { useStudio } from '../../store';
import { DeclaredFields } from '../DeclaredFields';
import { DeclaredSelect } from '../DeclaredSelect';

/** The fine-tuning method (shared/methods) and its own settings, drawn from its declaration. */
export function MethodFields({ locked }: { locked: boolean }) {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  const ds = useStudio((s) => s.dataset);
  const { id, ...values } = config.method;
  // A method that learns from unlabelled rows, where there are none: said before Start refuses it.
  const epoch = ds && ds.task !== 'none' ? finetuneEpoch(ds, config) : null;
  const noPool = epoch?.over === 'pool' && epoch.pool === 0;
  return (
    <>
      <DeclaredSelect
        label="Method"
        testId="finetune-method"
        value={id}
        entries={Object.values(METHODS)}
        locked={locked}
        onChange={(m) => setConfig({ method: { id: m } })}
      />
      <DeclaredFields
        kind="method"
        info={methodInfo(id)}
        values={values as Values}
        run={{ ...config, kind: ds?.kind ?? 'image' }}
        locked={locked}
        onChange={(patch) => setConfig({ method: { [id]: patch } })}
      />
      {noPool && (
        <p className="hint invalid" data-testid="method-no-pool">
          No unlabelled rows to learn from: every training row&apos;s label is used. Set a label budget below (such as
          10 per class), or load data with rows without a label.
        </p>
      )}
    </>
  );
}
