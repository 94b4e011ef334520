import { describe, expect, it } from 'vitest';
import { readPublic } from '../../../test/fixtures';
import { DEFAULT_TABLE_OPTIONS } from '../../../shared/defaults';
import type { TableOptions } from '../../../shared/types/datasets';
import { encodeTableRow } from '../../export/preprocessingFile';
import { classCounts, summarize } from '../dataset';
import { DataError } from '../errors';
import { buildTableDataset, withDefaultLabel } from './buildTable';
import { readCsv } from './readCsv';

const read = (text: string, skipMalformed = false) => readCsv(text, 'test.csv', { skipMalformed });
const build = async (text: string, opts: Partial<TableOptions> = {}) => {
  const raw = await read(text, opts.skipMalformed);
  return buildTableDataset(raw, { ...DEFAULT_TABLE_OPTIONS, ...opts, label: withDefaultLabel(raw, opts) });
};
const expectDataError = async (p: Promise<unknown>, code: string, text: RegExp) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataError);
  expect((e as DataError).code).toBe(code);
  expect((e as DataError).message).toMatch(text);
};

describe('reading CSV and TSV', () => {
  it('handles quotes, embedded commas and newlines, a BOM and CRLF line ends', async () => {
    const raw = await read('\uFEFFname,note,score\r\n"Smith, J","said ""hi""\r\nthen left",3.5\r\nLee,plain,4\r\n');
    expect(raw.columns.map((c) => c.name)).toEqual(['name', 'note', 'score']);
    expect(raw.rows).toBe(2);
    expect(raw.head[0]).toEqual(['Smith, J', 'said "hi"\r\nthen left', '3.5']);
    expect(Array.from(raw.columns[2]!.values)).toEqual([3.5, 4]);
  });

  it('detects semicolon and tab delimiters', async () => {
    expect((await read('a;b;c\n1;2;3\n4;5;6\n')).delimiter).toBe(';');
    const tsv = await read('a\tb\n1\t2\n3\t4\n');
    expect(tsv.delimiter).toBe('\t');
    expect(Array.from(tsv.columns[1]!.values)).toEqual([2, 4]);
  });

  it('counts the usual missing-value spellings per column', async () => {
    const raw = await read('x,y\n1,NA\n,N/A\nnull,?\nNaN,5\n2,none\n');
    expect(raw.columns.map((c) => c.missingCount)).toEqual([3, 4]);
  });

  it('names blank and repeated headers', async () => {
    const raw = await read('a,,a\n1,2,3\n');
    expect(raw.columns.map((c) => c.name)).toEqual(['a', 'column_2', 'a_2']);
  });

  it('reports ragged rows by number, or skips them when asked', async () => {
    const text = 'a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n';
    await expectDataError(
      read(text),
      'malformed-rows',
      /2 rows have a different number of fields than the header's 3 \(data rows 2, 4\)/,
    );
    const raw = await read(text, true);
    expect(raw.rows).toBe(2);
    expect(raw.malformedCount).toBe(2);
  });

  it('refuses empty, header-only and binary input with what to do', async () => {
    await expectDataError(read(''), 'empty', /test\.csv is empty/);
    await expectDataError(read('a,b,c\n'), 'no-rows', /no data rows/);
    await expectDataError(read('PK\u0003\u0004\u0000\u0000binary'), 'binary', /not a text table/);
  });
});

