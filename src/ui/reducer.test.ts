import { describe, expect, it } from 'vitest';
import { AUGMENT_PRESETS } from '../shared/augmentation';
import { DEFAULT_CONFIG, DEFAULT_IMAGE_OPTIONS } from '../shared/defaults';
import type { WorkerEvent } from '../shared/protocol';
import type { DatasetSummary } from '../shared/types/datasets';
import type { RunFault } from '../shared/types/faults';
import type { CheckpointInfo } from '../shared/types/models';
import type { EpochLog, Evaluation, ProgressSnapshot } from '../shared/types/results';
import type { SweepStatus } from '../shared/types/sweep';
import { bestProbe, probePoints } from './chart/probe';
import { DEFAULT_SETTINGS, choose } from '../shared/settings/choices';
import { resolveConfig } from '../shared/settings/resolve';
import { emptyRun, reduce, type StudioData } from './reducer';

function initial(patch: Partial<StudioData> = {}): StudioData {
  return {
    workerReady: true,
    datasetLoading: null,
    datasetProgress: null,
    imageOptions: { ...DEFAULT_IMAGE_OPTIONS },
    dataset: null,
    settings: DEFAULT_SETTINGS,
    config: resolveConfig(DEFAULT_SETTINGS, { dataset: null, checkpoints: [] }),
    run: emptyRun(),
    invalidFields: [],
    startRequested: false,
    checkpoints: [],
    runs: [],
    comparedRunKeys: [],
    evaluation: null,
    currentModel: null,
    interrupted: [],
    memory: null,
    recovering: false,
    sweep: null,
    lrFinders: {},
    importanceProgress: null,
    ...patch,
  };
}

/** The state after the events, in order (alerts are dropped). */
function after(state: StudioData, ...events: WorkerEvent[]): StudioData {
  return events.reduce((s, e) => reduce(s, e).state, state);
}

const progress = (step: number): ProgressSnapshot => ({
  epoch: 1,
  batch: step,
  step,
  stepsPerEpoch: 10,
  totalEpochs: 2,
  samplesPerSec: 500,
  etaSeconds: 3,
  tensors: 12,
  bytes: 4096,
});

const epochLog = (epoch: number): EpochLog => ({
  epoch,
  step: epoch * 10,
  trainLoss: 0.5 / epoch,
  valLoss: 0.6 / epoch,
  valAccuracy: 0.8,
  seconds: 1,
});

const evaluation = { task: 'classification', samples: 20, accuracy: 0.9 } as Evaluation;

function dataset(patch: Partial<DatasetSummary> = {}): DatasetSummary {
  return {
    name: 'iris',
    description: '',
    kind: 'table',
    source: 'builtin',
    task: 'classification',
    rows: 150,
    features: 4,
    inputShape: [4],
    classNames: ['a', 'b', 'c'],
    classCounts: [50, 50, 50],
    split: { train: 105, val: 22, test: 23 },
    preview: { kind: 'table', columns: [], rows: [] },
    ...patch,
  };
}

function checkpoint(id: string, patch: Partial<CheckpointInfo> = {}): CheckpointInfo {
  return {
    id,
    runKey: 'run-1',
    runTitle: 'Fine-tune iris',
    name: id,
    stage: 'finetune',
    epoch: 2,
    totalEpochs: 5,
    step: 20,
    tags: ['latest'],
    valLoss: 0.4,
    valAccuracy: 0.9,
    bytes: 1000,
    createdAt: 0,
    datasetName: 'iris',
    inputSignature: '',
    inputShape: [4],
    classNames: ['a', 'b', 'c'],
    config: { ...DEFAULT_CONFIG },
    ...patch,
  };
}

const fault = (kind: RunFault['kind'], patch: Partial<RunFault> = {}): RunFault => ({
  kind,
  message: `fault: ${kind}`,
  checkpointId: 'cp-2',
  checkpointEpoch: 2,
  ...patch,
});

/** A run with id 7, started and training. */
function training(): StudioData {
  return after(
    initial(),
    { type: 'runPhase', runId: 7, state: 'starting', message: 'Preparing' },
    {
      type: 'runStarted',
      runId: 7,
      stage: 'finetune',
      series: ['loss'],
      title: 'Fine-tune iris',
      config: DEFAULT_CONFIG,
    },
    { type: 'runPhase', runId: 7, state: 'running' },
  );
}

