// Serves the production build (dist/) on a free local port, for the benchmark and the screenshot.
import { preview } from 'vite';

export async function serveDist() {
  const server = await preview({ preview: { host: '127.0.0.1', port: 0, strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url: url.replace(/\/$/, ''), close: () => server.close() };
}
