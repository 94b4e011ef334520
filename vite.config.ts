import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP_HEADER, ISOLATION_HEADERS, contentSecurityPolicy } from './csp.config.ts';

// STUDIO_TEST_HOOKS=1 builds the app with its test hooks (src/shared/testHooks.ts: forced faults,
// globalThis.__studioTest) into dist-test/, for the end-to-end tests that need them. Without it
// __TEST_HOOKS__ is false, the bundler drops the hooks, and dist/ is the app as users get it.
const testHooks = process.env.STUDIO_TEST_HOOKS === '1';

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  define: { __TEST_HOOKS__: JSON.stringify(testHooks) },
  worker: { format: 'es' },
  build: {
    outDir: testHooks ? 'dist-test' : 'dist',
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { main: 'index.html', bench: 'bench.html' },
    },
  },
  // Cross-origin isolated in development and preview alike (threaded WASM; see csp.config.ts).
  server: { host: '127.0.0.1', port: 5173, headers: { ...ISOLATION_HEADERS } },
  // The built app is served with the policy as a header too: a meta tag does not reach workers.
  preview: {
    host: '127.0.0.1',
    port: 4173,
    headers: { 'Content-Security-Policy': CSP_HEADER, 'X-Content-Type-Options': 'nosniff', ...ISOLATION_HEADERS },
  },
});
