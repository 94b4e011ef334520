// Proves that the test hooks (src/shared/testHooks.ts) stay out of the shipped app: none of these
// strings may occur in dist/ (`npm run build`), and each must occur in dist-test/ (the build made
// with STUDIO_TEST_HOOKS=1), so that the check cannot pass because a string was renamed away.
// Run after both builds (npm test does): `node scripts/check-test-hooks.mjs`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Distinctive strings of the hooks, and where they come from. */
export const MARKERS = [
  ['__studioTest', 'the page global the e2e tests call (src/ui/testHooks.ts)'],
  ['killForTest', 'the worker kill (src/ui/workerClient.ts)'],
  ['hangWorker', "the worker's busy loop (src/worker/testHooks.ts)"],
  ['The quota has been exceeded (simulated)', 'the checkpoint write fault (src/worker/testHooks.ts)'],
  ['device loss can only be forced', 'the forced WebGPU device loss (src/worker/testHooks.ts)'],
];

/** The text files of a build: its scripts and pages. */
function builtFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m?js|html)$/.test(e.name)) out.push({ path: relative(root, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

function load(name, how) {
  const dir = join(root, name);
  const files = existsSync(dir) ? builtFiles(dir) : [];
  if (!files.some((f) => f.path.endsWith('.js')))
    throw new Error(`${name}/ has no built scripts: run \`${how}\` first.`);
  return files;
}

const shipped = load('dist', 'npm run build');
const withHooks = load('dist-test', 'npm run build:test-hooks');
const problems = [];
for (const [marker, what] of MARKERS) {
  const leaks = shipped.filter((f) => f.text.includes(marker)).map((f) => f.path);
  if (leaks.length) problems.push(`"${marker}" (${what}) is in the shipped build: ${leaks.join(', ')}`);
  if (!withHooks.some((f) => f.text.includes(marker)))
    problems.push(`"${marker}" (${what}) is missing from dist-test/: the check would prove nothing; update MARKERS`);
}
if (problems.length) {
  console.error(`Test hooks check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  `Test hooks check: ${MARKERS.length} markers absent from dist/ (${shipped.length} files), present in dist-test/.`,
);
