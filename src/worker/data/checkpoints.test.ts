// The checkpoint store against a real IndexedDB implementation (fake-indexeddb runs the same
// transaction semantics in Node): atomic writes, read-back verification, retention.
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureModel } from '../../engine/checkpoint/serialize';
import { buildModel } from '../../engine/models/build';
import { DEFAULT_CONFIG } from '../../shared/defaults';
import type { CheckpointInfo } from '../../shared/types/models';
import {
  applyRetention,
  deleteCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
  StorageFullError,
} from './checkpoints';
import { openStudioDB } from './db';
import { runTestHook } from '../testHooks';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function checkpoint(runKey: string, epoch: number, valLoss: number) {
  const model = buildModel('mlp', [8], 3, epoch);
  const saved = await captureModel(model, null);
  model.dispose();
  const info: CheckpointInfo = {
    id: `${runKey}-e${epoch}`,
    runKey,
    runTitle: 'run',
    name: `run, epoch ${epoch}`,
    stage: 'finetune',
    epoch,
    totalEpochs: 10,
    step: epoch * 5,
    tags: epoch === 10 ? ['latest', 'final'] : ['latest'],
    valLoss,
    valAccuracy: 0.5,
    bytes: saved.bytes,
    createdAt: epoch,
    datasetName: 'd',
    inputSignature: 's',
    inputShape: [8],
    classNames: ['a', 'b', 'c'],
    config: DEFAULT_CONFIG,
  };
  return {
    info,
    data: {
      id: info.id,
      model: saved,
      preprocessing: {
        kind: 'image' as const,
        height: 2,
        width: 4,
        channels: 1 as const,
        scale: 1,
        classNames: ['a', 'b', 'c'],
      },
      history: { series: ['loss'], steps: new Float32Array([1]), losses: [new Float32Array([1])], epochs: [] },
    },
  };
}

describe('checkpoint store (IndexedDB)', () => {
  it('writes, lists, loads and deletes a checkpoint', async () => {
    const c = await checkpoint('r1', 1, 0.9);
    await saveCheckpoint(c.info, c.data);
    expect((await listCheckpoints()).map((x) => x.id)).toContain('r1-e1');
    const back = await loadCheckpoint('r1-e1');
    expect(back.data.model.checksum).toBe(c.data.model.checksum);
    await deleteCheckpoint('r1-e1');
    expect((await listCheckpoints()).map((x) => x.id)).not.toContain('r1-e1');
  });

  it('an aborted write leaves no listing and no data', async () => {
    const c = await checkpoint('r2', 1, 0.9);
    runTestHook({ kind: 'failCheckpointWrite', fault: 'abort', skip: 0 });
    await expect(saveCheckpoint(c.info, c.data)).rejects.toThrow(
      /could not be written .* the earlier checkpoints are intact/,
    );
    const db = await openStudioDB();
    expect(await db.get('checkpointMeta', 'r2-e1')).toBeUndefined();
    expect(await db.get('checkpointData', 'r2-e1')).toBeUndefined();
  });

  it('a full storage is reported with the bytes the checkpoint needed', async () => {
    const c = await checkpoint('r3', 1, 0.9);
    runTestHook({ kind: 'failCheckpointWrite', fault: 'quota', skip: 0 });
    const err = await saveCheckpoint(c.info, c.data).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect((err as StorageFullError).neededBytes).toBe(c.info.bytes);
    expect(await (await openStudioDB()).get('checkpointMeta', 'r3-e1')).toBeUndefined();
  });

  it('a damaged record is refused on load', async () => {
    const c = await checkpoint('r4', 1, 0.9);
    await saveCheckpoint(c.info, c.data);
    const db = await openStudioDB();
    const stored = (await db.get('checkpointData', 'r4-e1'))!;
    await db.put('checkpointData', {
      ...stored,
      model: { ...stored.model, weightData: stored.model.weightData.slice(0, 64) },
    });
    await expect(loadCheckpoint('r4-e1')).rejects.toThrow(/is damaged/);
  });

  it('keeps the latest K, the best by validation loss and the final one', async () => {
    const losses = [0.9, 0.3, 0.5, 0.6, 0.7, 0.65, 0.8, 0.75, 0.7, 0.72];
    for (let e = 1; e <= 10; e++) {
      const c = await checkpoint('r5', e, losses[e - 1]!);
      await saveCheckpoint(c.info, c.data);
      await applyRetention('r5', 3);
    }
    const kept = (await listCheckpoints()).filter((c) => c.runKey === 'r5').sort((a, b) => a.epoch - b.epoch);
    expect(kept.map((c) => [c.epoch, c.tags])).toEqual([
      [2, ['best']],
      [8, ['latest']],
      [9, ['latest']],
      [10, ['latest', 'final']],
    ]);
    expect(await (await openStudioDB()).get('checkpointData', 'r5-e5')).toBeUndefined();
  });

  it('keeps the encoder with the best linear probe too, tagged, whatever its loss', async () => {
    const probes = [0.5, 0.8, 0.7, 0.6, 0.8, 0.55];
    for (let e = 1; e <= 6; e++) {
      const c = await checkpoint('r6', e, 1 - e / 10);
      await saveCheckpoint({ ...c.info, stage: 'pretrain', probeAccuracy: probes[e - 1]! }, c.data);
      await applyRetention('r6', 2);
    }
    const kept = (await listCheckpoints()).filter((c) => c.runKey === 'r6').sort((a, b) => a.epoch - b.epoch);
    // Epoch 5 ties epoch 2's probe: the earlier one stays the best.
    expect(kept.map((c) => [c.epoch, c.tags])).toEqual([
      [2, ['bestProbe']],
      [5, ['latest']],
      [6, ['latest', 'best']],
    ]);
    expect(kept[0]!.probeAccuracy).toBe(0.8);
  });
});
