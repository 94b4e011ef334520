import { memo, useMemo } from 'react';
import { isRunActive } from '../../shared/runState';
import { schedulePlan } from '../../shared/schedule';
import { finetuneEpoch } from '../../shared/settings/fewLabels';
import type { LayerInfo } from '../../shared/types/results';
import type { TrainConfig } from '../../shared/types/training';
import { attrNumber, fmtNumber } from '../format';
import { useThrottled } from '../hooks/useThrottled';
import { useStudio } from '../store';
import { lazyPlot } from '../chart/lazyPlot';
import { LR_PLOT_AREA, nowLeft } from '../chart/lrPlotArea';

const LearningRatePlot = lazyPlot(() => import('../chart/plots/LearningRatePlot'));

/** Whether two configs give the same learning-rate plan (ignoring the batch count). */
function sameSchedule(a: TrainConfig, b: TrainConfig): boolean {
  const key = (c: TrainConfig) =>
    JSON.stringify([
      c.learningRate,
      c.epochs,
      c.batchSize,
      c.schedule,
      c.freeze,
      c.labelBudget,
      c.labelFraction,
      c.labelsPerClass,
    ]);
  return key(a) === key(b);
}

/**
 * Fine-tuning's run details: the learning rate over the whole run (the plan, with the current
 * step marked) and the layers with which of them train now.
 */
export function RunDetails() {
  const config = useStudio((s) => s.config);
  const ds = useStudio((s) => s.dataset);
  const run = useStudio((s) => s.run);
  const runActive = isRunActive(run.state);
  // Progress arrives a few times a second; the chart (a full recharts render) follows once a second.
  const progress = useThrottled(run.progress, runActive ? REDRAW_MS : 0);
  // A fine-tuning run is shown (going, or ended): its plan and layers rather than the settings'.
  const finetuneRunShown = run.state !== 'idle' && run.stage === 'finetune';
  if (!ds || (config.stage !== 'finetune' && !finetuneRunShown)) return null;
  // The run's own plan (a resumed run keeps its checkpoint's settings) with its current step,
  // while it trains and after, until the settings change: then the plan for the next run.
  const showRunPlan =
    finetuneRunShown && run.config !== null && progress !== null && (runActive || sameSchedule(run.config, config));
  const shown = showRunPlan ? run.config! : config;
  const epoch = finetuneEpoch(ds, config);
  const stepsPerEpoch = showRunPlan ? progress!.stepsPerEpoch : Math.ceil(epoch.rows / epoch.batchSize);
  return (
    <div className="run-details">
      <LearningRateChart
        config={shown}
        stepsPerEpoch={stepsPerEpoch}
        step={showRunPlan ? progress!.step : null}
        learningRate={showRunPlan ? progress!.learningRate : undefined}
      />
      {finetuneRunShown && run.layers.length > 0 && <LayerList layers={run.layers} epoch={run.layersEpoch} />}
      {run.notices.length > 0 && (
        <ul className="notices" role="status" data-testid="run-notices">
          {run.notices.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

const REDRAW_MS = 1000;

const LearningRateChart = memo(function LearningRateChart(props: {
  config: TrainConfig;
  stepsPerEpoch: number;
  step: number | null;
  learningRate: number | undefined;
}) {
  const { config, stepsPerEpoch, step } = props;
  const plan = useMemo(
    () => schedulePlan(config, Math.max(1, stepsPerEpoch)),
    // Only what shapes the curve.
    [config.learningRate, config.epochs, config.schedule, config.freeze, stepsPerEpoch], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const now = step === null ? undefined : props.learningRate;
  // A constant rate is a flat line: said in words, with no chart to draw.
  const constant = plan.every((p) => p.lr === plan[0]!.lr);
  return (
    <div
      className="chart-card small-chart"
      data-testid="lr-chart"
      data-current-lr={attrNumber(now)}
      data-points={plan.length}
      data-constant={constant}
    >
      <div className="chart-head">
        <h3>Learning rate</h3>
        <span className="muted small">
          {now !== undefined ? `now ${fmtNumber(now, 3)} at step ${step!}` : 'planned for the next run'}
          {constant && ` · ${fmtNumber(plan[0]!.lr, 3)} throughout (constant)`}
        </span>
      </div>
      {!constant && (
        <div className="chart-box lr-box">
          <LearningRatePlot plan={plan} />
          {step !== null && plan.length > 1 && (
            <div
              className="lr-now"
              data-testid="lr-now"
              aria-hidden="true"
              style={{
                left: nowLeft(step, plan[0]!.step, plan[plan.length - 1]!.step),
                top: LR_PLOT_AREA.top,
                bottom: LR_PLOT_AREA.bottom,
              }}
            />
          )}
        </div>
      )}
    </div>
  );
});

function LayerList({ layers, epoch }: { layers: LayerInfo[]; epoch: number }) {
  const training = layers.filter((l) => l.trainable).length;
  return (
    <div className="layer-list" data-testid="layer-list" data-epoch={epoch}>
      <h3>
        Layers{' '}
        <span className="muted small">
          · from epoch {epoch}: {training} of {layers.filter((l) => l.params > 0).length} with weights train
        </span>
      </h3>
      <ol>
        {layers.map((l) => (
          <li
            key={l.name}
            data-testid="layer-item"
            data-name={l.name}
            data-trainable={String(l.trainable)}
            data-part={l.part}
            className={l.trainable ? 'trains' : l.params > 0 ? 'frozen' : 'plain'}
          >
            <span className="layer-name">{l.name}</span>
            <span className="muted small">
              {l.className} · {l.part} · {l.params.toLocaleString('en-US')} params
            </span>
            <span className="layer-state">{l.params === 0 ? '' : l.trainable ? 'trains' : 'frozen'}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