describe('reduce: a run from start to end', () => {
  it('runPhase "starting" opens a new run and clears the last evaluation', () => {
    const s = after(initial({ evaluation }), { type: 'runPhase', runId: 7, state: 'starting', message: 'Preparing' });
    expect(s.run.id).toBe(7);
    expect(s.run.state).toBe('starting');
    expect(s.run.message).toBe('Preparing');
    expect(s.evaluation).toBeNull();
  });

  it('runStarted sets the stage, series, title and settings, with one empty loss list per series', () => {
    const s = after(
      initial(),
      { type: 'runPhase', runId: 7, state: 'starting' },
      {
        type: 'runStarted',
        runId: 7,
        stage: 'pretrain',
        series: ['discriminator', 'generator'],
        title: 'GAN',
        config: { ...DEFAULT_CONFIG, epochs: 9 },
      },
    );
    expect(s.run.stage).toBe('pretrain');
    expect(s.run.series).toEqual(['discriminator', 'generator']);
    expect(s.run.title).toBe('GAN');
    expect(s.run.config?.epochs).toBe(9);
    expect(s.run.losses).toEqual([[], []]);
  });

  it('progress appends the losses in place and bumps lossVersion', () => {
    const before = training();
    const steps = before.run.steps;
    const s = after(
      before,
      { type: 'progress', runId: 7, progress: progress(2), steps: [1, 2], losses: [[0.9, 0.8]] },
      { type: 'progress', runId: 7, progress: progress(3), steps: [3], losses: [[0.7]] },
    );
    expect(s.run.steps).toEqual([1, 2, 3]);
    expect(s.run.losses).toEqual([[0.9, 0.8, 0.7]]);
    expect(s.run.steps).toBe(steps); // the same array, grown: no copy of the history
    expect(s.run.lossVersion).toBe(before.run.lossVersion + 2);
    expect(s.run.progress?.step).toBe(3);
    expect(s.run).not.toBe(before.run); // the run object itself is new, so subscribers see the change
  });

  it('epoch, evaluation and runEnded complete the run', () => {
    const s = after(
      training(),
      { type: 'epoch', runId: 7, log: epochLog(1) },
      { type: 'epoch', runId: 7, log: epochLog(2) },
      { type: 'evaluation', runId: 7, evaluation },
      { type: 'runEnded', runId: 7, state: 'done' },
    );
    expect(s.run.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(s.evaluation).toBe(evaluation);
    expect(s.run.state).toBe('done');
    expect(s.run.message).toBeNull();
  });

  it('runEnded with an error raises the message as an alert', () => {
    const r = reduce(training(), { type: 'runEnded', runId: 7, state: 'error', message: 'It broke' });
    expect(r.state.run.state).toBe('error');
    expect(r.state.run.message).toBe('It broke');
    expect(r.alerts).toEqual([{ message: 'It broke' }]);
  });

  it('a backend fallback is an alert with its reason', () => {
    const info = { requested: 'webgpu', active: 'webgl', reason: 'no adapter', fellBack: true, probes: [] } as const;
    const r = reduce(training(), { type: 'backend', runId: 7, info: { ...info, probes: [] } });
    expect(r.state.run.backend?.active).toBe('webgl');
    expect(r.alerts).toEqual([{ message: 'no adapter' }]);
  });
});

describe('reduce: events of another run', () => {
  const stale: WorkerEvent[] = [
    { type: 'runPhase', runId: 6, state: 'paused' },
    { type: 'runStarted', runId: 6, stage: 'pretrain', series: ['x'], title: 'old', config: DEFAULT_CONFIG },
    { type: 'progress', runId: 6, progress: progress(5), steps: [5], losses: [[0.1]] },
    { type: 'epoch', runId: 6, log: epochLog(1) },
    { type: 'evaluation', runId: 6, evaluation },
    { type: 'notice', runId: 6, message: 'old notice' },
    { type: 'runFault', runId: 6, fault: fault('diverged') },
    { type: 'runEnded', runId: 6, state: 'error', message: 'old error' },
  ];

  it.each(stale.map((e) => [e.type, e] as const))('%s of an earlier run id changes nothing', (_type, e) => {
    const before = training();
    const r = reduce(before, e);
    expect(r.state).toBe(before);
    expect(r.alerts).toEqual([]);
    expect(before.run.steps).toEqual([]); // not even the in-place arrays
  });

  it('a new run\'s "starting" replaces the shown run, whatever its id', () => {
    const s = after(training(), { type: 'runPhase', runId: 8, state: 'starting' });
    expect(s.run.id).toBe(8);
    expect(s.run.title).toBe('');
  });
});

describe('reduce: run faults', () => {
  it('diverged: the fault is kept and the alert offers to resume with the lowered learning rate', () => {
    const f = fault('diverged', { learningRate: 0.0001 });
    const r = reduce(training(), { type: 'runFault', runId: 7, fault: f });
    expect(r.state.run.fault).toBe(f);
    expect(r.alerts).toEqual([
      {
        message: 'fault: diverged',
        kind: 'diverged',
        action: {
          type: 'recover',
          label: 'Resume from last good checkpoint with learning rate 0.0001',
          fault: f,
        },
      },
    ]);
  });

  it('too-big: an alert without an action', () => {
    const r = reduce(training(), { type: 'runFault', runId: 7, fault: fault('too-big') });
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]!.kind).toBe('too-big');
    expect(r.alerts[0]!.action).toBeUndefined();
  });

  it('device lost: resume from the checkpoint epoch, or from the start without one', () => {
    const withCheckpoint = reduce(training(), { type: 'runFault', runId: 7, fault: fault('device-lost') });
    expect(withCheckpoint.alerts[0]!.action?.label).toBe('Resume from epoch 2');
    const without = reduce(training(), {
      type: 'runFault',
      runId: 7,
      fault: fault('out-of-memory', { checkpointId: null, checkpointEpoch: null }),
    });
    expect(without.alerts[0]!.action?.label).toBe('Resume from the start');
  });

  it('a storage-full warning offers to delete old checkpoints', () => {
    const r = reduce(initial(), { type: 'warning', message: 'Storage is full', code: 'storage-full' });
    expect(r.alerts).toEqual([
      { message: 'Storage is full', action: { type: 'prune', label: 'Delete old checkpoints' } },
    ]);
    expect(reduce(initial(), { type: 'warning', message: 'Other' }).alerts[0]!.action).toBeUndefined();
  });
});

