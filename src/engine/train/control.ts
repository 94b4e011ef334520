/**
 * Pause / resume / stop for a training loop, effective at the next batch boundary. The UI's
 * commands set flags; the loop awaits `waitWhilePaused()` between batches.
 */
export class RunControl {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  get isPaused(): boolean {
    return this.paused;
  }
  get isStopped(): boolean {
    return this.stopped;
  }
  pause(): void {
    if (!this.stopped) this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.wake?.();
  }
  stop(): void {
    this.stopped = true;
    this.paused = false;
    this.wake?.();
  }
  /** Resolves at once unless paused; then when resumed or stopped. */
  async waitWhilePaused(): Promise<void> {
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}

let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

/**
 * Yields to the event loop so that commands (pause, stop) get through between synchronous CPU
 * batches. A MessageChannel macrotask avoids the 4 ms clamp of nested setTimeout in workers.
 */
export function nextMacrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => void };
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}
