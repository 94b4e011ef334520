// What the UI can ask of the worker. Failures become alerts; the store keeps what it had.
import type { BuiltinDatasetName, ImageOptions, TableOptions } from '../shared/types/datasets';
import type { InferenceInput, ModelCard, Prediction } from '../shared/types/models';
import type { RunFault } from '../shared/types/faults';
import { useStudio, type AlertAction } from './store';
import { HEARTBEAT } from '../shared/protocol';
import { WorkerClient, type RequestError } from './workerClient';

const client = new WorkerClient(
  (e) => useStudio.getState().applyEvent(e),
  () => void restoreDataset('mnist', false),
  () => (useStudio.getState().datasetLoading ? HEARTBEAT.loadingTimeoutMs : HEARTBEAT.timeoutMs),
);

function alertOn(e: unknown, action?: AlertAction): void {
  if ((e as RequestError).code === 'worker-crashed') return; // already announced once
  useStudio.getState().pushAlert(e instanceof Error ? e.message : String(e), action);
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
  if (force) return loadBuiltin(fallback);
  // Busy from now, not from the worker's first message: a Start pressed in between (e.g. right
  // after a worker restart) would only be refused as "still loading".
  const busy = 'your last dataset';
  useStudio.setState({ datasetLoading: busy });
  try {
    await client.request({ type: 'restore', fallback });
  } catch (e) {
    alertOn(e);
  } finally {
    // The worker says when it is done; this covers a refusal before it said anything.
    if (useStudio.getState().datasetLoading === busy) useStudio.setState({ datasetLoading: null });
  }
}