describe('reduce: the worker crashed', () => {
  const crash: WorkerEvent = { type: 'failed', id: -1, message: 'The training worker crashed' };

  it('ends an active run as an error, sets recovering, and withdraws the fault alerts', () => {
    const before = after(training(), { type: 'runFault', runId: 7, fault: fault('diverged') });
    const r = reduce(
      { ...before, datasetLoading: 'iris', currentModel: { name: 'm' } as StudioData['currentModel'] },
      crash,
    );
    expect(r.state.run.state).toBe('error');
    expect(r.state.run.message).toBe('The training worker crashed');
    expect(r.state.run.fault).toBeNull();
    expect(r.state.recovering).toBe(true);
    expect(r.state.workerReady).toBe(false);
    expect(r.state.datasetLoading).toBeNull();
    expect(r.state.currentModel).toBeNull();
    expect(r.alerts).toEqual([{ message: 'The training worker crashed', kind: 'worker' }]);
    expect(r.withdraw).toEqual(['diverged', 'device-lost', 'out-of-memory']);
  });

  it('leaves an ended run as it was, and is not recovering', () => {
    const done = after(training(), { type: 'runEnded', runId: 7, state: 'done' });
    const r = reduce(done, crash);
    expect(r.state.run.state).toBe('done');
    expect(r.state.recovering).toBe(false);
  });

  it('a failed request (an id of its own) changes nothing', () => {
    const before = training();
    const r = reduce(before, { type: 'failed', id: 3, message: 'refused' });
    expect(r.state).toBe(before);
    expect(r.alerts).toEqual([]);
  });

  it('after the restart, the interrupted run is offered in an alert, once', () => {
    const recovering = reduce(training(), crash).state;
    const cp = checkpoint('cp-2');
    const runs = [{ runKey: 'run-1', title: 'Fine-tune iris', checkpoint: cp }];
    const r = reduce(recovering, { type: 'interrupted', runs, history: null });
    expect(r.state.recovering).toBe(false);
    expect(r.state.interrupted).toBe(runs);
    expect(r.alerts).toEqual([
      {
        message: '“Fine-tune iris” was interrupted when the worker stopped; its last checkpoint is epoch 2 of 5.',
        kind: 'worker-resume',
        action: { type: 'resumeCheckpoint', label: 'Resume from epoch 2', checkpointId: 'cp-2' },
      },
    ]);
    expect(reduce(r.state, { type: 'interrupted', runs, history: null }).alerts).toEqual([]);
  });
});

