import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './scripts/chromium.mjs';

// Two production builds, each served as a user would get it (npm test builds both first): dist/
// (`npm run build`, no test hooks) on E2E_PORT, and dist-test/ (`npm run build:test-hooks`, with
// the test hooks of src/shared/testHooks.ts) on E2E_PORT + 1.
const port = Number(process.env.E2E_PORT ?? 4173);
const hooksPort = port + 1;
/** The specs that force faults through globalThis.__studioTest: only the hooks build has it. */
const HOOK_SPECS = ['**/faults.spec.ts', '**/checkpoint-faults.spec.ts'];

const server = (outDir: string, p: number) => ({
  command: `npx vite preview --outDir ${outDir} --port ${p} --strictPort`,
  url: `http://127.0.0.1:${p}`,
  reuseExistingServer: !process.env.CI,
  timeout: 60_000,
});

export default defineConfig({
  testDir: 'e2e',
  // Two cores and a software GPU here: one test at a time keeps timings sane.
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    launchOptions: { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: [server('dist', port), server('dist-test', hooksPort)],
  projects: [
    {
      name: 'chromium',
      testIgnore: HOOK_SPECS,
      use: { browserName: 'chromium', baseURL: `http://127.0.0.1:${port}` },
    },
    {
      name: 'chromium-test-hooks',
      testMatch: HOOK_SPECS,
      use: { browserName: 'chromium', baseURL: `http://127.0.0.1:${hooksPort}` },
    },
  ],
});
