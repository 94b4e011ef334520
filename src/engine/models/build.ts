import * as tf from '@tensorflow/tfjs';
import type { ModelKind } from '../../shared/types';
import { modelInputShape } from '../../shared/modelSpec';

/** Kernels a model needs for training that not every backend has (wasm lacks conv gradients). */
export const TRAINING_KERNELS: Record<ModelKind, string[]> = {
  mlp: [],
  cnn: ['Conv2DBackpropFilter', 'Conv2DBackpropInput'],
};

/**
 * The reference model from Keras's MNIST example: Dense(128, relu) -> Dropout(0.5) ->
 * Dense(classes, softmax); or a small CNN for images. Seeded initializers make runs repeatable.
 */
/** Output head from the task: softmax over the classes, or one linear unit for regression. */
export function buildModel(kind: ModelKind, sampleShape: number[], numClasses: number, seed: number): tf.Sequential {
  // numClasses 0 means regression (one linear output).
  const inputShape = modelInputShape(kind, sampleShape);
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed * 101 + offset });
  const model = tf.sequential({ name: kind === 'mlp' ? 'reference_mlp' : 'small_cnn' });
  if (kind === 'mlp') {
    model.add(tf.layers.dense({ inputShape, units: 128, activation: 'relu', kernelInitializer: init(1), name: 'dense_hidden' }));
    model.add(tf.layers.dropout({ rate: 0.5, name: 'dropout' }));
  } else {
    model.add(tf.layers.conv2d({ inputShape, filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(1), name: 'conv1' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
    model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(2), name: 'conv2' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
    model.add(tf.layers.flatten({ name: 'flatten' }));
  }
  model.add(
    numClasses > 0
      ? tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: init(9), name: 'dense_out' })
      : tf.layers.dense({ units: 1, activation: 'linear', kernelInitializer: init(9), name: 'dense_out' }),
  );
  return model;
}
