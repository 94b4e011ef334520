// The "Continue in PyTorch" project, run for real with the system's Python and PyTorch: the
// network predicts what the studio's does, data.py reads the original files into the studio's
// rows, train.py continues on two ranks and writes a zip the studio imports again.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encodePng } from '../../../../scripts/png.mjs';
import { PYTHON, runPython as python, torchrun, type Ran } from '../../../../scripts/torchrun.mjs';
import * as tf from '@tensorflow/tfjs';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, readPublic } from '../../../test/fixtures';
import { DEFAULT_CONFIG, DEFAULT_TABLE_OPTIONS } from '../../../shared/defaults';
import { learningRateAt } from '../../../shared/schedule';
import type { TableOptions } from '../../../shared/types/datasets';
import type { FreezeSpec, ScheduleSpec } from '../../../shared/types/training';
import { gatherBatch, type Dataset } from '../../data/dataset';
import { buildImageDataset } from '../../data/images/build';
import { readZipImages } from '../../data/images/files';
import { buildTableDataset } from '../../data/table/buildTable';
import { readCsv } from '../../data/table/readCsv';
import { buildModel } from '../../models/build';
import { classifierFromEncoder } from '../../pretrain/encoders';
import { buildTextClassifier } from '../../text/transformer';
import { applyFreeze } from '../../train/freeze';
import { ExportError } from '../exportError';
import { readModelJson } from '../modelFiles';
import { parsePreprocessingFile, toPreprocessingFile, type PreprocessingFile } from '../preprocessingFile';
import { pytorchProject, pytorchSupport, type StudioRows, type TorchRunSpec } from './project';

const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy, PIL'], { encoding: 'utf8' });
const HAS_TORCH = probe.status === 0;
const WHY_NOT = `${PYTHON} cannot import torch, numpy and PIL (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop()})`;
// CI sets REQUIRE_TORCH: there a missing PyTorch fails the tests instead of skipping them.
const withTorch = HAS_TORCH || process.env.REQUIRE_TORCH ? describe : describe.skip;
if (!HAS_TORCH && !process.env.REQUIRE_TORCH) console.warn(`Skipping the PyTorch project tests: ${WHY_NOT}.`);

const root = mkdtempSync(join(tmpdir(), 'pytorch-project-'));
afterAll(() => process.env.KEEP_PROJECTS || rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// ---- Helpers ----------------------------------------------------------------------------------

interface Net {
  modelTopology: object;
  weightSpecs: { name: string; shape: number[]; dtype: string }[];
  weightData: ArrayBuffer;
}

async function saved(model: tf.LayersModel): Promise<Net> {
  let a: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      a = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const art = a! as tf.io.ModelArtifacts;
  const data = art.weightData!;
  return {
    modelTopology: art.modelTopology as object,
    weightSpecs: art.weightSpecs!,
    weightData: Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : (data as ArrayBuffer),
  };
}

/** Seeded random weights (not the initializers' zeros and small values), so that parity means something. */
function perturb(model: tf.LayersModel, seed: number): void {
  model.setWeights(
    model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, w.shape.length > 1 ? 0.4 : 0.2, 'float32', seed + i)),
  );
}

function predict(model: tf.LayersModel, x: Float32Array, n: number, shape: number[]): number[][] {
  return tf.tidy(
    () => (model.predict(tf.tensor(x, [n, ...shape])) as tf.Tensor).reshape([n, -1]).arraySync() as number[][],
  );
}

/** StudioRows as the worker gathers them: the split, held-out rows and outputs, the encoded data. */
function studioRows(ds: Dataset, model: tf.LayersModel, shape: number[], checkRows?: Int32Array): StudioRows {
  const rows = checkRows ?? ds.split.test.subarray(0, 16);
  const { x } = gatherBatch(ds, rows, 0, rows.length);
  const all = Int32Array.from({ length: ds.rows }, (_, i) => i);
  return {
    split: { train: [...ds.split.train], val: [...ds.split.val], test: [...ds.split.test] },
    check: {
      rows: [...rows],
      inputs: Array.from({ length: rows.length }, (_, i) => [...x.subarray(i * ds.features, (i + 1) * ds.features)]),
      outputs: predict(model, x, rows.length, shape),
    },
    encoded: { x: gatherBatch(ds, all, 0, ds.rows).x, shape: ds.inputShape, y: ds.y },
  };
}

