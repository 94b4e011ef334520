// Models leaving and entering the studio, and trying them on new inputs. A model is the last
// run's (kept by the session) or a checkpoint's (IndexedDB, imported ones included). Downloads
// are built here: the network captured with a save handler, model.json, weights and
// preprocessing.json zipped with fflate, and the bytes handed to the page (a worker cannot use
// downloads://; see docs/architecture.md, Platform facts).
import { formatBytes } from '../shared/format';
import * as tf from '@tensorflow/tfjs';
import Papa from 'papaparse';
import { strToU8 } from 'fflate';
import { captureModel, fnv1a, restoreModel, type SavedModel } from '../engine/checkpoint/serialize';
import { gatherBatch, type Dataset } from '../engine/data/dataset';
import {
  InputError,
  encodePixels,
  encodeText,
  encodeTableRow,
  classNamesOf,
  readOutput,
  toPreprocessingFile,
  type ModelMeta,
} from '../engine/export/preprocessingFile';
import { WEIGHTS_FILE, modelJson, modelZip, readModelJson } from '../engine/export/modelFiles';
import { sampleShape } from '../engine/models/shape';
import { textKit } from '../engine/export/textKit';
import { LIMITS } from '../shared/limits';
import type { Preprocessing } from '../shared/preprocessing';
import type { ExportedFile, ExportFormat } from '../shared/protocol';
import { ONNX_FILE, checkPytorch, onnxExtra, onnxFile, pytorchZip, studioRows, torchRun } from './exportFormats';
import { completeConfig } from '../shared/defaults';
import type { InferenceInput, ModelCard, Prediction } from '../shared/types/models';
import type { ExplainInput } from '../shared/types/explain';
import type { AugmentSpec, Stage, TrainConfig } from '../shared/types/training';
import type { Task } from '../shared/types/datasets';
import { loadCheckpoint, saveCheckpoint } from './data/checkpoints';
import { readImport } from './modelImport';
import { decodeImages } from './data/decodeImages';
import { nothingToPredict, rowLength } from './messages';

/** The model of the last finished fine-tuning run in this session, with what it was trained on. */
export interface CurrentModel {
  model: tf.LayersModel;
  name: string;
  datasetName: string;
  preprocessing: Preprocessing;
  task: Task;
  epoch: number;
  metrics: Record<string, number>;
  /** How its run augmented training batches (recorded in preprocessing.json as training-only). */
  augmentation?: AugmentSpec;
  /** Its run's settings (the PyTorch project continues with them). */
  config?: TrainConfig;
}

interface Resolved {
  source: string;
  name: string;
  datasetName: string;
  stage: Stage;
  task: Task;
  epoch: number;
  metrics: Record<string, number>;
  preprocessing: Preprocessing;
  saved: Pick<SavedModel, 'modelTopology' | 'weightSpecs' | 'weightData'>;
  augmentation?: AugmentSpec;
  /** The run's settings; absent for imported models. */
  config?: TrainConfig;
  /** The loaded network, when there is one already (the current model). */
  live?: tf.LayersModel;
  createdAt: number;
}

export function taskOf(stage: Stage, p: Preprocessing): Task {
  if (stage === 'pretrain') return 'none';
  if (p.kind === 'image') return p.classNames.length ? 'classification' : 'none';
  return p.label?.type === 'classes' ? 'classification' : p.label?.type === 'numeric' ? 'regression' : 'none';
}

function slug(name: string): string {
  return (
    name
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'model'
  );
}

/**
 * Layers, size and input of a saved network. The studio's standard layers are validated as on
 * import; a Transformer (its own registered layers, engine/text/studioLayers.js) is listed by
 * layer from its topology.
 */
