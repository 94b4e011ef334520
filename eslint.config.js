import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import noImportCycle from './eslint-rules/no-import-cycle.js';

export default tseslint.config(
  { ignores: ['dist', 'dist-test', 'node_modules', 'test-results', 'playwright-report', 'bench-results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // The UI never imports tfjs: the engine runs in the worker (see README, Architecture).
      'no-restricted-imports': 'off',
    },
  },
  {
    // Imports go one way (ui -> shared, worker -> engine -> shared): no cycles, type-only ones included.
    files: ['src/**/*.{ts,tsx}'],
    plugins: { studio: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: { 'studio/no-import-cycle': ['error', { root: 'src' }] },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tensorflow/*', '**/engine/**', '**/worker/**'],
              message: 'The UI talks to the worker through src/shared/protocol.ts only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Node scripts (their page.evaluate() callbacks run in the browser), and the Node example of text downloads.
    files: ['scripts/**/*.{js,mjs}', 'e2e/**/*.{ts,mjs}', '*.config.{js,ts}', 'src/engine/export/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
