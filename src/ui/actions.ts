// What the UI can ask of the worker. Failures become alerts; the store keeps what it had.
import type { AugmentPreview, BuiltinDatasetName, ImageOptions, TableOptions } from '../shared/types/datasets';
import type { SweepSettings } from '../shared/types/sweep';
import type { AugmentSpec } from '../shared/types/training';
import type { InferenceInput, ModelCard, Prediction } from '../shared/types/models';
import type { RunFault } from '../shared/types/faults';
import type { ExplainRequest, Explanation, ImportanceResult } from '../shared/types/explain';
import { autoFit, resolveConfig } from '../shared/settings/resolve';
import type { LrFinderView } from './reducer';
import { useStudio, type AlertAction } from './store';
import { errorMessage } from '../shared/format';
import { HEARTBEAT, type ExportedFile, type ExportFormat } from '../shared/protocol';
import { WorkerClient, type RequestError } from './workerClient';
import { installTestHooks } from './testHooks';

const client = new WorkerClient(
  (e) => useStudio.getState().applyEvent(e),
  () => void restoreDataset('mnist', false),
  () => (useStudio.getState().datasetLoading ? HEARTBEAT.loadingTimeoutMs : HEARTBEAT.timeoutMs),
);

interface AttemptOptions {
  /** What failed, put before the worker's reason ("The model could not be downloaded"). */
  what?: string;
  /** A button the alert offers to fix it (e.g. load again without the malformed rows). */
  fix?: (e: RequestError) => AlertAction | undefined;
  /** No alert: the caller shows the absence itself. */
  quiet?: boolean;
}

/**
 * One UI action: resolves to its reply, or to null when the worker refused it, after an alert that
 * says why (the store keeps what it had). A crashed worker's requests fail quietly: the crash itself
 * was announced once.
 */
async function attempt<T>(work: () => Promise<T>, o: AttemptOptions = {}): Promise<T | null> {
  try {
    return await work();
  } catch (e) {
    const error = e as RequestError;
    if (!o.quiet && error.code !== 'worker-crashed') {
      const why = errorMessage(e);
      useStudio.getState().pushAlert(o.what ? `${o.what}: ${why}` : why, o.fix?.(error));
    }
    return null;
  }
}

/** A request that starts a run (start, resume, recover): one at a time, Start disabled meanwhile. */
async function startingRun(prepare: () => void, work: () => Promise<void>): Promise<void> {
  if (useStudio.getState().startRequested) return; // a double click sends one start
  prepare();
  useStudio.setState({ startRequested: true });
  try {
    await attempt(work);
  } finally {
    useStudio.setState({ startRequested: false });
  }
}

let opened = false;

/**
 * Once per page: starts the worker and brings back the last visit's dataset (or `fallback`;
 * `force` loads the built-in `fallback` instead). Idempotent: React's StrictMode runs mount
 * effects twice in development, and a second restore would cancel and redo the first.
 */
export function openStudio(fallback: BuiltinDatasetName, force: boolean): void {
  if (opened) return;
  opened = true;
  client.start();
  void restoreDataset(fallback, force);
}

/**
 * At start: the last visit's dataset, or `fallback`; `?dataset=` in the URL forces a built-in.
 * A dataset chosen while it loads supersedes it (the worker cancels the restore, which answers ok).
 */
async function restoreDataset(fallback: BuiltinDatasetName, force: boolean): Promise<void> {
  // Busy from now, not from the worker's first message: a Start pressed in between (e.g. right
  // after a worker restart) would only be refused as "still loading".
  const busy = force ? fallback : 'your last dataset';
  useStudio.setState({ datasetLoading: busy });
  try {
    // A forced built-in too brings back the checkpoints, the runs and a sweep a reload interrupted.
    await attempt(() => client.request({ type: 'restore', fallback, force }), {
      what: force ? `Could not load "${fallback}"` : undefined,
    });
  } finally {
    // The worker says when it is done; this covers a refusal before it said anything.
    if (useStudio.getState().datasetLoading === busy) useStudio.setState({ datasetLoading: null });
  }
}

export async function loadBuiltin(name: BuiltinDatasetName): Promise<void> {
  await attempt(() => client.request({ type: 'loadBuiltin', name }), { what: `Could not load "${name}"` });
}

