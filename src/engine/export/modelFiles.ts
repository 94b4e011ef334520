// The TensorFlow.js layers format on disk (model.json + weight files) and the zip the studio
// downloads, written and read without tfjs: building the files, and validating what a user
// brings back before tfjs ever sees it (JSON shape, known layer classes, sizes implied by the
// layers against the weights manifest and the bytes present, caps on everything).
import { assertNever } from '../../shared/assertNever';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { errorMessage, formatBytes, type BytesFormat } from '../../shared/format';
import { MODEL_LIMITS } from '../../shared/limits';
import { ModelFileError, parseJsonSafely } from './safeJson';

export { ModelFileError } from './safeJson';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export const WEIGHTS_FILE = 'model.weights.bin';

/** model.json as tfjs's own browser download writes it (format "layers-model"). */
export function modelJson(
  modelTopology: object,
  weightSpecs: readonly { name: string; shape: number[]; dtype: string }[],
  weightsFile = WEIGHTS_FILE,
): object {
  return {
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
    convertedBy: 'Pretrain Studio',
    modelTopology,
    weightsManifest: [
      {
        paths: [`./${weightsFile}`],
        weights: weightSpecs.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })),
      },
    ],
  };
}

/**
 * The download: model.json, its weights and preprocessing.json in one zip; `extra`: further files
 * by name (model.onnx; a text model's tokenizer, layers and Node example).
 */
export function modelZip(
  modelJsonObject: object,
  weights: ArrayBuffer,
  preprocessingJson: object,
  extra: Record<string, string | Uint8Array> = {},
): Uint8Array {
  return zipSync(
    {
      'model.json': strToU8(JSON.stringify(modelJsonObject)),
      [WEIGHTS_FILE]: [new Uint8Array(weights), { level: 6 }],
      'preprocessing.json': strToU8(JSON.stringify(preprocessingJson, null, 2)),
      ...Object.fromEntries(
        Object.entries(extra).map(([name, file]) => [name, typeof file === 'string' ? strToU8(file) : file]),
      ),
    },
    { level: 6 },
  );
}

/** Layer classes the studio builds (and an explicit input layer); nothing else is loaded. */
export const KNOWN_LAYERS = [
  'InputLayer',
  'Dense',
  'Dropout',
  'Activation',
  'Conv2D',
  'Conv2DTranspose',
  'MaxPooling2D',
  'GlobalMaxPooling2D',
  'UpSampling2D',
  'Flatten',
  'Reshape',
] as const;
const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

/** Sizes in messages: whole megabytes, as the limits are stated. */
const IN_MB: BytesFormat = { precision: 'megabytes' };

