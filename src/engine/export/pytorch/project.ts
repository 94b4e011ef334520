// "Continue in PyTorch": a studio model (tfjs layers topology + weights), its preprocessing.json
// and its run settings as the files of a small PyTorch project (model.py generated per network;
// data.py, train.py fixed, in templates/), which a user unzips next to their data and runs with
// torchrun. Pure: no tfjs, no DOM; the caller zips the files.
import { strToU8 } from 'fflate';
import { ExportError } from '../exportError';
import { modelJson } from '../modelFiles';
import type { PreprocessingFile } from '../preprocessingFile';
import type { Chain } from '../topology/layers';
import { readChain, TopologyError } from '../topology/read';
import { prod } from '../topology/shapes';
import { bindWeights, checkWeightBytes } from '../topology/weights';
import { diagram, docText, modelPy } from './modelPy';
import { npz, type NpyArray } from './npz';
import { readme } from './readme';
import dataPy from './templates/data.py?raw';
import trainPy from './templates/train.py?raw';
import type { StudioNetwork, StudioRows, TorchRunSpec } from './types';

export type { StudioNetwork, StudioRows, TorchRunSpec } from './types';

/** Whether model.py can be written for this topology; the reason (naming the layer) when not. */
export function pytorchSupport(modelTopology: object): { ok: true } | { ok: false; reason: string } {
  try {
    readTorchChain(modelTopology);
    return { ok: true };
  } catch (e) {
    if (e instanceof ExportError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** The chain as the PyTorch project takes it (with its weights bound when given); the reader's refusals as ExportErrors. */
function readTorchChain(topology: object, weights?: { specs: StudioNetwork['weightSpecs']; bytes: number }): Chain {
  try {
    const chain = readChain(topology, 'pytorch');
    if (!chain.layers.length) throw new ExportError('The model has no layers besides its input.');
    if (!weights) return chain;
    checkWeightBytes(weights.specs, weights.bytes);
    return bindWeights(chain, weights.specs);
  } catch (e) {
    if (e instanceof TopologyError) throw new ExportError(e.message.charAt(0).toUpperCase() + e.message.slice(1));
    throw e;
  }
}
const json = (v: unknown, pretty = false) => strToU8(`${JSON.stringify(v, null, pretty ? 2 : undefined)}\n`);

/** The studio's file name for a model (as its downloads are named). */
export function exportSlug(name: string): string {
  return (
    name
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'model'
  );
}

/** The network's chain, its weights as arrays, checked against the bytes and the preprocessing. */
function readNetwork(net: StudioNetwork, p: PreprocessingFile): { chain: Chain; weights: Record<string, NpyArray> } {
  if (p.input.kind === 'text')
    throw new ExportError(
      'Text models cannot continue in PyTorch: their tokenizer and Transformer layers stay in the studio.',
    );
  const chain = readTorchChain(net.modelTopology, { specs: net.weightSpecs, bytes: net.weightData.byteLength });
  const width = prod(p.input.shape);
  if (prod(chain.inputShape) !== width)
    throw new ExportError(
      `The network takes ${chain.inputShape.join('×')} inputs, but preprocessing.json makes ${width} values per row.`,
    );
  const weights: Record<string, NpyArray> = {};
  let offset = 0;
  for (const w of net.weightSpecs) {
    const n = prod(w.shape);
    weights[w.name] = { data: new Float32Array(net.weightData.slice(offset, offset + n * 4)), shape: w.shape };
    offset += n * 4;
  }
  return { chain, weights };
}

/** split.json, check.json and data/encoded.npz from the studio's rows (checked against the input width). */
function rowFiles(rows: StudioRows, width: number, inputShape: number[]): Record<string, Uint8Array> {
  const wrong = rows.check.inputs.findIndex((r) => r.length !== width);
  if (wrong >= 0)
    throw new ExportError(
      `Check row ${wrong} has ${rows.check.inputs[wrong]!.length} values; the model takes ${width}.`,
    );
  const files: Record<string, Uint8Array> = { 'split.json': json(rows.split) };
  const e = rows.encoded;
  const labels = e?.y ? rows.check.rows.map((r) => e.y![r]!) : undefined;
  files['check.json'] = json({ ...rows.check, inputShape, ...(labels ? { labels } : {}) });
  if (e) {
    const count = e.x.length / width;
    if (!Number.isInteger(count) || prod(e.shape) !== width)
      throw new ExportError(
        `The encoded dataset (${e.x.length} values, rows of ${e.shape.join('×')}) does not fit the model.`,
      );
    files['data/encoded.npz'] = npz({
      x: { data: e.x, shape: [count, ...e.shape] },
      ...(e.y ? { y: { data: e.y, shape: [e.y.length] } } : {}),
    });
  }
  return files;
}

function inputNote(p: PreprocessingFile, chain: Chain): string {
  if (p.input.kind === 'image' && p.image) {
    const { height, width, channels, scale } = p.image;
    const layout =
      chain.inputShape.length === 3
        ? `NHWC [batch, ${chain.inputShape.join(', ')}]`
        : `flat [batch, ${chain.inputShape[0]}] (NHWC order)`;
    return `Inputs arrive as the studio feeds them: images ${layout}, ${height}x${width}, ${channels} channel(s),
pixel values times ${Math.abs(scale * 255 - 1) < 1e-12 ? '1/255' : scale} (data.py reads your image files that way). PyTorch's convolutions take
NCHW: forward() permutes once before the first convolution, and back before a Flatten, so the
flattened order is the studio's.`;
  }
  return `Inputs arrive as the studio feeds them: rows of ${prod(chain.inputShape)} values, encoded as preprocessing.json
says (standardized numbers, one-hot categories; data.py reads your CSV that way).`;
}

/** The project's files by path (the caller zips them, in a folder of its choice). */
export function pytorchProject(
  model: StudioNetwork,
  preprocessing: PreprocessingFile,
  run: TorchRunSpec,
  rows?: StudioRows,
): Record<string, Uint8Array> {
  const { chain, weights } = readNetwork(model, preprocessing);
  const title = `${docText(run.modelName)} (fine-tuned on ${docText(run.datasetName)})`;
  const source = modelPy(chain, { title, inputNote: inputNote(preprocessing, chain) });
  const optional = rows ? rowFiles(rows, prod(chain.inputShape), preprocessing.input.shape) : {};
  const text = {
    'model.py': source,
    'data.py': dataPy,
    'train.py': trainPy,
    'README.md': readme({
      run,
      preprocessing,
      diagram: diagram(chain),
      has: { split: !!rows, check: !!rows, encoded: !!rows?.encoded },
      exportName: `${exportSlug(run.modelName)}-pytorch.zip`,
    }),
    'requirements.txt': `# Tested with PyTorch 1.13.1, numpy 1.24, Pillow 9.4 (Python 3.11).\ntorch>=1.13\nnumpy\n${preprocessing.input.kind === 'image' ? 'pillow\n' : ''}`,
  };
  return {
    ...Object.fromEntries(Object.entries(text).map(([path, t]) => [path, strToU8(t)])),
    'weights.npz': npz(weights),
    'studio/model.json': json(modelJson(model.modelTopology, model.weightSpecs)),
    'preprocessing.json': json(preprocessing, true),
    'run.json': json(run, true),
    ...optional,
  };
}