describe('reduce: datasets', () => {
  it('a new dataset resets the last results and gets its default encoder', () => {
    const ended = after(
      training(),
      { type: 'evaluation', runId: 7, evaluation },
      { type: 'runEnded', runId: 7, state: 'done' },
    );
    const s = after(ended, {
      type: 'datasetLoaded',
      summary: dataset({ name: 'mnist', kind: 'image', features: 784, inputShape: [28, 28, 1] }),
    });
    expect(s.dataset?.name).toBe('mnist');
    expect(s.run).toEqual(emptyRun());
    expect(s.evaluation).toBeNull();
    expect(s.config.encoder).toEqual({ kind: 'dense', widths: [128] });
  });

  it("the user's encoder is kept over every dataset's default; a table's default is half its inputs", () => {
    const loaded = after(initial(), { type: 'datasetLoaded', summary: dataset({ features: 10 }) });
    expect(loaded.config.encoder).toEqual({ kind: 'dense', widths: [5] });
    const edited = { ...loaded, settings: choose(loaded.settings, { encoder: { kind: 'dense', widths: [3] } }) };
    const s = after(edited, { type: 'datasetLoaded', summary: dataset({ features: 6 }) });
    expect(s.config.encoder).toEqual({ kind: 'dense', widths: [3] });
    expect(s.dataset?.features).toBe(6);
  });

  it('text sets the Transformer, masked language modeling and no augmentation; a table after it goes back', () => {
    const before = initial({
      settings: choose(DEFAULT_SETTINGS, { stage: 'pretrain', objective: { id: 'contrastive' } }),
    });
    const text = after(before, {
      type: 'datasetLoaded',
      summary: dataset({ name: 'reviews', kind: 'text', features: 128, inputShape: [128], source: 'upload' }),
    });
    expect(text.config.model).toBe('transformer');
    expect(text.config.objective.id).toBe('mlm');
    expect(text.config.augmentation).toEqual(AUGMENT_PRESETS.off);
    const table = after(text, { type: 'datasetLoaded', summary: dataset() });
    expect(table.config.model).toBe('mlp');
    expect(table.config.objective.id).toBe('contrastive'); // the user's choice, where it fits
  });

  it('a table dataset sets the model to the MLP; an idle run stays as it is', () => {
    const before = initial({ settings: choose(DEFAULT_SETTINGS, { model: 'cnn' }) });
    const s = after(before, { type: 'datasetLoaded', summary: dataset() });
    expect(s.config.model).toBe('mlp');
    expect(s.run).toBe(before.run);
  });

  it('uploaded pictures get the CNN with light augmentation, whatever came before; the digits start without', () => {
    const photos = dataset({ name: 'shapes', kind: 'image', source: 'upload', features: 784, inputShape: [28, 28, 1] });
    const digits = after(initial(), {
      type: 'datasetLoaded',
      summary: dataset({
        name: 'mnist',
        kind: 'image',
        features: 784,
        inputShape: [28, 28, 1],
        split: { train: 7000, val: 1500, test: 1500 },
      }),
    });
    // At page open (nothing before it) as after the built-in digits.
    for (const from of [initial(), digits]) {
      const s = after(from, { type: 'datasetLoaded', summary: photos });
      expect(s.config.augmentation).toEqual(AUGMENT_PRESETS.light);
      expect(s.config.model).toBe('cnn');
    }
    expect(digits.config.model).toBe('mlp');
    expect(digits.config.augmentation).toEqual(AUGMENT_PRESETS.off);
  });

  it("a saved augmentation (the user's choice) stands on the dataset restored at start-up", () => {
    const saved = initial({ settings: choose(DEFAULT_SETTINGS, { augmentation: AUGMENT_PRESETS.strong }) });
    const s = after(saved, { type: 'datasetLoaded', summary: dataset({ kind: 'image', source: 'upload' }) });
    expect(s.config.augmentation).toEqual(AUGMENT_PRESETS.strong);
  });

  it('image options come from the dataset when it has them', () => {
    const s = after(initial(), {
      type: 'datasetLoaded',
      summary: dataset({ kind: 'image', imageOptions: { size: 64, color: 'rgb' } }),
    });
    expect(s.imageOptions).toEqual({ size: 64, color: 'rgb' });
  });
});

