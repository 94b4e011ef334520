import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_OPTIONS } from '../../../shared/defaults';
import { encodeText } from '../../export/preprocessingFile';
import { classCounts, summarize } from '../dataset';
import { DataError } from '../errors';
import { buildTableDataset } from '../table/buildTable';
import { readCsv } from '../table/readCsv';
import { corpusFromFiles, corpusFromLines } from './corpus';

const utf8 = (s: string) => new TextEncoder().encode(s);
const asTable = async (csv: string, label: string) =>
  buildTableDataset(await readCsv(csv, 'c.csv', { skipMalformed: false }), {
    ...DEFAULT_TABLE_OPTIONS,
    label,
    roles: { text: 'text' },
    text: { vocabSize: 100, maxLength: 16, lowercase: true },
  });

describe('plain-text uploads', () => {
  it('a .txt file is one text per non-empty line, unlabeled, quotes and commas kept', async () => {
    const c = corpusFromLines(utf8('\uFEFFFirst line, with a comma\r\n\n  "Quoted" second  \nthird\n'), 'notes.txt');
    expect(c.fileName).toBe('notes.csv');
    expect(c.labelled).toBe(false);
    const raw = await readCsv(c.csv, c.fileName, { skipMalformed: false });
    expect(raw.rows).toBe(3);
    const ds = await asTable(c.csv, '');
    expect(ds.kind).toBe('text');
    expect(ds.y).toBeNull();
  });

  it('.txt files in class folders are a labelled set; files outside them are unlabeled rows, empty ones named', async () => {
    const files = [
      { path: 'mail/spam/1.txt', data: utf8('win money now, click here') },
      { path: 'mail/spam/2.txt', data: utf8('cheap pills "best" offer') },
      { path: 'mail/ham/3.txt', data: utf8('meeting moved to monday\nsee you') },
      { path: 'mail/ham/4.txt', data: utf8('   ') },
      { path: 'mail/readme.txt', data: utf8('about this set') },
    ];
    const c = corpusFromFiles(files, 'mail');
    expect(c.labelled).toBe(true);
    expect(c.ignored).toEqual(['mail/ham/4.txt (empty)']);
    const ds = await asTable(c.csv, 'label');
    expect(ds.rows).toBe(4);
    expect(ds.classNames).toEqual(['ham', 'spam']);
    expect(Array.from(ds.unlabeled!)).toEqual([3]);
    // A whole file is one text, its line breaks included; a loose file has an empty label.
    expect(c.csv).toContain('"meeting moved to monday\nsee you","ham"');
    expect(c.csv).toContain('"about this set",\n');
  });

  it('loose .txt files beside class folders: unlabeled rows outside the splits, and the tokenizer learns from them', async () => {
    const labelled = Array.from({ length: 24 }, (_, i) => ({
      path: `set/${i % 2 ? 'good' : 'bad'}/${i}.txt`,
      data: utf8(`${i % 2 ? 'a fine good day' : 'a sad bad day'} number ${i}`),
    }));
    const loose = Array.from({ length: 4 }, (_, i) => ({
      path: `set/notes-${i}.txt`,
      data: utf8('zqxjv zqxjv zqxjv zqxjv zqxjv zqxjv'),
    }));
    const c = corpusFromFiles([loose[0]!, ...labelled, ...loose.slice(1)], 'set');
    const ds = await asTable(c.csv, 'label');
    expect(ds.kind).toBe('text');
    expect(ds.rows).toBe(28);
    expect(Array.from(ds.unlabeled!)).toEqual([24, 25, 26, 27]);
    for (const r of ds.unlabeled!) expect(ds.y![r]).toBe(-1);
    const parts = [...ds.split.train, ...ds.split.val, ...ds.split.test].sort((a, b) => a - b);
    expect(parts).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(
      classCounts(
        ds,
        Int32Array.from({ length: 28 }, (_, i) => i),
      ),
    ).toEqual([12, 12]);
    expect(summarize(ds).unlabeled).toBe(4);
    expect(ds.table!.rowsUnlabeled).toBe(4);
    expect(ds.text!.texts).toBe(28);
    // Their tokens are the model's input like any other text's.
    const p = ds.preprocessing;
    if (p.kind !== 'text') throw new Error('not text');
    expect(p.tokenizer.vocab).toContain('zqxjv');
    const unlabeledRow = Array.from(ds.x.subarray(24 * ds.features, 25 * ds.features));
    expect(unlabeledRow).toEqual(Array.from(encodeText(p, 'zqxjv zqxjv zqxjv zqxjv zqxjv zqxjv')));
  });

  it('a text table with empty label cells keeps those rows as unlabeled', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `"text number ${i}",${i % 6 === 5 ? '' : i % 2 ? 'yes' : 'no'}`);
    const ds = await asTable(['text,label', ...rows].join('\n'), 'label');
    expect(ds.kind).toBe('text');
    expect(ds.unlabeled!.length).toBe(5);
    for (const r of ds.unlabeled!) expect(ds.y![r]).toBe(-1);
    expect(ds.split.train.length + ds.split.val.length + ds.split.test.length).toBe(25);
  });

  it('loose .txt files are an unlabeled corpus', () => {
    const c = corpusFromFiles(
      [
        { path: 'a.txt', data: utf8('one') },
        { path: 'b.txt', data: utf8('two') },
      ],
      'texts',
    );
    expect(c.labelled).toBe(false);
    expect(c.csv).toBe('text\n"one"\n"two"\n');
  });

  it('refuses text that is not UTF-8 or is empty, naming the file', () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1
    expect(() => corpusFromFiles([{ path: 'x/old.txt', data: latin1 }], 'set')).toThrow(
      /set: "x\/old.txt" is not UTF-8/,
    );
    expect(() => corpusFromLines(utf8('\n \n'), 'blank.txt')).toThrow(DataError);
    expect(() => corpusFromLines(utf8('\n \n'), 'blank.txt')).toThrow(/blank.txt holds no text/);
  });
});
