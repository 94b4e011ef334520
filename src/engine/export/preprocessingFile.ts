// preprocessing.json: how raw inputs become the model's inputs, as plain data beside model.json in
// a downloaded model (and read back on import). Also the encoders that apply it to one raw row or
// one image, exactly as the dataset builders do (the unit tests hold them to the same bytes).
// No tfjs here: this runs in the worker, in Node, anywhere.
import type { FeatureSpec, LabelSpec, Preprocessing, TokenizerSpec } from '../../shared/preprocessing';
import { featureWidth, inputNames } from '../../shared/preprocessing';
import type { Task } from '../../shared/types/datasets';
import type { AugmentSpec } from '../../shared/types/training';
import { isObj, ModelFileError, parseJsonSafely } from './safeJson';
import { cleanCell, isMissingCell } from '../data/table/readCsv';
import { tokenizerFor } from '../text/cache';
import { encodeBatch } from '../text/tokenizer.js';

export const PREPROCESSING_FORMAT = 'pretrain-studio/preprocessing';

/** Where the model came from and how well it did (plain numbers; absent when unknown). */
export interface ModelMeta {
  name: string;
  dataset: string;
  stage: 'pretrain' | 'finetune';
  epoch: number;
  task: Task;
  /** The shape the network takes for one sample (flat for an MLP on images). */
  modelInputShape: number[];
  metrics: Record<string, number>;
  /** How its training batches were augmented (recorded as training-only; absent when unknown). */
  augmentation?: AugmentSpec;
}

export interface PreprocessingFile {
  format: typeof PREPROCESSING_FORMAT;
  version: 1;
  task: Task;
  input: { kind: 'table' | 'image' | 'text'; shape: number[]; modelInputShape: number[]; names?: string[] };
  /**
   * Text: the column read, the tokenizer (tokenizer.js in the download applies it), and the
   * token ids the model takes: [CLS] (2) first, cut at maxLength, padded with [PAD] (0).
   */
  text?: { column: string; maxLength: number; cls: true; padId: 0; tokenizer: TokenizerSpec };
  /** Tables: one entry per raw column, in input order: standardization or the one-hot vocabulary. */
  features?: FeatureSpec[];
  missing?: 'impute' | 'drop';
  missingTokens?: string[];
  /** Images: centre-cropped and resized to height x width, channels, pixel values times scale. */
  image?: { height: number; width: number; channels: 1 | 3; scale: number };
  label: LabelSpec | null;
  classNames: string[];
  metrics: Record<string, number>;
  /** The augmentation of its training batches: training only, never applied to inputs to predict. */
  training?: { augmentation: AugmentSpec & { trainingOnly: true } };
  model: {
    name: string;
    dataset: string;
    stage: 'pretrain' | 'finetune';
    epoch: number;
    exportedAt: string;
    studio: 'Pretrain Studio';
  };
}

export function inputWidth(p: Preprocessing): number {
  if (p.kind === 'text') return p.maxLength;
  return p.kind === 'image' ? p.height * p.width * p.channels : p.features.reduce((s, f) => s + featureWidth(f), 0);
}

export function classNamesOf(p: Preprocessing): string[] {
  if (p.kind === 'image') return p.classNames;
  return p.label?.type === 'classes' ? p.label.classNames : [];
}

export function toPreprocessingFile(p: Preprocessing, meta: ModelMeta): PreprocessingFile {
  const shape = p.kind === 'image' ? [p.height, p.width, p.channels] : [inputWidth(p)];
  const metrics = Object.fromEntries(Object.entries(meta.metrics).filter(([, v]) => Number.isFinite(v)));
  const model = {
    name: meta.name,
    dataset: meta.dataset,
    stage: meta.stage,
    epoch: meta.epoch,
    exportedAt: new Date().toISOString(),
    studio: 'Pretrain Studio' as const,
  };
  const base = {
    format: PREPROCESSING_FORMAT as typeof PREPROCESSING_FORMAT,
    version: 1 as const,
    task: meta.task,
    classNames: classNamesOf(p),
    metrics,
    ...(meta.augmentation ? { training: { augmentation: { ...meta.augmentation, trainingOnly: true as const } } } : {}),
    model,
  };
  if (p.kind === 'image')
    return {
      ...base,
      input: { kind: 'image', shape, modelInputShape: meta.modelInputShape },
      image: { height: p.height, width: p.width, channels: p.channels, scale: p.scale },
      label: p.classNames.length ? { column: 'class', type: 'classes', classNames: p.classNames } : null,
    };
  if (p.kind === 'text')
    return {
      ...base,
      input: { kind: 'text', shape, modelInputShape: meta.modelInputShape, names: [p.column] },
      text: { column: p.column, maxLength: p.maxLength, cls: true, padId: 0, tokenizer: p.tokenizer },
      label: p.label,
    };
  return {
    ...base,
    input: { kind: 'table', shape, modelInputShape: meta.modelInputShape, names: inputNames(p.features) },
    features: p.features,
    missing: p.missing,
    missingTokens: p.missingTokens,
    label: p.label,
  };
}

