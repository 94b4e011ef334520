import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_OPTIONS } from '../../../shared/defaults';
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

  it('.txt files in class folders are a labelled set; files outside them and empty ones are named', async () => {
    const files = [
      { path: 'mail/spam/1.txt', data: utf8('win money now, click here') },
      { path: 'mail/spam/2.txt', data: utf8('cheap pills "best" offer') },
      { path: 'mail/ham/3.txt', data: utf8('meeting moved to monday\nsee you') },
      { path: 'mail/ham/4.txt', data: utf8('   ') },
      { path: 'mail/readme.txt', data: utf8('about this set') },
    ];
    const c = corpusFromFiles(files, 'mail');
    expect(c.labelled).toBe(true);
    expect(c.ignored).toEqual(['mail/ham/4.txt (empty)', 'mail/readme.txt (outside any class folder)']);
    const ds = await asTable(c.csv, 'label');
    expect(ds.rows).toBe(3);
    expect(ds.classNames).toEqual(['ham', 'spam']);
    // A whole file is one text, its line breaks included.
    expect(c.csv).toContain('"meeting moved to monday\nsee you","ham"');
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
