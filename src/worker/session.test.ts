// The worker's session and its runs in Node (tfjs cpu, fake-indexeddb), driven by the same
// commands the page sends: start, pause, resume, stop, a fault and its recovery, going on from
// a checkpoint. What only the slow browser tests reached before.
import { objectiveSettings } from '../shared/objectives';
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BackendHost, DeviceFault } from '../engine/backends';
import { DEFAULT_CONFIG } from '../shared/defaults';
import { strFromU8, unzipSync } from 'fflate';
import { AUGMENT_PRESETS } from '../shared/augmentation';
import { ALL_AUTO } from '../shared/settings/fewLabels';
import type { Command, CommandBody, ExportedFile, WorkerEvent } from '../shared/protocol';
import type { TrainConfig } from '../shared/types/training';
import { loadMnist, sliceSplits } from '../test/fixtures';
import { listCheckpoints, listRuns, putRun, getRun } from './data/checkpoints';
import { loadSweep, saveSweep } from './data/sweeps';
import type { SweepStatus } from '../shared/types/sweep';
import type { LrFinding } from '../shared/types/results';
import { openStudioDB } from './data/db';
import { StudioSession } from './session';

const mnist = loadMnist();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(async () => {
  const db = await openStudioDB();
  for (const store of ['checkpointMeta', 'checkpointData', 'runs', 'datasets', 'sweeps'] as const)
    await db.clear(store);
});

/**
 * A session with the digits (300 train, 100 val, 100 test) on the cpu backend, and what it posts.
 * `lose`: the first run's device fails when it resolves (later runs get a sound device).
 */