const RUN: TorchRunSpec = {
  modelName: 'Iris MLP, epoch 3',
  datasetName: 'iris',
  task: 'classification',
  epochsDone: 3,
  epochs: 8,
  batchSize: 16,
  learningRate: 0.01,
  seed: 5,
  optimizer: DEFAULT_CONFIG.optimizer,
  schedule: DEFAULT_CONFIG.schedule,
  // Epochs 4-5 train the head only; 6-8 all layers at half the rate (a fresh optimizer and DDP wrapper).
  freeze: { headEpochs: 5, unfreeze: 'all', lastK: 1, lrFactor: 0.5 },
};

function preprocessingOf(ds: Dataset, modelInputShape: number[], name = RUN.modelName): PreprocessingFile {
  return toPreprocessingFile(ds.preprocessing, {
    name,
    dataset: ds.name,
    stage: 'finetune',
    epoch: RUN.epochsDone,
    task: ds.task,
    modelInputShape,
    metrics: { accuracy: 0.5 },
  });
}

function writeProject(name: string, files: Record<string, Uint8Array>): string {
  const dir = join(root, name);
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  return dir;
}

const maxDiff = (out: string, label: RegExp) => Number(label.exec(out)?.[1] ?? NaN);

async function tableDataset(text: string, file: string, opts: Partial<TableOptions>): Promise<Dataset> {
  const raw = await readCsv(text, file, { skipMalformed: true });
  return buildTableDataset(raw, { ...DEFAULT_TABLE_OPTIONS, ...opts });
}

/**
 * A table with what the studio's reader handles: quoted delimiters, padded cells, missing-value
 * spellings, a blank line, CRLF, a BOM, a malformed row (skipped), non-ASCII text, categories
 * beyond maxCategories ("other") and ones unseen in training.
 */
function mixedCsv(): string {
  const colours = ['red', 'grün', 'blue', 'cyan', 'plum'];
  const lines = ['\uFEFFsize,colour, note ,weight,label,price'];
  for (let i = 0; i < 60; i++) {
    const size = i % 7 === 3 ? (['NA', '', '?', ' n/a '] as const)[i % 4] : String((i * 37) % 50) + '.25';
    const colour = i % 11 === 5 ? 'null' : i % 13 === 0 ? ' "' + colours[i % 5] + '"' : colours[(i * 3) % 5]!;
    const weight = i % 9 === 4 ? '-' : `${(i % 5) - 2}e-1`;
    const label = i % 17 === 16 ? 'none' : ['"small, cheap"', 'big', 'mid'][i % 3];
    const price = i % 19 === 7 ? 'NaN' : `${(i * 13) % 40}.5`;
    lines.push(`${size},${colour},x${i},${weight},${label},${price}`);
    if (i === 30) lines.push('', '1,2,3');
  }
  return lines.join('\r\n') + '\r\n';
}

const MIXED: Record<'impute' | 'drop', Partial<TableOptions>> = {
  impute: { label: 'label', missing: 'impute', maxCategories: 3, roles: { note: 'ignore', price: 'ignore' } },
  drop: { label: 'price', task: 'regression', missing: 'drop', maxCategories: 4, roles: { note: 'ignore' } },
};

/** A project for the mixed table (all its rows as check rows), with mixed.csv beside it. */
async function mixedProject(name: string, opts: Partial<TableOptions>) {
  const text = mixedCsv();
  const ds = await tableDataset(text, 'mixed.csv', opts);
  const model = buildModel('mlp', ds.inputShape, ds.classNames.length, 1);
  // Every labelled row (rows whose label is missing are the studio's unlabeled rows, after them;
  // data.py leaves them out, as it leaves out what the studio dropped).
  const unlabeled = new Set(ds.unlabeled ?? []);
  const all = Int32Array.from({ length: ds.rows }, (_, i) => i).filter((r) => !unlabeled.has(r));
  const run = { ...RUN, modelName: name, task: ds.task as TorchRunSpec['task'] };
  const files = pytorchProject(
    await saved(model),
    preprocessingOf(ds, ds.inputShape),
    run,
    studioRows(ds, model, ds.inputShape, all),
  );
  const dir = writeProject(name, files);
  writeFileSync(join(dir, 'mixed.csv'), text);
  return { dir, ds, model };
}

