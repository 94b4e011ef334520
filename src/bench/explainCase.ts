// Bench section 11: attributions on sets built so that one part of the input decides the class.
// Pictures: three bright squares; one inside the top-left region (rows and columns 0-11, 18% of the
// picture) makes class "in", all three outside it "out". Tables: column c alone decides. Texts:
// "zebra" among common words makes class "yes".
// Each model trains on wasm; then, per backend, each method explains held-out rows of the deciding
// class: the share of attribution the deciding part receives (chance: its share of the input), the
// randomization check, and the milliseconds per explanation (the check's untrained twin included).
import * as tf from '@tensorflow/tfjs';
import { activate } from '../engine/backends';
import { gatherBatch, type Dataset } from '../engine/data/dataset';
import { mulberry32, range } from '../engine/data/random';
import { buildTableDataset } from '../engine/data/table/buildTable';
import { readCsv } from '../engine/data/table/readCsv';
import { explainInput } from '../engine/explain/explain';
import { permutationImportance } from '../engine/explain/importance';
import { hasConvolution } from '../engine/explain/gradCam';
import { TRAINING_KERNELS, buildModel, textInput } from '../engine/models/build';
import { sampleShape } from '../engine/models/shape';
import { RunControl } from '../engine/train/control';
import { trainWithLabels } from '../engine/train/loop';
import { AUGMENT_PRESETS } from '../shared/augmentation';
import { DEFAULT_CONFIG, DEFAULT_TABLE_OPTIONS } from '../shared/defaults';
import { featureWidth } from '../shared/preprocessing';
import type { BackendName } from '../shared/types/backends';
import { methodsFor } from '../shared/types/explain';
import type { ExplainCase, ExplainRow, ExplainMethodRow } from './protocol';
import { workerBackendHost } from '../worker/backendHost';

const SIDE = 28;
const REGION = 12;

/** Pictures of three squares: class 1 has one of them inside the region, class 0 none. */
function squaresDataset(rows: number, seed: number): { ds: Dataset; inRegion: Uint8Array } {
  const rand = mulberry32(seed);
  const x = new Uint8Array(rows * SIDE * SIDE);
  const y = new Int32Array(rows);
  const square = (img: number, r: number, c: number) => {
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) x[img * SIDE * SIDE + (r + i) * SIDE + c + j] = 255;
  };
  for (let n = 0; n < rows; n++) {
    for (let k = 0; k < 2; k++) {
      // Outside the region: below it or to its right.
      const below = rand() < 0.5;
      const r = below ? REGION + Math.floor(rand() * (SIDE - REGION - 5)) : Math.floor(rand() * (SIDE - 5));
      const c = below ? Math.floor(rand() * (SIDE - 5)) : REGION + Math.floor(rand() * (SIDE - REGION - 5));
      square(n, r, c);
    }
    // Three squares in every picture, so that neither their count nor their brightness tells the
    // class: only where the third one lies does.
    y[n] = n % 2;
    if (y[n]) square(n, Math.floor(rand() * (REGION - 5)), Math.floor(rand() * (REGION - 5)));
    else square(n, REGION + Math.floor(rand() * (SIDE - REGION - 5)), Math.floor(rand() * (SIDE - 5)));
  }
  const inRegion = new Uint8Array(SIDE * SIDE);
  for (let r = 0; r < REGION; r++) for (let c = 0; c < REGION; c++) inRegion[r * SIDE + c] = 1;
  const test = Math.floor(rows / 5);
  const ds = {
    name: 'squares',
    description: 'a square in the top-left region decides',
    kind: 'image',
    source: 'builtin',
    task: 'classification',
    rows,
    inputShape: [SIDE, SIDE, 1],
    features: SIDE * SIDE,
    x,
    xScale: 1 / 255,
    y,
    classNames: ['out', 'in'],
    split: {
      train: range(0, rows - 2 * test),
      val: range(rows - 2 * test, rows - test),
      test: range(rows - test, rows),
    },
    preprocessing: { kind: 'image', height: SIDE, width: SIDE, channels: 1, scale: 1 / 255, classNames: ['out', 'in'] },
  } as unknown as Dataset;
  return { ds, inRegion };
}

