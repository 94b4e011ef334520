import { controlRun, startRun } from '../actions';
import { attrNumber, fmtDuration, fmtNumber } from '../format';
import { useStudio } from '../store';
import { isRunActive } from '../../shared/runState';
import type { RunState } from '../../shared/types/results';

/** The contract's data-state: "starting" is part of running for outside observers. */
function contractState(state: RunState): string {
  return state === 'starting' ? 'running' : state;
}

const STATE_TEXT: Record<RunState, string> = {
  idle: 'Ready',
  starting: 'Starting',
  running: 'Training',
  paused: 'Paused',
  done: 'Done',
  stopped: 'Stopped',
  error: 'Failed',
};

export function RunControls() {
  const run = useStudio((s) => s.run);
  const hasData = useStudio((s) => s.dataset !== null);
  const invalid = useStudio((s) => s.invalidFields.length > 0);
  const busy = useStudio((s) => s.datasetLoading !== null || s.startRequested);
  // A sweep starts its runs itself, one after another; Stop still ends its run (and the sweep).
  const sweeping = useStudio((s) => s.sweep?.state === 'running');
  const finding = useStudio((s) => Object.values(s.lrFinders).some((f) => f.state === 'running'));
  const active = isRunActive(run.state);
  const startHint = !hasData
    ? 'Choose a dataset first'
    : sweeping
      ? 'A sweep is running: cancel it to start a run'
      : finding
        ? 'The learning-rate finder is sweeping: wait for it, or stop it'
        : invalid
          ? 'Fix the highlighted settings first'
          : undefined;

  return (
    <div className="run-controls">
      <div className="buttons" role="group" aria-label="Training controls">
        <button
          data-testid="train-start"
          className="primary"
          disabled={active || !hasData || invalid || busy || sweeping || finding}
          title={startHint}
          onClick={() => void startRun()}
        >
          Start
        </button>
        <button data-testid="train-pause" disabled={run.state !== 'running'} onClick={() => void controlRun('pause')}>
          Pause
        </button>
        <button data-testid="train-resume" disabled={run.state !== 'paused'} onClick={() => void controlRun('resume')}>
          Resume
        </button>
        <button data-testid="train-stop" disabled={!active} onClick={() => void controlRun('stop')}>
          Stop
        </button>
      </div>
      <RunProgress hasData={hasData} />
    </div>
  );
}

/** The run's state (announced), its epoch, batch, speed and time left, and a progress bar. */
function RunProgress({ hasData }: { hasData: boolean }) {
  const run = useStudio((s) => s.run);
  const active = isRunActive(run.state);
  const p = run.progress;
  const total = p ? p.totalEpochs * p.stepsPerEpoch : 0;
  const fraction = p && total ? p.step / total : 0;
  return (
    <div
      className="progress"
      data-testid="train-status"
      data-state={contractState(run.state)}
      data-epoch={p?.epoch}
      data-step={p?.step}
      data-samples-per-sec={attrNumber(p?.samplesPerSec)}
    >
      <div className="progress-line">
        {/* Only the state is announced; the numbers change several times a second. */}
        <strong className={`state state-${run.state}`} role="status" aria-live="polite">
          {STATE_TEXT[run.state]}
        </strong>
        {run.state === 'starting' && run.message && <span className="muted">{run.message}</span>}
        {p && (
          <span className="muted">
            epoch {p.epoch}/{p.totalEpochs} · batch {p.batch}/{p.stepsPerEpoch} · {fmtNumber(p.samplesPerSec, 3)}{' '}
            samples/s · {active ? `${fmtDuration(p.etaSeconds)} left` : `${p.step} steps`}
          </span>
        )}
        {!p && run.state === 'idle' && (
          <span className="muted">{hasData ? 'Press Start to train.' : 'Choose a dataset, then press Start.'}</span>
        )}
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <div className="bar-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
    </div>
  );
}
