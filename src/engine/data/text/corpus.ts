// Plain-text uploads become a table with a text column, so they take the tables' path from there
// (options, tokenizer, split, saving and reloading): a .txt file is one text per non-empty line,
// unlabeled (a corpus for pretraining); a zip (or picked folder) of .txt files is one text per
// file, labelled by class folder when the files are in class folders (the files outside them have
// an empty label: the table's unlabeled rows).
import { DataError } from '../errors';
import { labelFromPaths } from '../images/files';

export const TEXT_FILE = /\.txt$/i;

export function isTextName(name: string): boolean {
  return TEXT_FILE.test(name);
}

/** The column a corpus's texts are in, and the label column of class folders. */
export const CORPUS_COLUMNS = { text: 'text', label: 'label' } as const;

export interface Corpus {
  /** The texts as CSV (a header, then one quoted row per text). */
  csv: string;
  /** File name of that CSV: the upload's name with .csv (the dataset is named after it). */
  fileName: string;
  labelled: boolean;
  /** Files left out, with why. */
  ignored: string[];
}

const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;

const decoder = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array, where: string): string {
  try {
    return decoder.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new DataError(
      `${where} is not UTF-8 text. Save it as UTF-8 (in most editors: "Save as", encoding UTF-8) and try again.`,
      'bad-text',
    );
  }
}

/** A .txt file: each non-empty line is a text. */
export function corpusFromLines(bytes: Uint8Array, fileName: string): Corpus {
  const lines = decode(bytes, fileName)
    .split(/\r\n|\n|\r/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length)
    throw new DataError(`${fileName} holds no text. Put one text (a sentence, a message) on each line.`, 'empty');
  return {
    csv: [CORPUS_COLUMNS.text, ...lines.map(quote)].join('\n') + '\n',
    fileName: fileName.replace(/\.txt$/i, '') + '.csv',
    labelled: false,
    ignored: [],
  };
}

/**
 * .txt files (from a zip or a picked folder): each file is a text; class folders give labels, and
 * beside them a file outside any has an empty label cell (an unlabeled row; with one class folder
 * only, the table refuses the label as one class).
 */
export function corpusFromFiles(files: { path: string; data: Uint8Array }[], name: string): Corpus {
  const { labels } = labelFromPaths(files.map((f) => f.path));
  const labelled = labels.some((l) => l !== null);
  const ignored: string[] = [];
  const rows: string[] = [];
  files.forEach((f, i) => {
    const label = labels[i] ?? null;
    const text = decode(f.data, `${name}: "${f.path}"`).trim();
    if (!text) {
      ignored.push(`${f.path} (empty)`);
      return;
    }
    rows.push(labelled ? `${quote(text)},${label === null ? '' : quote(label)}` : quote(text));
  });
  if (!rows.length)
    throw new DataError(
      `${name} holds no text files with text in them. Put .txt files in it (one text per file).`,
      'empty',
    );
  const header = labelled ? `${CORPUS_COLUMNS.text},${CORPUS_COLUMNS.label}` : CORPUS_COLUMNS.text;
  return { csv: [header, ...rows].join('\n') + '\n', fileName: `${name}.csv`, labelled, ignored };
}
