// What the checkpoint specs share (e2e/checkpoints.spec.ts, e2e/checkpoint-faults.spec.ts).
import type { Page } from '@playwright/test';
import { configure } from './helpers';

/** Reads a record straight from the studio's IndexedDB, as the browser stores it. */
export function readIdb(page: Page, store: 'checkpointMeta' | 'checkpointData', key: string) {
  return page.evaluate(
    ([storeName, id]) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('pretrain-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(storeName!, 'readonly').objectStore(storeName!).get(id!);
          req.onsuccess = () => {
            const v = req.result as
              | {
                  model?: { optimizer: { name: string; dtype: string; data: ArrayBuffer }[] };
                  history?: { losses: Float32Array[] };
                }
              | undefined;
            open.result.close();
            if (!v) return resolve(null);
            // What the test needs, as plain data: Adam's step count and the loss history.
            const iter = v.model?.optimizer.find((t) => t.name === 'iter');
            const iterValue = iter
              ? (iter.dtype === 'int32' ? new Int32Array(iter.data) : new Float32Array(iter.data))[0]
              : null;
            resolve({ iter: iterValue ?? null, losses: v.history ? Array.from(v.history.losses[0]!) : null });
          };
          req.onerror = () => reject(req.error);
        };
      }),
    [store, key],
  ) as Promise<{ iter: number | null; losses: number[] | null } | null>;
}

export async function smallRun(page: Page, epochs: number) {
  await page.getByTestId('stage-finetune').click();
  await page.getByTestId('label-budget').selectOption('perClass');
  await page.getByTestId('labels-per-class').fill('50'); // 500 rows: 10 batches of 50 an epoch
  await configure(page, { epochs, batchSize: 50, backend: 'wasm' });
  // Every epoch's own weights and optimizer (the best-epoch restore of early stopping is tested elsewhere).
  await page.getByTestId('early-stopping').uncheck();
}

export const items = (page: Page) => page.getByTestId('checkpoint-item');
export const item = (page: Page, epoch: number) =>
  page.locator(`[data-testid="checkpoint-item"][data-epoch="${epoch}"]`);