function describeSaved(
  saved: Pick<SavedModel, 'modelTopology' | 'weightSpecs'>,
  p: Preprocessing,
): { layers: string[]; params: number; inputShape: number[] } {
  if (p.kind !== 'text') return readModelJson(JSON.stringify(modelJson(saved.modelTopology, saved.weightSpecs)));
  const config = (saved.modelTopology as { config?: unknown }).config as
    { layers?: { class_name?: string; name?: string }[] } | undefined;
  return {
    layers: [
      `Input(${p.maxLength} token ids)`,
      ...(config?.layers ?? [])
        .filter((l) => l.class_name !== 'InputLayer')
        .map((l) => `${String(l.name)}: ${String(l.class_name).replace(/^Studio/, '')}`),
    ],
    params: saved.weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0),
    inputShape: [p.maxLength],
  };
}

export class ModelService {
  /** One loaded checkpoint network for inference at a time. */
  private cached: { key: string; model: tf.LayersModel } | null = null;

  constructor(
    private readonly current: () => CurrentModel | null,
    private readonly dataset: () => Dataset | null,
    private readonly busy: () => boolean,
  ) {}

  private async resolve(source: string): Promise<Resolved> {
    if (source === 'current') {
      const c = this.current();
      if (!c)
        throw new Error(
          this.busy()
            ? 'The model is still training: wait for the run to end (or stop it), then try again.'
            : 'There is no trained model yet: run fine-tuning first, or pick a checkpoint.',
        );
      const saved = await captureModel(c.model, null);
      return {
        source,
        name: c.name,
        datasetName: c.datasetName,
        stage: 'finetune',
        task: c.task,
        epoch: c.epoch,
        metrics: c.metrics,
        preprocessing: c.preprocessing,
        saved,
        augmentation: c.augmentation,
        config: c.config,
        live: c.model,
        createdAt: 0,
      };
    }
    const { info, data } = await loadCheckpoint(source);
    const metrics: Record<string, number> = { ...(info.metrics ?? {}) };
    if (Number.isFinite(info.valLoss)) metrics.valLoss = info.valLoss;
    if (Number.isFinite(info.valAccuracy) && info.stage === 'finetune') metrics.valAccuracy = info.valAccuracy;
    return {
      source,
      name: info.name,
      datasetName: info.datasetName,
      stage: info.stage,
      task: taskOf(info.stage, data.preprocessing),
      epoch: info.epoch,
      metrics,
      preprocessing: data.preprocessing,
      saved: data.model,
      // Imported models carry no run settings.
      augmentation: info.origin === 'import' ? undefined : completeConfig(info.config).augmentation,
      config: info.origin === 'import' ? undefined : completeConfig(info.config),
      createdAt: info.createdAt,
    };
  }

  private card(r: Resolved): ModelCard {
    const p = r.preprocessing;
    const described = describeSaved(r.saved, p);
    return {
      source: r.source,
      name: r.name,
      datasetName: r.datasetName,
      stage: r.stage,
      kind: p.kind,
      task: r.task,
      columns: p.kind === 'table' ? p.features.map((f) => f.column) : p.kind === 'text' ? [p.column] : [],
      image: p.kind === 'image' ? { height: p.height, width: p.width, channels: p.channels } : null,
      classNames: classNamesOf(p),
      layers: described.layers,
      params: described.params,
      metrics: r.metrics,
    };
  }

  async describe(source: string): Promise<ModelCard> {
    return this.card(await this.resolve(source));
  }

  /** The currently kept run model as a card (for the page to offer it). */
  async currentCard(): Promise<ModelCard | null> {
    return this.current() ? this.card(await this.resolve('current')) : null;
  }