function open(lose?: Promise<DeviceFault>) {
  /** While set, built-in loads wait for it (a dataset still loading). */
  let gate: Promise<void> | null = null;
  const events: WorkerEvent[] = [];
  const waiters: { match: (e: WorkerEvent) => boolean; resolve: (e: WorkerEvent) => void }[] = [];
  const host: BackendHost = {
    async prepare(name) {
      if (name !== 'cpu') throw new Error(`no ${name} in Node`);
    },
    watchDevice: () => {
      const fault = lose ?? new Promise<DeviceFault>(() => undefined);
      lose = undefined;
      return { fault, happened: null, dispose: () => undefined };
    },
    resetBackend: () => undefined,
  };
  const session = new StudioSession(
    (e) => {
      events.push(e);
      for (const w of waiters.filter((w) => w.match(e))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    },
    host,
    async () => {
      await gate;
      return { ...sliceSplits(mnist, 300, 100, 100), name: 'mnist' };
    },
  );
  let id = 0;
  /** Sends a command; resolves with its `ok` (reply included) or rejects with its `failed` message. */
  const send = async (body: CommandBody) => {
    const cmd = { ...body, id: ++id } as Command;
    const answered = next((e) => (e.type === 'ok' || e.type === 'failed') && e.id === cmd.id);
    await session.handle(cmd);
    const e = await answered;
    if (e.type === 'failed') throw new Error(e.message);
    return e as Extract<WorkerEvent, { type: 'ok' }>;
  };
  /** The next event matching `match` (from now on). */
  const next = (match: (e: WorkerEvent) => boolean) =>
    new Promise<WorkerEvent>((resolve) => waiters.push({ match, resolve }));
  const ended = (runId?: number) =>
    next((e) => e.type === 'runEnded' && (runId === undefined || e.runId === runId)) as Promise<
      Extract<WorkerEvent, { type: 'runEnded' }>
    >;
  const of = <T extends WorkerEvent['type']>(type: T) =>
    events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  /** Built-in loads from now on wait until the returned function is called. */
  const holdLoads = () => {
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    return () => {
      gate = null;
      release();
    };
  };
  return { session, events, send, next, ended, of, holdLoads };
}

const config = (patch: Partial<TrainConfig> = {}): TrainConfig => ({
  ...DEFAULT_CONFIG,
  backend: 'cpu',
  epochs: 2,
  batchSize: 32,
  ...patch,
});

async function withDigits(s: ReturnType<typeof open>) {
  await s.send({ type: 'loadBuiltin', name: 'mnist' });
  expect(s.of('datasetLoaded')[0]!.summary.split).toEqual({ train: 300, val: 100, test: 100 });
}

describe('a run in the worker session', () => {
  it('starts, trains every epoch, evaluates, saves its checkpoints and offers its model', async () => {
    const s = open();
    await withDigits(s);
    const done = s.ended();
    const offered = s.next((e) => e.type === 'currentModel' && e.card !== null);
    await s.send({ type: 'start', config: config({ augmentation: AUGMENT_PRESETS.light }) });
    expect((await done).state).toBe('done');
    const order = s.events
      .map((e) => e.type)
      .filter((t) => ['runPhase', 'backend', 'runStarted', 'epoch', 'evaluation', 'runEnded'].includes(t));
    expect(order).toEqual([
      'runPhase',
      'backend',
      'runStarted',
      'runPhase',
      'epoch',
      'epoch',
      'evaluation',
      'runEnded',
    ]);
    expect(s.of('backend')[0]!.info.active).toBe('cpu');
    expect(s.of('progress').length).toBeGreaterThan(0);
    const evaluation = s.of('evaluation')[0]!.evaluation;
    if (evaluation.task !== 'classification') throw new Error('classification expected');
    expect(evaluation.samples).toBe(100);
    expect(evaluation.accuracy).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
    const saved = await listCheckpoints();
    expect(saved.map((c) => c.epoch).sort()).toEqual([1, 2]);
    expect(saved.find((c) => c.epoch === 2)!.tags).toContain('final');
    const runs = await listRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'done', trainRows: 300, metrics: { accuracy: evaluation.accuracy } });
    // The finished run's model is offered, and the page can describe, export and evaluate it.
    expect(await offered).toMatchObject({ card: { source: 'current', stage: 'finetune', task: 'classification' } });
    const described = await s.send({ type: 'describeModel', source: 'current' });
    expect(described.reply).toMatchObject({ params: 784 * 128 + 128 + 128 * 10 + 10 });
    // Its download records the augmentation as training-only.
    const [zip] = (await s.send({ type: 'exportModel', source: 'current', format: 'zip' })).reply as ExportedFile[];
    const pre = JSON.parse(strFromU8(unzipSync(new Uint8Array(zip!.data))['preprocessing.json']!)) as {
      training: { augmentation: { preset: string; trainingOnly: boolean } };
    };
    expect(pre.training.augmentation).toMatchObject({ preset: 'light', trainingOnly: true });
    expect(Object.keys(unzipSync(new Uint8Array(zip!.data)))).toContain('model.onnx');
    // The PyTorch project: the run's budgeted training rows, and held-out digits fed to the MLP flat.
    const [project] = (await s.send({ type: 'exportModel', source: 'current', format: 'pytorch' }))
      .reply as ExportedFile[];
    expect(project!.name).toMatch(/-pytorch\.zip$/);
    const files = unzipSync(new Uint8Array(project!.data));
    const folder = project!.name.replace(/\.zip$/, '');
    const split = JSON.parse(strFromU8(files[`${folder}/split.json`]!)) as { train: number[] };
    expect(split.train).toHaveLength(300);
    const check = JSON.parse(strFromU8(files[`${folder}/check.json`]!)) as { inputs: number[][]; outputs: number[][] };
    expect(check.inputs[0]).toHaveLength(784);
    expect(check.outputs[0]).toHaveLength(10);
    expect(JSON.parse(strFromU8(files[`${folder}/run.json`]!))).toMatchObject({
      epochsDone: 2,
      task: 'classification',
    });
    await s.send({ type: 'evaluateCurrent' });
    expect(s.of('evaluated')[0]!.evaluation).toMatchObject({ accuracy: evaluation.accuracy, samples: 100 });
  });

  it('pauses at the next batch, holds still, resumes, and stops when asked', async () => {
    const s = open();
    await withDigits(s);
    const ended = s.ended();
    await s.send({ type: 'start', config: config({ epochs: 50, batchSize: 8 }) });
    await s.next((e) => e.type === 'progress');
    const paused = s.next((e) => e.type === 'runPhase' && e.state === 'paused');
    await s.send({ type: 'pause' });
    await paused;
    const stepsAtPause = s.of('progress').at(-1)!.progress.step;
    await new Promise((r) => setTimeout(r, 300));
    expect(s.of('progress').at(-1)!.progress.step).toBe(stepsAtPause);
    const running = s.next((e) => e.type === 'runPhase' && e.state === 'running');
    await s.send({ type: 'resume' });
    await running;
    await s.next((e) => e.type === 'progress' && e.progress.step > stepsAtPause);
    await s.send({ type: 'stop' });
    expect((await ended).state).toBe('stopped');
    expect((await listRuns())[0]!.status).toBe('stopped');
    // Nothing is left to control.
    await expect(s.send({ type: 'stop' })).rejects.toThrow('Nothing to stop: no run is in progress.');
  });

  it('a diverging loss pauses the run with a fault; resuming recovers from its start with the rate divided by 10', async () => {
    const s = open();
    await withDigits(s);
    const fault = s.next((e) => e.type === 'runFault');
    const firstEnded = s.ended();
    await s.send({ type: 'start', config: config({ learningRate: 1000, epochs: 1 }) });
    const f = (await fault) as Extract<WorkerEvent, { type: 'runFault' }>;
    expect(f.fault).toMatchObject({ kind: 'diverged', checkpointId: null, learningRate: 100 });
    expect(f.fault.message).toMatch(/Training diverged at step \d+.*Training is paused; no checkpoint/);
    await s.next((e) => e.type === 'runPhase' && e.state === 'paused' && e.runId === f.runId);
    // Nothing of the diverged epoch was saved; the page may not change the dataset meanwhile.
    expect(await listCheckpoints()).toEqual([]);
    await expect(s.send({ type: 'loadBuiltin', name: 'mnist' })).rejects.toThrow('Stop the current run');
    const restarted = s.next((e) => e.type === 'runStarted' && e.runId !== f.runId);
    await s.send({ type: 'resume' });
    expect((await firstEnded).state).toBe('stopped');
    const second = (await restarted) as Extract<WorkerEvent, { type: 'runStarted' }>;
    expect(second.config.learningRate).toBe(100);
    const secondEnded = s.ended(second.runId);
    await s.send({ type: 'stop' }).catch(() => undefined); // it may have diverged again and be paused
    expect(['stopped', 'done']).toContain((await secondEnded).state);
  });

  it('a lost device stops the run; recovering goes on from its last checkpoint on the chosen backend', async () => {
    let lose!: (f: DeviceFault) => void;
    const s = open(new Promise<DeviceFault>((r) => (lose = r)));
    await withDigits(s);
    const ended = s.ended();
    await s.send({ type: 'start', config: config({ epochs: 4 }) });
    // After the first checkpoint is listed, the device goes.
    await s.next((e) => e.type === 'checkpoints' && e.checkpoints.length > 0);
    lose({ kind: 'device-lost', detail: 'test' });
    expect((await ended).state).toBe('error');
    const fault = s.of('runFault')[0]!.fault;
    expect(fault.kind).toBe('device-lost');
    expect(fault.checkpointEpoch).toBeGreaterThanOrEqual(1);
    expect(fault.message).toMatch(/The GPU device was lost \(test\)\. The run stopped; the checkpoint of epoch \d/);
    expect(s.of('currentModel').filter((e) => e.card)).toEqual([]); // a lost device's model is not offered

    const history = s.next((e) => e.type === 'runHistory');
    const done = s.next((e) => e.type === 'runEnded' && e.state === 'done');
    await s.send({ type: 'recoverRun', backend: 'cpu' });
    const curve = (await history) as Extract<WorkerEvent, { type: 'runHistory' }>;
    expect(curve.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: fault.checkpointEpoch! }, (_, i) => i + 1));
    await done;
    // One run: the recovered part went on under the same key to its last epoch.
    const runs = await listRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect((await listCheckpoints()).find((c) => c.tags.includes('final'))!.epoch).toBe(4);
  });

  it("recovering waits for a dataset that is still loading, and the next run frees the last run's network", async () => {
    let lose!: (f: DeviceFault) => void;
    const s = open(new Promise<DeviceFault>((r) => (lose = r)));
    await withDigits(s);
    const first = s.ended();
    await s.send({ type: 'start', config: config({ epochs: 3 }) });
    await s.next((e) => e.type === 'checkpoints' && e.checkpoints.length > 0);
    const settled = s.next((e) => e.type === 'runs'); // the session has taken the run's outcome
    lose({ kind: 'device-lost', detail: 'test' });
    await first;
    await settled;
    // A dataset load in flight: recovering is refused like a start, not run on the old data.
    const release = s.holdLoads();
    const loading = s.send({ type: 'loadBuiltin', name: 'mnist' });
    await expect(s.send({ type: 'recoverRun', backend: 'cpu' })).rejects.toThrow('mnist is still loading');
    release();
    await loading;
    // Two fine-tuning runs one after the other: the second frees the first's network.
    // (the run list is published once the session has taken a run's outcome)
    const recovered = s.next((e) => e.type === 'runs');
    await s.send({ type: 'recoverRun', backend: 'cpu' });
    await recovered;
    const tensors = tf.memory().numTensors;
    const again = s.next((e) => e.type === 'runs');
    await s.send({ type: 'start', config: config({ epochs: 1 }) });
    await again;
    expect(s.of('runEnded').map((e) => e.state)).toEqual(['error', 'done', 'done']);
    expect(tf.memory().numTensors).toBe(tensors);
    // While the third run trained, the second's network was already gone (no extra weights).
    const [, second, third] = s.of('runStarted').map((r) => r.runId);
    const during = (runId: number) => s.of('epochMemory').find((e) => e.runId === runId)!.memory.tensors;
    expect(during(third!)).toBe(during(second!));
  });

  it('resumes a stopped run from its checkpoint with its curve, and refuses to resume a finished one', async () => {
    const s = open();
    await withDigits(s);
    const ended = s.ended();
    await s.send({ type: 'start', config: config({ epochs: 3 }) });
    await s.next((e) => e.type === 'checkpoints' && e.checkpoints.some((c) => c.epoch === 1));
    await s.send({ type: 'stop' });
    expect((await ended).state).toBe('stopped');
    const first = (await listCheckpoints()).sort((a, b) => a.epoch - b.epoch)[0]!;
    expect(first.epoch).toBe(1);
    // Later checkpoints of the stopped run (if the stop came after epoch 2) are abandoned on resume.
    const history = s.next((e) => e.type === 'runHistory');
    const done = s.next((e) => e.type === 'runEnded' && e.state === 'done');
    await s.send({ type: 'resumeCheckpoint', checkpointId: first.id, config: config({ epochs: 99 }) });
    expect(((await history) as Extract<WorkerEvent, { type: 'runHistory' }>).epochs.map((e) => e.epoch)).toEqual([1]);
    await done;
    const started = s.of('runStarted').at(-1)!;
    expect(started.config.epochs).toBe(3); // the checkpoint's settings, not the page's
    const runs = await listRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    const final = (await listCheckpoints()).find((c) => c.tags.includes('final'))!;
    await expect(s.send({ type: 'resumeCheckpoint', checkpointId: final.id, config: config() })).rejects.toThrow(
      /is the end of its run \(epoch 3 of 3\)/,
    );
  });

  it('pretrains an encoder (a body of its own), then fine-tunes from its checkpoint', async () => {
    const s = open();
    await withDigits(s);
    const pretrained = s.ended();
    await s.send({
      type: 'start',
      config: config({ stage: 'pretrain', objective: objectiveSettings('autoencoder'), epochs: 1 }),
    });
    expect((await pretrained).state).toBe('done');
    expect(s.of('runStarted')[0]).toMatchObject({ stage: 'pretrain', series: ['reconstruction'] });
    expect(s.of('snapshot').length).toBe(1);
    expect(s.of('evaluation')).toEqual([]); // an encoder has no head to evaluate
    const encoder = (await listCheckpoints())[0]!;
    expect(encoder).toMatchObject({ stage: 'pretrain', epoch: 1 });
    expect(encoder.tags).toContain('final');

    const finetuned = s.ended();
    await s.send({ type: 'start', config: config({ initFrom: encoder.id, epochs: 1 }) });
    expect((await finetuned).state).toBe('done');
    expect(s.of('runStarted')[1]!.title).toBe(`Fine-tune mnist from autoencoder encoder (${encoder.name})`);
    expect(s.of('evaluation')).toHaveLength(1);
    expect((await listRuns()).find((r) => r.stage === 'finetune')!.from).toBe(`autoencoder encoder (${encoder.name})`);
  });

  it('contrastive pretraining of a conv encoder, then fine-tuning from it and from the same network at random', async () => {
    const s = open();
    await withDigits(s);
    const contrastive = {
      stage: 'pretrain' as const,
      objective: objectiveSettings('contrastive'),
      epochs: 1,
      batchSize: 64,
    };
    const encoder = { kind: 'conv' as const, widths: [4] };
    await expect(
      s.send({ type: 'start', config: config({ ...contrastive, encoder, augmentation: AUGMENT_PRESETS.off }) }),
    ).rejects.toThrow(/^Augmentation: contrastive pretraining learns what two changed views/);
    const pretrained = s.ended();
    await s.send({ type: 'start', config: config({ ...contrastive, encoder, augmentation: AUGMENT_PRESETS.light }) });
    expect((await pretrained).state).toBe('done');
    expect(s.of('runStarted')[0]).toMatchObject({ stage: 'pretrain', series: ['contrastive'] });
    const checkpoint = (await listCheckpoints())[0]!;
    // The run's settings say the encoder pools globally, so fine-tuning rebuilds that network.
    expect(checkpoint.config.encoder).toEqual({ ...encoder, globalPool: true });

    for (const encoderInit of ['pretrained', 'random'] as const) {
      const finetuned = s.ended();
      await s.send({ type: 'start', config: config({ initFrom: checkpoint.id, encoderInit, epochs: 1 }) });
      expect((await finetuned).state).toBe('done');
      await new Promise((r) => setTimeout(r, 0)); // the trainer takes the outcome just after the run's last event
    }
    const from = (await listRuns()).filter((r) => r.stage === 'finetune').map((r) => r.from);
    expect(from.sort()).toEqual(
      [
        `contrastive encoder (${checkpoint.name})`,
        `scratch, the network of contrastive encoder (${checkpoint.name})`,
      ].sort(),
    );
  });

  it('refuses a start without a dataset, a bad setting (naming the field) and a second start', async () => {
    const s = open();
    await expect(s.send({ type: 'start', config: config() })).rejects.toThrow(
      'Choose a dataset before starting a run.',
    );
    await withDigits(s);
    await expect(s.send({ type: 'start', config: config({ epochs: 0 }) })).rejects.toThrow(/^Epochs: /);
    const ended = s.ended();
    await s.send({ type: 'start', config: config({ epochs: 20 }) });
    await expect(s.send({ type: 'start', config: config() })).rejects.toThrow('A run is already in progress');
    await s.send({ type: 'stop' });
    await ended;
  });
});

