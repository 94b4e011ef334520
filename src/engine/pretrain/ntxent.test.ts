// NT-Xent against values computed by hand on tiny batches.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ntXent } from './ntxent';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const loss = async (a: number[][], b: number[][], t: number) => {
  const [za, zb] = [tf.tensor2d(a), tf.tensor2d(b)];
  const l = ntXent(za, zb, t);
  const v = (await l.data())[0]!;
  tf.dispose([za, zb, l]);
  return v;
};

describe('NT-Xent', () => {
  it('matches the hand-computed loss when each view equals its partner', async () => {
    // Views e1, e2, e1, e2 (temperature 1): each row sees its partner at similarity 1 and the
    // two others at 0, so the loss is −log(e / (e + 2)) = log(2 + e) − 1.
    expect(
      await loss(
        [
          [1, 0],
          [0, 1],
        ],
        [
          [1, 0],
          [0, 1],
        ],
        1,
      ),
    ).toBeCloseTo(Math.log(2 + Math.E) - 1, 5);
  });

  it('is higher when the partners are swapped (each view looks like the wrong input)', async () => {
    // Each row's partner is now at similarity 0, one of the others at 1: −log(1 / (2 + e)).
    expect(
      await loss(
        [
          [1, 0],
          [0, 1],
        ],
        [
          [0, 1],
          [1, 0],
        ],
        1,
      ),
    ).toBeCloseTo(Math.log(2 + Math.E), 5);
  });

  it('normalises the projections and divides by the temperature', async () => {
    // Scaled inputs give the same loss; at temperature 0.5 the similarities double.
    expect(
      await loss(
        [
          [3, 0],
          [0, 2],
        ],
        [
          [5, 0],
          [0, 0.1],
        ],
        0.5,
      ),
    ).toBeCloseTo(-Math.log(Math.exp(2) / (Math.exp(2) + 2)), 5);
  });

  it('has finite gradients and leaves no tensor behind', async () => {
    const a = tf.variable(tf.randomNormal([8, 4], 0, 1, 'float32', 1) as tf.Tensor2D);
    const b = tf.randomNormal([8, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const step = async () => {
      const { value, grads } = tf.variableGrads(() => ntXent(a, b, 0.2), [a]);
      const g = await grads[a.name]!.data();
      const v = (await value.data())[0]!;
      tf.dispose([value, grads[a.name]!]);
      return { g, v };
    };
    await step(); // kernels' first use may keep constants
    const before = tf.memory().numTensors;
    const { g, v } = await step();
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    expect(v).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
