// The page's side of the worker: typed requests with ids, answered by `ok` / `failed`, and every
// other event handed to the store. The worker starts on first use.
import type { Command, CommandBody, Reply, WorkerEvent } from '../shared/protocol';

type Pending = { resolve: (reply: Reply | undefined) => void; reject: (e: Error) => void; reply?: Reply };

/** A request the worker refused; `code` names a data problem the UI may offer a fix for. */
export interface RequestError extends Error {
  code?: string;
}

export class WorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  private crashed = false;

  constructor(
    private readonly onEvent: (e: WorkerEvent) => void,
    /** Called when a new worker replaces a crashed one (to bring the dataset back). */
    private readonly onRestart: () => void = () => undefined,
  ) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const restarting = this.crashed;
    this.crashed = false;
    const w = new Worker(new URL('../worker/studio.worker.ts', import.meta.url), { type: 'module', name: 'studio' });
    w.onmessage = (e: MessageEvent<WorkerEvent>) => this.receive(e.data);
    w.onerror = (e) => {
      // One alert for the crash (id -1); the pending requests fail quietly. A new worker starts
      // on the next request.
      const why = `The training worker stopped (${e.message || 'it failed to start'}). Your settings are kept; load a dataset again to continue.`;
      this.pending.forEach((p) => p.reject(Object.assign(new Error(why), { code: 'worker-crashed' })));
      this.pending.clear();
      w.terminate();
      this.worker = null;
      this.crashed = true;
      this.onEvent({ type: 'failed', id: -1, message: why });
    };
    this.worker = w;
    if (restarting) queueMicrotask(this.onRestart);
    return w;
  }

  start(): void {
    this.ensure();
  }

  /** Resolves with the request's reply data, if it has any. */
  request(body: CommandBody): Promise<Reply | undefined> {
    const id = this.nextId++;
    const cmd = { ...body, id } as Command;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ensure().postMessage(cmd);
    });
  }

  private receive(e: WorkerEvent): void {
    if (e.type === 'reply') {
      const p = this.pending.get(e.id);
      if (p) p.reply = e.reply;
      return;
    }
    if (e.type === 'ok' || e.type === 'failed') {
      const p = this.pending.get(e.id);
      this.pending.delete(e.id);
      if (e.type === 'ok') p?.resolve(p.reply);
      else p?.reject(Object.assign(new Error(e.message), { code: e.code }) as RequestError);
    }
    this.onEvent(e);
  }
}