/** A 1-epoch autoencoder on the digits: the encoder the pretrained arm starts from. */
async function pretrain(s: ReturnType<typeof open>): Promise<string> {
  const ended = s.ended();
  await s.send({
    type: 'start',
    config: config({
      stage: 'pretrain',
      objective: objectiveSettings('autoencoder'),
      epochs: 1,
      encoder: { kind: 'dense', widths: [32] },
    }),
  });
  expect((await ended).state).toBe('done');
  return (await listCheckpoints()).find((c) => c.stage === 'pretrain')!.id;
}

describe('a label-efficiency sweep in the worker session', () => {
  type SweepEvent = Extract<WorkerEvent, { type: 'sweep' }>;
  const sweepEnded = (s: ReturnType<typeof open>) =>
    s.next((e) => e.type === 'sweep' && e.sweep !== null && e.sweep.state !== 'running') as Promise<SweepEvent>;

  it('trains budgets x arms x seeds one after another, each in the run list, with a test metric each', async () => {
    const s = open();
    await withDigits(s);
    const encoderId = await pretrain(s);
    const ended = sweepEnded(s);
    const settings = { budgets: [5, 'all' as const], seeds: 1, encoderId };
    await s.send({ type: 'startSweep', settings, config: config({ epochs: 1 }) });
    // While it runs, nothing else may start and the dataset stays.
    await expect(s.send({ type: 'start', config: config() })).rejects.toThrow(/sweep is running/);
    await expect(s.send({ type: 'startSweep', settings, config: config() })).rejects.toThrow(/already running/);
    await expect(s.send({ type: 'loadBuiltin', name: 'mnist' })).rejects.toThrow(/sweep is running/);
    const done = (await ended).sweep!;
    expect(done.state).toBe('done');
    expect(done.results.map(({ budget, arm, seed }) => [budget, arm, seed])).toEqual([
      [5, 'scratch', 1],
      [5, 'pretrained', 1],
      ['all', 'scratch', 1],
      ['all', 'pretrained', 1],
    ]);
    for (const r of done.results) {
      expect(r.state).toBe('done');
      expect(r.metric).toBeGreaterThan(0);
      expect(r.metric).toBeLessThanOrEqual(1);
    }
    // 5 per class of 10 digits: 50 rows; all: the 300 training rows.
    expect(done.results.map((r) => [r.trainRows, r.x])).toEqual([
      [50, 5],
      [50, 5],
      [300, 30],
      [300, 30],
    ]);
    expect(done.encoderName).toMatch(/^autoencoder encoder/);
    // Progress was posted as runs finished, with the time left once one had.
    const counts = s.of('sweep').map((e) => e.sweep!.results.length);
    expect(new Set(counts)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(s.of('sweep').find((e) => e.sweep!.results.length === 1)!.sweep!.etaSeconds).toBeGreaterThan(0);
    // Each run is a normal fine-tuning run in the run list, with its test metric and start point.
    const runs = (await listRuns()).filter((r) => r.stage === 'finetune');
    expect(runs).toHaveLength(4);
    for (const r of done.results) {
      const run = runs.find((x) => x.runKey === r.runKey)!;
      expect(run).toMatchObject({ status: 'done', trainRows: r.trainRows, metrics: { accuracy: r.metric } });
      expect(run.title).toMatch(/^Sweep \d\/4 · Fine-tune mnist from /);
      // Both arms build the encoder's network; scratch with random weights.
      expect(run.config).toMatchObject({
        initFrom: encoderId,
        encoderInit: r.arm === 'scratch' ? 'random' : 'pretrained',
      });
      expect(run.from).toMatch(r.arm === 'scratch' ? /^scratch, the network of autoencoder encoder/ : /^autoencoder/);
    }
    // Kept for the next visit.
    expect((await loadSweep())!.results).toHaveLength(4);
    // Runs may start again.
    const again = s.ended();
    await s.send({ type: 'start', config: config({ epochs: 1 }) });
    await again;
  });

  it('refuses what cannot run: no encoder of this data, bad settings', async () => {
    const s = open();
    await withDigits(s);
    await expect(
      s.send({ type: 'startSweep', settings: { budgets: [5], seeds: 1, encoderId: 'gone' }, config: config() }),
    ).rejects.toThrow(/not in this browser's storage/);
    await expect(
      s.send({ type: 'startSweep', settings: { budgets: [5], seeds: 0, encoderId: null }, config: config() }),
    ).rejects.toThrow(/^Seeds/);
    await expect(
      s.send({
        type: 'startSweep',
        settings: { budgets: [5], seeds: 1, encoderId: null },
        config: config({ epochs: 0 }),
      }),
    ).rejects.toThrow(/^Epochs/);
    await expect(s.send({ type: 'cancelSweep' })).rejects.toThrow('No sweep is running.');
  });

  it('cancel stops the run in progress and the sweep; the finished runs stay', async () => {
    const s = open();
    await withDigits(s);
    const ended = sweepEnded(s);
    await s.send({
      type: 'startSweep',
      settings: { budgets: [5, 'all'], seeds: 2, encoderId: null },
      config: config({ epochs: 30, batchSize: 8 }),
    });
    await s.next((e) => e.type === 'progress');
    await s.send({ type: 'cancelSweep' });
    const stopped = (await ended).sweep!;
    expect(stopped).toMatchObject({ state: 'stopped', message: 'Cancelled.', current: null });
    expect(stopped.results).toHaveLength(0);
    expect(s.of('runEnded').at(-1)!.state).toBe('stopped');
    expect((await loadSweep())!.state).toBe('stopped');
    // Nothing trains after it.
    const started = s.of('runStarted').length;
    await new Promise((r) => setTimeout(r, 200));
    expect(s.of('runStarted').length).toBe(started);
  });

  it('a sweep a reload interrupted goes on from its next unfinished run, under the same run key', async () => {
    const first = open();
    await withDigits(first);
    const ended = sweepEnded(first);
    await first.send({
      type: 'startSweep',
      settings: { budgets: [5, 10], seeds: 1, encoderId: null },
      config: config({ epochs: 1 }),
    });
    const finished = (await ended).sweep!;
    expect(finished.results).toHaveLength(2);
    // As the page left it: the first run finished, the second training (its record "running").
    const interruptedKey = finished.results[1]!.runKey;
    const saved: SweepStatus = {
      ...finished,
      state: 'running',
      results: finished.results.slice(0, 1),
      current: { index: 1, runKey: interruptedKey, startedAt: Date.now() },
    };
    await saveSweep(saved);
    await putRun({ ...(await getRun(interruptedKey))!, status: 'running', metrics: null });

    const s = open(); // the reloaded page's worker
    const done = sweepEnded(s);
    await s.send({ type: 'restore', fallback: 'mnist' });
    expect(s.of('sweep')[0]!.sweep).toMatchObject({ state: 'running' });
    const after = (await done).sweep!;
    expect(after.state).toBe('done');
    expect(after.results.map((r) => r.budget)).toEqual([5, 10]);
    expect(after.results[1]!.runKey).toBe(interruptedKey);
    // Only the second run trained again, and its interrupted record was not offered for resuming.
    expect(s.of('runStarted')).toHaveLength(1);
    expect(s.of('interrupted')).toEqual([]);
    const runs = (await listRuns()).filter((r) => r.stage === 'finetune');
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.status === 'done')).toBe(true);
  });
});