const CAP = { features: 10_000, categories: 10_000, classes: 10_000, text: 1_000, side: 1024 };

function fail(why: string): never {
  throw new ModelFileError(
    `preprocessing.json is not valid: ${why}. Use the preprocessing.json that came in the studio's download.`,
  );
}

const finite = (v: unknown, what: string): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(`${what} must be a number`);
const text = (v: unknown, what: string): string =>
  typeof v === 'string' && v.length <= CAP.text ? v : fail(`${what} must be a short text`);
const texts = (v: unknown, what: string, cap: number): string[] =>
  Array.isArray(v) && v.length <= cap
    ? v.map((s, i) => text(s, `${what}[${i}]`))
    : fail(`${what} must be a list of at most ${cap} texts`);
const positiveInt = (v: unknown, what: string, max: number): number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max
    ? v
    : fail(`${what} must be a whole number from 1 to ${max}`);

function readFeature(v: unknown, i: number): FeatureSpec {
  if (!isObj(v)) fail(`features[${i}] must be an object`);
  const column = text(v.column, `features[${i}].column`);
  if (v.type === 'numeric') {
    const std = finite(v.std, `features[${i}].std`);
    if (!(std > 0)) fail(`features[${i}].std must be above 0`);
    return {
      column,
      type: 'numeric',
      mean: finite(v.mean, `features[${i}].mean`),
      std,
      impute: finite(v.impute, `features[${i}].impute`),
    };
  }
  if (v.type === 'onehot') {
    if (typeof v.other !== 'boolean') fail(`features[${i}].other must be true or false`);
    return {
      column,
      type: 'onehot',
      categories: texts(v.categories, `features[${i}].categories`, CAP.categories),
      other: v.other,
      impute: text(v.impute, `features[${i}].impute`),
    };
  }
  return fail(`features[${i}].type must be "numeric" or "onehot"`);
}

function readLabel(v: unknown): LabelSpec | null {
  if (v === null || v === undefined) return null;
  if (!isObj(v)) fail('label must be an object or null');
  const column = text(v.column, 'label.column');
  if (v.type === 'classes')
    return { column, type: 'classes', classNames: texts(v.classNames, 'label.classNames', CAP.classes) };
  if (v.type === 'numeric') {
    const std = finite(v.std, 'label.std');
    if (!(std > 0)) fail('label.std must be above 0');
    return { column, type: 'numeric', mean: finite(v.mean, 'label.mean'), std };
  }
  return fail('label.type must be "classes" or "numeric"');
}

/** Reads preprocessing.json (text), refusing anything that is not exactly this format. */
export function parsePreprocessingFile(json: string): { preprocessing: Preprocessing; meta: ModelMeta } {
  const o = parseJsonSafely(json, 'preprocessing.json');
  if (!isObj(o)) fail('it must be a JSON object');
  if (o.format !== PREPROCESSING_FORMAT || o.version !== 1)
    fail(`"format" must be "${PREPROCESSING_FORMAT}" and "version" 1`);
  const task = o.task;
  if (task !== 'classification' && task !== 'regression' && task !== 'none')
    fail('"task" must be classification, regression or none');
  if (!isObj(o.input)) fail('"input" must be an object');
  const modelInputShape =
    Array.isArray(o.input.modelInputShape) && o.input.modelInputShape.length >= 1 && o.input.modelInputShape.length <= 3
      ? o.input.modelInputShape.map((d, i) => positiveInt(d, `input.modelInputShape[${i}]`, 1 << 22))
      : fail('input.modelInputShape must list 1 to 3 sizes');
  const metrics: Record<string, number> = {};
  if (o.metrics !== undefined) {
    if (!isObj(o.metrics)) fail('"metrics" must be an object');
    for (const [k, v] of Object.entries(o.metrics)) metrics[text(k, 'a metric name')] = finite(v, `metrics.${k}`);
  }
  const m = isObj(o.model) ? o.model : {};
  const stage = m.stage === 'pretrain' ? 'pretrain' : 'finetune';
  const meta: ModelMeta = {
    name: typeof m.name === 'string' ? text(m.name, 'model.name') : 'imported model',
    dataset: typeof m.dataset === 'string' ? text(m.dataset, 'model.dataset') : 'unknown data',
    stage,
    epoch: typeof m.epoch === 'number' && Number.isInteger(m.epoch) && m.epoch >= 0 ? m.epoch : 0,
    task,
    modelInputShape,
    metrics,
  };
  let preprocessing: Preprocessing;
  if (o.input.kind === 'image') {
    const im = o.image;
    if (!isObj(im)) fail('"image" must give height, width, channels and scale');
    const channels = im.channels === 1 || im.channels === 3 ? im.channels : fail('image.channels must be 1 or 3');
    preprocessing = {
      kind: 'image',
      height: positiveInt(im.height, 'image.height', CAP.side),
      width: positiveInt(im.width, 'image.width', CAP.side),
      channels,
      scale: finite(im.scale, 'image.scale'),
      classNames: texts(o.classNames ?? [], 'classNames', CAP.classes),
    };
  } else if (o.input.kind === 'table') {
    if (!Array.isArray(o.features) || !o.features.length || o.features.length > CAP.features)
      fail(`"features" must list 1 to ${CAP.features} columns`);
    const label = readLabel(o.label);
    if (o.missing !== 'impute' && o.missing !== 'drop') fail('"missing" must be "impute" or "drop"');
    preprocessing = {
      kind: 'table',
      features: o.features.map(readFeature),
      label,
      missing: o.missing,
      missingTokens: texts(o.missingTokens, 'missingTokens', 100),
    };
  } else if (o.input.kind === 'text') {
    fail('text models cannot be imported yet; train them in the studio');
  } else fail('input.kind must be "table", "image" or "text"');
  if (task === 'classification' && classNamesOf(preprocessing).length < 2)
    fail('a classification model needs at least two class names');
  if (task === 'regression' && (preprocessing.kind === 'image' || preprocessing.label?.type !== 'numeric'))
    fail('a regression model needs a numeric label with its mean and std');
  if (modelInputShape.reduce((a, b) => a * b, 1) !== inputWidth(preprocessing))
    fail(
      `input.modelInputShape (${modelInputShape.join('×')}) does not hold the ${inputWidth(preprocessing)} values the preprocessing makes`,
    );
  return { preprocessing, meta };
}