  async export(source: string, format: ExportFormat): Promise<ExportedFile[]> {
    const r = await this.resolve(source);
    const topology = modelJson(r.saved.modelTopology, r.saved.weightSpecs);
    const weights = r.saved.weightData.slice(0);
    if (format === 'tfjs')
      return [
        { name: 'model.json', data: strToU8(JSON.stringify(topology)).buffer as ArrayBuffer, mime: 'application/json' },
        { name: WEIGHTS_FILE, data: weights, mime: 'application/octet-stream' },
      ];
    if (format === 'onnx') {
      const onnx = onnxFile(r.saved, r.name);
      return [{ name: ONNX_FILE, data: onnx.buffer as ArrayBuffer, mime: 'application/octet-stream' }];
    }
    const meta: ModelMeta = {
      name: r.name,
      dataset: r.datasetName,
      stage: r.stage,
      epoch: r.epoch,
      task: r.task,
      modelInputShape: describeSaved(r.saved, r.preprocessing).inputShape,
      metrics: r.metrics,
      augmentation: r.augmentation,
    };
    const pre = toPreprocessingFile(r.preprocessing, meta);
    if (format === 'pytorch') {
      checkPytorch(r.saved, r.name);
      const run = torchRun(r.name, r.datasetName, r.task, r.epoch, r.config);
      const rows = await studioRows(this.dataset(), r.preprocessing, r.config, () => this.network(r));
      const zip = pytorchZip(r.saved, pre, run, rows, `${slug(r.name)}-pytorch`);
      return [{ name: `${slug(r.name)}-pytorch.zip`, data: zip.buffer as ArrayBuffer, mime: 'application/zip' }];
    }
    // The zip carries model.onnx too, for every network ONNX can represent (not the Transformer).
    const extra = r.preprocessing.kind === 'text' ? textKit() : onnxExtra(r.saved, r.name);
    const zip = modelZip(topology, weights, pre, extra);
    return [{ name: `${slug(r.name)}.zip`, data: zip.buffer as ArrayBuffer, mime: 'application/zip' }];
  }

  /** Validates everything before anything is stored: a refused file changes nothing. */
  async import(files: File[]): Promise<ModelCard> {
    const { info, data } = await readImport(files, this.dataset());
    await saveCheckpoint(info, data);
    return this.card(await this.resolve(info.id));
  }