describe('a sweep fits fine-tuning to each budget', () => {
  it("each budget's runs take the batch of their labelled rows; the pretrained arm a head-only phase, scratch none", async () => {
    const s = open();
    await withDigits(s);
    const encoderId = await pretrain(s);
    const ended = s.next((e) => e.type === 'sweep' && e.sweep !== null && e.sweep.state !== 'running');
    // The user set 5 epochs (kept); batch, early stopping and the head-only phase follow the budget.
    const fit = { ...ALL_AUTO, epochs: false };
    await s.send({
      type: 'startSweep',
      settings: { budgets: [5, 'all'], seeds: 1, encoderId, fit },
      config: config({ epochs: 5, batchSize: 256 }),
    });
    await ended;
    const runs = (await listRuns()).filter((r) => r.stage === 'finetune');
    const of = (rows: number, init: string) =>
      runs.find((r) => r.trainRows === rows && r.config.encoderInit === init)!.config;
    // 50 labelled rows: batches of 8; all 300: 32. Early stopping on; 5 epochs as set.
    expect(of(50, 'pretrained')).toMatchObject({ batchSize: 8, epochs: 5, earlyStopping: { enabled: true } });
    expect(of(300, 'pretrained')).toMatchObject({ batchSize: 32, epochs: 5 });
    expect(of(50, 'pretrained').freeze.headEpochs).toBe(1);
    expect(of(50, 'random').freeze.headEpochs).toBe(0);
  });
});

