// The typed scanner (readCsv's fast path) against the papaparse reader it replaces: on generated
// tables with quotes, delimiters, line ends, BOMs, blank and ragged rows, missing tokens and
// numbers in many spellings, both must read the same table (or refuse it alike).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors';
import { DISTINCT_CAP, assertLooksLikeText, cellText, readCsv, scanCsv, type RawTable } from './readCsv';
import { readCsvPapa } from './readCsvPapa';

/** Everything readCsv reports, in plain values (NaN and -0 kept apart by Object.is below). */
function snapshot(t: RawTable) {
  return {
    delimiter: t.delimiter,
    rows: t.rows,
    head: t.head,
    malformedRows: t.malformedRows,
    malformedCount: t.malformedCount,
    columns: t.columns.map((c) => ({
      name: c.name,
      values: Array.from(c.values, (v) => (Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v)),
      missing: Array.from(c.missing),
      codes: c.codes ? Array.from(c.codes) : null,
      dict: c.dict,
      texts: c.texts ? Array.from({ length: t.rows }, (_, r) => cellText(c, r)) : null,
      cells: Array.from({ length: t.rows }, (_, r) => cellText(c, r)),
      counts: c.counts,
      missingCount: c.missingCount,
      nonNumeric: c.nonNumeric,
      allIntegers: c.allIntegers,
      strictlyIncreasing: c.strictlyIncreasing,
      consecutive: c.consecutive,
    })),
  };
}

type Outcome = { table: ReturnType<typeof snapshot> } | { error: string } | null;

async function outcome(read: () => Promise<RawTable | null>): Promise<Outcome> {
  try {
    const t = await read();
    return t ? { table: snapshot(t) } : null;
  } catch (e) {
    if (e instanceof DataError) return { error: `${e.code}: ${e.message}` };
    throw e;
  }
}

