// What each model kind is, in plain data: shared by the engine (which builds it) and the UI
// (which describes it). No tfjs here.
import { DEFAULT_CONFIG } from './defaults';
import { OBJECTIVES } from './objectives';
import type { EncoderSpec, HeadSpec, ModelKind, TextModelSpec, TrainConfig } from './types/training';

/** The shape one sample takes at the model's input: flat for the MLP, an image for the CNN. */
export function modelInputShape(kind: ModelKind, sampleShape: number[]): number[] {
  if (kind === 'transformer') {
    if (sampleShape.length !== 1) throw new Error('The Transformer reads text: load a table with a text column.');
    return sampleShape;
  }
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
  text: TextModelSpec = DEFAULT_CONFIG.text,
): string[] {
  if (kind === 'transformer') return [...describeTransformer(text, sampleShape), ...describeHead(head, numClasses)];
  const input = `Input(${modelInputShape(kind, sampleShape).join('×')})`;
  if (kind === 'mlp') return [input, 'Dense(128, relu)', ...describeHead(head, numClasses)];
  return [
    input,
    ...convBlocks.flatMap((f) => [`Conv2D(${f}, 3×3, relu)`, 'MaxPool(2)']),
    'GlobalMaxPool',
    ...describeHead(head, numClasses),
  ];
}

/** The Transformer encoder's layers (engine/text/transformer.ts), one line each. */
export function describeTransformer(t: TextModelSpec, sampleShape: number[], prefix = ''): string[] {
  return [
    `Input(${sampleShape[0] ?? '?'} token ids)`,
    `${prefix}Embedding(vocabulary → ${t.width}) + positions`,
    `${prefix}${t.layers} × block: LayerNorm, SelfAttention(${t.heads} heads, padding masked), LayerNorm, MLP(${t.mlpWidth})`,
    `${prefix}LayerNorm`,
    `${prefix}Pool(${t.pooling === 'cls' ? '[CLS] token' : 'mean over tokens'})`,
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
  transformer: 'Transformer encoder (text)',
};

/** The encoder's layers, one line each. */
export function describeEncoder(
  spec: EncoderSpec,
  sampleShape: number[],
  text: TextModelSpec = DEFAULT_CONFIG.text,
): string[] {
  if (spec.kind === 'transformer') return describeTransformer(text, sampleShape);
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
  c: Pick<TrainConfig, 'stage' | 'objective' | 'encoder' | 'model' | 'head' | 'convBlocks' | 'encoderInit' | 'text'>,
  sampleShape: number[],
  numClasses: number,
  initEncoder: EncoderSpec | null,
  /** The pretrained Transformer's shape (its checkpoint's), when fine-tuning from one. */
  initText: TextModelSpec = c.text,
): string[] {
  if (c.stage === 'pretrain') {
    const encoder = (pooled: boolean) =>
      describeEncoder(
        pooled && c.encoder.kind === 'conv' ? { ...c.encoder, globalPool: true } : c.encoder,
        sampleShape,
        c.text,
      ).map((l, i) => (i === 0 ? l : `encoder: ${l}`));
    return OBJECTIVES[c.objective.id].describe(encoder, sampleShape);
  }
  if (initEncoder) {
    const weights = c.encoderInit === 'random' ? 'random' : 'pretrained';
    return [
      ...describeEncoder(initEncoder, sampleShape, initText).map((l, i) => (i === 0 ? l : `${l} (${weights})`)),
      ...(initEncoder.kind === 'conv' && !initEncoder.globalPool ? ['Flatten'] : []),
      ...describeHead(c.head, numClasses),
    ];
  }
  return describeLayers(c.model, sampleShape, numClasses, c.head, c.convBlocks, c.text);
}
