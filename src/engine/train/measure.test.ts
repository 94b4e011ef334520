import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { measureSteps } from './measure';

/** A step that counts its calls and returns a loss tensor. */
function counting() {
  const calls = { steps: 0, disposed: false };
  return {
    calls,
    make: () => ({
      step: () => {
        calls.steps++;
        return tf.scalar(1);
      },
      dispose: () => {
        calls.disposed = true;
      },
    }),
  };
}

describe('measuring training steps', () => {
  it('warms up, then times steps in groups of five until enough time has passed', async () => {
    const c = counting();
    const before = tf.memory().numTensors;
    const rate = await measureSteps(c.make, 32, { minMs: 0, maxSteps: 40 });
    expect(c.calls.steps).toBe(2 + 5);
    expect(rate).toBeGreaterThan(0);
    expect(c.calls.disposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('answers from the last step once its time budget is spent (a backend that takes seconds a step)', async () => {
    const c = counting();
    const before = tf.memory().numTensors;
    const rate = await measureSteps(c.make, 32, { budgetMs: -1 });
    expect(c.calls.steps).toBe(1);
    expect(rate).toBeGreaterThan(0);
    expect(c.calls.disposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