/** A table of five columns where c alone decides (c > 0: up). */
async function decidedTable(rows: number, seed: number): Promise<Dataset> {
  const rand = mulberry32(seed);
  const r = () => rand() * 2 - 1;
  const lines = ['a,b,c,d,shade,label'];
  for (let i = 0; i < rows; i++) {
    const [a, b, c, d] = [r(), r(), r(), r()];
    lines.push(`${a},${b},${c},${d},${['red', 'green', 'blue'][Math.floor(rand() * 3)]},${c > 0 ? 'up' : 'down'}`);
  }
  const raw = await readCsv(lines.join('\n'), 'decided.csv', { skipMalformed: false });
  return buildTableDataset(raw, { ...DEFAULT_TABLE_OPTIONS, label: 'label' });
}

const FILLER =
  'the a small big red blue cat dog house tree runs sits near far over under with without green yellow old new fast slow'.split(
    ' ',
  );

/** Texts of 6 to 10 common words; "zebra" among them makes class "yes" (another word takes its place in "no"). */
async function zebraTexts(rows: number, seed: number): Promise<Dataset> {
  const rand = mulberry32(seed);
  const word = () => FILLER[Math.floor(rand() * FILLER.length)]!;
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) {
    const words = Array.from({ length: 6 + Math.floor(rand() * 5) }, word);
    const yes = i % 2 === 1;
    words.splice(Math.floor(rand() * words.length), 0, yes ? 'zebra' : word());
    lines.push(`${words.join(' ')},${yes ? 'yes' : 'no'}`);
  }
  const raw = await readCsv(lines.join('\n'), 'zebra.csv', { skipMalformed: false });
  return buildTableDataset(raw, {
    ...DEFAULT_TABLE_OPTIONS,
    label: 'label',
    text: { vocabSize: 120, maxLength: 16, autoLength: false, lowercase: true },
  });
}

async function train(model: tf.LayersModel, ds: Dataset, epochs: number): Promise<void> {
  const gen = trainWithLabels(
    model,
    ds,
    { epochs, batchSize: 32, learningRate: 0.003, seed: 1, readEvery: 8, augmentation: AUGMENT_PRESETS.off },
    new RunControl(),
  );
  for (let next = await gen.next(); !next.done; next = await gen.next());
}

/** Moves a trained network to another backend: the same topology and weights, rebuilt there. */
async function onBackend(model: tf.LayersModel, backend: BackendName): Promise<tf.LayersModel | string> {
  const weights = model.getWeights().map((w) => ({ shape: w.shape, values: w.dataSync().slice() }));
  const started = await activate(backend, workerBackendHost, []);
  if (started.error) return started.error;
  const copy = await tf.models.modelFromJSON({
    modelTopology: model.toJSON(null, false) as unknown as tf.serialization.ConfigDict,
  });
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  copy.setWeights(tensors);
  tf.dispose(tensors);
  return copy;
}

/** Share of the attribution magnitude that falls where `inside` is 1. */
function shareInside(weights: ArrayLike<number>, inside: ArrayLike<number>): number {
  let all = 0;
  let part = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = Math.abs(weights[i]!);
    all += w;
    if (inside[i]) part += w;
  }
  return all > 0 ? part / all : 0;
}

async function explainRows(
  model: tf.LayersModel,
  ds: Dataset,
  rows: Int32Array,
  /** 1 where the deciding part is, per weight; or the deciding word (texts). */
  inside: ArrayLike<number> | string,
  backend: BackendName,
  name: string,
): Promise<ExplainMethodRow[]> {
  const out: ExplainMethodRow[] = [];
  const kind = ds.preprocessing.kind;
  for (const method of methodsFor(kind, hasConvolution(model))) {
    const shares: number[] = [];
    const ms: number[] = [];
    let passed = 0;
    for (const row of rows) {
      const { x } = gatherBatch(ds, Int32Array.of(row), 0, 1);
      const t0 = performance.now();
      const e = await explainInput({ model, preprocessing: ds.preprocessing, x, method, classIndex: 1 });
      ms.push(performance.now() - t0);
      const weights = e.image
        ? e.image.heat
        : e.tokens
          ? e.tokens.map((t) => t.weight)
          : e.columns!.map((c) => c.weight);
      const where =
        typeof inside === 'string'
          ? e.tokens!.map((t) => (inside.includes(t.token.replace(/^▁/, '')) ? 1 : 0))
          : inside;
      shares.push(shareInside(weights, where));
      if (e.sanity.passed) passed++;
    }
    out.push({ model: name, backend, method, rows: rows.length, shares, ms, sanityPassed: passed });
  }
  return out;
}