function fail(why: string): never {
  throw new ModelFileError(
    `model.json is not a model the studio can load: ${why}. Import the .zip the studio downloaded, or a TensorFlow.js layers model.json with its weight file.`,
  );
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const int = (v: unknown, what: string, min: number, max: number): number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
    ? v
    : fail(`${what} must be a whole number from ${min} to ${max} (it is ${JSON.stringify(v)?.slice(0, 40)})`);
const pair = (v: unknown, what: string, max: number, dflt: [number, number]): [number, number] => {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return [int(v, what, 1, max), int(v, what, 1, max)];
  if (Array.isArray(v) && v.length === 2) return [int(v[0], what, 1, max), int(v[1], what, 1, max)];
  return fail(`${what} must be one or two whole numbers`);
};
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** tfjs's convOutputLength. */
function convLength(n: number, k: number, padding: string, stride: number): number {
  const out = padding === 'same' ? n : n - k + 1;
  return Math.floor((out + stride - 1) / stride);
}

export interface ModelFiles {
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  /** Weight files in manifest order (as named in model.json). */
  paths: string[];
  layers: string[];
  params: number;
  inputShape: number[];
  outputShape: number[];
}

/**
 * Validates model.json's text: format, known layer classes, each layer's settings in range, and
 * the weights the layers imply against the manifest. Initializers are replaced by zeros (the
 * weights come from the file), so loading it never runs an expensive or unknown initializer.
 */
export function readModelJson(text: string): ModelFiles {
  if (text.length > MODEL_LIMITS.jsonBytes) fail(`it is over ${formatBytes(MODEL_LIMITS.jsonBytes, IN_MB)}`);
  const o = parseJsonSafely(text, 'model.json');
  if (!isObj(o)) fail('it is not a JSON object');
  if (o.format !== undefined && o.format !== 'layers-model')
    fail(
      `its format is "${String(o.format).slice(0, 40)}"; only TensorFlow.js layers models ("layers-model") are supported (graph models cannot be trained further)`,
    );
  const topo = o.modelTopology;
  if (!isObj(topo)) fail('it has no "modelTopology"');
  const root = isObj(topo.model_config) ? topo.model_config : topo; // Keras-style wrapper
  if (!MODEL_CLASSES.has(String(root.class_name)))
    fail(`the model class "${String(root.class_name).slice(0, 40)}" is not Sequential or Model`);
  const config = root.config;
  const rawLayers = isObj(config) ? config.layers : Array.isArray(config) ? config : undefined;
  if (!Array.isArray(rawLayers) || !rawLayers.length) fail('it lists no layers');
  if (rawLayers.length > MODEL_LIMITS.layers)
    fail(`it has ${rawLayers.length} layers; the limit is ${MODEL_LIMITS.layers}`);
  if (isObj(config) && root.class_name !== 'Sequential') {
    const ins = config.input_layers;
    const outs = config.output_layers;
    if (!Array.isArray(ins) || ins.length !== 1 || !Array.isArray(outs) || outs.length !== 1)
      fail('it must have exactly one input and one output');
  }

  const manifest = o.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length > MODEL_LIMITS.zipEntries)
    fail('"weightsManifest" is missing or too long');
  const weightSpecs: WeightSpec[] = [];
  const paths: string[] = [];
  for (const [g, group] of manifest.entries()) {
    if (!isObj(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights))
      fail(`weightsManifest[${g}] must have "paths" and "weights"`);
    for (const p of group.paths) {
      if (typeof p !== 'string' || !p.length || p.length > 200) fail(`weightsManifest[${g}] names a weight file badly`);
      paths.push(p);
    }
    for (const [i, w] of group.weights.entries()) {
      if (!isObj(w) || typeof w.name !== 'string' || w.name.length > 300) fail(`weight ${i} of group ${g} has no name`);
      if (w.dtype !== 'float32')
        fail(`weight "${w.name}" is ${String(w.dtype).slice(0, 20)}; only float32 weights are supported`);
      if (w.quantization !== undefined) fail(`weight "${w.name}" is quantized; export it without quantization`);
      if (!Array.isArray(w.shape) || w.shape.length > 4) fail(`weight "${w.name}" has no valid shape`);
      const shape = w.shape.map((d, k) => int(d, `dimension ${k} of weight "${w.name}"`, 0, MODEL_LIMITS.params));
      weightSpecs.push({ name: w.name, shape, dtype: 'float32' });
    }
  }
  const params = weightSpecs.reduce((s, w) => s + prod(w.shape), 0);
  if (params > MODEL_LIMITS.params)
    fail(
      `its weights hold ${params.toLocaleString('en-US')} values; the limit is ${MODEL_LIMITS.params.toLocaleString('en-US')}`,
    );

  // Walk the layers in order (Sequential, or a Model that is a single chain), inferring shapes.
  let shape: number[] | null = null;
  let implied = 0;
  let inputShape: number[] = [];
  const lines: string[] = [];
  const layers = rawLayers.map((l, i) => {
    if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config))
      fail(`layer ${i + 1} has no class_name and config`);
    if (!(KNOWN_LAYERS as readonly string[]).includes(l.class_name))
      fail(
        `layer ${i + 1} is a "${l.class_name.slice(0, 60)}", which the studio does not know (known: ${KNOWN_LAYERS.join(', ')})`,
      );
    // Initializers never run: the weights come from the file.
    const c = { ...l.config };
    for (const k of ['kernel_initializer', 'bias_initializer']) if (k in c) c[k] = { class_name: 'Zeros', config: {} };
    return { ...l, config: c } as { class_name: (typeof KNOWN_LAYERS)[number]; config: Record<string, unknown> };
  });
  for (const [i, { class_name: cls, config: c }] of layers.entries()) {
    const what = `layer ${i + 1} (${cls})`;
    const declared = c.batch_input_shape ?? c.batch_shape;
    if (declared !== undefined && declared !== null) {
      if (shape) fail(`${what} declares an input shape in the middle of the model`);
      if (!Array.isArray(declared) || declared.length < 2 || declared.length > 4)
        fail(`${what} has an input shape of 1 to 3 dimensions`);
      shape = declared.slice(1).map((d, k) => int(d, `${what} input dimension ${k + 1}`, 1, 65536));
      inputShape = [...shape];
      lines.push(`Input(${shape.join('×')})`);
    }
    if (!shape) fail(`${what}: the first layer must declare the input shape`);
    const s: number[] = shape;
    const activation =
      typeof c.activation === 'string' && c.activation !== 'linear' ? `, ${c.activation.slice(0, 20)}` : '';
    const bias = c.use_bias !== false;
    const image = () => {
      if (s.length !== 3) fail(`${what} needs an image input (height × width × channels), not ${s.join('×')}`);
      if (c.data_format !== undefined && c.data_format !== 'channels_last') fail(`${what} must use channels_last`);
      return s as [number, number, number];
    };
    switch (cls) {
      case 'InputLayer':
        break;
      case 'Dense': {
        const units = int(c.units, `${what} units`, 1, 65536);
        implied += s[s.length - 1]! * units + (bias ? units : 0);
        shape = [...s.slice(0, -1), units];
        lines.push(`Dense(${units}${activation})`);
        break;
      }
      case 'Dropout': {
        const rate = c.rate;
        if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) fail(`${what} rate must be from 0 to below 1`);
        lines.push(`Dropout(${rate})`);
        break;
      }
      case 'Activation':
        lines.push(`Activation(${String(c.activation).slice(0, 20)})`);
        break;
      case 'Flatten':
        shape = [prod(s)];
        lines.push('Flatten');
        break;
      case 'Reshape': {
        const t = c.target_shape;
        if (!Array.isArray(t) || !t.length || t.length > 3) fail(`${what} target_shape must have 1 to 3 dimensions`);
        const dims = t.map((d, k) => (d === -1 ? -1 : int(d, `${what} target dimension ${k + 1}`, 1, 65536)));
        const known = prod(dims.filter((d) => d !== -1));
        const free = dims.filter((d) => d === -1).length;
        if (free > 1 || (free === 0 && known !== prod(s)) || (free === 1 && prod(s) % known !== 0))
          fail(`${what} cannot reshape ${s.join('×')} to ${dims.join('×')}`);
        shape = dims.map((d) => (d === -1 ? prod(s) / known : d));
        lines.push(`Reshape(${shape.join('×')})`);
        break;
      }
      case 'Conv2D':
      case 'Conv2DTranspose': {
        const [h, w, ch] = image();
        const filters = int(c.filters, `${what} filters`, 1, 4096);
        const [kh, kw] = pair(c.kernel_size, `${what} kernel_size`, 31, [3, 3]);
        const [sh, sw] = pair(c.strides, `${what} strides`, 16, [1, 1]);
        const [dh, dw] = pair(c.dilation_rate, `${what} dilation_rate`, 1, [1, 1]);
        void dh;
        void dw;
        const padding = c.padding ?? 'valid';
        if (padding !== 'valid' && padding !== 'same') fail(`${what} padding must be "valid" or "same"`);
        implied += kh * kw * ch * filters + (bias ? filters : 0);
        shape =
          cls === 'Conv2D'
            ? [convLength(h, kh, padding, sh), convLength(w, kw, padding, sw), filters]
            : [
                padding === 'same' ? h * sh : h * sh + Math.max(kh - sh, 0),
                padding === 'same' ? w * sw : w * sw + Math.max(kw - sw, 0),
                filters,
              ];
        lines.push(
          `${cls === 'Conv2D' ? 'Conv2D' : 'Conv2DTranspose'}(${filters}, ${kh}×${kw}${sh > 1 ? `, stride ${sh}` : ''}${activation})`,
        );
        break;
      }
      case 'MaxPooling2D': {
        const [h, w, ch] = image();
        const [ph, pw] = pair(c.pool_size, `${what} pool_size`, 64, [2, 2]);
        const [sh, sw] = pair(c.strides, `${what} strides`, 64, [ph, pw]);
        const padding = c.padding ?? 'valid';
        if (padding !== 'valid' && padding !== 'same') fail(`${what} padding must be "valid" or "same"`);
        shape = [convLength(h, ph, padding, sh), convLength(w, pw, padding, sw), ch];
        lines.push(`MaxPool(${ph})`);
        break;
      }
      case 'GlobalMaxPooling2D': {
        const [, , ch] = image();
        shape = [ch];
        lines.push('GlobalMaxPool');
        break;
      }
      case 'UpSampling2D': {
        const [h, w, ch] = image();
        const [uh, uw] = pair(c.size, `${what} size`, 16, [2, 2]);
        shape = [h * uh, w * uw, ch];
        lines.push(`UpSampling(${uh})`);
        break;
      }
      default:
        assertNever(cls);
    }
    const out: number[] = shape!;
    if (out.some((d) => !(d >= 1)) || prod(out) > MODEL_LIMITS.activation)
      fail(
        `${what} would output ${out.join('×')} values per sample (limit ${MODEL_LIMITS.activation.toLocaleString('en-US')})`,
      );
  }
  if (implied !== params)
    fail(
      `its layers need ${implied.toLocaleString('en-US')} weights, but the manifest lists ${params.toLocaleString('en-US')}`,
    );

  const sanitizedRoot = { ...root, config: isObj(config) ? { ...config, layers } : layers };
  return { modelTopology: sanitizedRoot, weightSpecs, paths, layers: lines, params, inputShape, outputShape: shape! };
}