describe('reduce: checkpoints, runs and interrupted runs', () => {
  it('a deleted start checkpoint falls back to the default start; an existing one stays', () => {
    const state = after(initial({ settings: choose(DEFAULT_SETTINGS, { initFrom: 'cp-1' }) }), {
      type: 'checkpoints',
      checkpoints: [checkpoint('cp-1')],
    });
    expect(state.config.initFrom).toBe('cp-1');
    expect(after(state, { type: 'checkpoints', checkpoints: [checkpoint('cp-2')] }).config.initFrom).toBe('scratch');
    const kept = after(state, { type: 'checkpoints', checkpoints: [checkpoint('cp-1'), checkpoint('cp-3')] });
    expect(kept.config.initFrom).toBe('cp-1');
    expect(kept.config).toBe(state.config); // unchanged settings keep their object
  });

  it('runs drop compared keys of runs that are gone', () => {
    const s = after(initial({ comparedRunKeys: ['a', 'b'] }), {
      type: 'runs',
      runs: [{ runKey: 'b' } as StudioData['runs'][number]],
    });
    expect(s.comparedRunKeys).toEqual(['b']);
  });

  it('interrupted restores the curve of the last interrupted run when no run is shown', () => {
    const history = {
      title: 'Fine-tune iris',
      series: ['loss'],
      steps: [1, 2],
      losses: [[0.9, 0.7]],
      epochs: [epochLog(1)],
    };
    const s = after(initial(), { type: 'interrupted', runs: [], history });
    expect(s.run.state).toBe('stopped');
    expect(s.run.message).toBe('Interrupted by a reload');
    expect(s.run.title).toBe('Fine-tune iris');
    expect(s.run.steps).toEqual([1, 2]);
    expect(s.run.losses).toEqual([[0.9, 0.7]]);
    expect(s.run.epochs).toHaveLength(1);
    expect(s.run.lossVersion).toBe(1);
  });

  it('interrupted leaves a run in progress alone, and offers nothing without a worker restart', () => {
    const before = training();
    const history = { title: 'x', series: ['loss'], steps: [1], losses: [[1]], epochs: [] };
    const r = reduce(before, {
      type: 'interrupted',
      runs: [{ runKey: 'run-1', title: 'x', checkpoint: checkpoint('cp-1') }],
      history,
    });
    expect(r.state.run).toBe(before.run);
    expect(r.alerts).toEqual([]);
  });

  it('runHistory gives a resumed run its curve so far', () => {
    const s = after(training(), {
      type: 'runHistory',
      runId: 7,
      steps: [1, 2, 3],
      losses: [[3, 2, 1]],
      epochs: [epochLog(1)],
    });
    expect(s.run.steps).toEqual([1, 2, 3]);
    expect(s.run.epochs).toHaveLength(1);
    expect(s.run.lossVersion).toBe(1);
  });
});

