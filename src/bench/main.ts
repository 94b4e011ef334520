// Benchmark page: runs cases in a fresh worker each (so one backend's state cannot slow the
// next) and exposes `window.runBenchCase`, `runAugmentCase`, `runContrastiveCase`, `runMlmCase`, `runThreadsCase` and `runStepsCase` to
// scripts/bench.mjs.
import type {
  AugmentCase,
  AugmentRow,
  BenchCase,
  BenchReply,
  BenchRequest,
  BenchRow,
  ContrastiveCase,
  ContrastiveRow,
  MlmCase,
  MlmRow,
  ExplainCase,
  ExplainRow,
  StepsCase,
  StepsRow,
  ThreadsCase,
  ThreadsRow,
} from './protocol';
// Baselines of the data sections (they add their own window functions).
import './csvPlain';
import './imagesPlain';

const out = document.getElementById('out')!;

/** One request in a fresh worker; its log lines go to the page and the console. */
function inWorker<R>(request: BenchRequest, name = 'bench'): Promise<R> {
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name });
  return new Promise<R>((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = (e: MessageEvent<BenchReply>) => {
      if (e.data.type === 'log') {
        out.textContent += `\n${e.data.text}`;
        console.log(e.data.text);
      } else resolve(e.data.row as R);
    };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

const runBenchCase = (benchCase: BenchCase) => inWorker<BenchRow>({ type: 'case', id: 1, benchCase });
const runAugmentCase = (augmentCase: AugmentCase) => inWorker<AugmentRow>({ type: 'augment', id: 1, augmentCase });
const runContrastiveCase = (contrastiveCase: ContrastiveCase) =>
  inWorker<ContrastiveRow>({ type: 'contrastive', id: 1, contrastiveCase });

const runMlmCase = (mlmCase: MlmCase) => inWorker<MlmRow>({ type: 'mlm', id: 1, mlmCase });
/** A case in a worker named as the app names its own: the WASM backend starts `threads` threads. */
const runThreadsCase = (threadsCase: ThreadsCase, threads: number) =>
  inWorker<ThreadsRow>({ type: 'threads', id: 1, threadsCase }, `bench threads=${threads}`);

const runStepsCase = (stepsCase: StepsCase) => inWorker<StepsRow>({ type: 'steps', id: 1, stepsCase });

const runExplainCase = (explainCase: ExplainCase) => inWorker<ExplainRow>({ type: 'explain', id: 1, explainCase });

Object.assign(window, {
  runBenchCase,
  runAugmentCase,
  runContrastiveCase,
  runMlmCase,
  runThreadsCase,
  runStepsCase,
  runExplainCase,
});
out.textContent = 'ready';
