// The worker's side of the test hooks (src/shared/testHooks.ts). Only a build with __TEST_HOOKS__
// (STUDIO_TEST_HOOKS=1) calls into this module; `npm run build` drops it whole.
import { assertNever } from '../shared/assertNever';
import type { TestHook } from '../shared/testHooks';
import { webgpuDevice } from './backendHost';
import { setCheckpointWriteHook } from './data/checkpoints';

/** A coming checkpoint write (after `skip` good ones) is aborted after its listing was put. */
function failCheckpointWrite(fault: 'abort' | 'quota', skip: number): void {
  setCheckpointWriteHook((tx) => {
    if (skip-- > 0) return;
    setCheckpointWriteHook(null);
    tx.abort();
    if (fault === 'quota') throw new DOMException('The quota has been exceeded (simulated).', 'QuotaExceededError');
  });
}

export function runTestHook(hook: TestHook): void {
  switch (hook.kind) {
    case 'loseDevice': {
      const device = webgpuDevice();
      if (!device) throw new Error('device loss can only be forced while the webgpu backend runs');
      device.destroy();
      break;
    }
    case 'hangWorker': {
      const until = Date.now() + hook.ms;
      while (Date.now() < until) {
        // blocks the worker: no heartbeat, no answers (the page must notice)
      }
      break;
    }
    case 'throwErrorEvent': {
      const event = new ErrorEvent('error', { message: hook.message, filename: 'blob:pthread-worker', lineno: 1 });
      setTimeout(() => {
        throw event; // uncaught, as Emscripten's worker.onerror = (e) => { throw e } does
      });
      break;
    }
    case 'failCheckpointWrite':
      failCheckpointWrite(hook.fault, hook.skip);
      break;
    default:
      assertNever(hook);
  }
}
