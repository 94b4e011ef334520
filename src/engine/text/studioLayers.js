// @ts-check
// (Checked with studioLayers.d.ts's types by `npm run typecheck`: tsconfig.js.json.)
// The three layers of the studio's Transformer that TensorFlow.js does not have: learned position
// embeddings, multi-head self-attention that ignores padding, and pooling over the non-padding
// tokens. A plain ES module with no imports: the studio runs it, and a text model's download
// ships it as studio-layers.mjs, so `registerStudioLayers(tf)` before `tf.loadLayersModel` is all
// Node (or another page) needs to load the model.json.
//
// Padding is token id 0. The attention and pooling layers take the token ids as a second input
// and build their masks from them, so a padded batch gives the same outputs as an unpadded one.

/** @typedef {import('@tensorflow/tfjs')} Tf */
/** @typedef {import('@tensorflow/tfjs').Tensor} Tensor */
/** @typedef {import('@tensorflow/tfjs').LayerVariable} LayerVariable */
/** @typedef {import('@tensorflow/tfjs').Shape} Shape */

/** @type {WeakMap<Tf, import('./studioLayers').StudioLayers>} */
const registered = new WeakMap();

/**
 * Defines the layers against this copy of TensorFlow.js and registers them for deserialization.
 * Idempotent per tf; returns the classes.
 * @param {Tf} tf
 * @returns {import('./studioLayers').StudioLayers}
 */
export function registerStudioLayers(tf) {
  const known = registered.get(tf);
  if (known) return known;
  const classes = {
    StudioPositionEmbedding: positionEmbedding(tf),
    StudioSelfAttention: selfAttention(tf),
    StudioMaskedPooling: maskedPooling(tf),
  };
  for (const c of Object.values(classes)) tf.serialization.registerClass(c);
  registered.set(tf, classes);
  return classes;
}

/**
 * Adds a learned embedding of each position (0..maxLength-1) to its token's embedding.
 * @param {Tf} tf
 */
function positionEmbedding(tf) {
  return class StudioPositionEmbedding extends tf.layers.Layer {
    static className = 'StudioPositionEmbedding';
    /** @type {LayerVariable | null} */
    positions = null;
    /** @param {{ maxLength: number; seed?: number; name?: string; trainable?: boolean }} config */
    constructor(config) {
      super(config);
      this.maxLength = config.maxLength;
      this.seed = config.seed ?? null;
    }
    /**
     * @override
     * @param {Shape} inputShape
     */
    build(inputShape) {
      const width = inputShape[inputShape.length - 1];
      const init = tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed ?? undefined });
      this.positions = this.addWeight('positions', [this.maxLength, width], 'float32', init);
      this.built = true;
    }
    /**
     * @override
     * @param {Tensor | Tensor[]} inputs
     */
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const length = /** @type {number} */ (x.shape[1]);
        return tf.add(x, this.weight(this.positions).slice([0, 0], [length, -1]));
      });
    }
    /** The variable `v`, which build() has made. @param {LayerVariable | null} v */
    weight(v) {
      if (!v) throw new Error(`${this.name} is not built.`);
      return v.read();
    }
    /**
     * @override
     * @param {Shape} inputShape
     */
    computeOutputShape(inputShape) {
      return inputShape;
    }
    /** @override */
    getConfig() {
      return { ...super.getConfig(), maxLength: this.maxLength, seed: this.seed };
    }
  };
}

/**
 * Multi-head scaled dot-product self-attention. Inputs: [hidden (batch, length, width), token ids
 * (batch, length)]; keys at padding positions get no weight.
 * @param {Tf} tf
 */