/** The model in a studio zip, loaded by tfjs as the studio's import does. */
async function loadZipModel(files: Record<string, Uint8Array>): Promise<tf.LayersModel> {
  const parsed = readModelJson(strFromU8(files['model.json']!));
  const bin = files['model.weights.bin']!;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: parsed.modelTopology,
      weightSpecs: parsed.weightSpecs,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer,
    }),
  );
}

const largestDifference = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((row, i) => row.map((v, k) => Math.abs(v - b[i]![k]!))));

const oneLine = (out: string) => out.trim().replace(/\n/g, '; ');

const irisText = () => readPublic('iris.csv').toString('utf8');

// ---- Refusals (no Python needed) ----------------------------------------------------------------

describe('what the PyTorch project refuses', () => {
  it('refuses the text Transformer, naming the layer, and pytorchSupport says the same', async () => {
    const spec = {
      width: 16,
      heads: 2,
      layers: 1,
      mlpWidth: 32,
      pooling: 'mean' as const,
      dropout: 0,
      vocabSize: 30,
      maxLen: 8,
    };
    const model = buildTextClassifier(spec, 2, 1, DEFAULT_CONFIG.head);
    const net = await saved(model);
    const support = pytorchSupport(net.modelTopology);
    expect(support.ok).toBe(false);
    const reason = support.ok ? '' : support.reason;
    expect(reason).toMatch(/^Layer 2 "\w+" \((StudioPositionEmbedding|Embedding)\) is not supported/);
    expect(reason).toMatch(/Transformers/);
    const iris = await tableDataset(irisText(), 'iris.csv', { label: 'species' });
    expect(() => pytorchProject(net, preprocessingOf(iris, [4]), RUN)).toThrow(ExportError);
    expect(() => pytorchProject(net, preprocessingOf(iris, [4]), RUN)).toThrow(reason);
    model.dispose();
  });

  it('refuses a network that is not one chain of layers, and weights that do not fit', async () => {
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 3, name: 'a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, name: 'b' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers
      .dense({ units: 2, name: 'c' })
      .apply(tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor);
    const branched = tf.model({ inputs: input, outputs: sum as tf.SymbolicTensor });
    expect(pytorchSupport((await saved(branched)).modelTopology)).toMatchObject({ ok: false, reason: /Concatenate/ });
    const chainInput = tf.input({ shape: [4] });
    const hidden = tf.layers.dense({ units: 5, name: 'h' }).apply(chainInput) as tf.SymbolicTensor;
    const chained = tf.model({
      inputs: chainInput,
      outputs: tf.layers.dense({ units: 3 }).apply(hidden) as tf.SymbolicTensor,
    });
    expect(pytorchSupport((await saved(chained)).modelTopology)).toEqual({ ok: true });
    chained.dispose();
    const mlp = buildModel('mlp', [4], 3, 1);
    const net = await saved(mlp);
    expect(pytorchSupport(net.modelTopology)).toEqual({ ok: true });
    const iris = await tableDataset(irisText(), 'iris.csv', { label: 'species' });
    const short = { ...net, weightData: net.weightData.slice(4) };
    expect(() => pytorchProject(short, preprocessingOf(iris, [4]), RUN)).toThrow(/bytes/);
    expect(() => pytorchProject(net, preprocessingOf(iris, [4]), RUN)).not.toThrow();
    const text = { ...preprocessingOf(iris, [4]), input: { kind: 'text' as const, shape: [4], modelInputShape: [4] } };
    expect(() => pytorchProject(net, text, RUN)).toThrow(/Text models cannot continue in PyTorch/);
    branched.dispose();
    mlp.dispose();
  });
});

// ---- The project, run with PyTorch --------------------------------------------------------------

