// The worker's session: a thin router of the page's commands to the dataset holder, the trainer
// (the current run), the model service and the library of checkpoints and runs. Each command has
// one handler, whose result is that command's reply (see ReplyOf in the protocol).
import type { BackendHost } from '../engine/backends';
import type { Dataset } from '../engine/data/dataset';
import { DataError } from '../engine/data/errors';
import { errorMessage } from '../shared/format';
import type { Command, CommandType, Replies, ReplyOf } from '../shared/protocol';
import type { BuiltinDatasetName, TableOptions } from '../shared/types/datasets';
import { deleteCheckpoint, deleteRun, loadCheckpoint, renameCheckpoint } from './data/checkpoints';
import { DatasetManager } from './data/datasets';
import { previewAugmentation } from './augmentPreview';
import { Library } from './library';
import { endOfRun } from './messages';
import { ModelService } from './models';
import { columnImportance, explain } from './explain';
import type { Post } from './post';
import { SweepRunner } from './sweep';
import { runTestHook } from './testHooks';
import { Trainer } from './trainer';

type Handlers = { [K in CommandType]: (cmd: Extract<Command, { type: K }>) => Promise<ReplyOf<K>> };

export class StudioSession {
  private readonly data: DatasetManager;
  private readonly library: Library;
  private readonly trainer: Trainer;
  private readonly models: ModelService;
  private readonly sweep: SweepRunner;

  constructor(
    private readonly post: Post,
    host: BackendHost,
    /** Fetches a built-in dataset; stops when the signal aborts (a newer choice). */
    loadBuiltin: (name: BuiltinDatasetName, signal?: AbortSignal, options?: TableOptions) => Promise<Dataset>,
  ) {
    this.data = new DatasetManager(post, loadBuiltin);
    this.library = new Library(post);
    this.trainer = new Trainer(post, host, this.data, this.library, () => this.models);
    this.models = new ModelService(
      () => this.trainer.offered,
      () => this.data.dataset,
      () => this.trainer.busy,
    );
    this.sweep = new SweepRunner(post, this.trainer, this.data);
  }

  /** Exposed for the unit tests: resolves when the sweep in progress has ended. */
  get sweepEnded(): Promise<void> {
    return this.sweep.ended;
  }

