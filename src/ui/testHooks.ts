// The page's side of the test hooks (src/shared/testHooks.ts): globalThis.__studioTest, which the
// end-to-end tests call. Only a build with __TEST_HOOKS__ (STUDIO_TEST_HOOKS=1) installs it;
// `npm run build` drops this module whole.
import type { WorkerClient } from './workerClient';

export function installTestHooks(client: WorkerClient): void {
  const hooks = {
    /** Destroys the worker's WebGPU device, as a GPU reset would (see e2e/faults.spec.ts). */
    async loseDevice(): Promise<void> {
      await client.request({ type: 'test', hook: { kind: 'loseDevice' } });
    },
    /** Blocks the worker for `ms`: no heartbeat, no answers. */
    hangWorker(ms: number): void {
      void client.request({ type: 'test', hook: { kind: 'hangWorker', ms } }).catch(() => undefined);
    },
    /** Throws an ErrorEvent out of the worker (its real message must reach the crash alert). */
    throwErrorEvent(message: string): void {
      void client.request({ type: 'test', hook: { kind: 'throwErrorEvent', message } }).catch(() => undefined);
    },
    /** Terminates the worker without a word, as a crash of its process would. */
    killWorker(): void {
      client.killForTest!();
    },
    /** A coming checkpoint write (after `skip` good ones) fails half-way (e2e/checkpoint-faults.spec.ts). */
    async faultNextCheckpointWrite(kind: 'abort' | 'quota' = 'abort', skip = 0): Promise<void> {
      await client.request({ type: 'test', hook: { kind: 'failCheckpointWrite', fault: kind, skip } });
    },
  };
  Object.assign(globalThis, { __studioTest: hooks });
}
