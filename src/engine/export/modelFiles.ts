// The TensorFlow.js layers format on disk (model.json + weight files) and the zip the studio
// downloads, written and read without tfjs: building the files, and validating what a user
// brings back before tfjs ever sees it (JSON shape, known layer classes, sizes implied by the
// layers against the weights manifest and the bytes present, caps on everything).
import { assertNever } from '../../shared/assertNever';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { errorMessage, formatBytes, type BytesFormat } from '../../shared/format';
import { MODEL_LIMITS } from '../../shared/limits';
import { isObj, ModelFileError, parseJsonSafely } from './safeJson';
import type { Chain, ChainLayer } from './topology/layers';
import { modelRoot, readChain, topologyLayers, TopologyError, type ReadLimits } from './topology/read';
import { prod } from './topology/shapes';
import { FORMAT_HINTS } from './topology/support';

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

/** Sizes in messages: whole megabytes, as the limits are stated. */
const IN_MB: BytesFormat = { precision: 'megabytes' };

const NOT_A_MODEL = 'model.json is not a model the studio can load';

function fail(why: string): never {
  throw new ModelFileError(`${NOT_A_MODEL}: ${why}. ${FORMAT_HINTS.import.other}`);
}

/** What an upload may hold, layer by layer (the rest of MODEL_LIMITS caps the files). */
const IMPORT_LIMITS: ReadLimits = {
  layers: MODEL_LIMITS.layers,
  dim: 65536,
  units: 65536,
  filters: 4096,
  kernel: 31,
  strides: 16,
  pool: 64,
  upsampling: 16,
  values: MODEL_LIMITS.activation,
};

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
 * Validates model.json's text: format, the topology as the reader takes it for the import (known
 * layer classes, each layer's settings in range, the options the support table refuses), and the
 * weights the layers imply against the manifest. Initializers are replaced by zeros (the weights
 * come from the file), so loading it never runs an expensive or unknown initializer.
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
  const { weightSpecs, paths } = readManifest(o.weightsManifest);
  const params = weightSpecs.reduce((s, w) => s + prod(w.shape), 0);
  if (params > MODEL_LIMITS.params)
    fail(
      `its weights hold ${params.toLocaleString('en-US')} values; the limit is ${MODEL_LIMITS.params.toLocaleString('en-US')}`,
    );
  const chain = readImportChain(topo);
  const implied = chain.layers.reduce((s, l) => s + l.weights.reduce((n, w) => n + prod(w.shape), 0), 0);
  if (implied !== params)
    fail(
      `its layers need ${implied.toLocaleString('en-US')} weights, but the manifest lists ${params.toLocaleString('en-US')}`,
    );
  return {
    modelTopology: withoutInitializers(topo),
    weightSpecs,
    paths,
    layers: layerLines(chain),
    params,
    inputShape: chain.inputShape,
    outputShape: chain.outputShape,
  };
}

/** The topology as the import reads it: the reader's refusals in the import's words. */
function readImportChain(topology: Record<string, unknown>): Chain {
  try {
    return readChain(topology, 'import', IMPORT_LIMITS);
  } catch (e) {
    if (e instanceof TopologyError) throw new ModelFileError(`${NOT_A_MODEL}: ${e.message}`);
    throw e;
  }
}

/** The weights manifest: the weight files in order and each weight's name and shape (float32, unquantized). */
function readManifest(manifest: unknown): { weightSpecs: WeightSpec[]; paths: string[] } {
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
    for (const [i, w] of group.weights.entries()) weightSpecs.push(readWeightSpec(w, `weight ${i} of group ${g}`));
  }
  return { weightSpecs, paths };
}

function readWeightSpec(w: unknown, what: string): WeightSpec {
  if (!isObj(w) || typeof w.name !== 'string' || w.name.length > 300) fail(`${what} has no name`);
  if (w.dtype !== 'float32')
    fail(`weight "${w.name}" is ${String(w.dtype).slice(0, 20)}; only float32 weights are supported`);
  if (w.quantization !== undefined) fail(`weight "${w.name}" is quantized; export it without quantization`);
  if (!Array.isArray(w.shape) || w.shape.length > 4) fail(`weight "${w.name}" has no valid shape`);
  const shape = w.shape.map((d, k) => {
    if (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= MODEL_LIMITS.params) return d;
    return fail(
      `dimension ${k} of weight "${w.name}" must be a whole number from 0 to ${MODEL_LIMITS.params} (it is ${JSON.stringify(d)?.slice(0, 40)})`,
    );
  });
  return { name: w.name, shape, dtype: 'float32' };
}

/** The topology to hand tfjs (Keras's wrapper removed): its model class and layers as read, every initializer a Zeros (never run). */
function withoutInitializers(topo: Record<string, unknown>): Record<string, unknown> {
  const root = modelRoot(topo);
  const config = root.config;
  const layers = topologyLayers(topo).map((l) => {
    const layer = l as { config: Record<string, unknown> };
    const c = { ...layer.config };
    for (const k of ['kernel_initializer', 'bias_initializer']) if (k in c) c[k] = { class_name: 'Zeros', config: {} };
    return { ...layer, config: c };
  });
  return { ...root, config: isObj(config) ? { ...config, layers } : layers };
}

/** The layers in one line each, as the model card lists them: Input(28×28×1), Conv2D(16, 3×3, relu), … */
function layerLines(chain: Chain): string[] {
  return [`Input(${chain.inputShape.join('×')})`, ...chain.layers.map(layerLine)];
}

function layerLine(l: ChainLayer): string {
  const activation = 'activation' in l && l.activation !== 'linear' ? `, ${l.activation}` : '';
  switch (l.type) {
    case 'dense':
      return `Dense(${l.units}${activation})`;
    case 'dropout':
      return `Dropout(${l.rate})`;
    case 'activation':
      return `Activation(${l.activation})`;
    case 'flatten':
      return 'Flatten';
    case 'reshape':
      return `Reshape(${l.target.join('×')})`;
    case 'conv':
    case 'deconv': {
      const [kh, kw] = l.kernel;
      return `${l.className}(${l.filters}, ${kh}×${kw}${l.strides[0] > 1 ? `, stride ${l.strides[0]}` : ''}${activation})`;
    }
    case 'maxpool':
      return `MaxPool(${l.pool[0]})`;
    case 'globalmaxpool':
      return 'GlobalMaxPool';
    case 'upsample':
      return `UpSampling(${l.size[0]})`;
    default:
      return assertNever(l);
  }
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
