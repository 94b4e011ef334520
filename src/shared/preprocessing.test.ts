// A row of model inputs read back in the table's terms.
import { describe, expect, it } from 'vitest';
import { decodeRow, type FeatureSpec } from './preprocessing';

describe('decodeRow', () => {
  it('undoes standardization and reads a one-hot feature as its category, "(other)" or empty', () => {
    const features: FeatureSpec[] = [
      { column: 'size', type: 'numeric', mean: 100, std: 20, impute: 100 },
      { column: 'colour', type: 'onehot', categories: ['red', 'blue'], other: true, impute: 'red' },
    ];
    expect(decodeRow(features, [1.5, 0, 1, 0])).toEqual(['130', 'blue']);
    expect(decodeRow(features, [-0.25, 0, 0, 1])).toEqual(['95', '(other)']);
    expect(decodeRow(features, [0, 0, 0, 0])).toEqual(['100', '']);
  });
});