/** Files from the file input, a picked folder or a drop. Paths keep folder names (class labels). */
export async function loadFiles(
  files: File[],
  tableOptions: Partial<TableOptions> = {},
  givenPaths?: string[],
): Promise<void> {
  const paths = givenPaths ?? files.map((f) => f.webkitRelativePath || f.name);
  const imageOptions = useStudio.getState().imageOptions;
  await attempt(() => client.request({ type: 'loadFiles', files, paths, tableOptions, imageOptions }), {
    // Ragged rows: offer to load again without them.
    fix: (e) =>
      e.code === 'malformed-rows'
        ? {
            label: 'Skip those rows and load',
            perform: () => void loadFiles(files, { ...tableOptions, skipMalformed: true }, paths),
          }
        : undefined,
  });
}

export async function configureTable(options: TableOptions): Promise<void> {
  await attempt(() => client.request({ type: 'configureTable', options }));
}

export async function configureImages(options: ImageOptions): Promise<void> {
  const previous = useStudio.getState().imageOptions;
  useStudio.setState({ imageOptions: options });
  if (useStudio.getState().dataset?.source !== 'upload' || useStudio.getState().dataset?.kind !== 'image') return;
  const applied = await attempt(async () => {
    await client.request({ type: 'configureImages', options });
    return true;
  });
  if (!applied) useStudio.setState({ imageOptions: previous }); // the selects show what is really applied
}

export async function startRun(): Promise<void> {
  const { config } = useStudio.getState();
  await startingRun(
    () => undefined,
    () => client.request({ type: 'start', config }),
  );
}

/**
 * A label-efficiency sweep with fine-tuning's settings as the base of its runs; the settings that
 * follow the labelled rows (and that you did not set) follow each budget's.
 */
export async function startSweep(sweep: Omit<SweepSettings, 'fit'>): Promise<void> {
  const { settings, dataset, checkpoints } = useStudio.getState();
  const config = resolveConfig(settings, { dataset, checkpoints }, 'finetune');
  await startingRun(
    () => undefined,
    () => client.request({ type: 'startSweep', settings: { ...sweep, fit: autoFit(settings.choices) }, config }),
  );
}

/**
 * A learning-rate sweep for the shown stage with its settings: the curve streams in (lrFinder
 * events); the end, or the reason it failed, lands in the same place.
 */
export async function findLearningRate(): Promise<void> {
  const { config } = useStudio.getState();
  const stage = config.stage;
  const set = (view: LrFinderView) => useStudio.setState((s) => ({ lrFinders: { ...s.lrFinders, [stage]: view } }));
  set({ state: 'running', finding: { points: [], suggestion: null } });
  try {
    const finding = await client.request({ type: 'findLearningRate', config });
    set({ ...useStudio.getState().lrFinders[stage], state: 'done', finding });
  } catch (e) {
    const finding = useStudio.getState().lrFinders[stage]?.finding ?? { points: [], suggestion: null };
    set({ state: 'error', finding, message: errorMessage(e) });
  }
}

export async function stopLearningRateFinder(): Promise<void> {
  await attempt(() => client.request({ type: 'stopLearningRateFinder' }), { quiet: true });
}

export async function cancelSweep(): Promise<void> {
  await attempt(() => client.request({ type: 'cancelSweep' }));
}

export async function controlRun(action: 'pause' | 'resume' | 'stop'): Promise<void> {
  const fault = useStudio.getState().run.fault;
  // Resuming a diverged run goes on from its last good state with the lowered learning rate.
  if (action === 'resume' && fault?.kind === 'diverged') return recoverRun(fault);
  await attempt(() => client.request({ type: action }));
}

export async function deleteCheckpoint(checkpointId: string): Promise<void> {
  await attempt(() => client.request({ type: 'deleteCheckpoint', checkpointId }));
}

export async function renameCheckpoint(checkpointId: string, name: string): Promise<void> {
  await attempt(() => client.request({ type: 'renameCheckpoint', checkpointId, name }));
}

