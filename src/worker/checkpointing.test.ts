// The run's checkpointer against fake-indexeddb: an epoch whose probe beats the run's earlier ones
// is saved even between the checkpoint interval's epochs.
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../engine/models/build';
import { DEFAULT_CONFIG } from '../shared/defaults';
import type { EpochLog } from '../shared/types/results';
import { loadMnist, sliceSplits } from '../test/fixtures';
import { RunCheckpointer } from './checkpointing';
import { listCheckpoints } from './data/checkpoints';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the run checkpointer', () => {
  it('saves and marks the best-probe encoder even off the checkpoint interval', async () => {
    const ds = sliceSplits(loadMnist(), 32, 8, 8);
    const config = { ...DEFAULT_CONFIG, stage: 'pretrain' as const, epochs: 10, checkpointEvery: 5, keepLast: 1 };
    const cp = new RunCheckpointer({
      post: () => undefined,
      runKey: 'probe-run',
      title: 'Pretrain',
      config,
      ds,
      history: { series: ['reconstruction'], steps: [], losses: [[]], epochs: [] },
      from: '',
      trainRows: 40,
    });
    const model = buildModel('mlp', [784], 10, 1);
    const probes = [0.5, 0.7, 0.6, 0.65, 0.6];
    for (let e = 1; e <= probes.length; e++) {
      const log: EpochLog = {
        epoch: e,
        step: e,
        trainLoss: 1,
        valLoss: 1 / e,
        valAccuracy: NaN,
        seconds: 1,
        probe: { linear: probes[e - 1]!, knn: 0.5, k: 5, trainRows: 32, valRows: 8, seconds: 0.1 },
      };
      cp.addEpoch(log);
      await cp.afterEpoch(log, model, null);
    }
    model.dispose();
    const kept = (await listCheckpoints()).filter((c) => c.runKey === 'probe-run').sort((a, b) => a.epoch - b.epoch);
    // Epochs 1 and 2 were saved for their probes (2 replaced 1 as the best), epoch 5 for the interval.
    expect(kept.map((c) => [c.epoch, c.tags, c.probeAccuracy])).toEqual([
      [2, ['bestProbe'], 0.7],
      [5, ['latest', 'best'], 0.6],
    ]);
  });
});