describe('the learning-rate finder in the worker session', () => {
  it('streams its curve, answers with a suggestion, keeps runs waiting meanwhile, saves nothing', async () => {
    const s = open();
    await withDigits(s);
    const before = tf.memory().numTensors;
    const found = s.send({ type: 'findLearningRate', config: config({ learningRate: 0.001 }) });
    await s.next((e) => e.type === 'lrFinder');
    await expect(s.send({ type: 'start', config: config() })).rejects.toThrow(/learning-rate finder is running/);
    await expect(s.send({ type: 'loadBuiltin', name: 'mnist' })).rejects.toThrow(/Stop the current run/);
    const finding = (await found).reply as LrFinding;
    expect(finding.points.length).toBeGreaterThan(20);
    expect(finding.points[1]!.rate).toBeGreaterThan(finding.points[0]!.rate);
    expect(finding.suggestion).toBeGreaterThan(0);
    const streamed = s.of('lrFinder');
    expect(streamed.length).toBeGreaterThan(1);
    expect(streamed.every((e) => e.stage === 'finetune')).toBe(true);
    expect(await listCheckpoints()).toEqual([]);
    expect(await listRuns()).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    // A run may start now; a stop with no sweep says so.
    await expect(s.send({ type: 'stopLearningRateFinder' })).rejects.toThrow(/not running/);
    const ran = s.ended();
    await s.send({ type: 'start', config: config({ epochs: 1 }) });
    expect((await ran).state).toBe('done');
  });
});
