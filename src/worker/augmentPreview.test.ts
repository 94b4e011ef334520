// The augmentation preview in Node (tfjs cpu): pictures before and after, and table rows read
// back in the table's own terms.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTableDataset } from '../engine/data/table/buildTable';
import { readCsv } from '../engine/data/table/readCsv';
import { AUGMENT_PRESETS } from '../shared/augmentation';
import { DEFAULT_TABLE_OPTIONS } from '../shared/defaults';
import { loadMnist, sliceSplits } from '../test/fixtures';
import { previewAugmentation } from './augmentPreview';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('augmentation preview', () => {
  it('shows 8 training pictures and the same 8 augmented, leaving no tensor behind', async () => {
    const ds = sliceSplits(loadMnist(), 20, 5, 5);
    const before = tf.memory().numTensors;
    const p = await previewAugmentation(ds, AUGMENT_PRESETS.strong, 1, true);
    if (p.kind !== 'image') throw new Error('pictures expected');
    expect(p.originals).toHaveLength(8);
    expect(p.views).toHaveLength(8);
    expect(p.originals[0]).toEqual(
      Uint8Array.from(ds.x.subarray(ds.split.train[0]! * 784, ds.split.train[0]! * 784 + 784)),
    );
    expect(p.views[0]).not.toEqual(p.originals[0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shows table rows by column, with corrupted features taken from other rows', async () => {
    const csv = readFileSync(fileURLToPath(new URL('../../e2e/fixtures/houses.csv', import.meta.url)), 'utf8');
    const ds = buildTableDataset(await readCsv(csv, 'houses.csv', { skipMalformed: false }), {
      ...DEFAULT_TABLE_OPTIONS,
      label: 'price_k',
    });
    const p = await previewAugmentation(ds, { ...AUGMENT_PRESETS.off, preset: 'custom', corruption: 0.9 }, 2, true);
    if (p.kind !== 'table') throw new Error('rows expected');
    expect(p.columns).toEqual(['size_m2', 'rooms', 'age_years', 'district']);
    expect(p.originals).toHaveLength(4);
    const changed = p.views.flatMap((row, r) => row.filter((v, k) => v !== p.originals[r]![k]));
    expect(changed.length).toBeGreaterThan(4);
    // A corrupted cell holds a value of the same column from another row of the batch.
    for (let k = 0; k < p.columns.length; k++)
      for (const row of p.views) expect(p.originals.map((o) => o[k])).toContain(row[k]);
  });
});
