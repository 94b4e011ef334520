import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_OPTIONS } from '../../../shared/defaults';
import { DataError } from '../errors';
import { buildTableDataset, withDefaultLabel } from './buildTable';
import { readCsv } from './readCsv';

// Cells of every kind a real table has: numbers, categories, missing spellings, and text that
// needs quoting (delimiters, quotes, newlines).
const cell = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((v) => v.toPrecision(6)),
  fc.constantFrom('red', 'green', 'blue', 'Paris', 'Lyon'),
  fc.constantFrom('', 'NA', 'N/A', 'null', 'NaN', '?'),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('a,b', 'say "hi"', 'two\nlines', 'x;y', 'tab\there'),
);

function quote(v: string, delimiter: string): string {
  return /["\r\n]/.test(v) || v.includes(delimiter) || v.trim() !== v ? `"${v.replace(/"/g, '""')}"` : v;
}

const table = fc
  .record({
    columns: fc.integer({ min: 1, max: 6 }),
    delimiter: fc.constantFrom(',', ';', '\t'),
    crlf: fc.boolean(),
    bom: fc.boolean(),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      header: fc.array(fc.oneof(fc.constantFrom('a', 'b', 'label', 'x y', ''), fc.string({ maxLength: 6 })), {
        minLength: shape.columns,
        maxLength: shape.columns,
      }),
      rows: fc.array(fc.array(cell, { minLength: shape.columns, maxLength: shape.columns }), { maxLength: 40 }),
      label: fc.option(fc.nat(shape.columns), { nil: undefined }),
      missing: fc.constantFrom('impute' as const, 'drop' as const),
      task: fc.constantFrom('auto' as const, 'classification' as const, 'regression' as const),
    }),
  );

describe('the table pipeline on generated tables', () => {
  it('yields a consistent dataset or a DataError, never anything else', async () => {
    const outcomes = { datasets: 0, withUnlabeled: 0, errors: new Set<string>() };
    await fc.assert(
      fc.asyncProperty(table, async ({ shape, header, rows, label, missing, task }) => {
        const nl = shape.crlf ? '\r\n' : '\n';
        const text =
          (shape.bom ? '\uFEFF' : '') +
          [header, ...rows].map((r) => r.map((v) => quote(v, shape.delimiter)).join(shape.delimiter)).join(nl);
        try {
          const raw = await readCsv(text, 'gen.csv', { skipMalformed: true });
          const labelName = label === undefined ? undefined : label === shape.columns ? '' : raw.columns[label]?.name;
          const opts = { ...DEFAULT_TABLE_OPTIONS, missing, task, label: withDefaultLabel(raw, { label: labelName }) };
          const ds = buildTableDataset(raw, opts);
          expect(ds.x.length).toBe(ds.rows * ds.features);
          // A text column is the whole input: one column, read as maxLength token ids (fitted to the texts).
          if (ds.kind === 'text') {
            expect(ds.table!.inputNames).toHaveLength(1);
            expect(ds.features).toBe(ds.text!.maxLength);
            expect(ds.text!.autoLength).toBe(true);
            expect(ds.features % 8).toBe(0);
          } else expect(ds.features).toBe(ds.table!.inputNames.length);
          expect(ds.features).toBeGreaterThan(0);
          for (const v of ds.x) expect(Number.isFinite(v)).toBe(true);
          // The splits and the unlabeled rows (empty label cells) cover every row once.
          const parts = [...ds.split.train, ...ds.split.val, ...ds.split.test];
          const unlabeled = new Set(ds.unlabeled ?? []);
          expect(new Set([...parts, ...unlabeled]).size).toBe(ds.rows);
          expect(parts.length + unlabeled.size).toBe(ds.rows);
          for (const r of [...parts, ...unlabeled]) expect(r >= 0 && r < ds.rows).toBe(true);
          expect(ds.table!.rowsUnlabeled ?? 0).toBe(unlabeled.size);
          expect(ds.table!.rowsDropped + unlabeled.size + parts.length).toBe(ds.table!.rowsRead);
          if (ds.task === 'none') expect(unlabeled.size).toBe(0);
          const labelled = (r: number) => !unlabeled.has(r);
          if (ds.task === 'classification') {
            expect(ds.classNames.length).toBeGreaterThanOrEqual(2);
            ds.y!.forEach((y, r) => expect(labelled(r) ? y >= 0 && y < ds.classNames.length : y === -1).toBe(true));
          } else if (ds.task === 'regression') {
            ds.y!.forEach((y, r) => expect(labelled(r) ? Number.isFinite(y) : Number.isNaN(y)).toBe(true));
          } else {
            expect(ds.y).toBeNull();
          }
          outcomes.datasets++;
          if (unlabeled.size) outcomes.withUnlabeled++;
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
          expect(e.message.length).toBeGreaterThan(10);
          outcomes.errors.add(e.code);
        }
      }),
      { numRuns: 300 },
    );
    // Not vacuous: both outcomes occur, and datasets with unlabeled rows.
    expect(outcomes.datasets).toBeGreaterThan(30);
    expect(outcomes.errors.size).toBeGreaterThan(1);
    expect(outcomes.withUnlabeled).toBeGreaterThan(0);
  });
});
