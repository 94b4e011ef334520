import type { ScheduleSpec } from '../../../shared/types/training';
import { useStudio } from '../../store';
import { NumberField } from '../NumberField';

/** The learning-rate schedule: constant, step decay or cosine, with a linear warm-up. */
export function ScheduleFields({ locked }: { locked: boolean }) {
  const schedule = useStudio((s) => s.config.schedule);
  const epochs = useStudio((s) => s.config.epochs);
  const setConfig = useStudio((s) => s.setConfig);
  const setSchedule = (patch: Partial<ScheduleSpec>) => setConfig({ schedule: patch });
  return (
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
        max={epochs}
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
  );
}