  async predict(source: string, input: InferenceInput): Promise<Prediction> {
    const { model, preprocessing, x, task } = await this.inputFor(source, input);
    const inShape = sampleShape(model, x.length);
    const out = tf.tidy(() => model.predict(tf.tensor(x, [1, ...inShape])) as tf.Tensor);
    let values: Float32Array;
    try {
      values = (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
    return { source, task, classNames: classNamesOf(preprocessing), ...readOutput(preprocessing, task, values) };
  }

  /**
   * What a prediction or an explanation reads: the network, its preprocessing and one input
   * encoded (a test row of the current dataset is taken as the dataset holds it).
   */
  async inputFor(
    source: string,
    input: ExplainInput,
  ): Promise<{ model: tf.LayersModel; preprocessing: Preprocessing; x: Float32Array; task: Task }> {
    const r = await this.resolve(source);
    if (r.task === 'none') throw new InputError(nothingToPredict(r.name, r.stage));
    const model = await this.network(r);
    const x = input.kind === 'testRow' ? this.testRow(r, input.row) : await this.encode(r.preprocessing, input);
    return { model, preprocessing: r.preprocessing, x, task: r.task };
  }

  /**
   * The current dataset's test split as model inputs and labels, for a model made for that data:
   * at most `maxRows`, evenly spaced over the split.
   */
  async testSplitFor(
    source: string,
    maxRows: number,
  ): Promise<{
    model: tf.LayersModel;
    preprocessing: Preprocessing;
    task: Task;
    x: Float32Array;
    y: Int32Array | Float32Array;
  }> {
    const r = await this.resolve(source);
    const ds = this.datasetFor(r);
    if (!ds.split.test.length) throw new Error(`${ds.name} has no test rows; raise the test share first.`);
    const all = ds.split.test;
    const n = Math.min(maxRows, all.length);
    const rows =
      n === all.length ? all : Int32Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)]!);
    const { x, y } = gatherBatch(ds, rows, 0, n);
    return { model: await this.network(r), preprocessing: r.preprocessing, task: r.task, x, y };
  }

  private datasetFor(r: Resolved): Dataset {
    const ds = this.dataset();
    if (!ds) throw new Error('Choose a dataset first.');
    const same =
      ds.preprocessing === r.preprocessing || JSON.stringify(ds.preprocessing) === JSON.stringify(r.preprocessing);
    if (ds.name !== r.datasetName || !same)
      throw new Error(
        `"${r.name}" was trained on ${r.datasetName} as it was then; load that data (with the same settings) to explain its test rows.`,
      );
    return ds;
  }

  private testRow(r: Resolved, row: number): Float32Array {
    const ds = this.datasetFor(r);
    if (!Number.isInteger(row) || row < 0 || row >= ds.rows) throw new Error(`There is no row ${row} in ${ds.name}.`);
    return gatherBatch(ds, Int32Array.of(row), 0, 1).x;
  }

  /** The resolved model's network: the live one, or its checkpoint loaded (one kept at a time). */
  private async network(r: Resolved): Promise<tf.LayersModel> {
    if (r.live) return r.live;
    const key = `${r.source}@${r.createdAt}`;
    if (this.cached?.key === key) return this.cached.model;
    const model = await restoreModel(
      { ...r.saved, optimizer: [], checksum: fnv1a([r.saved.weightData]), bytes: r.saved.weightData.byteLength },
      `"${r.name}"`,
    );
    // Another request may have loaded it meanwhile (commands run concurrently): keep one copy.
    if (this.cached?.key === key) {
      model.dispose();
      return this.cached.model;
    }
    this.cached?.model.dispose();
    this.cached = { key, model };
    return model;
  }

  private async encode(p: Preprocessing, input: InferenceInput): Promise<Float32Array> {
    if (p.kind === 'table') {
      if (input.kind !== 'row') throw new InputError('This model reads table rows: type or paste a row.');
      return encodeTableRow(
        p,
        parseRow(
          input.text,
          p.features.map((f) => f.column),
        ),
      );
    }
    if (p.kind === 'text') {
      if (input.kind !== 'row') throw new InputError('This model reads text: type or paste a sentence.');
      if (!input.text.trim()) throw new InputError('Type a sentence or paste a text for the model to read.');
      return encodeText(p, input.text);
    }
    if (input.kind !== 'image') throw new InputError('This model reads images: draw one or drop an image file.');
    if (p.height !== p.width) throw new InputError('Only square images are supported.');
    if (input.image.size > LIMITS.imageFileBytes)
      throw new InputError(
        `The image is over ${formatBytes(LIMITS.imageFileBytes, { precision: 'megabytes' })}, the limit for one image.`,
      );
    const decoded = await decodeImages('input', [{ path: 'input.png', label: null, data: input.image }], {
      size: p.height as 28,
      color: p.channels === 3 ? 'rgb' : 'grayscale',
    });
    if (!decoded.count) throw new InputError('The image could not be decoded. Use a PNG, JPEG, WebP, GIF or BMP file.');
    return encodePixels(p, decoded.pixels);
  }

  /** Frees the cached network (e.g. when its checkpoint is deleted). */
  forget(source?: string): void {
    if (this.cached && (!source || this.cached.key.startsWith(`${source}@`))) {
      const { model } = this.cached;
      this.cached = null;
      try {
        model.dispose();
      } catch {
        // its tensors went with a lost device
      }
    }
  }
}

/**
 * A typed or pasted row: the values in the model's column order (comma, tab or semicolon
 * separated, quotes allowed), or a header line and a value line (columns matched by name,
 * others ignored).
 */
export function parseRow(text: string, columns: string[]): (column: string) => string | undefined {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true, delimitersToGuess: [',', '\t', ';', '|'] });
  const rows = parsed.data;
  if (!rows.length) throw new InputError(`Type a row: ${columns.join(', ')}.`);
  if (rows.length >= 2) {
    const header = rows[0]!.map((h) => h.trim());
    const values = rows[1]!;
    const missing = columns.filter((c) => !header.includes(c));
    if (missing.length)
      throw new InputError(
        `The header line lacks ${missing.map((m) => `"${m}"`).join(', ')}. The model needs: ${columns.join(', ')}.`,
      );
    const at = new Map(header.map((h, i) => [h, i]));
    return (c) => values[at.get(c)!];
  }
  const values = rows[0]!;
  if (values.length !== columns.length) throw new InputError(rowLength(values.length, columns));
  const at = new Map(columns.map((c, i) => [c, i]));
  return (c) => values[at.get(c)!];
}
