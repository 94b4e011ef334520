// The label-efficiency sweep: does pretraining pay on this data, and from how many labels on?
// Settings (budgets, seeds, the encoder to compare), progress with time left and cancel, then the
// test metric against labels per class (log axis, mean and min-max per arm) and a table of
// pretrained − scratch per budget.
import { useState } from 'react';
import { isRunActive } from '../../shared/runState';
import {
  DEFAULT_SWEEP_BUDGETS,
  DEFAULT_SWEEP_SEEDS,
  defaultSweepEncoder,
  formatBudgets,
  parseBudgets,
  planSweep,
  sweepPoints,
  sweepProblem,
  sweepRows,
} from '../../shared/sweep';
import type { SweepArm, SweepBudget, SweepPoint, SweepRow, SweepSettings, SweepStatus } from '../../shared/types/sweep';
import type { CheckpointInfo } from '../../shared/types/models';
import { cancelSweep, startSweep } from '../actions';
import { attrNumber, fmtDuration, fmtNumber, fmtPercent } from '../format';
import { useStudio } from '../store';
import { Empty, Panel } from './Panel';
import { lazyPlot } from '../chart/lazyPlot';

const SweepPlot = lazyPlot(() => import('../chart/plots/SweepPlot'));

const STATE_TEXT: Record<SweepStatus['state'], string> = {
  running: 'Sweeping',
  done: 'Done',
  stopped: 'Stopped',
  error: 'Failed',
};

/** The plotted arms: their names and colours. */
const ARMS: { arm: SweepArm; name: string; colour: string; dashed?: boolean }[] = [
  { arm: 'scratch', name: 'scratch', colour: 'var(--series-val)' },
  { arm: 'pretrained', name: 'pretrained', colour: 'var(--accent)' },
  { arm: 'semi-scratch', name: 'semi-supervised, scratch', colour: 'var(--series-val)', dashed: true },
  { arm: 'semi-pretrained', name: 'semi-supervised, pretrained', colour: 'var(--accent)', dashed: true },
];

const budgetText = (b: SweepBudget) => (b === 'all' ? 'all' : String(b));

export function SweepPanel() {
  const sweep = useStudio((s) => s.sweep);
  const ds = useStudio((s) => s.dataset);
  const checkpoints = useStudio((s) => s.checkpoints);
  const runActive = useStudio((s) => isRunActive(s.run.state));
  const busy = useStudio((s) => s.datasetLoading !== null || s.startRequested);
  const invalidSettings = useStudio((s) => s.invalidFields.length > 0);
  const [budgetsInput, setBudgetsInput] = useState(formatBudgets(DEFAULT_SWEEP_BUDGETS));
  const [seedsInput, setSeedsInput] = useState(String(DEFAULT_SWEEP_SEEDS));
  /** "auto": the default encoder; "": none (scratch only); else a checkpoint id. */
  const [encoderPick, setEncoderPick] = useState('auto');
  const [semi, setSemi] = useState(false);

  const encoders = ds ? checkpoints.filter((c) => c.stage === 'pretrain' && c.datasetName === ds.name) : [];
  const fallback = defaultSweepEncoder(encoders);
  const encoderId =
    encoderPick === 'auto' ? (fallback?.id ?? '') : encoders.some((c) => c.id === encoderPick) ? encoderPick : '';
  const budgets = parseBudgets(budgetsInput);
  const seeds = Number(seedsInput);
  const regression = ds?.task === 'regression';
  const semiSupervised = semi && !regression;
  const settings = budgets ? { budgets, seeds, encoderId: encoderId || null, semiSupervised } : null;
  const problem = settings ? sweepProblem(settings) : null;
  const labelled = ds !== null && ds.task !== 'none';
  const running = sweep?.state === 'running';
  const runs = settings && !problem ? planSweep(settings, 0, ds?.unlabeled ?? 0).length : 0;
  const startHint = !labelled
    ? 'Choose a dataset with labels first'
    : invalidSettings
      ? 'Fix the highlighted settings first'
      : (problem ?? (budgets ? undefined : 'Fix the label budgets first'));

  return (
    <Panel id="sweep" title="Label efficiency: does pretraining pay?">
      <p className="muted small">
        Fine-tunes with the training settings above for each label budget, from a pretrained encoder and from scratch
        (the encoder&apos;s own network with random weights, so only the pretraining differs), with several seeds, one
        run after another; each run also lands in the run list.
      </p>
      <SweepBudgetFields
        budgetsInput={budgetsInput}
        seedsInput={seedsInput}
        regression={regression}
        running={running}
        onBudgets={setBudgetsInput}
        onSeeds={setSeedsInput}
      />
      <SweepEncoderField
        encoders={encoders}
        encoderId={encoderId}
        running={running}
        missingHint={labelled && !encoders.length ? ds.name : null}
        onPick={setEncoderPick}
      />
      {!regression && (
        <SweepSemiField checked={semi} withEncoder={encoderId !== ''} running={running} onChange={setSemi} />
      )}
      <SweepButtons
        settings={settings}
        blocked={running || runActive || busy || !labelled || problem !== null || invalidSettings}
        running={running}
        startHint={startHint}
        runs={runs}
      />
      <SweepStatusLine sweep={sweep} />
      {!sweep ? (
        <Empty>
          The result: test {regression ? 'R²' : 'accuracy'} against labels per class, from scratch and from the encoder
          (mean and range over the seeds), and the difference per budget.
        </Empty>
      ) : (
        <SweepResults sweep={sweep} />
      )}
    </Panel>
  );
}

