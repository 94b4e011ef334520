import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tileGradient } from './tileGradient';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the Tile gradient', () => {
  it('equals tfjs own (slice by slice) for ranks 1 to 4', () => {
    const cases: [number[], number[]][] = [
      [[3], [4]],
      [
        [2, 3],
        [3, 1],
      ],
      [
        [1, 1, 5],
        [4, 3, 1],
      ],
      [
        [2, 1, 3, 2],
        [1, 3, 2, 2],
      ],
    ];
    for (const [shape, reps] of cases) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
      const out = tf.tile(x, reps);
      const dy = tf.randomNormal(out.shape, 0, 1, 'float32', 2);
      // Reference: each tile's slice of dy added up.
      let expected = tf.zerosLike(x);
      const count = reps.reduce((a, b) => a * b, 1);
      for (let t = 0; t < count; t++) {
        let rest = t;
        const begin = [...shape]
          .reverse()
          .map((n, ri) => {
            const r = reps[shape.length - 1 - ri]!;
            const k = rest % r;
            rest = Math.floor(rest / r);
            return k * n;
          })
          .reverse();
        expected = expected.add(dy.slice(begin, shape));
      }
      const got = tileGradient(dy, shape, reps);
      expect(got.shape).toEqual(shape);
      expect(got.sub(expected).abs().max().dataSync()[0]!).toBeLessThan(1e-5);
      tf.dispose([x, out, dy, expected, got]);
    }
  });
});
