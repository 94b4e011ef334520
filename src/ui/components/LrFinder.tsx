import { findLearningRate, stopLearningRateFinder } from '../actions';
import { lazyPlot } from '../chart/lazyPlot';
import { attrNumber, fmtNumber } from '../format';
import { useStudio } from '../store';

const LrFinderPlot = lazyPlot(() => import('../chart/plots/LrFinderPlot'));

/**
 * The learning-rate finder for the shown stage: a short sweep of growing rates on the training
 * split, its loss against the rate, and the suggested rate to apply with one click.
 */
export function LrFinder({ locked }: { locked: boolean }) {
  const stage = useStudio((s) => s.config.stage);
  const rate = useStudio((s) => s.config.learningRate);
  const finder = useStudio((s) => s.lrFinders[s.config.stage] ?? null);
  const anyRunning = useStudio((s) => Object.values(s.lrFinders).some((f) => f.state === 'running'));
  const blocked = useStudio((s) => !s.dataset || s.datasetLoading !== null || s.invalidFields.length > 0);
  const setConfig = useStudio((s) => s.setConfig);
  const running = finder?.state === 'running';
  const suggestion = finder?.state === 'done' ? finder.finding.suggestion : null;
  return (
    <div className="lr-finder">
      <div className="lr-finder-actions">
        {running ? (
          <button type="button" data-testid="lr-find-stop" onClick={() => void stopLearningRateFinder()}>
            Stop the sweep
          </button>
        ) : (
          <button
            type="button"
            data-testid="lr-find"
            disabled={locked || blocked || anyRunning}
            title="Trains about 100 steps with a rate growing from 1e-7 to 10, and plots the loss"
            onClick={() => void findLearningRate()}
          >
            Find a learning rate
          </button>
        )}
        {suggestion !== null && (
          <button
            type="button"
            data-testid="lr-find-apply"
            disabled={locked || suggestion === rate}
            onClick={() => setConfig({ learningRate: suggestion })}
          >
            {suggestion === rate ? `Using ${fmtNumber(suggestion, 2)}` : `Use ${fmtNumber(suggestion, 2)}`}
          </button>
        )}
        {finder && (
          <span className="muted small" data-testid="lr-finder-status" data-state={finder.state}>
            {running
              ? `Sweeping… ${finder.finding.points.length} steps${finder.backend ? ` on ${finder.backend}` : ''}`
              : finder.state === 'error'
                ? ''
                : suggestion !== null
                  ? `Suggested: a tenth of the rate where the smoothed loss was lowest (${stage === 'pretrain' ? 'pretraining' : 'fine-tuning'}, every layer training).`
                  : 'The loss did not fall during the sweep: keep the rate, or check the data.'}
          </span>
        )}
      </div>
      {finder?.state === 'error' && (
        <p role="alert" className="hint invalid">
          The learning-rate finder stopped: {finder.message}
        </p>
      )}
      {finder && finder.finding.points.length > 0 && (
        <div
          className="chart-box lr-finder-box"
          data-testid="lr-finder-chart"
          data-points={finder.finding.points.length}
          data-suggestion={attrNumber(finder.finding.suggestion)}
        >
          <LrFinderPlot points={finder.finding.points} suggestion={suggestion} />
        </div>
      )}
    </div>
  );
}