export class InputError extends Error {
  override name = 'InputError';
}

/**
 * One raw table row (column name -> text as it would appear in the CSV) into the model's input,
 * exactly as buildTableDataset encodes the rows it loads: numbers read as float32, standardized,
 * missing values filled in, categories one-hot (unknown ones to "other").
 */
export function encodeTableRow(
  p: Extract<Preprocessing, { kind: 'table' }>,
  row: (column: string) => string | undefined,
): Float32Array {
  const missing = new Set(p.missingTokens);
  const out = new Float32Array(inputWidth(p));
  let offset = 0;
  for (const f of p.features) {
    const given = row(f.column);
    const cell = given === undefined ? '' : cleanCell(given);
    const isMissing = isMissingCell(cell, missing);
    if (f.type === 'numeric') {
      let v = f.impute;
      if (!isMissing) {
        const n = Number(cell);
        if (!Number.isFinite(n) || Math.abs(n) > 3.4e38)
          throw new InputError(`"${f.column}" must be a number; "${cell}" is not.`);
        v = Math.fround(n); // the loader keeps numbers as float32
      }
      out[offset] = (v - f.mean) / f.std;
    } else {
      const k = isMissing ? f.categories.indexOf(f.impute) : f.categories.indexOf(cell);
      const slot = k >= 0 ? k : !isMissing && f.other ? f.categories.length : -1;
      if (slot >= 0) out[offset + slot] = 1;
    }
    offset += featureWidth(f);
  }
  return out;
}

/** Decoded pixels (uint8, height x width x channels) into the model's input, as gatherBatch does. */
/** A text as the model reads it: [CLS] and its tokens, cut at the maximum length, padded with [PAD]. */
export function encodeText(p: Extract<Preprocessing, { kind: 'text' }>, text: string): Float32Array {
  return Float32Array.from(encodeBatch(tokenizerFor(p.tokenizer), [text], p.maxLength).ids);
}

export function encodePixels(p: Extract<Preprocessing, { kind: 'image' }>, pixels: Uint8Array): Float32Array {
  if (pixels.length !== p.height * p.width * p.channels)
    throw new InputError(`The image must be ${p.height}×${p.width}×${p.channels} pixels.`);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! * p.scale;
  return out;
}

/** The model's output in the label's own terms: class probabilities, or the value (standardization undone). */
export function readOutput(
  p: Preprocessing,
  task: Task,
  output: Float32Array,
): { probabilities: number[]; classIndex: number; value: number | null } {
  if (task === 'regression') {
    const label = p.kind !== 'image' && p.label?.type === 'numeric' ? p.label : { mean: 0, std: 1 };
    return { probabilities: [], classIndex: -1, value: output[0]! * label.std + label.mean };
  }
  const probabilities = Array.from(output);
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  return { probabilities, classIndex: best, value: null };
}
