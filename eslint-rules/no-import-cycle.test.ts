// The cycle rule on a folder made for the test: a cycle through a type-only import is reported
// in both modules; one-way imports are not.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import noImportCycle from './no-import-cycle.js';

async function lint(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cycles-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { studio: { rules: { 'no-import-cycle': noImportCycle } } },
      rules: { 'studio/no-import-cycle': ['error', { root: '.' }] },
    },
  });
  const results = await eslint.lintFiles(['*.ts']);
  return results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}: ${m.message}`));
}

describe('no-import-cycle', () => {
  it('reports a cycle that goes through a type-only import, in every module on it', async () => {
    const messages = await lint({
      'db.ts': "import type { Saved } from './persist';\nexport const open = (s?: Saved) => s;\n",
      'persist.ts': "import { open } from './db';\nexport type Saved = { at: number };\nexport const save = open;\n",
      'other.ts': "import { save } from './persist';\nexport const x = save;\n",
    });
    expect(messages).toEqual([
      'db.ts: Import cycle: db.ts -> persist.ts -> … -> db.ts. Make the imports go one way.',
      'persist.ts: Import cycle: persist.ts -> db.ts -> … -> persist.ts. Make the imports go one way.',
    ]);
  });

  it('accepts imports that go one way', async () => {
    const messages = await lint({
      'types.ts': 'export type Saved = { at: number };\n',
      'db.ts': "import type { Saved } from './types';\nexport const open = (s?: Saved) => s;\n",
      'persist.ts': "import { open } from './db';\nexport const save = open;\n",
    });
    expect(messages).toEqual([]);
  });
});
