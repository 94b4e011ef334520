// The learning-rate finder in the worker: the stage's network as a run would start it (scratch,
// a pretrained encoder, the objective's networks), on the backend the settings choose, trained for
// one short sweep of growing rates (engine/train/lrFinder.ts); nothing is saved, everything built
// is freed.
import { chooseBackend, type BackendHost } from '../engine/backends';
import type { Dataset } from '../engine/data/dataset';
import { pretrainRows } from '../engine/pretrain/pretrain';
import type { RunControl } from '../engine/train/control';
import { LR_FINDER, LrSweep, sweepRate } from '../engine/train/lrFinder';
import { epochRows } from '../engine/train/loop';
import type { LrFinding } from '../shared/types/results';
import type { TrainConfig } from '../shared/types/training';
import { finetuningBody } from './bodies/finetuning';
import { pretrainingBody } from './bodies/pretraining';
import type { Post } from './post';

export interface RateFinderOptions {
  ds: Dataset;
  config: TrainConfig;
  host: BackendHost;
  post: Post;
  control: RunControl;
}

export async function findLearningRate({ ds, config, host, post, control }: RateFinderOptions): Promise<LrFinding> {
  const steps = LR_FINDER.steps;
  const epoch = config.stage === 'pretrain' ? null : epochRows(ds, config);
  const perEpoch = epoch
    ? Math.max(1, Math.ceil(epoch.rows.length / epoch.batchSize))
    : Math.max(1, Math.ceil(pretrainRows(ds).length / config.batchSize));
  // Every layer trains through the sweep: the rate found is the whole network's.
  const swept: TrainConfig = {
    ...config,
    epochs: Math.ceil(steps / perEpoch) + 1,
    freeze: { ...config.freeze, headEpochs: 0 },
    earlyStopping: { ...config.earlyStopping, enabled: false },
  };
  const hooks = { rateAt: (step: number) => sweepRate(step, steps), quiet: true };
  const body =
    swept.stage === 'pretrain' ? pretrainingBody(ds, swept, hooks) : finetuningBody(ds, swept, null, undefined, hooks);
  const plan = await body.plan();
  const info = await chooseBackend(swept.backend, host, {
    requiredKernels: plan.requiredKernels,
    measure: () => plan.measure(),
  });
  const sweep = new LrSweep(control, steps);
  const events = body.train({
    control,
    checkpointer: { afterEpoch: async () => undefined },
    readEvery: 1,
    limits: host.deviceLimits?.(info.active) ?? null,
  });
  try {
    for await (const ev of events) {
      if (ev.type !== 'losses') continue;
      sweep.add(ev.steps, ev.losses[0]!);
      post({ type: 'lrFinder', stage: swept.stage, state: 'running', finding: sweep.finding, backend: info.active });
    }
  } finally {
    body.model?.dispose();
  }
  return sweep.finding;
}