describe('reduce: everything else', () => {
  it('ready, heartbeat and datasetLoading set their fields; ok changes nothing', () => {
    const memory = { tensors: 3, bytes: 10, backend: 'cpu' };
    let s = after(initial({ workerReady: false }), { type: 'ready' }, { type: 'heartbeat', memory });
    expect(s.workerReady).toBe(true);
    expect(s.memory).toBe(memory);
    s = after(
      s,
      { type: 'datasetLoading', name: 'mnist' },
      { type: 'datasetProgress', phase: 'Reading', fraction: 0.5 },
    );
    expect(s.datasetLoading).toBe('mnist');
    expect(s.datasetProgress).toEqual({ phase: 'Reading', fraction: 0.5 });
    expect(reduce(s, { type: 'ok', id: 1 }).state).toBe(s);
  });

  it('datasetProgress keeps the elapsed time and the counts the worker sends, and a new load clears them', () => {
    let s = after(
      initial(),
      { type: 'datasetLoading', name: 'shapes.zip' },
      { type: 'datasetProgress', phase: 'Decoding images', fraction: 0.6, elapsedMs: 1500, done: 12000, total: 20000 },
    );
    expect(s.datasetProgress).toEqual({
      phase: 'Decoding images',
      fraction: 0.6,
      elapsedMs: 1500,
      done: 12000,
      total: 20000,
    });
    s = after(s, { type: 'datasetProgress', phase: 'Unpacking', fraction: 0.1, elapsedMs: 20 });
    expect(s.datasetProgress).toEqual({ phase: 'Unpacking', fraction: 0.1, elapsedMs: 20 });
    expect('done' in s.datasetProgress!).toBe(false);
    s = after(s, { type: 'datasetLoading', name: 'other.zip' });
    expect(s.datasetProgress).toBeNull();
  });

  it('epochMemory records the tensor count of each epoch', () => {
    const memory = { tensors: 40, bytes: 10, backend: 'cpu' };
    const s = after(training(), { type: 'epochMemory', runId: 7, epoch: 1, memory });
    expect(s.run.epochMemory).toEqual([{ epoch: 1, tensors: 40 }]);
    expect(s.memory).toBe(memory);
  });

  it('sweep shows the latest sweep as the worker reports it, and leaves the run alone', () => {
    const sweep = {
      id: 's',
      state: 'running',
      settings: { budgets: [10, 'all'], seeds: 1, encoderId: null },
      base: { ...DEFAULT_CONFIG },
      datasetName: 'iris',
      task: 'classification',
      metric: 'accuracy',
      encoderName: null,
      plan: [],
      results: [],
      current: null,
      runKeys: {},
      etaSeconds: null,
      startedAt: 1,
      updatedAt: 1,
    } satisfies SweepStatus;
    const before = training();
    const s = after(before, { type: 'sweep', sweep });
    expect(s.sweep).toBe(sweep);
    expect(s.run).toBe(before.run);
    expect(after(s, { type: 'sweep', sweep: null }).sweep).toBeNull();
  });
});

describe('probes while pretraining', () => {
  const probed = (epoch: number, linear: number): EpochLog => ({
    ...epochLog(epoch),
    valAccuracy: NaN,
    probe: { linear, knn: linear - 0.1, k: 5, trainRows: 100, valRows: 50, seconds: 0.2 },
  });

  it('each epoch event adds a point to the probe curve; the best is the earliest highest', () => {
    let s = after(training(), { type: 'epoch', runId: 7, log: probed(1, 0.6) });
    expect(probePoints(s.run.epochs)).toEqual([
      { epoch: 1, linear: 0.6, knn: 0.5, k: 5, seconds: 0.2, epochSeconds: 1 },
    ]);
    s = after(
      s,
      { type: 'epoch', runId: 7, log: probed(2, 0.8) },
      { type: 'epoch', runId: 7, log: probed(3, 0.8) },
      // An epoch of another run changes nothing.
      { type: 'epoch', runId: 6, log: probed(4, 0.9) },
    );
    const points = probePoints(s.run.epochs);
    expect(points.map((p) => [p.epoch, p.linear])).toEqual([
      [1, 0.6],
      [2, 0.8],
      [3, 0.8],
    ]);
    expect(bestProbe(points)!.epoch).toBe(2);
  });

  it('a run without labels has no probe curve; a restored curve keeps its probes', () => {
    expect(probePoints(after(training(), { type: 'epoch', runId: 7, log: epochLog(1) }).run.epochs)).toEqual([]);
    expect(bestProbe([])).toBeNull();
    const s = after(training(), {
      type: 'runHistory',
      runId: 7,
      steps: [10, 20],
      losses: [[0.5, 0.4]],
      epochs: [probed(1, 0.5), probed(2, 0.7)],
    });
    expect(probePoints(s.run.epochs).map((p) => p.linear)).toEqual([0.5, 0.7]);
  });
});
