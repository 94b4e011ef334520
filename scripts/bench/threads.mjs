// Section 7 of npm run bench: WASM with threads against one thread, paired. Each round runs a case
// in a fresh 1-thread worker and a fresh N-thread worker (order alternating), so both see the same
// machine state; the ratio is the median of the rounds' ratios. Then one supervised step of the
// reference MLP, profiled per kernel in each, shows where the time goes and what threads change.
// Options: --threads=N (default: the logical cores, 2 to 8), --threads-rounds=3 (--quick: 2),
//          --threads-cases=mlp@256,gan@256 (names as printed, without the space).
import { os } from './os.mjs';
import { arg, f, median, pad, quick } from './common.mjs';

const CASES = [
  { objective: 'supervised', batchSize: 32, rows: 4096 },
  { objective: 'supervised', batchSize: 256, rows: 8192, profile: true },
  { objective: 'supervised', model: 'cnn', batchSize: 32, rows: 1024 },
  { objective: 'supervised', model: 'cnn', batchSize: 256, rows: 2048 },
  { objective: 'autoencoder', batchSize: 32, rows: 2048 },
  { objective: 'autoencoder', batchSize: 256, rows: 4096 },
  { objective: 'denoising', batchSize: 256, rows: 4096 },
  { objective: 'gan', batchSize: 256, rows: 4096 },
  { objective: 'contrastive', batchSize: 256, rows: 1024 },
  { objective: 'mlm', batchSize: 32, rows: 128 },
];

const caseName = (c) =>
  `${c.model === 'cnn' ? 'cnn' : c.objective === 'supervised' ? 'mlp' : c.objective} @${c.batchSize}`;

export async function benchThreads({ browser, server, results }) {
  const threads = Number(arg('threads', Math.max(2, Math.min(8, os.cores))));
  const rounds = Number(arg('threads-rounds', quick ? 2 : 3));
  const epochs = quick ? 1 : 2;
  const only = arg('threads-cases', '');
  const cases = CASES.filter((c) => !only || only.split(',').includes(caseName(c).replace(' ', '')));
  console.log(
    `\n7. WASM ${threads} threads vs 1 thread (${os.cores} logical cores; samples/s of training steps, median of ${rounds} paired rounds, ${epochs} epoch(s) each after one untimed)`,
  );
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => 'runThreadsCase' in window);
  if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error('the bench page is not cross-origin isolated');
  results.threads = { threads, cores: os.cores, cases: [] };
  console.log(`\n${pad('case', 18)}${pad('rows', 7)}${pad('1 thread/s', 12)}${pad(`${threads} threads/s`, 13)}ratio`);
  for (const c of cases) {
    const one = [];
    const many = [];
    const run = async (n, to) => {
      const row = await page.evaluate(([k, t]) => window.runThreadsCase(k, t), [{ ...c, epochs }, n]);
      if (row.error) throw new Error(row.error);
      if (row.threads !== n) throw new Error(`asked for ${n} WASM threads, got ${row.threads}`);
      to.push(row);
    };
    try {
      for (let r = 0; r < rounds; r++) {
        if (r % 2 === 0) {
          await run(1, one);
          await run(threads, many);
        } else {
          await run(threads, many);
          await run(1, one);
        }
      }
    } catch (e) {
      results.threads.cases.push({ ...c, error: e.message });
      console.log(`${pad(caseName(c), 18)}skipped: ${e.message}`);
      continue;
    }
    const rate = (rows) => rows.map((row) => median(row.samplesPerSec));
    const ratio = median(rate(many).map((m, i) => m / rate(one)[i]));
    const entry = { ...c, one: rate(one), many: rate(many), ratio };
    if (c.profile) entry.profile = { one: one[0].kernelProfile, many: many[0].kernelProfile };
    results.threads.cases.push(entry);
    console.log(
      `${pad(caseName(c), 18)}${pad(c.rows, 7)}${pad(f(median(entry.one)), 12)}${pad(f(median(entry.many)), 13)}${f(ratio, 2)}`,
    );
  }
  const goal = results.threads.cases.find((c) => caseName(c) === 'mlp @256');
  if (goal)
    console.log(
      `\n   reference MLP at batch 256: ${threads} threads / 1 thread = ${f(goal.ratio, 2)} (goal >= 1.30 on 2 cores)`,
    );
  const paying = results.threads.cases.filter((c) => c.ratio >= 1.05).map(caseName);
  console.log(`   threads pay (>= 1.05x) for: ${paying.length ? paying.join(', ') : 'none of these cases'}`);
  if (goal?.profile) printProfile(goal.profile, threads);
}

/** The kernels of one step side by side: where threads speed things up, and where they do not. */
function printProfile({ one, many }, threads) {
  console.log(
    `\n   one step of the reference MLP at batch 256, per kernel (tf.profile): ${f(one.stepMs, 1)} ms on 1 thread, ${f(many.stepMs, 1)} ms on ${threads}`,
  );
  const manyBy = new Map(many.kernels.map((k) => [k.name, k.ms]));
  const total = one.kernels.reduce((s, k) => s + k.ms, 0);
  const totalMany = many.kernels.reduce((s, k) => s + k.ms, 0);
  console.log(
    `   ${pad('kernel', 22)}${pad('1 thread ms', 13)}${pad('share', 8)}${pad(`${threads} threads ms`, 15)}speed-up`,
  );
  for (const k of one.kernels.slice(0, 8)) {
    const m = manyBy.get(k.name) ?? NaN;
    console.log(
      `   ${pad(k.name, 22)}${pad(f(k.ms, 2), 13)}${pad(`${f((100 * k.ms) / total)}%`, 8)}${pad(f(m, 2), 15)}${f(k.ms / m, 2)}x`,
    );
  }
  console.log(
    `   ${pad('all kernels', 22)}${pad(f(total, 2), 13)}${pad('100%', 8)}${pad(f(totalMany, 2), 15)}${f(total / totalMany, 2)}x`,
  );
}
