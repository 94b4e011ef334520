// Serves the production build (dist/, or STUDIO_DIST) on a free local port, for the benchmark,
// the comparisons and the screenshot. A long comparison can serve a copy while dist/ is rebuilt.
import { preview } from 'vite';

/** `outDir`: the build to serve (an earlier version's, for a comparison). */
export async function serveDist(outDir = process.env.STUDIO_DIST ?? 'dist') {
  const server = await preview({
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
    build: { outDir },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url: url.replace(/\/$/, ''), close: () => server.close() };
}
