// One explanation of one input: the model's prediction, the attributions of the method chosen in
// the input's own terms (a heat per pixel, a weight per token, a weight per table column), and the
// randomization check against the same network untrained.
import * as tf from '@tensorflow/tfjs';
import { decodeRow, featureWidth, type Preprocessing } from '../../shared/preprocessing';
import { methodsFor, type AttributionMethod, type Explanation } from '../../shared/types/explain';
import { sampleShape } from '../models/shape';
import { integratedGradients, occludeTokens, pixelHeat, smoothGrad, sumGroups, targetScore } from './attributions';
import { gradCam, hasConvolution } from './gradCam';
import { sanityOf, untrainedTwin } from './sanity';

/** [MASK] in the studio's tokenizers (ids 0-3: [PAD], [UNK], [CLS], [MASK]). */
const MASK_ID = 3;
/** SmoothGrad's noise: 15% of the input's range, as Smilkov et al. recommend (10-20%). */
const SMOOTHGRAD_NOISE = 0.15;

type Attributed = Pick<Explanation, 'image' | 'tokens' | 'columns'>;

export interface ExplainArgs {
  model: tf.LayersModel;
  preprocessing: Preprocessing;
  /** One model input, as predictions take it. */
  x: Float32Array;
  method: AttributionMethod;
  classIndex?: number;
}

/** Everything but the source and the time, which the worker adds. */
export async function explainInput(a: ExplainArgs): Promise<Omit<Explanation, 'source' | 'ms'>> {
  const { model, preprocessing: p, x } = a;
  const offered = methodsFor(p.kind, hasConvolution(model));
  if (!offered.includes(a.method))
    throw new Error(`This model is explained with ${offered.join(', ')}, not ${a.method}.`);
  const shape = [1, ...sampleShape(model, x.length)];
  const out = tf.tidy(() => (model.predict(tf.tensor(x, shape)) as tf.Tensor).reshape([-1]));
  const probabilities = Array.from((await out.data()) as Float32Array);
  out.dispose();
  const regression = p.kind !== 'image' && p.label?.type === 'numeric';
  const predictedIndex = regression ? -1 : probabilities.indexOf(Math.max(...probabilities));
  const classIndex = regression ? -1 : (a.classIndex ?? predictedIndex);
  if (!regression && (classIndex < 0 || classIndex >= probabilities.length))
    throw new Error(`There is no class ${classIndex}: the model has ${probabilities.length}.`);
  const trained = await attribute(model, p, x, shape, a.method, classIndex);
  const twin = await untrainedTwin(model);
  let untrained: Attributed;
  try {
    untrained = await attribute(twin, p, x, shape, a.method, classIndex);
  } finally {
    twin.dispose();
  }
  return {
    method: a.method,
    methods: offered,
    classIndex,
    predictedIndex,
    classNames: p.kind === 'image' ? p.classNames : p.label?.type === 'classes' ? p.label.classNames : [],
    probabilities: regression ? [] : probabilities,
    ...trained,
    sanity: sanityOf(weightsOf(trained), weightsOf(untrained)),
  };
}

function weightsOf(a: Attributed): Float32Array {
  if (a.image) return a.image.heat;
  if (a.tokens) return Float32Array.from(a.tokens, (t) => t.weight);
  return Float32Array.from(a.columns ?? [], (c) => c.weight);
}

async function attribute(
  model: tf.LayersModel,
  p: Preprocessing,
  x: Float32Array,
  shape: number[],
  method: AttributionMethod,
  classIndex: number,
): Promise<Attributed> {
  const score = targetScore(model, classIndex);
  if (p.kind === 'text') {
    const positions = Array.from(x.keys()).filter((i) => i > 0 && x[i] !== 0);
    const { weights } = await occludeTokens(score, x, positions, MASK_ID);
    const vocab = p.tokenizer.vocab;
    return { tokens: positions.map((at, k) => ({ token: vocab[x[at]!] ?? '[UNK]', weight: weights[k]! })) };
  }
  const input = tf.tensor(x, shape);
  try {
    if (p.kind === 'table') {
      const attr = tf.tidy(() => integratedGradients(score, input, tf.zerosLike(input)));
      const values = (await attr.data()) as Float32Array;
      attr.dispose();
      const weights = sumGroups(values, p.features.map(featureWidth));
      const shown = decodeRow(p.features, x);
      return { columns: p.features.map((f, i) => ({ column: f.column, value: shown[i]!, weight: weights[i]! })) };
    }
    const attr = tf.tidy(() => {
      if (method === 'gradCam')
        return gradCam(model, input as tf.Tensor4D, classIndex)
          .expandDims(0)
          .expandDims(-1);
      if (method === 'smoothGrad') return smoothGrad(score, input, SMOOTHGRAD_NOISE * 255 * p.scale);
      return integratedGradients(score, input, tf.zerosLike(input));
    });
    const heat = await pixelHeat(attr);
    attr.dispose();
    const pixels = Uint8Array.from(x, (v) => Math.round(v / p.scale));
    return { image: { height: p.height, width: p.width, channels: p.channels, pixels, heat } };
  } finally {
    input.dispose();
  }
}
