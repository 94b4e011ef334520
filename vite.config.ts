import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP_HEADER, contentSecurityPolicy } from './csp.config';

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { main: 'index.html', bench: 'bench.html' },
    },
  },
  server: { host: '127.0.0.1', port: 5173 },
  // The built app is served with the policy as a header too: a meta tag does not reach workers.
  preview: {
    host: '127.0.0.1',
    port: 4173,
    headers: { 'Content-Security-Policy': CSP_HEADER, 'X-Content-Type-Options': 'nosniff' },
  },
});
