import { useStudio } from '../../store';
import { timeLeftText } from '../../timeLeft';

/** The dataset's loading progress: phase, share, count and time left. */
export function LoadingProgress() {
  const loading = useStudio((s) => s.datasetLoading);
  const progress = useStudio((s) => s.datasetProgress);
  if (!loading) return null;
  const timeLeft = progress ? timeLeftText(progress.fraction, progress.elapsedMs) : null;
  return (
    <div
      className="loading"
      role="status"
      data-testid="dataset-progress"
      data-fraction={progress ? progress.fraction.toFixed(3) : undefined}
    >
      <span className="muted small">
        {progress?.phase ?? 'Loading'} {loading}… {progress ? `${Math.round(progress.fraction * 100)}%` : ''}
        {progress?.done !== undefined && progress.total !== undefined && (
          <>
            {' · '}
            <span data-testid="dataset-progress-count">
              {progress.done.toLocaleString('en-US')} / {progress.total.toLocaleString('en-US')}
            </span>
          </>
        )}
        {timeLeft && (
          <>
            {' · '}
            <span data-testid="dataset-time-left">{timeLeft}</span>
          </>
        )}
      </span>
      <div
        className="bar"
        role="progressbar"
        aria-label="Loading progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round((progress?.fraction ?? 0) * 100)}
      >
        <div className="bar-fill" style={{ transform: `scaleX(${progress?.fraction ?? 0})` }} />
      </div>
    </div>
  );
}
