import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import type { HeadSpec, ModelKind, TextModelSpec } from '../../shared/types/training';
import { modelInputShape } from '../../shared/modelSpec';
import type { Dataset } from '../data/dataset';
import { buildTextClassifier, type TransformerSpec } from '../text/transformer';

/** What a Transformer needs beyond its settings: the dataset's vocabulary (its tokenizer). */
export interface TextInput {
  spec: TextModelSpec;
  vocabSize: number;
}

/** The Transformer's settings and the dataset's vocabulary, or undefined for other data. */
export function textInput(ds: Pick<Dataset, 'preprocessing'>, spec: TextModelSpec): TextInput | undefined {
  return ds.preprocessing.kind === 'text' ? { spec, vocabSize: ds.preprocessing.tokenizer.vocab.length } : undefined;
}

export function transformerSpec(text: TextInput, sampleShape: number[]): TransformerSpec {
  return { ...text.spec, vocabSize: text.vocabSize, maxLen: sampleShape[0]! };
}

/**
 * Kernels a model needs for training that not every backend has: the backend choice checks them
 * before a run and falls back, naming the missing one (trainingKernels.test.ts reads a real step's
 * kernels against every backend's registry).
 */
export const TRAINING_KERNELS: Record<ModelKind, string[]> = {
  mlp: [],
  // tfjs-backend-wasm 4.22 lacks the filter gradient; the worker adds it (engine/wasmConvKernels.ts).
  cnn: ['Conv2DBackpropFilter', 'Conv2DBackpropInput'],
  // The embedding's gradient; the worker adds it to wasm (engine/wasmKernels.ts).
  transformer: ['UnsortedSegmentSum'],
};

/**
 * The reference model from Keras's MNIST example: Dense(128, relu) -> Dropout(0.5) ->
 * Dense(classes, softmax); or, for images, a CNN of Conv2D + MaxPool blocks ending in global max
 * pooling (translation-tolerant: it reached 100% on a small set of shapes at random places where a
 * flattening CNN stayed near 70%); for text, the Transformer encoder (engine/text/transformer.ts);
 * then the task head (softmax over the classes, or one linear
 * unit for regression). Seeded initializers make runs repeatable.
 */
export function buildModel(
  kind: ModelKind,
  sampleShape: number[],
  numClasses: number,
  seed: number,
  head: HeadSpec = DEFAULT_CONFIG.head,
  convBlocks: number[] = DEFAULT_CONFIG.convBlocks,
  text?: TextInput,
): tf.LayersModel {
  // numClasses 0 means regression (one linear output).
  if (kind === 'transformer') {
    if (!text) throw new Error('The Transformer reads text: load a table with a text column.');
    return buildTextClassifier(transformerSpec(text, modelInputShape(kind, sampleShape)), numClasses, seed, head);
  }
  const inputShape = modelInputShape(kind, sampleShape);
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed * 101 + offset });
  const model = tf.sequential({ name: kind === 'mlp' ? 'reference_mlp' : 'image_cnn' });
  if (kind === 'mlp') {
    model.add(
      tf.layers.dense({ inputShape, units: 128, activation: 'relu', kernelInitializer: init(1), name: 'dense_hidden' }),
    );
  } else {
    convBlocks.forEach((filters, i) => {
      model.add(
        tf.layers.conv2d({
          ...(i === 0 ? { inputShape } : {}),
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(1 + i),
          name: `conv${i + 1}`,
        }),
      );
      model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }));
    });
    model.add(tf.layers.globalMaxPooling2d({ name: 'global_pool' }));
  }
  addHead(model, head, numClasses, seed);
  return model;
}

/**
 * The task head, its layers named `head_*` (freezing tells encoder from head by that): hidden
 * Dense(relu) layers, Dropout, then softmax over the classes or one linear unit (numClasses 0).
 * With the default head (no hidden layer, dropout 0.5) the MLP is the reference model.
 */
export function addHead(model: tf.Sequential, head: HeadSpec, numClasses: number, seed: number): void {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed * 101 + offset });
  head.hidden.forEach((units, i) =>
    model.add(
      tf.layers.dense({ units, activation: 'relu', kernelInitializer: init(20 + i), name: `head_hidden${i + 1}` }),
    ),
  );
  if (head.dropout > 0) model.add(tf.layers.dropout({ rate: head.dropout, name: 'head_dropout' }));
  model.add(
    numClasses > 0
      ? tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: init(9), name: 'head_out' })
      : tf.layers.dense({ units: 1, activation: 'linear', kernelInitializer: init(9), name: 'head_out' }),
  );
}
