// The dataset holder's rule that the newest choice wins, against a real IndexedDB implementation
// (fake-indexeddb): a load in flight is cancelled cleanly, only the newest dataset becomes current
// and is saved, and nothing of a superseded load reaches the page.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../../engine/data/dataset';
import { buildTableDataset } from '../../engine/data/table/buildTable';
import { readCsv } from '../../engine/data/table/readCsv';
import { DEFAULT_TABLE_OPTIONS } from '../../shared/defaults';
import type { WorkerEvent } from '../../shared/protocol';
import type { BuiltinDatasetName } from '../../shared/types/datasets';
import { DatasetManager } from './datasets';
import { openStudioDB } from './db';
import * as persist from './persist';

vi.mock('./persist', async (original) => {
  const real = await original<typeof import('./persist')>();
  return { ...real, saveCurrentDataset: vi.fn(real.saveCurrentDataset) };
});

/** papaparse streams a File through FileReader, which Node lacks: the little it uses of it. */
class NodeFileReader {
  onload: ((e: { target: { result: string } }) => void) | null = null;
  onerror: (() => void) | null = null;
  error: unknown = null;
  readAsText(blob: Blob): void {
    blob.text().then(
      (result) => this.onload?.({ target: { result } }),
      (e: unknown) => {
        this.error = e;
        this.onerror?.();
      },
    );
  }
}

function csv(rows: number, seed = 0): string {
  const lines = ['a,b,c,label'];
  for (let i = 0; i < rows; i++)
    lines.push(`${(i + seed) % 97},${(i * 7) % 89},${(i * 13) % 83}.5,${i % 3 ? 'x' : 'y'}`);
  return lines.join('\n');
}

async function table(name: string, rows = 60): Promise<Dataset> {
  const ds = buildTableDataset(await readCsv(csv(rows), `${name}.csv`, { skipMalformed: false }), {
    ...DEFAULT_TABLE_OPTIONS,
    label: 'label',
  });
  return { ...ds, name, source: 'builtin' };
}

