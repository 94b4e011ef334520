// Test hooks: faults the end-to-end tests force on purpose. They exist only in a build made with
// STUDIO_TEST_HOOKS=1 (outDir dist-test/, see vite.config.ts); in `npm run build` __TEST_HOOKS__ is
// false and the bundler drops every use of them. The page sends one `{ type: 'test', hook }` command.
export type TestHook =
  /** Destroys the WebGPU device, as a driver reset would. */
  | { kind: 'loseDevice' }
  /** Throws an ErrorEvent out of the worker, as Emscripten does when a pthread worker fails. */
  | { kind: 'throwErrorEvent'; message: string }
  /** Blocks the worker for `ms` (no heartbeat, no answers: the page must notice). */
  | { kind: 'hangWorker'; ms: number }
  /** A coming checkpoint write fails (after `skip` good ones): aborted half-way, or storage full. */
  | { kind: 'failCheckpointWrite'; fault: 'abort' | 'quota'; skip: number };
