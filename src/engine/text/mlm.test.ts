import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from '../wasmKernels';
import { mulberry32 } from '../data/random';
import { buildMlmHead, fillMasks, maskTokens, mlmSteps, type MaskedBatch } from './mlm';
import { CLS_ID, MASK_ID, PAD_ID } from './tokenizer.js';
import { buildTextEncoder } from './transformer';

// wasm (with the kernel the worker adds) runs these four times faster than the cpu backend.
beforeAll(async () => {
  registerWasmKernels();
  await tf.setBackend('wasm');
});

/** Rows of [CLS] + `len` tokens from `next` + padding. */
function corpus(
  rows: number,
  length: number,
  next: (r: number, j: number) => number,
  len = (_r: number) => length - 1,
) {
  const ids = new Float32Array(rows * length);
  for (let r = 0; r < rows; r++) {
    ids[r * length] = CLS_ID;
    for (let j = 1; j <= len(r); j++) ids[r * length + j] = next(r, j);
  }
  return ids;
}

describe('maskTokens', () => {
  const rows = 400;
  const length = 64;
  const vocab = 100;
  const rand = mulberry32(7);
  const ids = corpus(
    rows,
    length,
    () => 4 + Math.floor(rand() * 96),
    (r) => 20 + (r % 40),
  );
  const b = maskTokens(ids, rows, length, vocab, mulberry32(1));

  it('chooses 15% of the real tokens, never padding or [CLS], at least one per text', () => {
    let real = 0;
    for (const id of ids) if (id !== PAD_ID && id !== CLS_ID) real++;
    expect(b.positions.length / real).toBeGreaterThan(0.14);
    expect(b.positions.length / real).toBeLessThan(0.17);
    for (const p of b.positions) expect([PAD_ID, CLS_ID]).not.toContain(ids[p]);
    const perRow = new Set(Array.from(b.positions, (p) => Math.floor(p / length)));
    expect(perRow.size).toBe(rows);
    expect(Array.from(b.targets)).toEqual(Array.from(b.positions, (p) => ids[p]));
  });

  it('makes 80% of them [MASK], 10% a random token and keeps 10%', () => {
    let masked = 0;
    let kept = 0;
    let random = 0;
    b.positions.forEach((p) => {
      if (b.input[p] === MASK_ID) masked++;
      else if (b.input[p] === ids[p]) kept++;
      else {
        random++;
        expect(b.input[p]).toBeGreaterThanOrEqual(4);
        expect(b.input[p]).toBeLessThan(vocab);
      }
    });
    const n = b.positions.length;
    expect(masked / n).toBeGreaterThan(0.76);
    expect(masked / n).toBeLessThan(0.84);
    expect(kept / n).toBeGreaterThan(0.07);
    expect(kept / n).toBeLessThan(0.13);
    expect(random / n).toBeGreaterThan(0.07);
    expect(random / n).toBeLessThan(0.13);
    // Nothing else changes.
    const chosen = new Set(b.positions);
    ids.forEach((id, i) => {
      if (!chosen.has(i)) expect(b.input[i]).toBe(id);
    });
  });

  it('is repeatable with the same seed and differs with another', () => {
    const again = maskTokens(ids, rows, length, vocab, mulberry32(1));
    expect(again).toEqual(b);
    expect(maskTokens(ids, rows, length, vocab, mulberry32(2)).positions).not.toEqual(b.positions);
  });
});

describe('masked language modeling', () => {
  it('learns a toy language (each token follows from its neighbours), and leaks no tensor', async () => {
    // Texts count upward from a random start (mod 24, tokens 4..27): a masked token is its left
    // neighbour plus one. Lengths vary, so padding is always there.
    const length = 16;
    const rand = mulberry32(3);
    const starts = Array.from({ length: 256 }, () => Math.floor(rand() * 24));
    const ids = corpus(
      256,
      length,
      (r, j) => 4 + ((starts[r]! + j) % 24),
      (r) => 6 + (r % 10),
    );
    const spec = {
      width: 32,
      heads: 4,
      layers: 1,
      mlpWidth: 64,
      pooling: 'mean' as const,
      dropout: 0,
      vocabSize: 28,
      maxLen: length,
    };
    const { encoder, trunk } = buildTextEncoder(spec, 1);
    const head = buildMlmHead(32, 28, 1);
    const opt = tf.train.adam(0.003);
    const steps = mlmSteps(trunk, head, opt);
    const train = ids.subarray(0, 192 * length);
    const heldOut = [maskTokens(ids.subarray(192 * length), 64, length, 28, mulberry32(99))];
    const before = await steps.evaluate(heldOut);
    const counts: number[] = [];
    const maskRand = mulberry32(5);
    for (let epoch = 0; epoch < 12; epoch++) {
      for (let s = 0; s < 192; s += 32) {
        const batch: MaskedBatch = maskTokens(train.subarray(s * length, (s + 32) * length), 32, length, 28, maskRand);
        steps.train(batch).dispose();
      }
      counts.push(tf.memory().numTensors);
    }
    const after = await steps.evaluate(heldOut);
    expect(after.tokens).toBe(heldOut[0]!.targets.length);
    expect(before.perplexity).toBeGreaterThan(15);
    expect(after.perplexity).toBeLessThan(before.perplexity / 4);
    // Chance is 1 in 24.
    expect(after.accuracy).toBeGreaterThan(0.3);
    expect(counts[counts.length - 1]).toBe(counts[1]);

    const fills = await fillMasks(
      trunk,
      head,
      ids.subarray(192 * length, 196 * length),
      4,
      length,
      (id) => `t${id}`,
      mulberry32(4),
    );
    expect(fills).toHaveLength(4);
    for (const f of fills) {
      expect(f.masked.length).toBeGreaterThan(0);
      for (const m of f.masked) {
        expect(m.original).toBe(f.tokens[m.position]);
        expect(m.guesses).toHaveLength(3);
        expect(m.guesses[0]!.probability).toBeGreaterThanOrEqual(m.guesses[1]!.probability);
      }
    }
    const right = fills.flatMap((f) => f.masked).filter((m) => m.guesses[0]!.token === m.original).length;
    expect(right).toBeGreaterThan(0);
    encoder.dispose();
    head.dispose();
    opt.dispose();
  });
});