const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** Refuses model files over the upload cap (before they are read, when the caller can). */
export function checkUploadSize(totalBytes: number): void {
  if (totalBytes > MODEL_LIMITS.uploadBytes)
    throw new ModelFileError(
      `The model files are ${formatBytes(totalBytes, { ...IN_MB, round: 'up' })}; ` +
        `the limit is ${formatBytes(MODEL_LIMITS.uploadBytes, IN_MB)}.`,
    );
}

/**
 * The files of a model upload by their base name: the entries of one zip (declared sizes capped
 * before anything is inflated), or the files chosen together.
 */
export function unpackModelUpload(files: { name: string; data: Uint8Array }[]): Map<string, Uint8Array> {
  checkUploadSize(files.reduce((s, f) => s + f.data.length, 0));
  const out = new Map<string, Uint8Array>();
  if (files.length === 1 && /\.zip$/i.test(files[0]!.name)) {
    const zip = files[0]!;
    let declared = 0;
    let count = 0;
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(zip.data, {
        filter: (f) => {
          if (f.name.endsWith('/') || /(^|\/)(__MACOSX|\.)/.test(f.name)) return false;
          if (++count > MODEL_LIMITS.zipEntries)
            throw new ModelFileError(
              `${zip.name} holds more than ${MODEL_LIMITS.zipEntries} files; a model zip holds model.json, its weights and preprocessing.json.`,
            );
          declared += f.originalSize;
          if (declared > MODEL_LIMITS.expandedBytes)
            throw new ModelFileError(
              `${zip.name} would unpack to more than ${formatBytes(MODEL_LIMITS.expandedBytes, IN_MB)}; it was not unpacked.`,
            );
          return true;
        },
      });
    } catch (e) {
      if (e instanceof ModelFileError) throw e;
      throw new ModelFileError(
        `${zip.name} could not be read as a zip (${errorMessage(e)}). Download the model again.`,
      );
    }
    for (const [name, data] of Object.entries(entries)) out.set(base(name), data);
  } else for (const f of files) out.set(base(f.name), f.data);
  return out;
}

