// Debian's Python with PyTorch (python3-torch installs for /usr/bin/python3, which may not be the
// first python3 on PATH). Ranks are started as torchrun would start them: Debian's torchrun fails
// under Python 3.11 before any rank runs (../shared/ENVIRONMENT.md), and train.py reads exactly
// torchrun's environment variables.
import { spawn, spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** Whether PyTorch is importable; CI sets REQUIRE_TORCH so that these tests never skip there. */
export function hasTorch(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

export interface Ran {
  code: number | null;
  out: string;
}

export function python(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    // A rank whose peer died waits in gloo: the timeout ends it, and the test fails, not hangs.
    const child = spawn(PYTHON, args, {
      cwd,
      env: { ...process.env, ...env, PYTHONUNBUFFERED: '1' },
      timeout: 150_000,
      killSignal: 'SIGKILL',
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** `torchrun --nproc_per_node=world train.py args`, each rank started with torchrun's variables. */
export function torchrun(cwd: string, world: number, args: string[]): Promise<Ran[]> {
  const port = String(29500 + Math.floor(Math.random() * 400));
  return Promise.all(
    Array.from({ length: world }, (_, rank) =>
      python(cwd, ['train.py', ...args], {
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: port,
        RANK: String(rank),
        LOCAL_RANK: String(rank),
        WORLD_SIZE: String(world),
        LOCAL_WORLD_SIZE: String(world),
      }),
    ),
  );
}
