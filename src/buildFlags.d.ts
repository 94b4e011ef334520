/**
 * True only in a build made with STUDIO_TEST_HOOKS=1 (written to dist-test/), in the unit tests,
 * and in `npm run dev` started with that variable: the test hooks of src/shared/testHooks.ts. A
 * Vite `define`, replaced at build time, so `npm run build` (dist/) ships none of them.
 */
declare const __TEST_HOOKS__: boolean;
