import { describe, expect, it } from 'vitest';
import { readPublic } from '../../test/fixtures';
import { classCounts } from './dataset';
import { TableError, parseLabelledCsv } from './table';

describe('labelled CSV tables (built-in iris)', () => {
  const ds = parseLabelledCsv(readPublic('iris.csv').toString('utf8'), { name: 'iris', description: '', labelColumn: 'species' });

  it('reads 150 rows, 4 features and 3 classes with a stratified split', () => {
    expect(ds.rows).toBe(150);
    expect(ds.features).toBe(4);
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(classCounts(ds, ds.split.test)).toEqual([8, 8, 8]);
    expect(ds.split.train.length + ds.split.val.length + ds.split.test.length).toBe(150);
  });

  it('standardizes with training-split statistics only', () => {
    for (let f = 0; f < 4; f++) {
      const vals = Array.from(ds.split.train, (r) => ds.x[r * 4 + f]!);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
      expect(mean).toBeCloseTo(0, 5);
      expect(sd).toBeCloseTo(1, 4);
    }
  });

  it('names the line and column of a bad value', () => {
    const bad = 'a,b,label\n1,2,x\n3,oops,y\n';
    expect(() => parseLabelledCsv(bad, { name: 'bad.csv', description: '' })).toThrow(TableError);
    expect(() => parseLabelledCsv(bad, { name: 'bad.csv', description: '' })).toThrow(/line 3, column "b"/);
  });
});