export async function runExplainCase(c: ExplainCase): Promise<ExplainRow> {
  const row: ExplainRow = { ...c, accuracy: {}, methods: [], importance: null };
  const started = await activate('wasm', workerBackendHost, [...TRAINING_KERNELS.cnn, ...TRAINING_KERNELS.transformer]);
  if (started.error) return { ...row, error: started.error };
  const { ds: squares, inRegion } = squaresDataset(c.pictures, 3);
  const table = await decidedTable(c.tableRows, 4);
  const texts = await zebraTexts(c.tableRows, 5);
  const small = { ...DEFAULT_CONFIG.text, width: 32, heads: 2, layers: 1, mlpWidth: 64 };
  // Held-out rows of the deciding class ("in", "up").
  const deciding = (ds: Dataset) => ds.split.test.filter((r) => ds.y![r] === 1).slice(0, c.explained);
  const models: [string, Dataset, tf.LayersModel][] = [
    ['mlp', squares, buildModel('mlp', squares.inputShape, 2, 1)],
    ['cnn', squares, buildModel('cnn', squares.inputShape, 2, 1)],
    ['table mlp', table, buildModel('mlp', table.inputShape, 2, 1)],
    [
      'transformer',
      texts,
      buildModel('transformer', texts.inputShape, 2, 1, undefined, undefined, textInput(texts, small)),
    ],
  ];
  const tableColumnC = Array.from({ length: 5 }, (_, i) => (i === 2 ? 1 : 0));
  try {
    for (const [name, ds, model] of models) {
      await train(model, ds, name === 'table mlp' || name === 'transformer' ? 20 : c.epochs);
      const { x, y } = gatherBatch(ds, ds.split.test, 0, ds.split.test.length);
      const pred = tf.tidy(() =>
        (model.predict(tf.tensor(x, [y.length, ...sampleShape(model, ds.features)])) as tf.Tensor).argMax(-1),
      );
      const p = Array.from(await pred.data());
      pred.dispose();
      row.accuracy[name] = p.reduce((n, v, i) => n + (v === y[i] ? 1 : 0), 0) / y.length;
    }
    const p = table.preprocessing;
    if (p.kind === 'table') {
      const { x, y } = gatherBatch(table, table.split.test, 0, table.split.test.length);
      const imp = await permutationImportance(
        models[2]![2],
        { x, y, width: table.features, groups: p.features.map(featureWidth), task: 'classification' },
        sampleShape(models[2]![2], table.features),
        5,
      );
      const positive = imp.mean.map((m) => Math.max(0, m));
      row.importance = {
        columns: p.features.map((f) => f.column),
        mean: imp.mean,
        shareOfC: shareInside(positive, tableColumnC),
      };
    }
    for (const backend of c.backends) {
      for (const [name, ds, model] of models) {
        const moved = await onBackend(model, backend);
        if (typeof moved === 'string') {
          row.methods.push({
            model: name,
            backend,
            method: 'integratedGradients',
            rows: 0,
            shares: [],
            ms: [],
            sanityPassed: 0,
            error: moved,
          });
          continue;
        }
        const inside = name === 'table mlp' ? tableColumnC : name === 'transformer' ? 'zebra' : inRegion;
        row.methods.push(...(await explainRows(moved, ds, deciding(ds), inside, backend, name)));
        moved.dispose();
      }
    }
  } finally {
    for (const [, , model] of models) model.dispose();
  }
  return row;
}
