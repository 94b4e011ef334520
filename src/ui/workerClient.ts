// The page's side of the worker: typed requests with ids, answered by `ok` / `failed`, and every
// other event handed to the store. The worker starts on first use. A worker that crashes, or that
// stays silent longer than HEARTBEAT.timeoutMs (hung), is replaced by a new one at once.
import { workerName } from './wasmThreadsSetting';
import { HEARTBEAT, type Command, type CommandBody, type ReplyOf, type WorkerEvent } from '../shared/protocol';

type Pending = { resolve: (reply: unknown) => void; reject: (e: Error) => void };

/** A request the worker refused; `code` names a data problem the UI may offer a fix for. */
export interface RequestError extends Error {
  code?: string;
}

export class WorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private lastSeen = 0;
  private lastCheck = 0;
  private heard = false;
  /** What the worker said of its uncaught error just before dying (its real message, file and line). */
  private crashDetail: string | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  /**
   * Test builds only (src/ui/testHooks.ts): terminates the worker without a word, as a crash of
   * its process would. Absent from `npm run build`.
   */
  declare readonly killForTest?: () => void;

  constructor(
    private readonly onEvent: (e: WorkerEvent) => void,
    /** Called when a new worker replaces a crashed or hung one (to bring the dataset back). */
    private readonly onRestart: () => void = () => undefined,
    /** How long a silent worker is waited for now (longer while a dataset loads). */
    private readonly timeoutMs: () => number = () => HEARTBEAT.timeoutMs,
  ) {
    if (__TEST_HOOKS__) this.killForTest = () => this.worker?.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('../worker/studio.worker.ts', import.meta.url), {
      type: 'module',
      name: workerName(),
    });
    w.onmessage = (e: MessageEvent<WorkerEvent>) => {
      if (this.worker !== w) return;
      this.heard = true;
      this.lastSeen = performance.now();
      this.receive(e.data);
    };
    w.onerror = (e) => {
      if (this.worker !== w) return;
      // The worker's own account ('crashing') is queued before this event; let it arrive.
      setTimeout(() => {
        if (this.worker !== w) return;
        const why = this.crashDetail ?? (e.message || 'it failed to start');
        this.replace(`The training worker crashed (${why})`);
      }, 0);
    };
    this.worker = w;
    this.crashDetail = null;
    this.heard = false;
    this.lastSeen = this.lastCheck = performance.now();
    this.watchdog ??= setInterval(() => this.check(), 1000);
    return w;
  }

  /** No message from a started worker for timeoutMs: it hangs (or was killed); replace it. */
  private check(): void {
    const now = performance.now();
    // The page itself did not run for a while (frozen tab, sleeping laptop): count afresh.
    if (now - this.lastCheck > 5000) this.lastSeen = now;
    this.lastCheck = now;
    const timeout = this.timeoutMs();
    if (this.worker && this.heard && now - this.lastSeen > timeout)
      this.replace(`The training worker stopped answering (no heartbeat for ${Math.round(timeout / 1000)} s)`);
  }

  /**
   * One alert for the failure (id -1); the pending requests fail quietly. A new worker starts at
   * once and brings the dataset back; a run that was going can be resumed from its checkpoint.
   */
  private replace(what: string): void {
    const why = `${what} and was restarted. Your settings and checkpoints are kept.`;
    this.pending.forEach((p) => p.reject(Object.assign(new Error(why), { code: 'worker-crashed' })));
    this.pending.clear();
    this.worker?.terminate();
    this.worker = null;
    this.onEvent({ type: 'failed', id: -1, message: why });
    this.ensure();
    queueMicrotask(this.onRestart);
  }

  start(): void {
    this.ensure();
  }

  /** Resolves with the command's reply (see ReplyOf), or rejects with the worker's refusal. */
  request<C extends CommandBody>(body: C): Promise<ReplyOf<C['type']>> {
    const id = this.nextId++;
    const cmd = { ...body, id } as Command;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (reply: unknown) => void, reject });
      this.ensure().postMessage(cmd);
    });
  }

  private receive(e: WorkerEvent): void {
    if (e.type === 'crashing') {
      this.crashDetail = e.message;
      return;
    }
    if (e.type === 'ok' || e.type === 'failed') {
      const p = this.pending.get(e.id);
      this.pending.delete(e.id);
      if (e.type === 'ok') p?.resolve(e.reply);
      else p?.reject(Object.assign(new Error(e.message), { code: e.code }) as RequestError);
    }
    this.onEvent(e);
  }
}
