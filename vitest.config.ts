import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The unit tests exercise the test hooks too (src/shared/testHooks.ts).
  define: { __TEST_HOOKS__: 'true' },
  test: {
    include: ['src/**/*.test.ts', 'eslint-rules/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