/** Continues a checkpoint's run (curve, epoch count and optimizer state come back). */
export async function resumeCheckpoint(checkpointId: string): Promise<void> {
  const s = useStudio.getState();
  await startingRun(
    () => useStudio.setState({ interrupted: s.interrupted.filter((r) => r.checkpoint?.id !== checkpointId) }),
    () => client.request({ type: 'resumeCheckpoint', checkpointId, config: s.config }),
  );
}

export async function pruneCheckpoints(): Promise<void> {
  await attempt(() => client.request({ type: 'pruneCheckpoints' }));
}

/** Test metrics of a fine-tuned checkpoint, or of the last run's model, on the current dataset. */
export async function evaluateOnDemand(checkpointId: string | null): Promise<void> {
  const evaluated = await attempt(async () => {
    await client.request(checkpointId ? { type: 'evaluateCheckpoint', checkpointId } : { type: 'evaluateCurrent' });
    return true;
  });
  if (evaluated) document.getElementById('evaluate')?.scrollIntoView({ block: 'start' });
}

export async function deleteRun(runKey: string): Promise<void> {
  await attempt(() => client.request({ type: 'deleteRun', runKey }));
}

/**
 * After a fault: from the run's last good checkpoint (or its start), on the backend chosen in the
 * settings; a diverged run with its learning rate divided by 10, which the settings then show.
 */
export async function recoverRun(fault: RunFault): Promise<void> {
  const s = useStudio.getState();
  await startingRun(
    () => {
      if (fault.learningRate) s.setConfig({ learningRate: fault.learningRate }, s.run.stage);
    },
    () => client.request({ type: 'recoverRun', backend: s.config.backend }),
  );
}

/**
 * What the worker knows about a model source ("current" or a checkpoint id). Quiet on failure:
 * a checkpoint that retention just deleted simply has no card (the list updates right after).
 */
export async function describeModel(source: string): Promise<ModelCard | null> {
  return attempt(() => client.request({ type: 'describeModel', source }), { quiet: true });
}

/** Saves the files the worker built (a worker cannot use downloads://; docs/architecture.md). */
function saveFiles(files: ExportedFile[]): void {
  for (const f of files) {
    const url = URL.createObjectURL(new Blob([f.data], { type: f.mime }));
    const a = document.createElement('a');
    a.href = url;
    a.download = f.name;
    a.style.display = 'none';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/**
 * Downloads a model: one zip (model.json, weights, preprocessing.json, model.onnx), the two tfjs
 * files, model.onnx alone, or the PyTorch project zip.
 */
export async function downloadModel(source: string, format: ExportFormat = 'zip'): Promise<void> {
  const files = await attempt(() => client.request({ type: 'exportModel', source, format }), {
    what: 'The model could not be downloaded',
  });
  if (files) saveFiles(files);
}

/** Brings a downloaded model back; it becomes a checkpoint. Returns its card, or null (alerted). */
export async function importModel(files: File[]): Promise<ModelCard | null> {
  return attempt(() => client.request({ type: 'importModel', files }), { what: 'The model was not imported' });
}

/** A few training samples as `spec` augments them; null when there is nothing to show (quiet). */
export async function previewAugmentation(spec: AugmentSpec, seed: number): Promise<AugmentPreview | null> {
  return attempt(() => client.request({ type: 'previewAugmentation', spec, seed }), { quiet: true });
}

export async function predict(source: string, input: InferenceInput): Promise<Prediction | null> {
  return attempt(() => client.request({ type: 'predict', source, input }));
}

export async function explain(request: ExplainRequest): Promise<Explanation | null> {
  return attempt(() => client.request({ type: 'explain', request }), { what: 'Could not explain' });
}

export async function columnImportance(source: string, quiet = false): Promise<ImportanceResult | null> {
  const result = await attempt(() => client.request({ type: 'columnImportance', source }), {
    what: 'Could not measure column importance',
    quiet,
  });
  useStudio.setState({ importanceProgress: null });
  return result;
}

useStudio.setState({
  onPrune: () => void pruneCheckpoints(),
  onRecover: (f) => void recoverRun(f),
  onResumeCheckpoint: (id) => void resumeCheckpoint(id),
});
// Test builds only (STUDIO_TEST_HOOKS=1): globalThis.__studioTest for the end-to-end tests.
if (__TEST_HOOKS__) installTestHooks(client);