/** Finds model.json among the files (by name, or the one JSON holding "modelTopology"). */
export function findModelJson(files: Map<string, Uint8Array>): string {
  if (files.has('model.json')) return 'model.json';
  const candidates = [...files.keys()].filter((n) => n.endsWith('.json') && n !== 'preprocessing.json');
  const found = candidates.find(
    (n) => files.get(n)!.length <= MODEL_LIMITS.jsonBytes && strFromU8(files.get(n)!).includes('"modelTopology"'),
  );
  if (!found)
    throw new ModelFileError(
      'No model.json was found. Choose the .zip the studio downloaded, or model.json together with its .bin weight file.',
    );
  return found;
}

export function jsonText(files: Map<string, Uint8Array>, name: string): string {
  const data = files.get(name)!;
  if (data.length > MODEL_LIMITS.jsonBytes)
    throw new ModelFileError(
      `${name} is over ${formatBytes(MODEL_LIMITS.jsonBytes, IN_MB)}; that is not a model description.`,
    );
  return strFromU8(data);
}

/** The weight files joined in manifest order; their size must be exactly what the manifest says. */
export function joinWeights(model: ModelFiles, files: Map<string, Uint8Array>): ArrayBuffer {
  const expected = model.weightSpecs.reduce((s, w) => s + prod(w.shape) * 4, 0);
  const parts = model.paths.map((p) => {
    const data = files.get(base(p));
    if (!data)
      throw new ModelFileError(
        `The weight file "${base(p)}" named in model.json is missing. Choose it together with model.json, or use the .zip.`,
      );
    return data;
  });
  const got = parts.reduce((s, d) => s + d.length, 0);
  if (got !== expected)
    throw new ModelFileError(
      `The weights are ${got.toLocaleString('en-US')} bytes, but model.json needs exactly ${expected.toLocaleString('en-US')}${got < expected ? ': the weight file is truncated' : ''}. Download the model again.`,
    );
  const out = new Uint8Array(expected);
  let offset = 0;
  for (const d of parts) {
    out.set(d, offset);
    offset += d.length;
  }
  return out.buffer;
}
