import * as tf from '@tensorflow/tfjs';
import { objectiveSettings } from '../../../shared/objectives';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../../test/fixtures';
import { DEFAULT_CONFIG, DEFAULT_TABLE_OPTIONS } from '../../../shared/defaults';
import type { TableOptions } from '../../../shared/types/datasets';
import { registerWasmKernels } from '../../wasmKernels';
import { captureModel } from '../../checkpoint/serialize';
import { classifierFromEncoder, inputSignature, savedWeights } from '../../pretrain/encoders';
import { pretrain, type PretrainEvent, type PretrainResult } from '../../pretrain/pretrain';
import { RunControl } from '../../train/control';
import { tokenizerFor } from '../../text/cache';
import { CLS_ID } from '../../text/tokenizer.js';
import { buildTableDataset } from '../table/buildTable';
import { fitTextLength } from './buildText';
import { readCsv } from '../table/readCsv';

beforeAll(async () => {
  registerWasmKernels();
  await tf.setBackend('wasm');
});

const reviews = readFileSync(new URL('../../../../e2e/fixtures/reviews.csv', import.meta.url), 'utf8');
const load = async (csv: string, options: Partial<TableOptions> = {}) =>
  buildTableDataset(await readCsv(csv, 'reviews.csv', { skipMalformed: false }), {
    ...DEFAULT_TABLE_OPTIONS,
    label: 'sentiment',
    ...options,
  });

describe('the text length fitted to the data', () => {
  it("is the training texts' 99th percentile of tokens, rounded up to 8s, from 8 to 128", () => {
    expect(fitTextLength([3, 4, 4, 5, 6])).toEqual({ length: 8, p99: 6 });
    const counts = Array.from({ length: 1000 }, (_, i) => (i < 990 ? 20 : 400));
    expect(fitTextLength(counts)).toEqual({ length: 24, p99: 20 });
    expect(fitTextLength(counts.map((c) => c * 10)).length).toBe(128);
  });

  it('short texts get a short length; a length the user set, or one an earlier version saved, stands', async () => {
    const names = [
      'name,sex',
      ...Array.from(
        { length: 200 },
        (_, i) => `${['Anna', 'Bob', 'Clementine', 'Dave'][i % 4]}${i % 7},${i % 2 ? 'f' : 'm'}`,
      ),
    ].join('\n');
    const load = async (text?: TableOptions['text']) =>
      buildTableDataset(await readCsv(names, 'names.csv', { skipMalformed: false }), {
        ...DEFAULT_TABLE_OPTIONS,
        label: 'sex',
        roles: { name: 'text' },
        ...(text ? { text } : {}),
      });
    const fitted = await load();
    expect(fitted.inputShape).toEqual([8]);
    expect(fitted.text).toMatchObject({ autoLength: true, maxLength: 8, truncated: 0 });
    expect(fitted.text!.p99Tokens).toBeLessThanOrEqual(8);
    expect(fitted.table!.options.text).toMatchObject({ autoLength: true, maxLength: 8 });
    const mine = await load({ vocabSize: 300, maxLength: 40, autoLength: false, lowercase: true });
    expect(mine.inputShape).toEqual([40]);
    const saved = await load({ vocabSize: 300, maxLength: 128, lowercase: true }); // no autoLength: older
    expect(saved.inputShape).toEqual([128]);
  });
});