  private readonly handlers: Handlers = {
    restore: async (cmd) => {
      let datasetBack = false;
      try {
        await (cmd.force
          ? this.changeDataset(cmd.fallback, (signal) => this.data.loadBuiltin(cmd.fallback, signal))
          : this.changeDataset('your last dataset', (signal) => this.data.restore(cmd.fallback, signal)));
        datasetBack = true;
      } finally {
        // Checkpoints do not depend on the dataset: list them even if it failed to load.
        await this.library.publishCheckpoints();
        // A sweep's interrupted run is the sweep's to train again, not offered for resuming.
        const sweepRun = await this.sweep.load(datasetBack);
        await this.library.announceInterrupted(sweepRun);
        await this.library.publishRuns();
      }
      this.sweep.goOn();
    },
    loadBuiltin: (cmd) => this.changeDataset(cmd.name, (signal) => this.data.loadBuiltin(cmd.name, signal)),
    loadFiles: (cmd) =>
      this.changeDataset(cmd.files.length === 1 ? cmd.files[0]!.name : `${cmd.files.length} files`, (signal) =>
        this.data.loadFiles(cmd.files, cmd.paths, cmd.tableOptions, cmd.imageOptions, signal),
      ),
    configureTable: (cmd) => this.changeDataset('the table', (signal) => this.data.configureTable(cmd.options, signal)),
    configureImages: (cmd) =>
      this.changeDataset('the images', (signal) => this.data.configureImages(cmd.options, signal)),

    start: async (cmd) => {
      this.refuseDuringSweep();
      void this.trainer.start(cmd.config); // answered once started; the run goes on
    },
    startSweep: (cmd) => this.sweep.start(cmd.settings, cmd.config),
    cancelSweep: async () => this.sweep.cancel(),
    resumeCheckpoint: async (cmd) => {
      this.refuseDuringSweep();
      const saved = await loadCheckpoint(cmd.checkpointId);
      if (saved.info.stage !== 'finetune')
        throw new Error('Only fine-tuning runs can be resumed; use a pretraining checkpoint as "Start from" instead.');
      if (saved.info.epoch >= saved.info.totalEpochs || saved.info.tags.includes('final'))
        throw new Error(endOfRun(saved.info));
      void this.trainer.start(cmd.config, saved);
    },
    findLearningRate: (cmd) => {
      this.refuseDuringSweep();
      return this.trainer.findRate(cmd.config);
    },
    stopLearningRateFinder: async () => this.trainer.stopFinder(),
    pause: async () => this.trainer.pause(),
    resume: () => this.trainer.resume(),
    stop: async () => this.trainer.stop(),
    recoverRun: async (cmd) => {
      this.refuseDuringSweep();
      await this.trainer.recover('recover', cmd.backend);
    },

    listCheckpoints: () => this.library.publishCheckpoints(),
    deleteCheckpoint: async (cmd) => {
      this.models.forget(cmd.checkpointId);
      await deleteCheckpoint(cmd.checkpointId);
      await this.library.publishCheckpoints();
    },
    renameCheckpoint: async (cmd) => {
      await renameCheckpoint(cmd.checkpointId, cmd.name.trim() || cmd.checkpointId);
      await this.library.publishCheckpoints();
    },
    pruneCheckpoints: () => this.library.prune(this.trainer.runKey, (id) => this.models.forget(id)),
    listRuns: () => this.library.publishRuns(),
    deleteRun: async (cmd) => {
      if (cmd.runKey === this.trainer.runKey)
        throw new Error('This run is in progress: stop it before removing it from the list.');
      await deleteRun(cmd.runKey);
      await this.library.publishRuns();
    },

    evaluateCheckpoint: (cmd) => this.trainer.evaluate(cmd.checkpointId),
    evaluateCurrent: () => this.trainer.evaluate(null),
    describeModel: (cmd) => this.models.describe(cmd.source),
    exportModel: (cmd) => this.models.export(cmd.source, cmd.format),
    importModel: async (cmd) => {
      const card = await this.models.import(cmd.files);
      await this.library.publishCheckpoints();
      return card;
    },
    predict: (cmd) => this.models.predict(cmd.source, cmd.input),
    explain: (cmd) => explain(this.models, cmd.request),
    columnImportance: (cmd) =>
      columnImportance(this.models, cmd.source, (done, total) =>
        this.post({ type: 'importanceProgress', done, total }),
      ),
    previewAugmentation: async (cmd) => {
      const ds = this.data.dataset;
      if (!ds) throw new Error('Choose a dataset to preview its augmentation.');
      return previewAugmentation(ds, cmd.spec, cmd.seed, !this.trainer.busy);
    },

    test: async (cmd) => {
      // Compiled in only for the end-to-end tests' build (see src/shared/testHooks.ts).
      if (__TEST_HOOKS__) runTestHook(cmd.hook);
      else throw new Error('Test hooks are not in this build (they are in a build made with STUDIO_TEST_HOOKS=1).');
    },
  };

  async handle(cmd: Command): Promise<void> {
    try {
      const handler = this.handlers[cmd.type] as (c: Command) => Promise<ReplyOf<CommandType>>;
      const reply = await handler(cmd);
      // Exported files' bytes move to the page rather than being copied.
      const transfer = cmd.type === 'exportModel' && Array.isArray(reply) ? reply.map((f) => f.data) : [];
      this.post(
        reply === undefined
          ? { type: 'ok', id: cmd.id }
          : { type: 'ok', id: cmd.id, reply: reply as Replies[keyof Replies] },
        transfer,
      );
    } catch (e) {
      this.post({
        type: 'failed',
        id: cmd.id,
        message: errorMessage(e),
        code: e instanceof DataError ? e.code : undefined,
      });
    }
  }

  /** A sweep trains its runs one after another: another run would take its place. */
  private refuseDuringSweep(): void {
    if (this.sweep.running) throw new Error('A label-efficiency sweep is running: cancel it before starting a run.');
  }

  private async changeDataset(name: string, load: (signal: AbortSignal) => Promise<Dataset>): Promise<void> {
    if (this.trainer.busy)
      throw new Error('Stop the current run (or the learning-rate sweep) before changing the dataset.');
    if (this.sweep.running)
      throw new Error('A label-efficiency sweep is running: cancel it before changing the dataset.');
    await this.data.change(name, load);
  }
}
