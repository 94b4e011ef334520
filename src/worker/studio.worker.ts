/// <reference lib="webworker" />
// Entry of the one module Web Worker: wires the session to postMessage.
import { HEARTBEAT, type Command, type WorkerEvent } from '../shared/protocol';
import { describeUncaught } from '../shared/uncaught';
import { readMemory } from '../engine/memory';
import { workerBackendHost } from './backendHost';
import { loadBuiltin } from './builtinDatasets';
import { StudioSession } from './session';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: WorkerEvent, transfer: Transferable[] = []) => scope.postMessage(event, transfer);
const session = new StudioSession(post, workerBackendHost, loadBuiltin);

// An uncaught error reaches the page only as its message, and an error that is itself an event
// (Emscripten's pthread workers rethrow their ErrorEvent) as "Uncaught [object ErrorEvent]": the
// page gets the real message, file and line first.
scope.addEventListener('error', (e) => post({ type: 'crashing', message: describeUncaught(e) }));

scope.onmessage = (e: MessageEvent<Command>) => {
  void session.handle(e.data);
};
post({ type: 'ready' });
// Sign of life for the page, which restarts a worker that stays silent (see HEARTBEAT). The
// training loop yields between batches, so this fires during runs too.
setInterval(() => {
  let memory;
  try {
    memory = readMemory();
  } catch {
    memory = { tensors: 0, bytes: 0, backend: '' };
  }
  post({ type: 'heartbeat', memory });
}, HEARTBEAT.periodMs);
