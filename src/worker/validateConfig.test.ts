import { readFileSync } from 'node:fs';
import { objectiveSettings } from '../shared/objectives';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, DEFAULT_TABLE_OPTIONS } from '../shared/defaults';
import type { TrainConfig } from '../shared/types/training';
import { buildTableDataset } from '../engine/data/table/buildTable';
import { readCsv } from '../engine/data/table/readCsv';
import { validateConfig } from './validateConfig';

const csv = readFileSync(new URL('../../e2e/fixtures/reviews.csv', import.meta.url), 'utf8');
const text = buildTableDataset(await readCsv(csv, 'reviews.csv', { skipMalformed: false }), {
  ...DEFAULT_TABLE_OPTIONS,
  label: 'sentiment',
  text: { vocabSize: 200, maxLength: 32, lowercase: true },
});
const table = buildTableDataset(
  await readCsv('a,b,y\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,1,x\n', 't.csv', { skipMalformed: false }),
  {
    ...DEFAULT_TABLE_OPTIONS,
    label: 'y',
  },
);
const config = (c: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_CONFIG, ...c });

describe('settings checked before a text run', () => {
  it('text is read by the Transformer and pretrained by masked language modeling', () => {
    expect(() => validateConfig(config({ model: 'transformer' }), text)).not.toThrow();
    expect(() =>
      validateConfig(config({ stage: 'pretrain', objective: objectiveSettings('mlm') }), text),
    ).not.toThrow();
    expect(() => validateConfig(config({ model: 'mlp' }), text)).toThrow(/Model: text is read by the Transformer/);
    expect(() =>
      validateConfig(config({ stage: 'pretrain', objective: objectiveSettings('autoencoder') }), text),
    ).toThrow(/Objective: text is pretrained by masked language modeling/);
  });

  it('an objective the studio does not know is refused by name', () => {
    expect(() =>
      validateConfig(
        config({ stage: 'pretrain', objective: { id: 'diffusion' } as unknown as TrainConfig['objective'] }),
        table,
      ),
    ).toThrow(/^Objective: "diffusion" is not one the studio knows/);
  });

  it('a fine-tuning method the studio does not know is refused by name', () => {
    expect(() =>
      validateConfig(config({ method: { id: 'mixmatch' } as unknown as TrainConfig['method'] }), table),
    ).toThrow(/^Method: "mixmatch" is not one the studio knows/);
  });

  it('other data refuses both, saying what to choose', () => {
    expect(() => validateConfig(config({ model: 'transformer' }), table)).toThrow(/the Transformer reads text/);
    expect(() => validateConfig(config({ stage: 'pretrain', objective: objectiveSettings('mlm') }), table)).toThrow(
      /masked language modeling needs a text dataset/,
    );
  });

  it('a Transformer it cannot build is refused before anything starts', () => {
    const t = (over: Partial<TrainConfig['text']>) =>
      config({ model: 'transformer', text: { ...DEFAULT_CONFIG.text, ...over } });
    expect(() => validateConfig(t({ width: 30 }), text)).toThrow(/divide evenly among 4 heads/);
    expect(() => validateConfig(t({ layers: 9 }), text)).toThrow(/Transformer layers: use a whole number from 1 to 8/);
    expect(() => validateConfig(t({ dropout: -0.1 }), text)).toThrow(/Transformer dropout/);
  });
});