withTorch('the PyTorch project, run with PyTorch', () => {
  let iris: Dataset;
  let irisDir: string;
  let irisModel: tf.LayersModel;
  let irisRows: StudioRows;

  beforeAll(async () => {
    if (!HAS_TORCH) throw new Error(`REQUIRE_TORCH is set, but ${WHY_NOT}.`);
    iris = await tableDataset(irisText(), 'iris.csv', { label: 'species' });
    irisModel = buildModel('mlp', [4], 3, RUN.seed);
    perturb(irisModel, 11);
    irisRows = studioRows(iris, irisModel, [4]);
    irisDir = writeProject('iris', pytorchProject(await saved(irisModel), preprocessingOf(iris, [4]), RUN, irisRows));
  });

  it('predicts the studio networks held-out rows within 1e-4 (MLP, CNN, conv encoder + Flatten, other layers)', async () => {
    const mnist = loadMnist();
    const digits = (name: string, model: tf.LayersModel, shape: number[]) => {
      perturb(model, 3);
      const rows = studioRows(mnist, model, shape);
      delete rows.encoded; // 70,000 images: too many to ship (the worker leaves them out too)
      const pre = preprocessingOf(mnist, shape, name);
      return saved(model).then((net) =>
        writeProject(name, pytorchProject(net, pre, { ...RUN, modelName: name }, rows)),
      );
    };
    const general = tf.sequential({ name: 'general' });
    general.add(tf.layers.reshape({ inputShape: [784], targetShape: [28, 28, 1], name: 'to_image' }));
    general.add(
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu', name: 'c1' }),
    );
    general.add(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'p1' }));
    general.add(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', name: 't1' }));
    general.add(tf.layers.activation({ activation: 'tanh', name: 'tanh' }));
    general.add(tf.layers.conv2dTranspose({ filters: 2, kernelSize: 1, strides: 2, padding: 'valid', name: 't2' }));
    general.add(tf.layers.upSampling2d({ size: [1, 2], name: 'up' }));
    general.add(tf.layers.conv2d({ filters: 3, kernelSize: [2, 3], padding: 'valid', useBias: false, name: 'c2' }));
    general.add(tf.layers.dense({ units: 2, activation: 'sigmoid', name: 'per_pixel' }));
    general.add(tf.layers.flatten({ name: 'flat' }));
    general.add(tf.layers.dropout({ rate: 0.25, name: 'drop' }));
    general.add(tf.layers.dense({ units: 10, name: 'head_out' }));
    general.add(tf.layers.activation({ activation: 'softmax', name: 'head_softmax' }));
    // Global pooling, then back to an image: the layout bookkeeping after a pooled vector.
    const pooled = tf.sequential({ name: 'pooled' });
    pooled.add(
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, strides: 3, activation: 'relu6' }),
    );
    pooled.add(tf.layers.globalMaxPooling2d({}));
    pooled.add(tf.layers.reshape({ targetShape: [1, 1, 6] }));
    pooled.add(tf.layers.upSampling2d({ size: [2, 2] }));
    pooled.add(tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, padding: 'same', activation: 'softsign' }));
    pooled.add(tf.layers.flatten());
    pooled.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'head_out' }));
    const models = [
      buildModel('cnn', [28, 28, 1], 10, 2, { hidden: [16], dropout: 0.5 }, [8, 16]),
      classifierFromEncoder({ kind: 'conv', widths: [4, 8] }, [], [28, 28, 1], 10, 4),
      general,
      pooled,
    ];
    const dirs = await Promise.all([
      digits('cnn', models[0]!, [28, 28, 1]),
      digits('conv-encoder-flatten', models[1]!, [28, 28, 1]),
      digits('general', models[2]!, [784]),
      digits('pooled', models[3]!, [28, 28, 1]),
    ]);
    const results = await Promise.all([irisDir, ...dirs].map((dir) => python(dir, ['model.py', '--check'])));
    for (const [i, r] of results.entries()) {
      const diff = maxDiff(r.out, /max \|torch - studio\| = (\S+)/);
      console.log(
        `model.py --check ${['iris', 'cnn', 'conv-encoder-flatten', 'general', 'pooled'][i]}: max diff ${diff}`,
      );
      expect(r.code, r.out).toBe(0);
      expect(diff).toBeLessThan(1e-4);
    }
    expect(readFileSync(join(dirs[1]!, 'model.py'), 'utf8')).toMatch(
      /x = x\.permute\(0, 2, 3, 1\) {2}# NCHW -> NHWC: flatten/,
    );
    models.forEach((m) => m.dispose());
  });

  it('predicts as the studio with dilated convolutions, a free Reshape dimension and gelu, gelu_new, log_softmax', async () => {
    const mnist = loadMnist();
    const m = tf.sequential({ name: 'dilated' });
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }));
    m.add(
      tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], dilationRate: [3, 1], padding: 'same', activation: 'gelu' }),
    );
    m.add(tf.layers.maxPooling2d({ poolSize: 3, strides: 3, padding: 'same' }));
    m.add(tf.layers.conv2d({ filters: 4, kernelSize: [3, 2], dilationRate: [1, 2], activation: 'gelu_new' }));
    m.add(tf.layers.reshape({ targetShape: [-1, 4] })); // saved with a null (free) dimension
    m.add(tf.layers.activation({ activation: 'logSoftmax' } as unknown as Parameters<typeof tf.layers.activation>[0]));
    m.add(tf.layers.dense({ units: 2 })); // on 64×4 (tfjs leaves the free dimension open until run)
    m.add(tf.layers.reshape({ targetShape: [128] }));
    m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    perturb(m, 5);
    const rows = studioRows(mnist, m, [28, 28, 1]);
    delete rows.encoded;
    const net = await saved(m);
    const dir = writeProject('dilated', pytorchProject(net, preprocessingOf(mnist, [28, 28, 1], 'dilated'), RUN, rows));
    const source = readFileSync(join(dir, 'model.py'), 'utf8');
    expect(source).toMatch(/nn\.Conv2d\(1, 3, kernel_size=\(3, 3\), dilation=\(2, 2\), padding=\(2, 2\)\)/);
    expect(source).toMatch(/F\.gelu\(.*approximate="tanh"\)/);
    const r = await python(dir, ['model.py', '--check']);
    const diff = maxDiff(r.out, /max \|torch - studio\| = (\S+)/);
    console.log(`model.py --check dilated: max diff ${diff}`);
    expect(r.code, r.out).toBe(0);
    expect(diff).toBeLessThan(1e-4);
    m.dispose();
  });

  it("the support table's reason to refuse bilinear upsampling holds: nn.Upsample samples elsewhere than tfjs", async () => {
    const x = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 3, 1]);
    const up = tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }).apply(x) as tf.Tensor;
    const studio = Array.from(await up.data());
    tf.dispose([x, up]);
    const script =
      'import json, torch\nx = torch.arange(9.0).reshape(1, 1, 3, 3)\n' +
      'print(json.dumps([torch.nn.Upsample(scale_factor=2, mode="bilinear", align_corners=a)(x).flatten().tolist() for a in (False, True)]))';
    const r = await python(root, ['-c', script]);
    expect(r.code, r.out).toBe(0);
    const torchValues = JSON.parse(r.out.trim().split('\n').pop()!) as number[][];
    expect(studio.slice(0, 6)).toEqual([0, 0.5, 1, 1.5, 2, 2]);
    for (const values of torchValues) expect(largestDifference([values], [studio])).toBeGreaterThan(0.1);
    expect(torchValues.map((v) => v.slice(0, 6).map((d) => Math.round(d * 100) / 100))).toEqual([
      [0, 0.25, 0.75, 1.25, 1.75, 2],
      [0, 0.4, 0.8, 1.2, 1.6, 2],
    ]);
    // …and the refusal quotes these numbers.
    const bilinear = tf.sequential({
      layers: [tf.layers.upSampling2d({ inputShape: [3, 3, 1], interpolation: 'bilinear' })],
    });
    expect(pytorchSupport((await saved(bilinear)).modelTopology)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('PyTorch 0, 0.25, 0.75, 1.25, 1.75, 2 or 0, 0.4, 0.8, 1.2, 1.6, 2'),
    });
    bilinear.dispose();
  });

  it('data.py reads iris.csv into the studio rows, and fails on a corrupted expectation', async () => {
    const all = Int32Array.from({ length: iris.rows }, (_, i) => i);
    const rows = studioRows(iris, irisModel, [4], all);
    const dir = writeProject('iris-all', pytorchProject(await saved(irisModel), preprocessingOf(iris, [4]), RUN, rows));
    writeFileSync(join(dir, 'iris.csv'), irisText());
    const ok = await python(dir, ['data.py', '--data', 'iris.csv', '--check']);
    console.log(`data.py --check iris: ${oneLine(ok.out)}`);
    expect(ok.code, ok.out).toBe(0);
    expect(maxDiff(ok.out, /max \|data.py - studio\| = (\S+)/)).toBe(0);
    expect(ok.out).toMatch(/max label difference = 0\b/);
    const check = JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8')) as { inputs: number[][] };
    check.inputs[7]![2]! += 0.001;
    writeFileSync(join(dir, 'check.json'), JSON.stringify(check));
    const bad = await python(dir, ['data.py', '--data', 'iris.csv', '--check']);
    expect(bad.code).toBe(1);
    expect(maxDiff(bad.out, /max \|data.py - studio\| = (\S+)/)).toBeCloseTo(0.001, 4);
  });

  it('data.py reproduces one-hot columns, missing values ("impute" and "drop") and a numeric label', async () => {
    for (const [name, opts] of Object.entries(MIXED)) {
      const { dir, ds, model } = await mixedProject(`mixed-${name}`, opts);
      const r = await python(dir, ['data.py', '--data', 'mixed.csv', '--check']);
      console.log(`data.py --check mixed (${name}, ${ds.rows} rows, ${ds.features} inputs): ${oneLine(r.out)}`);
      expect(r.code, r.out).toBe(0);
      expect(maxDiff(r.out, /max \|data.py - studio\| = (\S+)/)).toBe(0);
      expect(r.out).toMatch(/max label difference = 0\b/);
      model.dispose();
    }
  });

  it('data.py reads a zip of class folders in the studio order (images already at size: exact)', async () => {
    const mnist = loadMnist();
    const side = 28;
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i < 40; i++) {
      const digit = mnist.y![i]!;
      entries[`digits/${digit % 2 ? 'odd' : 'even'}/${String(i).padStart(3, '0')}-${digit}.png`] = encodePng(
        side,
        side,
        mnist.x.subarray(i * side * side, (i + 1) * side * side) as Uint8Array,
      );
    }
    entries['digits/.DS_Store'] = new Uint8Array([1, 2, 3]);
    const zip = zipSync(entries);
    // The studio's own reading of the zip; decoding is the identity at this size (the canvas is in the browser).
    const { entries: read } = await readZipImages(new Blob([zip as BlobPart]), 'digits.zip');
    const pixels = new Uint8Array(read.length * side * side);
    read.forEach((e, k) => {
      const i = Number(/\/(\d+)-/.exec(e.path)![1]);
      pixels.set(mnist.x.subarray(i * side * side, (i + 1) * side * side) as Uint8Array, k * side * side);
    });
    const options = { size: 28 as const, color: 'grayscale' as const };
    const ds = buildImageDataset({
      name: 'digits',
      options,
      pixels,
      count: read.length,
      labels: read.map((e) => e.label),
      skipped: [],
    });
    const model = buildModel('mlp', [side, side, 1], 2, 1);
    const all = Int32Array.from({ length: ds.rows }, (_, i) => i);
    const pre = preprocessingOf(ds, [side * side]);
    const dir = writeProject(
      'digits',
      pytorchProject(await saved(model), pre, RUN, studioRows(ds, model, [side * side], all)),
    );
    writeFileSync(join(dir, 'digits.zip'), zip);
    const r = await python(dir, ['data.py', '--data', 'digits.zip', '--check']);
    console.log(`data.py --check digits.zip: ${oneLine(r.out)}`);
    expect(r.code, r.out).toBe(0);
    expect(maxDiff(r.out, /max \|data.py - studio\| = (\S+)/)).toBe(0);
    model.dispose();
  });

  it('reproduces the studio learning-rate schedule and freezing', async () => {
    const schedules: ScheduleSpec[] = [
      { kind: 'constant', warmupEpochs: 1.5, stepEvery: 10, stepFactor: 0.5, minFactor: 0 },
      { kind: 'step', warmupEpochs: 0, stepEvery: 2, stepFactor: 0.3, minFactor: 0 },
      { kind: 'cosine', warmupEpochs: 1, stepEvery: 10, stepFactor: 0.5, minFactor: 0.1 },
    ];
    const freezes: FreezeSpec[] = [
      { headEpochs: 2, unfreeze: 'all', lastK: 1, lrFactor: 0.1 },
      { headEpochs: 3, unfreeze: 'last', lastK: 1, lrFactor: 0.5 },
      { headEpochs: 0, unfreeze: 'all', lastK: 1, lrFactor: 0.1 },
    ];
    const stepsPerEpoch = 7;
    const cases = schedules.flatMap((schedule, i) => {
      const c = { learningRate: 0.01, epochs: 6, schedule, freeze: freezes[i]! };
      return Array.from({ length: 6 * stepsPerEpoch }, (_, step) => ({
        ...c,
        step,
        lr: learningRateAt(c, step, stepsPerEpoch),
      }));
    });
    // Freezing on a conv encoder + head: which layers train per epoch, as the studio sets them.
    const model = classifierFromEncoder({ kind: 'conv', widths: [4, 8] }, [], [16, 16, 1], 3, 1, {
      hidden: [8],
      dropout: 0.5,
    });
    const images = {
      kind: 'image' as const,
      height: 16,
      width: 16,
      channels: 1 as const,
      scale: 1 / 255,
      classNames: ['a', 'b', 'c'],
    };
    const pre = toPreprocessingFile(images, {
      name: 'freeze',
      dataset: 'shapes',
      stage: 'finetune',
      epoch: 3,
      task: 'classification',
      modelInputShape: [16, 16, 1],
      metrics: {},
    });
    const dir = writeProject('freeze', pytorchProject(await saved(model), pre, RUN));
    const trains = freezes.flatMap((freeze) =>
      [1, 2, 3, 4].map((epoch) => ({
        freeze,
        epoch,
        layers: applyFreeze(model, freeze, epoch)
          .filter((l) => l.trainable)
          .map((l) => l.name),
      })),
    );
    writeFileSync(join(dir, 'cases.json'), JSON.stringify({ cases, trains, stepsPerEpoch }));
    const script = `
import json, train, model
d = json.load(open("cases.json"))
lr = [abs(train.learning_rate_at({"learningRate": c["learningRate"], "schedule": c["schedule"], "freeze": c["freeze"]}, c["epochs"], c["step"], d["stepsPerEpoch"]) - c["lr"]) for c in d["cases"]]
names = {attr: name for name, _, attr in model.LAYERS}
bad = [t for t in d["trains"] if sorted(names[a] for a in train.trainable_layers(t["freeze"], t["epoch"])) != sorted(t["layers"])]
print(json.dumps({"lr": max(lr), "bad": bad}))`;
    const r = await python(dir, ['-c', script]);
    expect(r.code, r.out).toBe(0);
    const result = JSON.parse(r.out.trim().split('\n').pop()!) as { lr: number; bad: unknown[] };
    expect(result.lr).toBeLessThan(1e-12);
    expect(result.bad).toEqual([]);
    model.dispose();
  });

  describe('continuing on two ranks', () => {
    const out = (rank: number) => join(root, `ranks/out${rank}`);
    const shards = join(root, 'ranks/shards');
    const zipName = 'Iris-MLP-epoch-3-pytorch.zip';

    // One training row fewer than the studio's (an odd count: shards of 51 and 50 rows, 11 and 10
    // batches of 5, which DDP's join() evens out).
    const split = () => ({ ...irisRows.split, train: irisRows.split.train.slice(1) });
    let first: Ran;
    let second: Ran;

    beforeAll(async () => {
      writeFileSync(join(irisDir, 'split.json'), JSON.stringify(split()));
      const started = performance.now();
      [first, second] = (await torchrun({
        cwd: irisDir,
        world: 2,
        args: (r) => ['train.py', '--epochs', '5', '--batch-size', '10', '--out', out(r), '--shard-log', shards],
      })) as [Ran, Ran];
      console.log(`two ranks, ${((performance.now() - started) / 1000).toFixed(1)} s; rank 0:\n${first.out}`);
    }, 200_000); // up to three attempts of 60 s (scripts/torchrun.mjs)

    it('trains on disjoint shards with torchrun variables, the loss falls, rank 0 alone writes', () => {
      expect(first.code, first.out).toBe(0);
      expect(second.code, second.out).toBe(0);
      const losses = [...first.out.matchAll(/^epoch (\d+)\/8 {2}loss (\S+)/gm)].map((m) => Number(m[2]));
      expect(losses).toHaveLength(5);
      expect(losses[4]!).toBeLessThan(losses[0]!);
      expect(first.out).toMatch(/epoch 4: training the head only[^]*epoch 6: training 2 of 2 layers/);
      expect(second.out).not.toMatch(/^epoch \d/m);
      const [a, b] = [0, 1].map(
        (r) => (JSON.parse(readFileSync(join(shards, `rank${r}.json`), 'utf8')) as { rows: number[] }).rows,
      );
      console.log(`shards: rank 0 ${a!.length} rows, rank 1 ${b!.length} rows of ${split().train.length}`);
      expect(a!.filter((row) => b!.includes(row))).toEqual([]);
      expect([...a!, ...b!].sort((x, y) => x - y)).toEqual([...split().train].sort((x, y) => x - y));
      expect(readdirSync(join(out(0), 'checkpoints'))).toEqual(
        expect.arrayContaining(['epoch-0008.pt', 'history.json']),
      );
      expect(existsSync(join(out(0), 'studio-export', zipName))).toBe(true);
      expect(existsSync(join(out(1), 'checkpoints'))).toBe(false);
      expect(existsSync(join(out(1), 'studio-export'))).toBe(false);
    });

    it('writes a zip the studio imports: its validation passes, tfjs predicts what PyTorch did', async () => {
      const files = unzipSync(readFileSync(join(out(0), 'studio-export', zipName)));
      const parsed = readModelJson(strFromU8(files['model.json']!));
      expect(parsed).toMatchObject({ inputShape: [4], outputShape: [3] });
      const { meta } = parsePreprocessingFile(strFromU8(files['preprocessing.json']!));
      expect(meta).toMatchObject({
        name: `${RUN.modelName} (PyTorch)`,
        epoch: 8,
        stage: 'finetune',
        task: 'classification',
      });
      expect(Object.keys(meta.metrics).sort()).toEqual(['accuracy', 'macroF1', 'valAccuracy', 'valLoss', 'weightedF1']);
      const model = await loadZipModel(files);
      const expected = JSON.parse(readFileSync(join(out(0), 'studio-export', 'predictions.json'), 'utf8')) as {
        outputs: number[][];
      };
      const inputs = irisRows.check.inputs;
      const got = predict(model, Float32Array.from(inputs.flat()), inputs.length, [4]);
      const diff = largestDifference(got, expected.outputs);
      console.log(`round trip: max |tfjs - torch| = ${diff}`);
      expect(diff).toBeLessThan(1e-4);
      // Trained: no longer the network the studio exported.
      expect(largestDifference(got, irisRows.check.outputs)).toBeGreaterThan(1e-3);
      model.dispose();
    });

    it('runs as one plain process too: resumes from the latest checkpoint; regression from the CSV', async () => {
      const { dir, model } = await mixedProject('regression', MIXED.drop!);
      const [resumed, regression] = await Promise.all([
        python(irisDir, ['train.py', '--resume', '--epochs', '1', '--out', out(0)]),
        python(dir, ['train.py', '--data', 'mixed.csv', '--epochs', '2']),
      ]);
      expect(resumed.code, resumed.out).toBe(0);
      expect(resumed.out).toMatch(/resuming from .*epoch-0008\.pt \(epoch 8\)/);
      expect(resumed.out).toMatch(/^epoch 9\/9 {2}loss/m);
      expect(regression.code, regression.out).toBe(0);
      expect(regression.out).toMatch(/^epoch 5\/5 {2}loss \S+ {2}val_loss/m);
      const files = unzipSync(readFileSync(join(dir, 'studio-export', 'regression-pytorch.zip')));
      const { meta } = parsePreprocessingFile(strFromU8(files['preprocessing.json']!));
      expect(Object.keys(meta.metrics).sort()).toEqual(['mae', 'mse', 'r2', 'valLoss']);
      (await loadZipModel(files)).dispose();
      model.dispose();
    });
  });
});