function SweepStatusLine({ sweep }: { sweep: SweepStatus | null }) {
  const done = sweep?.results.length ?? 0;
  const total = sweep?.plan.length ?? 0;
  const eta = sweep?.etaSeconds;
  const failed = sweep?.results.filter((r) => r.state === 'error').length ?? 0;
  return (
    <div
      className="progress"
      data-testid="sweep-status"
      data-state={sweep?.state ?? 'idle'}
      data-done={done}
      data-total={total}
      data-eta-seconds={attrNumber(eta)}
    >
      <div className="progress-line">
        <strong role="status" aria-live="polite">
          {sweep ? STATE_TEXT[sweep.state] : 'No sweep yet'}
        </strong>
        {sweep && (
          <span className="muted">
            {done} of {total} runs done
            {failed ? ` (${failed} failed)` : ''}
            {sweep.state === 'running' && sweep.current ? ` · run ${sweep.current.index + 1} training` : ''}
            {sweep.state === 'running'
              ? ` · ${eta === null || eta === undefined ? 'time left after the first run' : `about ${fmtDuration(eta)} left`}`
              : ''}
          </span>
        )}
      </div>
      {sweep && (
        <div
          className="bar"
          role="progressbar"
          aria-label="Sweep progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={total ? Math.round((done / total) * 100) : 0}
        >
          <div className="bar-fill" style={{ transform: `scaleX(${total ? done / total : 0})` }} />
        </div>
      )}
      {sweep?.message &&
        (sweep.state === 'error' ? (
          <p role="alert" className="small">
            {sweep.message}
          </p>
        ) : (
          <p className="muted small">{sweep.message}</p>
        ))}
    </div>
  );
}

