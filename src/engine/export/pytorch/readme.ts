// README.md of the PyTorch project: what each file is, the commands, the way back to the studio.
import type { PreprocessingFile } from '../preprocessingFile';
import type { TorchRunSpec } from './types';

export interface ReadmeInfo {
  run: TorchRunSpec;
  preprocessing: PreprocessingFile;
  /** The network in one line (Input -> layers). */
  diagram: string;
  /** Which optional files the project has. */
  has: { split: boolean; check: boolean; encoded: boolean };
  exportName: string;
}

/** The versions the generated project was tested with (scripts and unit tests here). */
export const TESTED_WITH = 'Python 3.11, PyTorch 1.13.1, numpy 1.24 (Pillow 9.4 for images)';

const dataHint = (p: PreprocessingFile) => (p.input.kind === 'image' ? 'images/' : 'your-data.csv');

function filesTable(i: ReadmeInfo): string {
  const rows: [string, string][] = [
    ['`model.py`', `The network as a plain \`torch.nn.Module\` (\`StudioModel\`): ${i.diagram}.`],
    ['`weights.npz`', "The studio's weights in tfjs layouts, under tfjs's names; `load_weights()` converts them."],
    ['`data.py`', 'Reads your original data exactly as the studio encoded it (following `preprocessing.json`).'],
    ['`train.py`', 'Continues the run: the same loss, optimizer, schedule and freezing; one process or many.'],
    ['`run.json`', 'The run: epochs done and planned, batch size, learning rate, optimizer, schedule, freezing, seed.'],
    ['`preprocessing.json`', 'How raw inputs become model inputs, as the studio wrote it.'],
    [
      '`studio/model.json`',
      "The studio's topology and weights manifest; the way back to the studio is written with it.",
    ],
  ];
  if (i.has.split)
    rows.push(['`split.json`', "The studio's train / validation / test rows (row k = data.py's row k)."]);
  if (i.has.check)
    rows.push(['`check.json`', "Held-out rows: the studio's encoded inputs and its model's outputs for them."]);
  if (i.has.encoded)
    rows.push([
      '`data/encoded.npz`',
      'The whole dataset as the studio encoded it: train.py uses it when no --data is given.',
    ]);
  rows.push(['`requirements.txt`', 'What to install: torch and numpy (Pillow for images).']);
  return ['| File | What it is |', '| --- | --- |', ...rows.map(([f, w]) => `| ${f} | ${w} |`)].join('\n');
}

export function readme(i: ReadmeInfo): string {
  const { run } = i;
  return `# ${run.modelName}: continue in PyTorch

A small PyTorch project written by Pretrain Studio for the model "${run.modelName}" (fine-tuned on
${run.datasetName}, a ${run.task} model; the studio trained ${run.epochsDone} of ${run.epochs} planned epochs).
Unzip it next to your data, continue training with \`torchrun\` on as many processes or machines as
you like, and bring the result back into the studio. Nothing in it downloads anything.

## Files

${filesTable(i)}

## Commands

${commandsSection(i)}

## How training continues

${trainingSection(i)}

## Back to the studio

${backSection(i)}

## Tested with

${TESTED_WITH}. Only the standard library, torch, numpy (and Pillow for images) are used.
`;
}

/** How `--data` is given: optional when the encoded dataset ships. */
function dataArgument(i: ReadmeInfo): string {
  const data = dataHint(i.preprocessing);
  return i.has.encoded ? ` [--data ${data}]` : ` --data ${data}`;
}

