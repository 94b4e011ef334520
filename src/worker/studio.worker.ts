/// <reference lib="webworker" />
// Entry of the one module Web Worker: wires the session to postMessage.
import type { Command, WorkerEvent } from '../shared/protocol';
import { workerBackendHost } from './backendHost';
import { loadBuiltin } from './builtinDatasets';
import { StudioSession } from './session';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: WorkerEvent, transfer: Transferable[] = []) => scope.postMessage(event, transfer);
const session = new StudioSession(post, workerBackendHost, loadBuiltin);

scope.onmessage = (e: MessageEvent<Command>) => {
  void session.handle(e.data);
};
post({ type: 'ready' });
