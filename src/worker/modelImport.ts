// A model brought back into the studio (a .zip the studio or "Continue in PyTorch" made, or a
// TensorFlow.js model.json with its weights): read, checked against its preprocessing, built and
// run once, before anything is stored. A refused file changes nothing.
import * as tf from '@tensorflow/tfjs';
import { fnv1a, type SavedModel } from '../engine/checkpoint/serialize';
import type { Dataset } from '../engine/data/dataset';
import {
  ModelFileError,
  checkUploadSize,
  findModelJson,
  joinWeights,
  jsonText,
  readModelJson,
  unpackModelUpload,
  type ModelFiles,
} from '../engine/export/modelFiles';
import { classNamesOf, inputWidth, parsePreprocessingFile, type ModelMeta } from '../engine/export/preprocessingFile';
import { signatureOf } from '../engine/pretrain/encoders';
import { DEFAULT_CONFIG } from '../shared/defaults';
import { errorMessage } from '../shared/format';
import type { Preprocessing } from '../shared/preprocessing';
import type { CheckpointInfo } from '../shared/types/models';
import { listCheckpoints } from './data/checkpoints';
import type { CheckpointData } from './data/db';
import { noPreprocessingFile } from './messages';

/** The upload's files read and checked, and the checkpoint it becomes (not stored yet). */
export async function readImport(
  files: File[],
  current: Dataset | null,
): Promise<{ info: CheckpointInfo; data: CheckpointData }> {
  if (!files.length)
    throw new ModelFileError('No file was chosen. Choose the model .zip, or model.json with its .bin weights.');
  checkUploadSize(files.reduce((s, f) => s + f.size, 0)); // before any file is read into memory
  const label = files.length === 1 ? files[0]!.name : files.map((f) => f.name).join(' + ');
  const map = unpackModelUpload(
    await Promise.all(files.map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) }))),
  );
  const parsed = readModelJson(jsonText(map, findModelJson(map)));
  const weightData = joinWeights(parsed, map);
  const { preprocessing, meta } = map.has('preprocessing.json')
    ? parsePreprocessingFile(jsonText(map, 'preprocessing.json'))
    : asCurrentData(parsed, label, current);
  checkBelongTogether(parsed, preprocessing, meta, label);
  await checkRuns(parsed, weightData, label);
  return importedCheckpoint(parsed, weightData, preprocessing, meta, label);
}

const widthOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A plain model.json and weights: it can only be fed like the current dataset, if it fits it. */
function asCurrentData(
  parsed: ModelFiles,
  label: string,
  ds: Dataset | null,
): { preprocessing: Preprocessing; meta: ModelMeta } {
  const width = widthOf(parsed.inputShape);
  if (!ds || inputWidth(ds.preprocessing) !== width)
    throw new ModelFileError(noPreprocessingFile(width, ds && { name: ds.name, width: inputWidth(ds.preprocessing) }));
  return {
    preprocessing: ds.preprocessing,
    meta: {
      name: label.replace(/\.(zip|json)$/i, ''),
      dataset: ds.name,
      stage: 'finetune',
      epoch: 0,
      task: ds.task,
      modelInputShape: parsed.inputShape,
      metrics: {},
    },
  };
}

/** The network and its preprocessing must agree: inputs, classes (or one value), and a task head. */
function checkBelongTogether(parsed: ModelFiles, preprocessing: Preprocessing, meta: ModelMeta, label: string): void {
  // An encoder has no task head: as a "classifier" it would output its features, not classes.
  if (meta.stage === 'pretrain' || meta.task === 'none')
    throw new ModelFileError(
      `${label} is a pretrained encoder without a task head, so it cannot predict or be fine-tuned as imported. Import a fine-tuned model's .zip instead.`,
    );
  if (inputWidth(preprocessing) !== widthOf(parsed.inputShape))
    throw new ModelFileError(
      `The model takes ${parsed.inputShape.join('×')} inputs, but its preprocessing.json makes ${inputWidth(preprocessing)} values. The two files do not belong together.`,
    );
  const outputs = widthOf(parsed.outputShape);
  const classes = classNamesOf(preprocessing);
  if (meta.task === 'classification' && (parsed.outputShape.length !== 1 || outputs !== classes.length))
    throw new ModelFileError(
      `The model outputs ${parsed.outputShape.join('×')} values, but its preprocessing names ${classes.length} classes. The two files do not belong together.`,
    );
  if (meta.task === 'regression' && outputs !== 1)
    throw new ModelFileError(`A regression model must output one value; this one outputs ${outputs}.`);
}

/** Builds it with tfjs and runs it once on zeros: it must load and give finite outputs. */
async function checkRuns(parsed: ModelFiles, weightData: ArrayBuffer, label: string): Promise<void> {
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: parsed.modelTopology, weightSpecs: parsed.weightSpecs, weightData }),
    );
  } catch (e) {
    throw new ModelFileError(`TensorFlow.js could not build the model from ${label}: ${errorMessage(e)}.`);
  }
  try {
    const out = tf.tidy(() => model.predict(tf.zeros([1, ...parsed.inputShape])) as tf.Tensor);
    const values = await out.data();
    out.dispose();
    if (!values.every(Number.isFinite))
      throw new ModelFileError(
        `${label}: the model's outputs are not finite numbers (its weights hold NaN or infinity). Download it again.`,
      );
  } finally {
    model.dispose();
  }
}

/** The checkpoint an import becomes: a finished fine-tuning run of its own, named after the file. */
async function importedCheckpoint(
  parsed: ModelFiles,
  weightData: ArrayBuffer,
  preprocessing: Preprocessing,
  meta: ModelMeta,
  label: string,
): Promise<{ info: CheckpointInfo; data: CheckpointData }> {
  const id = `import-${crypto.randomUUID()}`;
  const existing = new Set((await listCheckpoints()).map((c) => c.name));
  let name = meta.name === 'imported model' ? label : meta.name;
  if (existing.has(name)) name = `${name} (imported)`;
  const saved: SavedModel = {
    modelTopology: parsed.modelTopology,
    weightSpecs: parsed.weightSpecs,
    weightData,
    optimizer: [],
    checksum: fnv1a([weightData]),
    bytes: weightData.byteLength,
  };
  const conv = parsed.layers.some((l) => l.startsWith('Conv2D'));
  const info: CheckpointInfo = {
    id,
    runKey: id,
    runTitle: `Imported ${label}`,
    name,
    stage: 'finetune',
    epoch: meta.epoch,
    totalEpochs: meta.epoch,
    step: 0,
    tags: ['final'],
    valLoss: meta.metrics.valLoss ?? NaN,
    valAccuracy: meta.metrics.valAccuracy ?? NaN,
    bytes: saved.bytes,
    createdAt: Date.now(),
    datasetName: meta.dataset,
    inputSignature: signatureOf(preprocessing),
    inputShape:
      preprocessing.kind === 'image'
        ? [preprocessing.height, preprocessing.width, preprocessing.channels]
        : [widthOf(parsed.inputShape)],
    classNames: classNamesOf(preprocessing),
    config: { ...DEFAULT_CONFIG, model: conv ? 'cnn' : 'mlp', epochs: Math.max(1, meta.epoch) },
    origin: 'import',
    importedFrom: label,
    layers: parsed.layers,
    metrics: meta.metrics,
  };
  const history = { series: ['loss'], steps: new Float32Array(0), losses: [new Float32Array(0)], epochs: [] };
  return { info, data: { id, model: saved, preprocessing, history } };
}