function SweepResults({ sweep }: { sweep: SweepStatus }) {
  const points = sweepPoints(sweep.results, sweep.settings.budgets);
  const rows = sweepRows(points, sweep.settings.budgets);
  const accuracy = sweep.metric === 'accuracy';
  const show = (v: number | null | undefined) => (accuracy ? fmtPercent(v) : fmtNumber(v, 3));
  const showDiff = (v: number | null) =>
    v === null
      ? '–'
      : accuracy
        ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} points`
        : `${v >= 0 ? '+' : ''}${fmtNumber(v, 3)}`;
  const metricName = accuracy ? 'test accuracy' : 'test R²';
  const xName = sweep.task === 'classification' ? 'labels per class' : 'labelled rows';
  const arm = (a: SweepArm) =>
    points
      .filter((p) => p.arm === a)
      .map((p) => ({ x: p.x, mean: p.mean, range: [p.mean - p.min, p.max - p.mean], runs: p.runs }));
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const semiShown = sweep.settings.semiSupervised === true;
  const cell = (p: SweepPoint | null) =>
    p ? `${show(p.mean)}${p.runs > 1 ? ` (${show(p.min)}–${show(p.max)})` : ''}` : '–';
  return (
    <div className="sweep-results">
      <figure
        className="chart-card"
        data-testid="sweep-chart"
        data-points={points.length}
        data-runs={sweep.results.length}
      >
        <figcaption className="muted small">
          {metricName[0]!.toUpperCase() + metricName.slice(1)} against {xName} (log axis): mean over the seeds, the bar
          spans min to max.{sweep.encoderName ? ` Pretrained: ${sweep.encoderName}.` : ' Scratch arm only.'}
        </figcaption>
        <div className="chart-box sweep-box">
          {points.length ? (
            <SweepPlot
              arms={ARMS.filter((a) => points.some((p) => p.arm === a.arm)).map((a) => ({ ...a, points: arm(a.arm) }))}
              xs={xs}
              xName={xName}
              accuracy={accuracy}
              show={show}
            />
          ) : (
            <p className="empty">The first point appears when the first run has finished.</p>
          )}
        </div>
      </figure>
      <SweepTable rows={rows} semi={semiShown} encoder={sweep.encoderName !== null} cell={cell} showDiff={showDiff} />
    </div>
  );
}

/** The label budgets and the seeds a sweep runs, typed as text (checked as they are typed). */
function SweepBudgetFields({
  budgetsInput,
  seedsInput,
  regression,
  running,
  onBudgets,
  onSeeds,
}: {
  budgetsInput: string;
  seedsInput: string;
  regression: boolean;
  running: boolean;
  onBudgets: (text: string) => void;
  onSeeds: (text: string) => void;
}) {
  const budgets = parseBudgets(budgetsInput);
  const seeds = Number(seedsInput);
  return (
    <div className="grid-2">
      <label className="field">
        <span>Labels per class{regression ? ' (rows, for regression)' : ''}</span>
        <input
          data-testid="sweep-budgets"
          value={budgetsInput}
          disabled={running}
          aria-invalid={!budgets}
          onChange={(e) => onBudgets(e.target.value)}
        />
        <small className={budgets ? 'hint' : 'hint invalid'}>
          {budgets
            ? 'Whole numbers, and "all" for every training label.'
            : 'Use whole numbers and "all", such as "10, 100, all".'}
        </small>
      </label>
      <label className="field">
        <span>Seeds per budget and arm</span>
        <input
          data-testid="sweep-seeds"
          type="number"
          min={1}
          max={20}
          step={1}
          value={seedsInput}
          disabled={running}
          aria-invalid={!(Number.isInteger(seeds) && seeds >= 1 && seeds <= 20)}
          onChange={(e) => onSeeds(e.target.value)}
        />
        <small className="hint">From the training seed on (seed, seed + 1, …).</small>
      </label>
    </div>
  );
}

/** The encoder the scratch arm is compared with (none: the scratch arm only). */
function SweepEncoderField({
  encoders,
  encoderId,
  running,
  missingHint,
  onPick,
}: {
  encoders: CheckpointInfo[];
  encoderId: string;
  running: boolean;
  /** The dataset's name when it has labels but no encoder yet (a hint says to pretrain). */
  missingHint: string | null;
  onPick: (id: string) => void;
}) {
  return (
    <label className="field">
      <span>Compare scratch with</span>
      <select data-testid="sweep-encoder" value={encoderId} disabled={running} onChange={(e) => onPick(e.target.value)}>
        <option value="">nothing (the scratch arm only)</option>
        {encoders.map((c) => (
          <option key={c.id} value={c.id}>
            {c.config.objective.id} encoder · epoch {c.epoch}
            {c.tags.includes('bestProbe') && c.probeAccuracy !== undefined
              ? ` (best probe ${(c.probeAccuracy * 100).toFixed(0)}%)`
              : c.tags.includes('best')
                ? ' (best)'
                : ''}{' '}
            · {c.name}
          </option>
        ))}
      </select>
      {missingHint !== null && (
        <small className="hint" data-testid="sweep-hint">
          No pretrained encoder of {missingHint} yet: the sweep runs the scratch arm only. Pretrain first (stage
          Pretrain) to compare.
        </small>
      )}
    </label>
  );
}

/** Whether the sweep adds the semi-supervised arms (FixMatch from scratch, and from the encoder). */
function SweepSemiField({
  checked,
  withEncoder,
  running,
  onChange,
}: {
  checked: boolean;
  withEncoder: boolean;
  running: boolean;
  onChange: (on: boolean) => void;
}) {
  return (
    <label className="field checkbox">
      <input
        type="checkbox"
        data-testid="sweep-semi"
        checked={checked}
        disabled={running}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>
        Also semi-supervised (FixMatch) from scratch{withEncoder ? ' and from the encoder' : ''}: the training rows
        outside each budget teach it without their labels (budgets below &quot;all&quot;, or rows without a label)
      </span>
    </label>
  );
}

/** The sweep's table: one row per budget, each arm's mean (min–max) and pretrained − scratch. */
function SweepTable({
  rows,
  semi,
  encoder,
  cell,
  showDiff,
}: {
  rows: SweepRow[];
  semi: boolean;
  encoder: boolean;
  cell: (p: SweepPoint | null) => string;
  showDiff: (v: number | null) => string;
}) {
  return (
    <table className="compare-table" data-testid="sweep-table" data-rows={rows.length}>
      <thead>
        <tr>
          <th scope="col">Labels per class</th>
          <th scope="col">Scratch</th>
          <th scope="col">Pretrained</th>
          <th scope="col">Pretrained − scratch</th>
          {semi && (
            <>
              <th scope="col">Semi-supervised, scratch</th>
              {encoder && <th scope="col">Semi-supervised, pretrained</th>}
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={budgetText(r.budget)}
            data-testid="sweep-row"
            data-budget={budgetText(r.budget)}
            data-x={attrNumber(r.x)}
            data-scratch={attrNumber(r.scratch?.mean)}
            data-pretrained={attrNumber(r.pretrained?.mean)}
            data-diff={attrNumber(r.diff)}
            data-semi-scratch={attrNumber(r.semiScratch?.mean)}
            data-semi-pretrained={attrNumber(r.semiPretrained?.mean)}
          >
            <th scope="row">{r.budget === r.x ? r.budget : `${r.budget} (${fmtNumber(r.x, 3)})`}</th>
            <td>{cell(r.scratch)}</td>
            <td>{cell(r.pretrained)}</td>
            <td>{showDiff(r.diff)}</td>
            {semi && (
              <>
                <td>{cell(r.semiScratch)}</td>
                {encoder && <td>{cell(r.semiPretrained)}</td>}
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Run and cancel; Run says how many runs the plan has, and why it waits when it cannot start. */
function SweepButtons({
  settings,
  blocked,
  running,
  startHint,
  runs,
}: {
  settings: SweepSettings | null;
  blocked: boolean;
  running: boolean;
  startHint: string | undefined;
  runs: number;
}) {
  return (
    <div className="buttons" role="group" aria-label="Sweep controls">
      <button
        data-testid="sweep-start"
        className="primary"
        disabled={blocked || !settings}
        title={startHint}
        onClick={() => settings && void startSweep(settings)}
      >
        Run sweep{runs ? ` (${runs} runs)` : ''}
      </button>
      <button data-testid="sweep-cancel" disabled={!running} onClick={() => void cancelSweep()}>
        Cancel sweep
      </button>
    </div>
  );
}
