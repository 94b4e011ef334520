// What the UI can ask of the worker. Failures become alerts; the store keeps what it had.
import type { BuiltinDatasetName } from '../shared/types';
import { useStudio } from './store';
import { WorkerClient } from './workerClient';

const client = new WorkerClient((e) => useStudio.getState().applyEvent(e));

function alertOn(e: unknown): void {
  useStudio.getState().pushAlert(e instanceof Error ? e.message : String(e));
}

export function startWorker(): void {
  client.start();
}

export async function loadBuiltin(name: BuiltinDatasetName): Promise<void> {
  const previous = useStudio.getState().builtin;
  useStudio.getState().setBuiltin(name);
  try {
    await client.request({ type: 'loadBuiltin', name });
  } catch (e) {
    useStudio.setState({ builtin: previous, datasetLoading: null });
    alertOn(new Error(`Could not load "${name}": ${e instanceof Error ? e.message : String(e)}`));
  }
}

export async function startRun(): Promise<void> {
  try {
    await client.request({ type: 'start', config: useStudio.getState().config });
  } catch (e) {
    alertOn(e);
  }
}

export async function controlRun(action: 'pause' | 'resume' | 'stop'): Promise<void> {
  try {
    await client.request({ type: action });
  } catch (e) {
    alertOn(e);
  }
}
