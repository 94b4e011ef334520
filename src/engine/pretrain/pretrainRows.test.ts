import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { pretrainRows } from './pretrain';

const rows = (...r: number[]) => Int32Array.from(r);

describe('the rows pretraining reads', () => {
  it('are the training, validation and unlabeled rows, never the test ones', () => {
    const split = { train: rows(0, 3, 5), val: rows(1), test: rows(2, 4) };
    const ds = { split, unlabeled: rows(6, 7) } as unknown as Dataset;
    expect(Array.from(pretrainRows(ds))).toEqual([0, 1, 3, 5, 6, 7]);
    expect(Array.from(pretrainRows({ split } as unknown as Dataset))).toEqual([0, 1, 3, 5]);
  });
});
