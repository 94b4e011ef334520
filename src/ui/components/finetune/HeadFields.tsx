import { useStudio } from '../../store';
import { ListField } from '../ListField';
import { NumberField } from '../NumberField';

/** The task head: hidden Dense(relu) layers and the dropout before the output. */
export function HeadFields({ locked }: { locked: boolean }) {
  const head = useStudio((s) => s.config.head);
  const setConfig = useStudio((s) => s.setConfig);
  return (
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
  );
}
