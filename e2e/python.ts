// Debian's Python with PyTorch (python3-torch installs for /usr/bin/python3, which may not be the
// first python3 on PATH). Ranks are started as torchrun would start them: Debian's torchrun fails
// under Python 3.11 before any rank runs (../shared/ENVIRONMENT.md), and train.py reads exactly
// torchrun's environment variables.
import { spawn, spawnSync } from 'node:child_process';
import { rankEnv, rendezvousPort } from '../scripts/rendezvous.mjs';

export const PYTHON = '/usr/bin/python3';

/** Whether PyTorch is importable; CI sets REQUIRE_TORCH so that these tests never skip there. */
export function hasTorch(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

export interface Ran {
  code: number | null;
  out: string;
}

export function python(cwd: string, args: string[], env: Record<string, string> = {}, timeout = 150_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    // A rank whose peer died waits in gloo: the timeout ends it, and the test fails, not hangs.
    const child = spawn(PYTHON, args, {
      cwd,
      env: { ...process.env, ...env, PYTHONUNBUFFERED: '1' },
      timeout,
      killSignal: 'SIGKILL',
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const ATTEMPTS = 3;
const ATTEMPT_MS = 60_000;

/**
 * `torchrun --nproc_per_node=world train.py args`, each rank started with torchrun's variables.
 * In full e2e runs the ranks have, rarely, sat in the rendezvous until killed (a run takes
 * seconds): an attempt where a rank was killed before rank 0 logged its
 * first epoch is tried again on a new port, with what each rank printed in the log. A rank that
 * failed on its own (an exit code) or after training started is never retried.
 */
export async function torchrun(cwd: string, world: number, args: string[]): Promise<Ran[]> {
  for (let attempt = 1; ; attempt++) {
    const port = await rendezvousPort();
    const ranks = await Promise.all(
      Array.from({ length: world }, (_, rank) =>
        python(cwd, ['train.py', ...args], rankEnv(port, rank, world), ATTEMPT_MS),
      ),
    );
    const stuckBeforeTraining = ranks.some((r) => r.code === null) && !/^epoch /m.test(ranks[0]!.out);
    if (!stuckBeforeTraining || attempt === ATTEMPTS) return ranks;
    console.log(
      `torchrun attempt ${attempt}: killed after ${ATTEMPT_MS / 1000} s before the first epoch (port ${port}); trying again\n` +
        ranks
          .map(
            (r, i) =>
              `  rank ${i} (exit ${r.code}): ${r.out.trim().split('\n').slice(-5).join('\n    ') || '(nothing)'}`,
          )
          .join('\n'),
    );
  }
}