describe('a table with a text column', () => {
  it('reads the text column as the input: tokens learned on the training split, [CLS] first, padded', async () => {
    const ds = await load(reviews, { text: { vocabSize: 300, maxLength: 32, lowercase: true } });
    expect(ds.kind).toBe('text');
    expect(ds.table!.columns.find((c) => c.name === 'review')!.role).toBe('text');
    expect(ds.inputShape).toEqual([32]);
    expect(ds.classNames).toEqual(['negative', 'positive']);
    expect(ds.text!.vocabSize).toBeLessThanOrEqual(300);
    expect(ds.text!.truncated).toBe(0);
    const p = ds.preprocessing;
    if (p.kind !== 'text') throw new Error('not text');
    const tokenizer = tokenizerFor(p.tokenizer);
    const row = ds.x.subarray(0, 32);
    expect(row[0]).toBe(CLS_ID);
    expect(row[31]).toBe(0);
    // The first row decodes to its review, normalized (lower case).
    const first = reviews.split('\n')[1]!.split('"')[1]!;
    expect(tokenizer.decode(row)).toBe(first.toLowerCase());
    expect(ds.preview.kind).toBe('text');
    if (ds.preview.kind === 'text') expect(ds.preview.texts[0]!.tokens.length).toBeGreaterThan(3);
  });

  it('reports truncation and refuses options out of range', async () => {
    const short = await load(reviews, { text: { vocabSize: 300, maxLength: 8, lowercase: true } });
    expect(short.text!.truncated).toBe(short.rows);
    await expect(load(reviews, { text: { vocabSize: 50, maxLength: 32, lowercase: true } })).rejects.toThrow(
      /Vocabulary size/,
    );
    await expect(load(reviews, { text: { vocabSize: 300, maxLength: 2000, lowercase: true } })).rejects.toThrow(
      /Maximum length/,
    );
  });

  it('reads one text column at most, and not an empty one, saying which', async () => {
    const two =
      'a,b,y\n' + Array.from({ length: 20 }, (_, i) => `"some words ${i}","more words ${i}",${i % 2}`).join('\n');
    await expect(load(two, { label: 'y', roles: { a: 'text', b: 'text' } })).rejects.toThrow(
      /Only one column can be read as text; "a" and "b" both are/,
    );
    const empty = 'a,b,y\n' + Array.from({ length: 20 }, (_, i) => `${i},,${i % 2}`).join('\n');
    await expect(load(empty, { label: 'y', roles: { b: 'text' } })).rejects.toThrow(
      /Column "b" is empty and cannot be read as text/,
    );
  });

  it('learns its tokenizer from the training rows only', async () => {
    // A word only in test rows is not in the vocabulary (it falls apart into characters or [UNK]).
    const ds = await load(reviews, { text: { vocabSize: 300, maxLength: 32, lowercase: true } });
    const lines = reviews.trim().split('\n');
    const marked = lines.map((l, i) =>
      i > 0 && ds.split.test.includes(i - 1) ? l.replace('"', '"zqxjv zqxjv zqxjv ') : l,
    );
    const again = await load(marked.join('\n'), { text: { vocabSize: 300, maxLength: 32, lowercase: true } });
    const p = again.preprocessing;
    if (p.kind !== 'text') throw new Error('not text');
    expect(p.tokenizer.vocab.some((t) => t.includes('zqxjv'))).toBe(false);
  });
});

describe('masked language model pretraining on text', () => {
  it('lowers held-out perplexity, shows fills, probes, and its encoder starts a classifier', async () => {
    const ds = await load(reviews, { text: { vocabSize: 300, maxLength: 24, lowercase: true } });
    const before = tf.memory().numTensors;
    const text = { width: 32, heads: 4, layers: 1, mlpWidth: 64, pooling: 'mean' as const, dropout: 0 };
    const { events, result } = await collect<PretrainEvent, PretrainResult>(
      pretrain(
        ds,
        {
          objective: objectiveSettings('mlm'),
          encoder: { kind: 'transformer', widths: [] },
          text,
          epochs: 4,
          batchSize: 16,
          seed: 1,
          readEvery: 4,
          learningRate: 3e-3,
        },
        new RunControl(),
      ),
    );
    const logs = events.flatMap((e) => (e.type === 'epoch' ? [e.log] : []));
    expect(logs).toHaveLength(4);
    expect(logs[3]!.valLoss).toBeLessThan(logs[0]!.valLoss);
    // Chance is 1 in ~300 tokens.
    expect(logs[3]!.valAccuracy).toBeGreaterThan(0.1);
    expect(logs[0]!.probe).toBeDefined();
    const snaps = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
    const last = snaps[snaps.length - 1]!;
    expect(last.perplexity).toBeCloseTo(Math.exp(logs[3]!.valLoss), 4);
    expect(last.fills).toHaveLength(4);
    expect(last.fills![0]!.masked[0]!.guesses).toHaveLength(3);
    expect(last.embedding!.labels!.length).toBeGreaterThan(0);

    const saved = await captureModel(result.encoder, null);
    result.encoder.dispose();
    // Only the encoder stays: the MLM head, optimizer and every batch are gone.
    expect(tf.memory().numTensors).toBe(before);
    const model = classifierFromEncoder(
      { kind: 'transformer', widths: [] },
      savedWeights(saved),
      ds.inputShape,
      2,
      1,
      DEFAULT_CONFIG.head,
      { spec: text, vocabSize: ds.text!.vocabSize },
    );
    expect(model.layers.map((l) => l.name)).toContain('encoder_block1_attention');
    model.dispose();
    expect(inputSignature(ds)).toContain('text');
  });
});