describe('building a dataset from a table', () => {
  it('keeps every input finite when a column spreads less than float32 can divide by', async () => {
    // Found by the property test: training values 0 and 1e-45 (float32's smallest) gave a spread of 7e-46, and a
    // held-out -1 divided by it is -Infinity in float32. The split depends on the rows and labels
    // only, so the -1 is put on a row the first build holds out.
    const rows = (x: (i: number) => string) =>
      ['x,y', ...Array.from({ length: 40 }, (_, i) => `${x(i)},${i % 2 ? 'a' : 'b'}`)].join('\n');
    const tiny = (i: number) => (i % 2 ? '1e-45' : '0');
    const heldOut = (await build(rows(tiny), { label: 'y' })).split.test[0]!;
    const ds = await build(
      rows((i) => (i === heldOut ? '-1' : tiny(i))),
      { label: 'y' },
    );
    expect(ds.split.test).toContain(heldOut);
    for (const v of ds.x) expect(Number.isFinite(v)).toBe(true);
  });

  const mixed = [
    'id,age,city,income,note,churn',
    ...Array.from({ length: 60 }, (_, i) => {
      const city = ['Paris', 'Lyon', 'Nice'][i % 3];
      const age = i % 7 === 0 ? 'NA' : String(20 + (i % 40));
      return `${i + 1},${age},${city},${1000 + i * 10},free text number ${i},${i % 2 ? 'yes' : 'no'}`;
    }),
  ].join('\n');

  it('infers column types and roles, one-hot encodes categories, and guesses the label by name', async () => {
    const ds = await build(mixed);
    const kinds = Object.fromEntries(ds.table!.columns.map((c) => [c.name, [c.kind, c.role]]));
    expect(kinds).toEqual({
      id: ['identifier', 'ignore'],
      age: ['numeric', 'feature'],
      city: ['categorical', 'feature'],
      income: ['numeric', 'feature'],
      note: ['identifier', 'ignore'],
      churn: ['categorical', 'label'],
    });
    expect(ds.task).toBe('classification');
    expect(ds.classNames).toEqual(['no', 'yes']);
    // Categories in order of frequency in the training rows.
    expect([...ds.table!.inputNames].sort()).toEqual(['age', 'city=Lyon', 'city=Nice', 'city=Paris', 'income']);
    expect(ds.table!.inputNames[0]).toBe('age');
    expect(ds.table!.inputNames[4]).toBe('income');
    expect(ds.features).toBe(5);
    expect(ds.table!.columns.find((c) => c.name === 'age')!.missing).toBe(9);
    for (let r = 0; r < ds.rows; r++) {
      const oneHot = [1, 2, 3].map((k) => ds.x[r * 5 + k]!);
      expect(oneHot.reduce((a, b) => a + b, 0)).toBe(1);
    }
    expect(Array.from(ds.x).every(Number.isFinite)).toBe(true); // missing ages imputed
  });

  it('standardizes numeric features with training-split statistics only', async () => {
    const ds = await build(mixed);
    const incomes = Array.from(ds.split.train, (r) => ds.x[r * 5 + 4]!);
    const mean = incomes.reduce((a, b) => a + b, 0) / incomes.length;
    expect(mean).toBeCloseTo(0, 5);
    const testMean =
      Array.from(ds.split.test, (r) => ds.x[r * 5 + 4]!).reduce((a, b) => a + b, 0) / ds.split.test.length;
    expect(Math.abs(testMean)).toBeGreaterThan(1e-3); // not re-centred on its own statistics
  });

  it('drops rows with missing values when asked', async () => {
    const ds = await build(mixed, { missing: 'drop' });
    expect(ds.rows).toBe(51);
    expect(ds.table!.rowsDropped).toBe(9);
  });

  it('makes a stratified, seeded split of editable size', async () => {
    const a = await build(mixed, { valFraction: 0.2, testFraction: 0.2, seed: 7 });
    const b = await build(mixed, { valFraction: 0.2, testFraction: 0.2, seed: 7 });
    expect(Array.from(a.split.test)).toEqual(Array.from(b.split.test));
    expect(classCounts(a, a.split.test)).toEqual([6, 6]);
    expect(a.split.val.length).toBe(12);
  });

  it('turns a numeric label with many values into regression, and a few integers into classes', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i % 5},${(i * 7) % 11},${(i * 1.37).toFixed(2)},${i % 3}`);
    const text = ['a,b,price,grade', ...rows].join('\n');
    const reg = await build(text, { label: 'price' });
    expect(reg.task).toBe('regression');
    expect(reg.classNames).toEqual([]);
    const cls = await build(text, { label: 'grade' });
    expect(cls.task).toBe('classification');
    expect(cls.classNames).toEqual(['0', '1', '2']);
    const forced = await build(text, { label: 'grade', task: 'regression' });
    expect(forced.task).toBe('regression');
  });

  it('allows no label (unlabeled rows, for pretraining)', async () => {
    const ds = await build(mixed, { label: '' });
    expect(ds.task).toBe('none');
    expect(ds.y).toBeNull();
    expect(ds.table!.columns.find((c) => c.name === 'churn')!.role).toBe('feature');
  });

  it('refuses a label with one class and a table with no usable feature', async () => {
    await expectDataError(build('a,b\n1,x\n2,x\n3,x\n', { label: 'b' }), 'one-class', /only one class \(x\)/);
    const ids = ['id,text,label', ...Array.from({ length: 30 }, (_, i) => `${i + 1},words ${i} here,${i % 2}`)].join(
      '\n',
    );
    await expectDataError(
      build(ids, { label: 'label' }),
      'no-features',
      /no usable feature column: "id" \(identifier\), "text" \(identifier\)/,
    );
  });

  describe('rows whose label is missing', () => {
    // Every 5th row has an empty (or "NA") label; row 17 also misses its age, to be filled in.
    const cells = (i: number) => {
      const city = ['Paris', 'Lyon', 'Nice'][i % 3];
      const age = i === 17 || i % 7 === 0 ? 'NA' : String(20 + (i % 40));
      const label = i % 5 === 2 ? (i % 2 ? '' : 'NA') : i % 2 ? 'yes' : 'no';
      return [age, city, String(1000 + i * 10), label];
    };
    const header = 'age,city,income,churn';
    const csv = (keep: (i: number) => boolean) =>
      [
        header,
        ...Array.from({ length: 60 }, (_, i) => i)
          .filter(keep)
          .map((i) => cells(i).join(',')),
      ].join('\n');
    const loose = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 5 === 2);

    it('are kept as unlabeled rows after the labelled ones, outside every split, y -1', async () => {
      const ds = await build(
        csv(() => true),
        { label: 'churn' },
      );
      expect(ds.task).toBe('classification');
      expect(ds.rows).toBe(60);
      expect(Array.from(ds.unlabeled!)).toEqual(Array.from({ length: 12 }, (_, k) => 48 + k));
      const parts = [...ds.split.train, ...ds.split.val, ...ds.split.test];
      expect(parts.sort((a, b) => a - b)).toEqual(Array.from({ length: 48 }, (_, i) => i));
      for (const r of ds.unlabeled!) expect(ds.y![r]).toBe(-1);
      expect(
        classCounts(
          ds,
          Int32Array.from({ length: 60 }, (_, i) => i),
        ),
      ).toEqual([24, 24]);
      const summary = summarize(ds);
      expect(summary.classCounts).toEqual([24, 24]);
      expect(summary.unlabeled).toBe(12);
      expect(ds.table!.rowsUnlabeled).toBe(12);
      expect(ds.table!.rowsDropped).toBe(0);
    });

    it('have their features preprocessed as a labelled row is, with the training statistics of the labelled rows', async () => {
      const ds = await build(
        csv(() => true),
        { label: 'churn' },
      );
      // The labelled rows, their split and the statistics are those of the table without the unlabeled rows.
      const without = await build(
        csv((i) => i % 5 !== 2),
        { label: 'churn' },
      );
      expect(ds.preprocessing).toEqual(without.preprocessing);
      expect(ds.split).toEqual(without.split);
      expect(ds.x.subarray(0, 48 * ds.features)).toEqual(without.x);
      if (ds.preprocessing.kind !== 'table') throw new Error('a table');
      const pre = ds.preprocessing;
      const names = header.split(',');
      loose.forEach((i, k) => {
        const row = cells(i);
        const expected = encodeTableRow(pre, (c) => row[names.indexOf(c)]);
        expect(Array.from(ds.x.subarray((48 + k) * ds.features, (49 + k) * ds.features))).toEqual(Array.from(expected));
      });
    });

    it('are NaN for regression, and still left out with "drop" when a feature is missing', async () => {
      const text = [
        'a,b,price',
        ...Array.from(
          { length: 40 },
          (_, i) => `${i % 5},${i === 4 ? '' : (i * 7) % 11},${i % 4 ? (i * 1.37).toFixed(2) : ''}`,
        ),
      ].join('\n');
      const reg = await build(text, { label: 'price' });
      expect(reg.task).toBe('regression');
      expect(reg.unlabeled!.length).toBe(10);
      for (const r of reg.unlabeled!) expect(reg.y![r]).toBeNaN();
      for (const r of [...reg.split.train, ...reg.split.val, ...reg.split.test])
        expect(Number.isFinite(reg.y![r])).toBe(true);
      const dropped = await build(text, { label: 'price', missing: 'drop' });
      // Row 4 misses a feature (and has no price): left out, not unlabeled.
      expect(dropped.table!.rowsDropped).toBe(1);
      expect(dropped.unlabeled!.length).toBe(9);
      expect(dropped.rows).toBe(39);
    });

    it('refuse a label that no row has', async () => {
      await expectDataError(
        build('a,b,y\n1,2,\n3,4,NA\n5,6,\n', { label: 'y', task: 'classification' }),
        'no-rows',
        /No row has a value in the label "y"/,
      );
    });
  });

  it('reads the built-in iris table through the same pipeline', async () => {
    const ds = await build(readPublic('iris.csv').toString('utf8'), { label: 'species' });
    expect([ds.rows, ds.features, ds.classNames.length]).toEqual([150, 4, 3]);
    expect(classCounts(ds, ds.split.test)).toEqual([8, 8, 8]);
  });
});