const numberCell = fc.oneof(
  fc.integer({ min: -100000, max: 100000 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v.toPrecision(1 + Math.floor(Math.abs(v) % 17))),
  fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((v) => v.toExponential(3)),
  fc.constantFrom(
    '1e3',
    '1E+3',
    '2.5e-3',
    '.5',
    '5.',
    '-.5',
    '+5',
    '+.5e1',
    '-0',
    '0',
    '-0.0',
    '00012',
    '0x10',
    '0X1f',
    '0b101',
    '0o17',
    '-0x10',
    '1,5',
    '1_000',
    'Infinity',
    '-Infinity',
    'inf',
    '1e400',
    '-1e400',
    '1e-400',
    '3.4e38',
    '3.5e38',
    '1e22',
    '1e23',
    '1.7976931348623157e308',
    '123456789012345678901234567890',
    '0.1000000000000000055511151231257827',
    '9007199254740993',
    '1.',
    '.',
    '+',
    'e5',
    '1e',
    '1e+',
    '--1',
    '1.2.3',
    '١٢',
    '\u00a012',
    '12\u00a0',
    '\u3000-7.25\u2003',
    '\ufeff42',
    ' 12 ',
    '\t3.5',
  ),
);

const textCell = fc.oneof(
  fc.constantFrom('red', 'green', 'blue', 'Paris', 'Zürich', 'São Paulo', '東京', 'naïve café', 'Ⅻ', '😀'),
  fc.constantFrom('', 'NA', 'na', ' N/A ', 'null', 'NULL', 'NaN', 'nan', '?', 'none', 'None', '-', ' - ', 'n.a.'),
  fc.string({ maxLength: 10 }),
  fc.string({ maxLength: 6, unit: 'binary' }),
  fc.constantFrom('a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 'crlf\r\nin', 'x;y', 'tab\there', 'p|q', '"', '""'),
  fc.constantFrom(' padded ', '\u00a0nbsp\u00a0', '\u2028sep', '\x01ctl', 'trail\x0b', '  '),
);

const cell = fc.oneof(numberCell, textCell);

interface Shape {
  columns: number;
  delimiter: string;
  newline: string;
  bom: boolean;
  trailingNewline: boolean;
  quoteAll: boolean;
}

function quote(v: string, s: Shape): string {
  return s.quoteAll || /["\r\n]/.test(v) || v.includes(s.delimiter) || v.trim() !== v
    ? `"${v.replace(/"/g, '""')}"`
    : v;
}

const table = fc
  .record({
    columns: fc.integer({ min: 1, max: 5 }),
    delimiter: fc.constantFrom(',', ';', '\t', '|'),
    newline: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    trailingNewline: fc.boolean(),
    quoteAll: fc.boolean(),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      header: fc.array(fc.oneof(fc.constantFrom('a', 'b', 'label', 'x y', '', 'a'), fc.string({ maxLength: 5 })), {
        minLength: shape.columns,
        maxLength: shape.columns,
      }),
      rows: fc.array(
        fc.oneof(
          { weight: 12, arbitrary: fc.array(cell, { minLength: shape.columns, maxLength: shape.columns }) },
          // Ragged rows, and blank ones ("", spaces, only delimiters).
          { weight: 1, arbitrary: fc.array(cell, { minLength: 0, maxLength: shape.columns + 2 }) },
          { weight: 1, arbitrary: fc.constantFrom([''], ['  '], ['', ''], [' ', '\t', '']) },
        ),
        { maxLength: 30 },
      ),
      skipMalformed: fc.boolean(),
      pieces: fc.constantFrom(0, 1, 2, 3, 7, 16, 61),
      file: fc.boolean(),
    }),
  );

function render({
  shape,
  header,
  rows,
}: {
  shape: Shape;
  header: string[];
  rows: readonly (readonly string[])[];
}): string {
  const text = [header, ...rows].map((r) => r.map((v) => quote(v, shape)).join(shape.delimiter)).join(shape.newline);
  return (shape.bom ? '\uFEFF' : '') + text + (shape.trailingNewline ? shape.newline : '');
}

const WELL_FORMED = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

describe('the CSV scanner reads what papaparse reads', () => {
  it('on generated tables (File or string input, chunk edges anywhere)', async () => {
    let scanned = 0;
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const text = render(t);
        const opts = { skipMalformed: t.skipMalformed };
        const expected = await outcome(() => readCsvPapa(text, 't.csv', opts));
        // A File is read as UTF-8 bytes: only a well-formed string has them.
        const input = t.file && WELL_FORMED.test(text) ? new File([text], 't.csv') : text;
        const actual = await outcome(() => scanCsv(input, 't.csv', opts, t.pieces));
        if (actual === null) {
          // Left to papaparse (quoting it repairs, a lone surrogate): readCsv then reads with it
          // (as a string here: papaparse needs a FileReader for a File, which Node lacks), after
          // its own check that the file is text at all (a NUL byte: refused as binary).
          const read = await outcome(async () => {
            assertLooksLikeText(new TextEncoder().encode(text.slice(0, 65536)), 't.csv');
            return readCsvPapa(text, 't.csv', opts);
          });
          expect(await outcome(() => readCsv(text, 't.csv', opts))).toEqual(read);
          return;
        }
        scanned++;
        expect(actual).toEqual(expected);
      }),
      { numRuns: 400 },
    );
    expect(scanned).toBeGreaterThan(300);
  });

  it('refuses a table with a NUL byte as binary, whichever reader the quoting sends it to', async () => {
    // Found by the property above (seed 2106587809): quoting the scanner leaves to papaparse.
    const text = '\uFEFF|a\n""| padded \n\u0000|\na,b';
    expect(await scanCsv(text, 't.csv', { skipMalformed: false })).toBeNull();
    expect(await outcome(() => readCsv(text, 't.csv', { skipMalformed: false }))).toEqual({
      error: expect.stringMatching(/^binary: t\.csv is not a text table/),
    });
  });

  it('reads quoted cells with doubled quotes longer than its unescaping buffer (JSON in a cell)', async () => {
    // Each longer cell makes the scanner grow its buffer for undoing "" mid-row: the cell, the
    // column's categories, its text and the preview must come from the new buffer.
    const json = (n: number) => `{"k": "${'v'.repeat(n)}", "n": ${n}}`;
    const cells = [json(10), json(1500), json(3000), json(20), json(5000)];
    const text = `id,doc,label\n${cells.map((c, i) => `${i},"${c.replace(/"/g, '""')}",${i % 2}`).join('\n')}\n`;
    const expected = await outcome(() => readCsvPapa(text, 'j.csv', { skipMalformed: false }));
    expect(await outcome(() => scanCsv(text, 'j.csv', { skipMalformed: false }))).toEqual(expected);
    const raw = await readCsv(text, 'j.csv', { skipMalformed: false });
    expect(cells.map((_, row) => cellText(raw.columns[1]!, row))).toEqual(cells);
  });

  it('hands quoting papaparse repairs to papaparse, and readCsv then reads as papaparse does', async () => {
    const odd = [
      'a,b\n"x"y,1\n', // text after a closing quote
      'a,b\n"x" ,1\n', // a space after it
      'a,b\n1,"never closed\n',
      'a,b\r\n"x"\r1,2\r\n', // a lone \r after a closing quote in a \r\n file
    ];
    for (const text of odd) {
      expect(await scanCsv(text, 'o.csv', { skipMalformed: true })).toBeNull();
      expect(await outcome(() => readCsv(text, 'o.csv', { skipMalformed: true }))).toEqual(
        await outcome(() => readCsvPapa(text, 'o.csv', { skipMalformed: true })),
      );
    }
  });

  it('on columns past the distinct-value cap (codes give way to the cells themselves)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cell, { minLength: 20, maxLength: 60 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom(0, 5, 64),
        async (cells, start, pieces) => {
          // Distinct values past the cap, the generated cells (missing, odd, non-ASCII) among them.
          const lines = ['id,value,word'];
          const n = DISTINCT_CAP + 300;
          for (let i = 0; i < n; i++) {
            const c = cells[i % cells.length]!;
            const v = i % 7 === 0 ? c : String((start + i) * 0.37);
            lines.push(
              [
                i,
                quote(v, SHAPE),
                quote(i % 97 === 1 ? `${'long '.repeat(50 + (i % 13))}é${i}` : i % 10 ? `w${start + i}ü` : c, SHAPE),
              ].join(','),
            );
          }
          const text = lines.join('\n');
          const opts = { skipMalformed: true };
          const expected = await outcome(() => readCsvPapa(text, 'c.csv', opts));
          const actual = await outcome(() => scanCsv(new File([text], 'c.csv'), 'c.csv', opts, pieces));
          expect(actual).toEqual(expected);
          if (expected && 'table' in expected) expect(expected.table.columns[2]!.codes).toBeNull();
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('a file of several 4 MB chunks', () => {
  it('reads across the chunk edges as papaparse does (quoted line ends, multi-byte characters)', async () => {
    const lines = ['id;name;note;score;label'];
    for (let i = 0; lines.length < 260_000; i++)
      lines.push(
        [
          i,
          ['Zürich', 'São Paulo', '東京', '"Aix; Provence"', 'Lille'][i % 5],
          i % 11 ? `plain note ${i % 300}` : `"two\r\nlines, ""quoted"" ${i}"`,
          i % 13 ? ((i * 7919) % 10007) / 100 : 'NA',
          i % 3 ? 'yes' : 'no',
        ].join(';'),
      );
    const text = '\uFEFF' + lines.join('\r\n') + '\r\n';
    const file = new File([text], 'big.csv');
    expect(file.size).toBeGreaterThan(2.5 * 4 * 1024 * 1024);
    const opts = { skipMalformed: false };
    const expected = await outcome(() => readCsvPapa(text, 'big.csv', opts));
    const fractions: number[] = [];
    const actual = await outcome(() => scanCsv(file, 'big.csv', { ...opts, onProgress: (f) => fractions.push(f) }));
    expect(actual).toEqual(expected);
    expect(fractions.length).toBeGreaterThan(2);
    expect(fractions.at(-1)).toBe(1);
  }, 60_000);
});

const SHAPE: Shape = {
  columns: 3,
  delimiter: ',',
  newline: '\n',
  bom: false,
  trailingNewline: false,
  quoteAll: false,
};

describe('numbers read as Number() reads a trimmed cell', () => {
  const cases: [string, number | null][] = [
    ['1e3', 1000],
    [' 12 ', 12],
    ['0x10', 16],
    ['0b11', 3],
    ['0o17', 15],
    ['-0x10', null],
    ['1,5', null],
    ['1_000', null],
    ['Infinity', null],
    ['-Infinity', null],
    ['1e400', null],
    ['3.5e38', null],
    ['1e-400', 0],
    ['.5', 0.5],
    ['5.', 5],
    ['+5', 5],
    ['-0', -0],
    ['00012', 12],
    ['\u00a012', 12],
    ['12\u00a0', 12],
    ['12 \u00a0', 12],
    ['1.2.3', null],
    ['0.1', Math.fround(0.1)],
    ['123456789.123456789', Math.fround(Number('123456789.123456789'))],
    ['1e', null],
    ['.', null],
  ];
  it.each(cases)('%j', async (spelling, expected) => {
    // Quoted: the delimiter and spaces are part of the cell.
    const text = `x,y\n"${spelling}",a\n2,b\n`;
    for (const read of [readCsv, readCsvPapa]) {
      const col = (await read(text, 'n.csv', { skipMalformed: false })).columns[0]!;
      if (expected === null) {
        expect(Number.isNaN(col.values[0])).toBe(true);
        expect(col.nonNumeric).toBe(1);
      } else {
        expect(Object.is(col.values[0], expected)).toBe(true);
        expect(col.nonNumeric).toBe(0);
      }
    }
  });
});