export async function loadBuiltin(name: BuiltinDatasetName): Promise<void> {
  try {
    await client.request({ type: 'loadBuiltin', name });
  } catch (e) {
    alertOn(new Error(`Could not load "${name}": ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** Files from the file input, a picked folder or a drop. Paths keep folder names (class labels). */
export async function loadFiles(
  files: File[],
  tableOptions: Partial<TableOptions> = {},
  givenPaths?: string[],
): Promise<void> {
  const paths = givenPaths ?? files.map((f) => f.webkitRelativePath || f.name);
  const imageOptions = useStudio.getState().imageOptions;
  try {
    await client.request({ type: 'loadFiles', files, paths, tableOptions, imageOptions });
  } catch (e) {
    const code = (e as RequestError).code;
    // Ragged rows: offer to load again without them.
    const action =
      code === 'malformed-rows'
        ? {
            label: 'Skip those rows and load',
            run: () => void loadFiles(files, { ...tableOptions, skipMalformed: true }, paths),
          }
        : undefined;
    alertOn(e, action);
  }
}

export async function configureTable(options: TableOptions): Promise<void> {
  try {
    await client.request({ type: 'configureTable', options });
  } catch (e) {
    alertOn(e);
  }
}

export async function configureImages(options: ImageOptions): Promise<void> {
  const previous = useStudio.getState().imageOptions;
  useStudio.setState({ imageOptions: options });
  if (useStudio.getState().dataset?.source !== 'upload' || useStudio.getState().dataset?.kind !== 'image') return;
  try {
    await client.request({ type: 'configureImages', options });
  } catch (e) {
    useStudio.setState({ imageOptions: previous }); // the selects show what is really applied
    alertOn(e);
  }
}

export async function startRun(): Promise<void> {
  const s = useStudio.getState();
  if (s.starting) return; // a double click sends one start
  useStudio.setState({ starting: true });
  try {
    await client.request({ type: 'start', config: s.config });
  } catch (e) {
    alertOn(e);
  } finally {
    useStudio.setState({ starting: false });
  }
}

export async function controlRun(action: 'pause' | 'resume' | 'stop'): Promise<void> {
  const fault = useStudio.getState().run.fault;
  // Resuming a diverged run goes on from its last good state with the lowered learning rate.
  if (action === 'resume' && fault?.kind === 'diverged') return recoverRun(fault);
  try {
    await client.request({ type: action });
  } catch (e) {
    alertOn(e);
  }
}

export async function deleteCheckpoint(checkpointId: string): Promise<void> {
  try {
    await client.request({ type: 'deleteCheckpoint', checkpointId });
  } catch (e) {
    alertOn(e);
  }
}

export async function renameCheckpoint(checkpointId: string, name: string): Promise<void> {
  try {
    await client.request({ type: 'renameCheckpoint', checkpointId, name });
  } catch (e) {
    alertOn(e);
  }
}

/** Continues a checkpoint's run (curve, epoch count and optimizer state come back). */
export async function resumeCheckpoint(checkpointId: string): Promise<void> {
  const s = useStudio.getState();
  if (s.starting) return;
  useStudio.setState({ starting: true, interrupted: s.interrupted.filter((r) => r.checkpoint?.id !== checkpointId) });
  try {
    await client.request({ type: 'resumeCheckpoint', checkpointId, config: s.config });
  } catch (e) {
    alertOn(e);
  } finally {
    useStudio.setState({ starting: false });
  }
}

export async function pruneCheckpoints(): Promise<void> {
  try {
    await client.request({ type: 'pruneCheckpoints' });
  } catch (e) {
    alertOn(e);
  }
}

/** Test metrics of a fine-tuned checkpoint, or of the last run's model, on the current dataset. */
export async function evaluateOnDemand(checkpointId: string | null): Promise<void> {
  try {
    await client.request(checkpointId ? { type: 'evaluateCheckpoint', checkpointId } : { type: 'evaluateCurrent' });
    document.getElementById('evaluate')?.scrollIntoView({ block: 'start' });
  } catch (e) {
    alertOn(e);
  }
}

export async function deleteRun(runKey: string): Promise<void> {
  try {
    await client.request({ type: 'deleteRun', runKey });
  } catch (e) {
    alertOn(e);
  }
}

/**
 * After a fault: from the run's last good checkpoint (or its start), on the backend chosen in the
 * settings; a diverged run with its learning rate divided by 10, which the settings then show.
 */
export async function recoverRun(fault: RunFault): Promise<void> {
  const s = useStudio.getState();
  if (s.starting) return;
  if (fault.learningRate) s.setConfig({ learningRate: fault.learningRate });
  useStudio.setState({ starting: true });
  try {
    await client.request({ type: 'recoverRun', backend: s.config.backend });
  } catch (e) {
    alertOn(e);
  } finally {
    useStudio.setState({ starting: false });
  }
}

/** Test hooks (see e2e/faults.spec.ts): a lost WebGPU device, a hung or a killed worker. */
async function loseDevice(): Promise<void> {
  await client.request({ type: 'testFault', kind: 'device-lost' });
}
function hangWorker(ms: number): void {
  void client.request({ type: 'testFault', kind: 'hang', ms }).catch(() => undefined);
}
function killWorker(): void {
  client.killForTest();
}

/** Test hook (see e2e/checkpoints.spec.ts): the next checkpoint write is aborted half-way. */
export async function faultNextCheckpointWrite(kind: 'abort' | 'quota' = 'abort', skip = 0): Promise<void> {
  await client.request({ type: 'faultNextCheckpointWrite', kind, skip });
}

/**
 * What the worker knows about a model source ("current" or a checkpoint id). Quiet on failure:
 * a checkpoint that retention just deleted simply has no card (the list updates right after).
 */
export async function describeModel(source: string): Promise<ModelCard | null> {
  try {
    const reply = await client.request({ type: 'describeModel', source });
    return reply?.kind === 'modelCard' ? reply.card : null;
  } catch {
    return null;
  }
}

/** Saves the files the worker built (ENVIRONMENT.md: a worker cannot use downloads://). */
function saveFiles(files: { name: string; data: ArrayBuffer; mime: string }[]): void {
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

/** Downloads a model: one zip (model.json, weights, preprocessing.json), or the two tfjs files. */
export async function downloadModel(source: string, format: 'zip' | 'tfjs' = 'zip'): Promise<void> {
  try {
    const reply = await client.request({ type: 'exportModel', source, format });
    if (reply?.kind === 'files') saveFiles(reply.files);
  } catch (e) {
    alertOn(new Error(`The model could not be downloaded: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** Brings a downloaded model back; it becomes a checkpoint. Returns its card, or null (alerted). */
export async function importModel(files: File[]): Promise<ModelCard | null> {
  try {
    const reply = await client.request({ type: 'importModel', files });
    return reply?.kind === 'imported' ? reply.card : null;
  } catch (e) {
    alertOn(new Error(`The model was not imported: ${e instanceof Error ? e.message : String(e)}`));
    return null;
  }
}

export async function predict(source: string, input: InferenceInput): Promise<Prediction | null> {
  try {
    const reply = await client.request({ type: 'predict', source, input });
    return reply?.kind === 'prediction' ? reply.prediction : null;
  } catch (e) {
    alertOn(e);
    return null;
  }
}

useStudio.setState({
  onPrune: () => void pruneCheckpoints(),
  onRecover: (f) => void recoverRun(f),
  onResumeCheckpoint: (id) => void resumeCheckpoint(id),
});
Object.assign(globalThis, { __studioTest: { faultNextCheckpointWrite, loseDevice, hangWorker, killWorker } });
