// What each model kind is, in plain data: shared by the engine (which builds it) and the UI
// (which describes it). No tfjs here.
import { DEFAULT_CONFIG } from './defaults';
import type { EncoderSpec, HeadSpec, ModelKind, TrainConfig } from './types/training';

/** The shape one sample takes at the model's input: flat for the MLP, an image for the CNN. */
export function modelInputShape(kind: ModelKind, sampleShape: number[]): number[] {
  if (kind === 'mlp') return [sampleShape.reduce((a, b) => a * b, 1)];
  if (sampleShape.length !== 3) throw new Error('The small CNN needs image data (height x width x channels).');
  return sampleShape;
}

/** One line per layer, for the model panel. Keep in step with engine/models/build.ts. */
export function describeLayers(
  kind: ModelKind,
  sampleShape: number[],
  numClasses: number,
  head: HeadSpec = DEFAULT_CONFIG.head,
  convBlocks: number[] = DEFAULT_CONFIG.convBlocks,
): string[] {
  const input = `Input(${modelInputShape(kind, sampleShape).join('×')})`;
  if (kind === 'mlp') return [input, 'Dense(128, relu)', ...describeHead(head, numClasses)];
  return [
    input,
    ...convBlocks.flatMap((f) => [`Conv2D(${f}, 3×3, relu)`, 'MaxPool(2)']),
    'GlobalMaxPool',
    ...describeHead(head, numClasses),
  ];
}

/** The task head's layers (engine/models/build.ts addHead). */
export function describeHead(head: HeadSpec, numClasses: number): string[] {
  return [
    ...head.hidden.map((u) => `head: Dense(${u}, relu)`),
    ...(head.dropout > 0 ? [`head: Dropout(${head.dropout})`] : []),
    numClasses > 0 ? `head: Dense(${numClasses}, softmax)` : 'head: Dense(1, linear)',
  ];
}

export const MODEL_LABELS: Record<ModelKind, string> = {
  mlp: 'Reference MLP (Keras MNIST example)',
  cnn: 'CNN: conv blocks, global max pooling (images)',
};

/** The encoder's layers, one line each. */
export function describeEncoder(spec: EncoderSpec, sampleShape: number[]): string[] {
  const features = sampleShape.reduce((a, b) => a * b, 1);
  if (spec.kind === 'dense') return [`Input(${features})`, ...spec.widths.map((w) => `Dense(${w}, relu)`)];
  return [
    `Input(${sampleShape.join('×')})`,
    ...spec.widths.flatMap((w) => [`Conv2D(${w}, 3×3, relu)`, 'MaxPool(2)']),
    ...(spec.globalPool ? ['GlobalMaxPool'] : []),
  ];
}

/** What a stage trains, for the model panel. */
export function describeStage(
  c: Pick<TrainConfig, 'stage' | 'objective' | 'encoder' | 'model' | 'head' | 'convBlocks' | 'encoderInit'>,
  sampleShape: number[],
  numClasses: number,
  initEncoder: EncoderSpec | null,
): string[] {
  if (c.stage === 'pretrain') {
    const enc = describeEncoder(c.encoder, sampleShape).map((l, i) => (i === 0 ? l : `encoder: ${l}`));
    if (c.objective === 'gan')
      return [...enc, 'discriminator head: Dense(1, logit)', 'generator: noise → data (trained against it)'];
    if (c.objective === 'contrastive') {
      const pooled =
        c.encoder.kind === 'conv' ? describeEncoder({ ...c.encoder, globalPool: true }, sampleShape) : null;
      return [
        ...(pooled ? pooled.map((l, i) => (i === 0 ? l : `encoder: ${l}`)) : enc),
        'projection head: Dense(relu), Dense(64), L2-normalised (NT-Xent on two views)',
      ];
    }
    return [...enc, `decoder: mirror of the encoder → ${sampleShape.join('×')}`];
  }
  if (initEncoder) {
    const weights = c.encoderInit === 'random' ? 'random' : 'pretrained';
    return [
      ...describeEncoder(initEncoder, sampleShape).map((l, i) => (i === 0 ? l : `${l} (${weights})`)),
      ...(initEncoder.kind === 'conv' && !initEncoder.globalPool ? ['Flatten'] : []),
      ...describeHead(c.head, numClasses),
    ];
  }
  return describeLayers(c.model, sampleShape, numClasses, c.head, c.convBlocks);
}