/** The commands, from install to several machines, and the workarounds they may need. */
function commandsSection(i: ReadmeInfo): string {
  const data = dataHint(i.preprocessing);
  const dataArg = dataArgument(i);
  const remaining = Math.max(1, i.run.epochs - i.run.epochsDone);
  const dataNote =
    i.preprocessing.input.kind === 'image'
      ? `\`--data\` takes a folder of class folders (\`cat/001.png\`, \`dog/002.png\`) or the \`.zip\` you loaded in the studio. Give the same zip to get the studio's row order (a folder is read in sorted path order); \`python data.py --data PATH --check\` tells whether the rows line up. Resizing in Python and in the browser's canvas differ slightly, so the image check allows a small difference (\`IMAGE_TOLERANCE\` in data.py).`
      : "`--data` takes the CSV/TSV you loaded in the studio (or a bigger file with the same columns: then delete split.json, which names the studio's rows, and train.py splits all rows 70/15/15): data.py cleans cells, drops and fills in missing values, standardizes and one-hot encodes exactly as the studio did, so row k is the studio's row k.";
  return `\`\`\`sh
${commands([
  ['pip install -r requirements.txt', 'if torch and numpy are not installed yet'],
  ...(i.has.check
    ? ([
        ['python model.py --check', "the PyTorch network predicts the studio's held-out rows (within 1e-4)"],
        [`python data.py --data ${data} --check`, "data.py reads your data into the studio's rows"],
      ] as [string, string][])
    : []),
  [`python train.py${dataArg}`, `one process: the remaining ${remaining} epoch(s)`],
  [`torchrun --nproc_per_node=4 train.py${dataArg} [--epochs N]`, 'four processes (or GPUs) on this machine'],
])}
\`\`\`

${dataNote}

${distributedNotes(i)}`;
}
/** Several machines, train.py's options, and the two known ways a distributed start gets stuck. */
function distributedNotes(i: ReadmeInfo): string {
  const dataArg = dataArgument(i);
  return `On several machines, run the same command on each (HOST: one of them, reachable from the others):

\`\`\`sh
torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 --rdzv_id=run1 \\
  train.py${dataArg}
\`\`\`

(Newer PyTorch also spells these \`--rdzv-backend\` and \`--rdzv-endpoint\`.) train.py reads torchrun's
\`RANK\`, \`LOCAL_RANK\`, \`WORLD_SIZE\`, \`MASTER_ADDR\` and \`MASTER_PORT\`; it uses NCCL when CUDA is
available and Gloo on CPUs (\`--backend\` to choose, \`--cpu\` to stay on the CPU). Without those
variables it runs as one plain process.

Options of train.py: \`--epochs N\` (epochs to train now; default: the run's remaining ones),
\`--batch-size B\` (the global batch, split across processes; default: the run's ${i.run.batchSize}),
\`--resume [CHECKPOINT]\` (continue from the latest checkpoint, or the one named), \`--out DIR\` (where
\`checkpoints/\` and \`studio-export/\` go; default: this folder), \`--keep K\` (checkpoints kept).
Only rank 0 writes checkpoints: to \`--resume\` a run that spans several machines, give every
machine the same \`--out\` on a shared folder (or copy \`checkpoints/\` to each first).

**Debian's PyTorch 1.13 and Python 3.11:** its \`torchrun\` fails before starting any process
(\`AttributeError: 'NoneType' object has no attribute 'get'\`). Start the processes yourself with
the variables torchrun would set, one per rank:

\`\`\`sh
MASTER_ADDR=127.0.0.1 MASTER_PORT=29533 RANK=0 LOCAL_RANK=0 WORLD_SIZE=2 python train.py${dataArg} &
MASTER_ADDR=127.0.0.1 MASTER_PORT=29533 RANK=1 LOCAL_RANK=1 WORLD_SIZE=2 python train.py${dataArg}
\`\`\`

If the processes wait at the start and never print an epoch on CPUs, Gloo may be using the address
the machine's host name resolves to: set \`GLOO_SOCKET_IFNAME=lo\` on one machine (\`lo0\` on
macOS; the network interface, e.g. \`eth0\`, across machines) and choose a \`MASTER_PORT\` below
32768, outside the range the system hands out to outgoing connections.`;
}

/** What train.py carries over from the studio's run, and what it does not. */
function trainingSection(i: ReadmeInfo): string {
  return `- **Loss:** ${i.run.task === 'classification' ? 'categorical cross-entropy on the softmax (computed from the logits, `model(x, logits=True)`, for numerical stability)' : "mean squared error on the standardized target (as `preprocessing.json`'s label mean and std define it)"}.
- **Optimizer:** ${optimizerText(i.run)}, learning rate ${i.run.learningRate}. Its state (e.g. Adam's moments) is **not** carried over from the studio: it starts fresh, as the studio's does at each freezing phase. Not carried over either: the augmentation of training batches and early stopping (train.py trains the epochs asked for).
- **Schedule and freezing:** the studio's learning-rate schedule (${i.run.schedule.kind}${i.run.schedule.warmupEpochs > 0 ? `, ${i.run.schedule.warmupEpochs} warm-up epoch(s)` : ''}) and freezing phases (${freezeText(i.run)}), counting epochs and steps on from epoch ${i.run.epochsDone}. The schedule spans the run's ${i.run.epochs} planned epochs (or the last epoch trained, if \`--epochs\` goes beyond them).
- **Rows:** ${i.has.split ? "split.json's training rows train; its validation rows give the validation loss" : "without split.json, a seeded 70/15/15 split of the rows (not the studio's)"}${i.run.task === 'classification' ? ' and accuracy' : ''} after each epoch; the test rows are evaluated at the end.
- **Processes:** \`DistributedDataParallel\` over disjoint shards of the training rows (a seeded \`DistributedSampler\`, reshuffled every epoch). Only rank 0 logs, checkpoints and exports.`;
}

/** The files train.py leaves for the way back. */
function backSection(i: ReadmeInfo): string {
  return `At the end, train.py (rank 0) writes:

- \`studio-export/${i.exportName}\`: open the studio, **Import model**, and choose this zip. It holds
  model.json (the studio's topology and manifest), the trained weights in tfjs layouts
  (\`model.weights.bin\`), and preprocessing.json with the epoch reached, the name marked "(PyTorch)" and
  the test metrics from PyTorch.
- \`studio-export/predictions.json\`: the trained model's outputs for check.json's rows.
- \`checkpoints/epoch-NNNN.pt\` (model and optimizer state, epoch) and \`checkpoints/history.json\` (loss per epoch).`;
}

/** Shell commands with their comments aligned. */
function commands(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([c]) => c.length)) + 2;
  return rows.map(([c, why]) => `${c.padEnd(width)}# ${why}`).join('\n');
}

function optimizerText(run: TorchRunSpec): string {
  const o = run.optimizer;
  if (o.kind === 'sgd') return 'SGD';
  if (o.kind === 'momentum') return `SGD with momentum ${o.momentum}`;
  return `Adam (β1 ${o.beta1}, β2 ${o.beta2}, ε 1e-7 as in tfjs)`;
}

function freezeText(run: TorchRunSpec): string {
  const f = run.freeze;
  if (f.headEpochs <= 0) return 'none: every layer trains';
  const after = f.unfreeze === 'all' ? 'every layer' : `the head and the last ${f.lastK} encoder layer(s) with weights`;
  return `the head only up to epoch ${f.headEpochs}, then ${after} at the rate × ${f.lrFactor}`;
}