/** A promise with its resolve at hand. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A holder whose built-ins come when the test lets them (`gate`), honouring the signal or not. */
function setup(opts: { honourSignal?: boolean } = {}) {
  const events: WorkerEvent[] = [];
  const gates = new Map<BuiltinDatasetName, ReturnType<typeof deferred<void>>>();
  const started: BuiltinDatasetName[] = [];
  const fetchBuiltin = async (name: BuiltinDatasetName, signal?: AbortSignal): Promise<Dataset> => {
    started.push(name);
    const gate = gates.get(name);
    if (gate && opts.honourSignal === false) await gate.promise;
    else if (gate)
      await Promise.race([
        gate.promise,
        new Promise<never>((_, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
        ),
      ]);
    return table(name);
  };
  const dm = new DatasetManager((e) => events.push(e), fetchBuiltin);
  const gate = (name: BuiltinDatasetName) => {
    const d = deferred();
    gates.set(name, d);
    return d;
  };
  const names = () =>
    events.flatMap((e) =>
      e.type === 'datasetLoading'
        ? [`loading:${e.name}`]
        : e.type === 'datasetLoaded'
          ? [`loaded:${e.summary.name}`]
          : e.type === 'warning'
            ? [`warning:${e.message}`]
            : [],
    );
  return { dm, events, gate, started, names };
}

async function savedRecord() {
  return (await openStudioDB()).get('datasets', 'current');
}

beforeEach(async () => {
  vi.stubGlobal('FileReader', NodeFileReader);
  await (await openStudioDB()).clear('datasets');
  vi.mocked(persist.saveCurrentDataset).mockClear();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('DatasetManager: the newest choice wins', () => {
  it('a slow load superseded by a fast one ends with the fast one current and persisted; no stale events', async () => {
    const { dm, gate, names, events } = setup();
    const mnist = gate('mnist');
    const slow = dm.change('mnist', (signal) => dm.loadBuiltin('mnist', signal));
    expect(dm.loading).toBe('mnist');
    const fast = dm.change('iris', (signal) => dm.loadBuiltin('iris', signal));
    expect(dm.loading).toBe('iris');
    await expect(slow).resolves.toBeUndefined(); // superseded: quiet, not a failure
    await fast;
    mnist.resolve(); // the cancelled download would have come now: nothing follows from it
    await new Promise((r) => setTimeout(r, 20));
    await dm.flushed();
    expect(dm.dataset?.name).toBe('iris');
    expect(dm.loading).toBeNull();
    expect(names()).toEqual(['loading:mnist', 'loading:iris', 'loaded:iris', 'loading:']);
    expect(events.filter((e) => e.type === 'datasetProgress')).toEqual([]);
    expect((await savedRecord())?.source).toEqual({ kind: 'builtin', name: 'iris' });
  });

  it('a loader that ignores the signal still never becomes current, and the next load waits for it to stop', async () => {
    const { dm, gate, names, started } = setup({ honourSignal: false });
    const mnist = gate('mnist');
    const slow = dm.change('mnist', (signal) => dm.loadBuiltin('mnist', signal));
    const fast = dm.change('iris', (signal) => dm.loadBuiltin('iris', signal));
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual(['mnist']); // at most one load runs
    mnist.resolve();
    await Promise.all([slow, fast]);
    await dm.flushed();
    expect(started).toEqual(['mnist', 'iris']);
    expect(dm.dataset?.name).toBe('iris');
    expect(names()).toEqual(['loading:mnist', 'loading:iris', 'loaded:iris', 'loading:']);
    expect(persist.saveCurrentDataset).toHaveBeenCalledTimes(1);
    expect((await savedRecord())?.source).toEqual({ kind: 'builtin', name: 'iris' });
  });

  it('a CSV upload is cancelled between chunks by a newer upload; the newer one is current and saved', async () => {
    const { dm, names, events } = setup();
    // About 7 MB: two of papaparse's 4 MB chunks.
    const big = new File([csv(400_000)], 'big.csv', { type: 'text/csv' });
    const small = new File([csv(50, 5)], 'small.csv', { type: 'text/csv' });
    // The newer choice comes as soon as the big table's first chunk has been read.
    let second: Promise<void> | null = null;
    let progressBefore = 0;
    const { post } = dm as unknown as { post: (e: WorkerEvent) => void };
    Object.assign(dm, {
      post: (e: WorkerEvent) => {
        post(e);
        if (!second && e.type === 'datasetProgress' && e.fraction > 0) {
          progressBefore = events.filter((x) => x.type === 'datasetProgress').length;
          second = dm.change('small.csv', (signal) => dm.loadFiles([small], ['small.csv'], {}, undefined, signal));
        }
      },
    });
    const first = dm.change('big.csv', (signal) => dm.loadFiles([big], ['big.csv'], {}, undefined, signal));
    await vi.waitFor(() => expect(second).not.toBeNull(), { timeout: 20_000 });
    await Promise.all([first, second]);
    await dm.flushed();
    expect(dm.dataset?.name).toBe('small');
    expect(dm.dataset?.rows).toBe(50);
    expect(names()).toEqual(['loading:big.csv', 'loading:small.csv', 'loaded:small', 'loading:']);
    // After the switch only the small table's progress was reported (its "Reading" starts at 0).
    const after = events.filter((e) => e.type === 'datasetProgress').slice(progressBefore);
    expect(after[0]).toMatchObject({ phase: 'Reading', fraction: 0 });
    const saved = await savedRecord();
    expect(saved?.source).toMatchObject({ kind: 'table', fileName: 'small.csv' });
    expect(saved?.dataset?.rows).toBe(50);
    expect(persist.saveCurrentDataset).toHaveBeenCalledTimes(1);
  });

  it('the start-up restore is superseded by a pick made while it loads', async () => {
    const { dm, gate, names } = setup();
    gate('mnist'); // the fallback built-in never comes on its own
    const restoring = dm.change('your last dataset', (signal) => dm.restore('mnist', signal));
    await new Promise((r) => setTimeout(r, 20)); // the restore is waiting for its download
    await dm.change('iris', (signal) => dm.loadBuiltin('iris', signal));
    await restoring;
    await dm.flushed();
    expect(dm.dataset?.name).toBe('iris');
    expect(names()).toEqual(['loading:your last dataset', 'loading:iris', 'loaded:iris', 'loading:']);
    expect((await savedRecord())?.source).toEqual({ kind: 'builtin', name: 'iris' });
  });

  it('when the choice that cut the start-up restore short fails, the restore goes on', async () => {
    const { dm, gate, names } = setup();
    const mnist = gate('mnist');
    const restoring = dm.change('your last dataset', (signal) => dm.restore('mnist', signal));
    await new Promise((r) => setTimeout(r, 20));
    const bad = new File(['a,b,label\n1,2,x\n3,4,x\n'], 'one-class.csv');
    await expect(
      dm.change('one-class.csv', (signal) => dm.loadFiles([bad], ['one-class.csv'], {}, undefined, signal)),
    ).rejects.toThrow(/one class/);
    await restoring;
    mnist.resolve();
    await vi.waitFor(() => expect(dm.loading).toBeNull());
    await dm.flushed();
    expect(dm.dataset?.name).toBe('mnist');
    expect(names()).toEqual([
      'loading:your last dataset',
      'loading:one-class.csv',
      'loading:',
      'loading:your last dataset',
      'loaded:mnist',
      'loading:',
    ]);
    expect((await savedRecord())?.source).toEqual({ kind: 'builtin', name: 'mnist' });
  });

  it('when the newest load fails, the dataset before it stays current and saved', async () => {
    const { dm, gate, names } = setup();
    await dm.change('iris', (signal) => dm.loadBuiltin('iris', signal));
    gate('mnist');
    const superseded = dm.change('mnist', (signal) => dm.loadBuiltin('mnist', signal));
    const bad = new File(['a,b,label\n1,2,x\n3,4,x\n'], 'one-class.csv');
    await expect(
      dm.change('one-class.csv', (signal) => dm.loadFiles([bad], ['one-class.csv'], {}, undefined, signal)),
    ).rejects.toThrow(/one class/);
    await superseded;
    await dm.flushed();
    expect(dm.dataset?.name).toBe('iris');
    expect(dm.loading).toBeNull();
    expect(names()).toEqual([
      'loading:iris',
      'loaded:iris',
      'loading:',
      'loading:mnist',
      'loading:one-class.csv',
      'loading:',
    ]);
    expect((await savedRecord())?.source).toEqual({ kind: 'builtin', name: 'iris' });
  });

  it('the write chain saves only the newest committed dataset', async () => {
    const { dm } = setup();
    const write = deferred();
    const real = vi.mocked(persist.saveCurrentDataset).getMockImplementation()!;
    // The first write takes a while; two more datasets are committed meanwhile.
    vi.mocked(persist.saveCurrentDataset).mockImplementationOnce(async (r) => {
      await write.promise;
      return real(r);
    });
    await dm.change('iris', (signal) => dm.loadBuiltin('iris', signal));
    await dm.change('mnist', (signal) => dm.loadBuiltin('mnist', signal));
    const table = new File([csv(30)], 't.csv');
    await dm.change('t.csv', (signal) => dm.loadFiles([table], ['t.csv'], {}, undefined, signal));
    write.resolve();
    await dm.flushed();
    const written = vi.mocked(persist.saveCurrentDataset).mock.calls.map(([r]) => r.source.kind);
    expect(written).toEqual(['builtin', 'table']); // mnist's queued write was skipped
    expect((await savedRecord())?.source).toMatchObject({ kind: 'table', fileName: 't.csv' });
  });

  it('readCsv stops between chunks when its signal aborts', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const reading = readCsv(csv(400_000), 'big.csv', {
      skipMalformed: false,
      signal: controller.signal,
      onProgress: () => {
        chunks++;
        controller.abort();
      },
    });
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(chunks).toBe(1);
  });
});
