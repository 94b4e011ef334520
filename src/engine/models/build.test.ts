// The image CNN: conv blocks with global max pooling, as the model panel describes it, and it
// tells objects apart wherever they are in the picture.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeLayers } from '../../shared/modelSpec';
import type { Dataset } from '../data/dataset';
import { range } from '../data/random';
import { RunControl } from '../train/control';
import { evaluateTest, trainWithLabels } from '../train/loop';
import { collect } from '../../test/fixtures';
import { buildModel } from './build';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the image CNN', () => {
  it('is the blocks asked for, then global max pooling and the head, as the model panel lists it', () => {
    const model = buildModel('cnn', [32, 32, 3], 5, 1, { hidden: [], dropout: 0.3 }, [8, 16, 32]);
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Conv2D',
      'MaxPooling2D',
      'Conv2D',
      'MaxPooling2D',
      'GlobalMaxPooling2D',
      'Dropout',
      'Dense',
    ]);
    // 32 → 16 → 8 → 4 with "same" padding; the pooled features are the last block's filters.
    expect(model.getLayer('pool3').outputShape).toEqual([null, 4, 4, 32]);
    expect(model.getLayer('global_pool').outputShape).toEqual([null, 32]);
    expect(model.countParams()).toBe(27 * 8 + 8 + (72 * 16 + 16) + (144 * 32 + 32) + (32 * 5 + 5));
    expect(describeLayers('cnn', [32, 32, 3], 5, { hidden: [], dropout: 0.3 }, [8, 16, 32])).toEqual([
      'Input(32×32×3)',
      'Conv2D(8, 3×3, relu)',
      'MaxPool(2)',
      'Conv2D(16, 3×3, relu)',
      'MaxPool(2)',
      'Conv2D(32, 3×3, relu)',
      'MaxPool(2)',
      'GlobalMaxPool',
      'head: Dropout(0.3)',
      'head: Dense(5, softmax)',
    ]);
    model.dispose();
  });

  it('learns bars by their direction wherever they are (held-out positions included)', async () => {
    // 16×16 pictures, a 6-pixel bar, horizontal (class 0) or vertical (class 1), at a random place.
    const side = 16;
    const n = 160;
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const x = new Uint8Array(n * side * side);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const vertical = i % 2;
      y[i] = vertical;
      const a = Math.floor(rand() * (side - 6));
      const b = Math.floor(rand() * side);
      for (let k = 0; k < 6; k++) x[i * side * side + (vertical ? (a + k) * side + b : b * side + a + k)] = 255;
    }
    const ds: Dataset = {
      name: 'bars',
      description: '',
      kind: 'image',
      source: 'upload',
      task: 'classification',
      rows: n,
      inputShape: [side, side, 1],
      features: side * side,
      x,
      xScale: 1 / 255,
      y,
      classNames: ['horizontal', 'vertical'],
      split: { train: range(0, 100), val: range(100, 120), test: range(120, 160) },
      preview: { kind: 'image', height: side, width: side, channels: 1, images: [] },
      preprocessing: {
        kind: 'image',
        height: side,
        width: side,
        channels: 1,
        scale: 1 / 255,
        classNames: ['horizontal', 'vertical'],
      },
    };
    const model = buildModel('cnn', ds.inputShape, 2, 1, { hidden: [], dropout: 0.3 }, [4, 8]);
    await collect(
      trainWithLabels(
        model,
        ds,
        { epochs: 15, batchSize: 16, learningRate: 3e-3, seed: 1, readEvery: 10 },
        new RunControl(),
      ),
    );
    const evaluation = await evaluateTest(model, ds);
    if (evaluation.task !== 'classification') throw new Error('classification expected');
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.95);
    model.dispose();
  });
});