function selfAttention(tf) {
  return class StudioSelfAttention extends tf.layers.Layer {
    static className = 'StudioSelfAttention';
    /** Kernel and bias of the query, key, value and output projections, by name. @type {Record<string, LayerVariable>} */
    projections = {};
    /** @param {{ heads: number; seed?: number; name?: string; trainable?: boolean }} config */
    constructor(config) {
      super(config);
      this.heads = config.heads;
      this.seed = config.seed ?? null;
    }
    /**
     * @override
     * @param {Shape[]} inputShape
     */
    build(inputShape) {
      const width = /** @type {number} */ (inputShape[0][inputShape[0].length - 1]);
      if (width % this.heads) throw new Error(`Attention width ${width} is not divisible by ${this.heads} heads.`);
      const kernel = (/** @type {number} */ k) =>
        tf.initializers.glorotUniform({ seed: this.seed === null ? undefined : this.seed * 7 + k });
      const zeros = tf.initializers.zeros();
      // The weights' names (and their order) are the saved model's: query, key, value, output.
      for (const [k, name] of ['query', 'key', 'value', 'output'].entries()) {
        this.projections[`${name}Kernel`] = this.addWeight(`${name}_kernel`, [width, width], 'float32', kernel(k));
        this.projections[`${name}Bias`] = this.addWeight(`${name}_bias`, [width], 'float32', zeros);
      }
      this.built = true;
    }
    /**
     * @override
     * @param {Tensor[]} inputs
     */
    call(inputs) {
      return tf.tidy(() => {
        const [x, ids] = inputs;
        const [batch, length, width] = /** @type {number[]} */ (x.shape);
        const heads = this.heads;
        const size = width / heads;
        const flat = x.reshape([-1, width]);
        const read = (/** @type {string} */ name) => {
          const v = this.projections[name];
          if (!v) throw new Error(`${this.name} is not built.`);
          return v.read();
        };
        const project = (/** @type {string} */ name) =>
          tf.add(tf.matMul(flat, read(`${name}Kernel`)), read(`${name}Bias`));
        // (batch, length, width) -> (batch, heads, length, size)
        const split = (/** @type {Tensor} */ t) => t.reshape([batch, length, heads, size]).transpose([0, 2, 1, 3]);
        const q = split(project('query'));
        const k = split(project('key'));
        const v = split(project('value'));
        // Padding keys get a large negative score, so softmax gives them (almost exactly) zero weight.
        const padding = tf.equal(ids, 0).cast('float32').mul(-1e9).reshape([batch, 1, 1, length]);
        const scores = tf
          .matMul(q, k, false, true)
          .mul(1 / Math.sqrt(size))
          .add(padding);
        const context = tf.matMul(tf.softmax(scores), v).transpose([0, 2, 1, 3]).reshape([-1, width]);
        return tf.add(tf.matMul(context, read('outputKernel')), read('outputBias')).reshape([batch, length, width]);
      });
    }
    /**
     * @override
     * @param {Shape[]} inputShape
     */
    computeOutputShape(inputShape) {
      return inputShape[0];
    }
    /** @override */
    getConfig() {
      return { ...super.getConfig(), heads: this.heads, seed: this.seed };
    }
  };
}

/**
 * One vector per text: the [CLS] position's ('cls'), or the mean over non-padding tokens ('mean').
 * @param {Tf} tf
 */
function maskedPooling(tf) {
  return class StudioMaskedPooling extends tf.layers.Layer {
    static className = 'StudioMaskedPooling';
    /** @param {{ mode: 'cls' | 'mean'; name?: string; trainable?: boolean }} config */
    constructor(config) {
      super(config);
      this.mode = config.mode;
    }
    /**
     * @override
     * @param {Tensor[]} inputs
     */
    call(inputs) {
      return tf.tidy(() => {
        const [x, ids] = inputs;
        if (this.mode === 'cls') return x.slice([0, 0, 0], [-1, 1, -1]).squeeze([1]);
        const keep = tf.notEqual(ids, 0).cast('float32').expandDims(2);
        const count = keep.sum(1).maximum(1);
        return x.mul(keep).sum(1).div(count);
      });
    }
    /**
     * @override
     * @param {Shape[]} inputShape
     */
    computeOutputShape(inputShape) {
      const s = inputShape[0];
      return [s[0], s[2]];
    }
    /** @override */
    getConfig() {
      return { ...super.getConfig(), mode: this.mode };
    }
  };
}
