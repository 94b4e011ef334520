import type { Values } from '../../../shared/fields';
import { METHODS, methodInfo } from '../../../shared/methods';
import { useStudio } from '../../store';
import { DeclaredFields } from '../DeclaredFields';
import { DeclaredSelect } from '../DeclaredSelect';

/** The fine-tuning method (shared/methods) and its own settings, drawn from its declaration. */
export function MethodFields({ locked }: { locked: boolean }) {
  const config = useStudio((s) => s.config);
  const setConfig = useStudio((s) => s.setConfig);
  const ds = useStudio((s) => s.dataset);
  const { id, ...values } = config.method;
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
    </>
  );
}
