// The worker's model service in Node (tfjs cpu, fake-indexeddb): export -> import -> predict
// round trip on a real table, the same answers as the trained network, and no tensor left behind.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTableDataset } from '../engine/data/table/buildTable';
import { readCsv } from '../engine/data/table/readCsv';
import { buildModel } from '../engine/models/build';
import { DEFAULT_TABLE_OPTIONS } from '../shared/defaults';
import { listCheckpoints } from './data/checkpoints';
import { ModelService, parseRow, type CurrentModel } from './models';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const csv = readFileSync(fileURLToPath(new URL('../../e2e/fixtures/houses.csv', import.meta.url)), 'utf8');

describe('ModelService', () => {
  it('exports the current model, imports the zip back as a checkpoint, and both predict the same value without leaking tensors', async () => {
    const ds = buildTableDataset(await readCsv(csv, 'houses.csv', { skipMalformed: false }), {
      ...DEFAULT_TABLE_OPTIONS,
      label: 'price_k',
    });
    expect(ds.task).toBe('regression');
    const model = buildModel('mlp', ds.inputShape, 0, 3);
    const current: CurrentModel = {
      model,
      name: 'houses run',
      datasetName: 'houses',
      preprocessing: ds.preprocessing,
      task: 'regression',
      epoch: 1,
      metrics: { valLoss: 0.5 },
    };
    const service = new ModelService(
      () => current,
      () => ds,
      () => false,
    );
    const before = tf.memory().numTensors;

    const row = { kind: 'row' as const, text: 'size_m2,rooms,age_years,district\n120,4,30,hills' };
    const direct = await service.predict('current', row);
    const exported = await service.export('current', 'zip');
    const zip = exported[0]!;
    expect(zip.name).toBe('houses-run.zip');
    const imported = await service.import([new File([zip.data], zip.name)]);
    expect(imported).toMatchObject({
      kind: 'table',
      task: 'regression',
      columns: ['size_m2', 'rooms', 'age_years', 'district'],
      stage: 'finetune',
    });
    expect((await listCheckpoints()).map((c) => c.id)).toContain(imported.source);
    const back = await service.predict(imported.source, row);
    expect(back.value).toBeCloseTo(direct.value!, 5);
    // The value is in the label's units (thousands), not standardized.
    expect(Math.abs(direct.value! - 500)).toBeLessThan(2000);
    service.forget();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a pretrained encoder: it has no task head to predict with', async () => {
    const ds = buildTableDataset(await readCsv(csv, 'houses.csv', { skipMalformed: false }), {
      ...DEFAULT_TABLE_OPTIONS,
      label: 'price_k',
    });
    const model = buildModel('mlp', ds.inputShape, 0, 3);
    const current: CurrentModel = {
      model,
      name: 'houses run',
      datasetName: 'houses',
      preprocessing: ds.preprocessing,
      task: 'regression',
      epoch: 1,
      metrics: {},
    };
    const service = new ModelService(
      () => current,
      () => ds,
      () => false,
    );
    const exported = await service.export('current', 'zip');
    const files = unzipSync(new Uint8Array(exported[0]!.data));
    const pre = JSON.parse(strFromU8(files['preprocessing.json']!)) as { model: { stage: string } };
    expect(pre.model.stage).toBe('finetune');
    const asEncoder = zipSync({
      ...files,
      'preprocessing.json': strToU8(JSON.stringify({ ...pre, model: { ...pre.model, stage: 'pretrain' } })),
    });
    const before = (await listCheckpoints()).length;
    await expect(service.import([new File([asEncoder], 'encoder.zip')])).rejects.toThrow(
      /pretrained encoder without a task head/,
    );
    expect((await listCheckpoints()).length).toBe(before);
    model.dispose();
  });

  it('refuses a row of the wrong length with the columns it needs', () => {
    expect(() => parseRow('1,2', ['a', 'b', 'c'])).toThrow(/has 2 values; the model needs 3, in this order: a, b, c/);
    expect(parseRow('c;a;b\n3;1;2', ['a', 'b', 'c'])('a')).toBe('1');
  });
});

describe('imported models and the current dataset', () => {
  it('names the column whose scaling differs', async () => {
    const { scalingMismatch } = await import('./compatibility');
    const a = buildTableDataset(await readCsv(csv, 'houses.csv', { skipMalformed: false }), {
      ...DEFAULT_TABLE_OPTIONS,
      label: 'price_k',
    });
    const b = buildTableDataset(await readCsv(csv, 'houses.csv', { skipMalformed: false }), {
      ...DEFAULT_TABLE_OPTIONS,
      label: 'price_k',
      seed: 7,
    });
    expect(scalingMismatch('m', a.preprocessing, a.preprocessing, 'houses')).toBeNull();
    expect(scalingMismatch('m', a.preprocessing, b.preprocessing, 'houses')).toMatch(
      /standardizes "size_m2" with mean .* does not match this dataset/,
    );
  });
});
