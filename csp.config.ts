// The Content-Security-Policy of the built studio: only the app's own origin for scripts,
// workers, connections and images (plus blob: and data: where the app makes such URLs), no eval.
// 'wasm-unsafe-eval' lets WebAssembly.compile run tfjs's WASM backend; it does not allow eval()
// or new Function() (those would need 'unsafe-eval', which is absent).
import type { Plugin } from 'vite';

const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

/**
 * Cross-origin isolation: with these two headers the page may share memory between threads
 * (SharedArrayBuffer), which tfjs-backend-wasm's threaded build needs. Every resource the studio
 * loads is its own origin's, so require-corp blocks nothing it uses.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/** For the meta tag (frame-ancestors is ignored there). */
export const CSP = DIRECTIVES.join('; ');
/** For HTTP headers (vite preview), which also bind the worker's own scripts and requests. */
export const CSP_HEADER = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');

/**
 * Writes the policy into every built HTML page. Only for the build: the dev server injects inline
 * scripts for hot reloading, which the policy would block.
 */
export function contentSecurityPolicy(): Plugin {
  return {
    name: 'studio-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' },
      ],
    },
  };
}
