// The strong view of texts (semi-supervised fine-tuning): tokens deleted and masked, [CLS] kept.
import { describe, expect, it } from 'vitest';
import { CLS_ID, MASK_ID } from '../text/tokenizer.js';
import { augmentTokens } from './tokens';

describe('token augmentation', () => {
  const length = 12;
  // Two texts: [CLS] 10..17 then padding; [CLS] 20 then padding.
  const x = Float32Array.from([
    CLS_ID,
    10,
    11,
    12,
    13,
    14,
    15,
    16,
    17,
    0,
    0,
    0,
    CLS_ID,
    20,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);

  it('keeps [CLS] first, keeps the order of what is left, pads the end, and changes nothing at zero rates', () => {
    expect(augmentTokens(x, 2, length, { mask: 0, drop: 0 }, 1)).toEqual(x);
    const out = augmentTokens(x, 2, length, { mask: 0, drop: 0.5 }, 3);
    const first = Array.from(out.subarray(0, length));
    expect(first[0]).toBe(CLS_ID);
    const kept = first.slice(1).filter((v) => v !== 0);
    expect(kept.length).toBeLessThan(8);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(first.slice(1 + kept.length).every((v) => v === 0)).toBe(true);
  });

  it('masks about the share asked for, never deletes a whole text, and repeats with its seed', () => {
    const many = new Float32Array(200 * length);
    for (let r = 0; r < 200; r++) many.set(x.subarray(0, length), r * length);
    const out = augmentTokens(many, 200, length, { mask: 0.25, drop: 0 }, 7);
    const masked = out.filter((v) => v === MASK_ID).length / (200 * 8);
    expect(masked).toBeGreaterThan(0.2);
    expect(masked).toBeLessThan(0.3);
    const dropped = augmentTokens(x, 2, length, { mask: 0, drop: 0.99 }, 5);
    expect(dropped[1]).not.toBe(0);
    expect(dropped[length + 1]).toBe(20);
    expect(augmentTokens(x, 2, length, { mask: 0.3, drop: 0.3 }, 9)).toEqual(
      augmentTokens(x, 2, length, { mask: 0.3, drop: 0.3 }, 9),
    );
  });
});
