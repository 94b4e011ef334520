import type { Values } from '../../../shared/fields';
import { METHODS, methodInfo, type FinetuneMethod } from '../../../shared/methods';
import { useStudio } from '../../store';
import { DeclaredFields } from '../DeclaredFields';

/** The fine-tuning method (shared/methods) and its own settings, drawn from its declaration. */
export function MethodFields({ locked }: { locked: boolean }) {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  const { id, ...values } = config.method;
  return (
    <>
      <label className="field">
        <span>Method</span>
        <select
          data-testid="finetune-method"
          value={id}
          disabled={locked}
          onChange={(e) => setConfig({ method: { id: e.target.value as FinetuneMethod } })}
        >
          {(Object.keys(METHODS) as FinetuneMethod[]).map((m) => (
            <option key={m} value={m}>
              {METHODS[m].label}
            </option>
          ))}
        </select>
      </label>
      <DeclaredFields
        kind="method"
        info={methodInfo(id)}
        values={values as Values}
        run={config}
        locked={locked}
        onChange={(patch) => setConfig({ method: { [id]: patch } })}
      />
    </>
  );
}
