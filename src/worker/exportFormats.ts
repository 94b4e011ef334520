// The two formats a model leaves the studio in besides its own zip: model.onnx (to deploy with
// ONNX Runtime anywhere) and the "Continue in PyTorch" project (to carry the run on with torchrun).
// Both are written from the saved topology and weights by pure converters (engine/export/onnx,
// engine/export/pytorch); what needs the live dataset and network (the held-out rows the project
// checks itself against) is gathered here.
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import type { Dataset } from '../engine/data/dataset';
import { gatherBatch } from '../engine/data/dataset';
import { ExportError } from '../engine/export/exportError';
import { inLayerOrder } from '../engine/export/weightOrder';
import { budgetedRows } from '../engine/train/loop';
import { sampleShape } from '../engine/models/shape';
import { onnxSupport, toOnnx, type SavedNetwork } from '../engine/export/onnx/toOnnx';
import type { PreprocessingFile } from '../engine/export/preprocessingFile';
import { pytorchProject, pytorchSupport, type StudioRows, type TorchRunSpec } from '../engine/export/pytorch/project';
import { METHODS } from '../shared/methods';
import { DEFAULT_CONFIG } from '../shared/defaults';
import type { Preprocessing } from '../shared/preprocessing';
import type { Task } from '../shared/types/datasets';
import type { TrainConfig } from '../shared/types/training';

export const ONNX_FILE = 'model.onnx';

/** Held-out rows the PyTorch project checks its model and its data reader against. */
const CHECK_ROWS = 16;
/** The whole encoded dataset ships in the project (so train.py runs without --data) up to this size. */
const ENCODED_BYTES = 64 * 1024 * 1024;

/** Refuses, before anything is built, a network the format cannot represent, saying which layer. */
function supported(check: { ok: true } | { ok: false; reason: string }, format: string, name: string): void {
  if (!check.ok) throw new ExportError(`"${name}" cannot be exported as ${format}: ${check.reason}`);
}

export function onnxFile(net: SavedNetwork, name: string): Uint8Array {
  supported(onnxSupport(net.modelTopology), 'ONNX', name);
  // toOnnx states the input's layout (NHWC for images) in the doc string itself.
  return toOnnx(inLayerOrder(net), {
    name,
    docString: `${name}, exported by Pretrain Studio; preprocessing.json says how to encode inputs.`,
  });
}

/** model.onnx for the model zip, when ONNX can represent the network: the zip never fails for it. */
export function onnxExtra(net: SavedNetwork, name: string): Record<string, Uint8Array> {
  try {
    return { [ONNX_FILE]: onnxFile(net, name) };
  } catch (e) {
    if (e instanceof ExportError) return {};
    throw e;
  }
}

/** Refuses, before any rows are gathered, a network the PyTorch project cannot write. */
export function checkPytorch(net: SavedNetwork, name: string): void {
  supported(pytorchSupport(net.modelTopology), 'a PyTorch project', name);
}

/**
 * The run the project continues: the checkpoint's settings (an imported model has none, so the
 * studio's defaults with its epoch count) and how far it got.
 */
export function torchRun(
  name: string,
  datasetName: string,
  task: Task,
  epoch: number,
  config: TrainConfig | undefined,
): TorchRunSpec {
  const c = config ?? { ...DEFAULT_CONFIG, epochs: Math.max(1, epoch) };
  if (task !== 'classification' && task !== 'regression')
    throw new ExportError(
      `"${name}" has no task head (a pretrained encoder), so there is nothing for train.py to fine-tune. Fine-tune it in the studio first, then export that model.`,
    );
  if (c.method && c.method.id !== 'supervised')
    throw new ExportError(
      `"${name}" was fine-tuned by the ${METHODS[c.method.id].label} method, which train.py does not carry on: it ` +
        `continues supervised fine-tuning only (the unlabelled rows and the studio's weak and strong views are not in ` +
        `the project). Export the model as ONNX or for TensorFlow.js to use it, or continue the run in the studio.`,
    );
  return {
    modelName: name,
    datasetName,
    task,
    epochsDone: epoch,
    epochs: Math.max(c.epochs, epoch),
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    seed: c.seed,
    optimizer: c.optimizer,
    schedule: c.schedule,
    freeze: c.freeze,
  };
}

/**
 * The split, a check of held-out rows (their encoded inputs and this network's outputs), and the
 * encoded dataset when it is small: only when the loaded dataset is the one the model reads
 * (same preprocessing), else the project reads the user's files with data.py alone.
 */
export async function studioRows(
  ds: Dataset | null,
  p: Preprocessing,
  config: TrainConfig | undefined,
  network: () => Promise<tf.LayersModel>,
): Promise<StudioRows | undefined> {
  if (!ds || JSON.stringify(ds.preprocessing) !== JSON.stringify(p)) return undefined;
  const held = ds.split.test.length ? ds.split.test : ds.split.val;
  const n = Math.min(CHECK_ROWS, held.length);
  const { x } = gatherBatch(ds, held, 0, n);
  const model = await network();
  // The network's own input shape: the MLP takes images flat.
  const inShape = sampleShape(model, ds.features);
  const out = tf.tidy(() => model.predict(tf.tensor(x, [n, ...inShape])) as tf.Tensor2D);
  let outputs: number[][];
  try {
    outputs = (await out.array()) as number[][];
  } finally {
    out.dispose();
  }
  const width = ds.features;
  const rows: StudioRows = {
    // The rows the run trained on: its label budget's, so train.py goes on with the same labels.
    split: {
      train: [...(config ? budgetedRows(ds, config, config.seed) : ds.split.train)],
      val: [...ds.split.val],
      test: [...ds.split.test],
    },
    check: {
      rows: [...held.subarray(0, n)],
      inputs: Array.from({ length: n }, (_, i) => [...x.subarray(i * width, (i + 1) * width)]),
      outputs,
    },
  };
  if (ds.rows * width * 4 <= ENCODED_BYTES) {
    const all = Int32Array.from({ length: ds.rows }, (_, i) => i);
    const { x: encoded } = gatherBatch(ds, all, 0, ds.rows);
    rows.encoded = { x: encoded, shape: ds.inputShape, y: ds.y };
  }
  return rows;
}

/** The project as one zip, its files in a folder named after the model. */
export function pytorchZip(
  net: SavedNetwork,
  pre: PreprocessingFile,
  run: TorchRunSpec,
  rows: StudioRows | undefined,
  folder: string,
): Uint8Array {
  checkPytorch(net, run.modelName);
  const files = pytorchProject(inLayerOrder(net), pre, run, rows);
  return zipSync(Object.fromEntries(Object.entries(files).map(([path, data]) => [`${folder}/${path}`, data])), {
    level: 6,
  });
}
