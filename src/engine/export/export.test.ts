import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { strToU8, zipSync } from 'fflate';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, readPublic } from '../../test/fixtures';
import { DEFAULT_TABLE_OPTIONS } from '../../shared/defaults';
import type { TableOptions } from '../../shared/types/datasets';
import { captureModel } from '../checkpoint/serialize';
import { gatherBatch } from '../data/dataset';
import { buildTableDataset } from '../data/table/buildTable';
import { readCsv } from '../data/table/readCsv';
import { buildModel } from '../models/build';
import { classifierFromEncoder } from '../pretrain/encoders';
import {
  ModelFileError,
  WEIGHTS_FILE,
  findModelJson,
  joinWeights,
  modelJson,
  modelZip,
  readModelJson,
  unpackModelUpload,
} from './modelFiles';
import {
  encodePixels,
  encodeTableRow,
  parsePreprocessingFile,
  toPreprocessingFile,
  type ModelMeta,
} from './preprocessingFile';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../e2e/fixtures/${name}`, import.meta.url)), 'utf8');

async function tableCase(text: string, file: string, opts: Partial<TableOptions>) {
  const ds = buildTableDataset(await readCsv(text, file, { skipMalformed: false }), {
    ...DEFAULT_TABLE_OPTIONS,
    ...opts,
  });
  // The raw rows as text, as a user would paste them (Papa parses quotes the way the loader does).
  const rows = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: true,
  }).data;
  return { ds, rows };
}

const meta = (task: ModelMeta['task'], modelInputShape: number[]): ModelMeta => ({
  name: 'run, epoch 3',
  dataset: 'd',
  stage: 'finetune',
  epoch: 3,
  task,
  modelInputShape,
  metrics: { valLoss: 0.25, testAccuracy: 0.9 },
});

describe('preprocessing.json', () => {
  it('round-trips table preprocessing (scaling, vocabularies, label) and image preprocessing', async () => {
    for (const [file, opts] of [
      ['customers.csv', { label: 'churned' }],
      ['houses.csv', { label: 'price_k', task: 'regression' as const }],
    ] as const) {
      const { ds } = await tableCase(fixture(file), file, opts);
      const task = ds.task;
      const written = JSON.stringify(toPreprocessingFile(ds.preprocessing, meta(task, ds.inputShape)));
      const back = parsePreprocessingFile(written);
      expect(back.preprocessing).toEqual(ds.preprocessing);
      expect(back.meta).toEqual(meta(task, ds.inputShape));
      expect(JSON.parse(written).input.names).toEqual(ds.table!.inputNames);
    }
    const mnist = loadMnist();
    const back = parsePreprocessingFile(
      JSON.stringify(toPreprocessingFile(mnist.preprocessing, meta('classification', [784]))),
    );
    expect(back.preprocessing).toEqual(mnist.preprocessing);
  });

  it('refuses hostile or inconsistent files', () => {
    const good = toPreprocessingFile(loadMnist().preprocessing, meta('classification', [784]));
    const bad = (patch: object) => () => parsePreprocessingFile(JSON.stringify({ ...good, ...patch }));
    expect(() => parsePreprocessingFile('{"__proto__": {"polluted": true}}')).toThrow(/"__proto__"/);
    expect(() => parsePreprocessingFile('not json')).toThrow(ModelFileError);
    expect(bad({ format: 'other' })).toThrow(/format/);
    expect(bad({ image: { ...good.image, channels: 2 } })).toThrow(/channels/);
    expect(bad({ input: { ...good.input, modelInputShape: [783] } })).toThrow(/does not hold/);
    expect(bad({ classNames: ['only'] })).toThrow(/two class names/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the same preprocessing in Node reproduces the worker inputs exactly', () => {
  it('tables: every raw row encodes to the loader row, bit for bit (numbers, categories, missing values, "other")', async () => {
    for (const [file, opts] of [
      ['customers.csv', { label: 'churned', maxCategories: 2 }],
      ['houses.csv', { label: 'price_k' }],
    ] as const) {
      const { ds, rows } = await tableCase(fixture(file), file, opts);
      // Through JSON, as a downloaded preprocessing.json would be read.
      const p = parsePreprocessingFile(
        JSON.stringify(toPreprocessingFile(ds.preprocessing, meta(ds.task, ds.inputShape))),
      ).preprocessing;
      if (p.kind !== 'table') throw new Error('table expected');
      expect(rows.length).toBe(ds.rows);
      for (let r = 0; r < ds.rows; r++) {
        const got = encodeTableRow(p, (c) => rows[r]![c]);
        const want = ds.x.subarray(r * ds.features, (r + 1) * ds.features);
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    }
  });

  it('iris (the built-in table): the same', async () => {
    const text = readPublic('iris.csv').toString('utf8');
    const { ds, rows } = await tableCase(text, 'iris.csv', { label: 'species' });
    if (ds.preprocessing.kind !== 'table') throw new Error('table expected');
    const p = ds.preprocessing;
    for (let r = 0; r < ds.rows; r++)
      expect(encodeTableRow(p, (c) => rows[r]![c])).toEqual(ds.x.slice(r * ds.features, (r + 1) * ds.features));
  });

  it('images: pixels scale exactly as the training batches do', () => {
    const ds = loadMnist();
    if (ds.preprocessing.kind !== 'image') throw new Error('image expected');
    for (const r of [0, 1, 6999, 9999]) {
      const pixels = (ds.x as Uint8Array).subarray(r * 784, (r + 1) * 784);
      expect(encodePixels(ds.preprocessing, pixels)).toEqual(gatherBatch(ds, Int32Array.of(r), 0, 1).x);
    }
  });
});

async function files(model: tf.LayersModel) {
  const saved = await captureModel(model, null);
  return { json: modelJson(saved.modelTopology, saved.weightSpecs), weights: saved.weightData };
}

describe('model.json and weights', () => {
  it('what the studio writes passes validation, reloads in tfjs and predicts the same (MLP, CNN, conv encoder)', async () => {
    const models = [
      buildModel('mlp', [28, 28, 1], 10, 1),
      buildModel('cnn', [28, 28, 1], 10, 2),
      classifierFromEncoder({ kind: 'conv', widths: [4, 8] }, [], [28, 28, 1], 3, 4),
    ];
    const x = tf.randomUniform([3, 784], 0, 1, 'float32', 5);
    for (const m of models) {
      const { json, weights } = await files(m);
      const zip = modelZip(json, weights, { any: 1 });
      const unpacked = unpackModelUpload([{ name: 'm.zip', data: zip }]);
      expect([...unpacked.keys()].sort()).toEqual(['model.json', WEIGHTS_FILE, 'preprocessing.json'].sort());
      const parsed = readModelJson(new TextDecoder().decode(unpacked.get(findModelJson(unpacked))));
      expect(parsed.params).toBe(m.countParams());
      const back = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: parsed.modelTopology,
          weightSpecs: parsed.weightSpecs,
          weightData: joinWeights(parsed, unpacked),
        }),
      );
      const shape = [3, ...(m.inputs[0]!.shape.slice(1) as number[])];
      const a = tf.tidy(() => m.predict(x.reshape(shape)) as tf.Tensor);
      const b = tf.tidy(() => back.predict(x.reshape(shape)) as tf.Tensor);
      expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
      tf.dispose([a, b]);
      back.dispose();
      m.dispose();
    }
    x.dispose();
  });

  it('refuses unknown layers, huge shapes, bad manifests, truncated weights and zip bombs', async () => {
    const m = buildModel('mlp', [4], 3, 1);
    const { json, weights } = await files(m);
    m.dispose();
    const text = JSON.stringify(json);
    const mutate = (
      f: (o: {
        modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
        weightsManifest: { weights: { shape: number[] }[] }[];
      }) => void,
    ) => {
      const o = JSON.parse(text);
      f(o);
      return JSON.stringify(o);
    };
    expect(readModelJson(text).layers).toEqual(['Input(4)', 'Dense(128, relu)', 'Dropout(0.5)', 'Dense(3, softmax)']);
    expect(() => readModelJson(mutate((o) => (o.modelTopology.config.layers[1]!.class_name = 'Lambda')))).toThrow(
      /"Lambda", which the studio does not know/,
    );
    expect(() => readModelJson(mutate((o) => (o.modelTopology.config.layers[0]!.config.units = 1e9)))).toThrow(
      /units must be a whole number/,
    );
    expect(() =>
      readModelJson(mutate((o) => (o.modelTopology.config.layers[0]!.config.batch_input_shape = [null, 4096, 4096]))),
    ).toThrow(/would output|need/);
    expect(() => readModelJson(mutate((o) => (o.weightsManifest[0]!.weights[0]!.shape = [4, 129])))).toThrow(
      /layers need .* weights, but the manifest lists/,
    );
    expect(() => readModelJson(text.replace('"modelTopology":{', '"modelTopology":{"__proto__":{"x":1},'))).toThrow(
      /"__proto__"/,
    );
    expect(() => readModelJson('['.repeat(100) + ']'.repeat(100))).toThrow(ModelFileError);
    const parsed = readModelJson(text);
    const full = new Uint8Array(weights);
    expect(() => joinWeights(parsed, new Map([[WEIGHTS_FILE, full.subarray(0, full.length - 8)]]))).toThrow(
      /truncated/,
    );
    expect(() => joinWeights(parsed, new Map())).toThrow(/missing/);
    // A zip whose entry claims 1 GB is not inflated at all.
    const zip = zipSync({ 'model.json': strToU8(text), [WEIGHTS_FILE]: full });
    const lie = zip.slice();
    const view = new DataView(lie.buffer);
    for (let o = lie.length - 22; o >= 0; o--)
      if (view.getUint32(o, true) === 0x02014b50) view.setUint32(o + 24, 1 << 30, true); // central directory: uncompressed size
    expect(() => unpackModelUpload([{ name: 'bomb.zip', data: lie }])).toThrow(/would unpack to more than/);
  });
});
