// How the worker's parts send events to the page (postMessage in the worker, a list in tests).
import type { WorkerEvent } from '../shared/protocol';

export type Post = (event: WorkerEvent, transfer?: Transferable[]) => void;
