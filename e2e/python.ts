// Debian's Python with PyTorch (python3-torch installs for /usr/bin/python3, which may not be the
// first python3 on PATH). Ranks are started as torchrun would start them: Debian's torchrun fails
// under Python 3.11 before any rank runs (../shared/ENVIRONMENT.md), and train.py reads exactly
// torchrun's environment variables.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

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

/** A TCP port free on this machine now (the OS picks it), for rank 0's rendezvous store. */
function freePort(): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(String(port)));
    });
  });
}

/**
 * `torchrun --nproc_per_node=world train.py args`, each rank started with torchrun's variables.
 * Once in a full e2e run here both ranks sat silent in the rendezvous until killed (no line of
 * output, fine when run again): an attempt whose ranks were all killed silent is tried once more
 * on a new port, said in the log. A rank that printed anything is never retried.
 */
export async function torchrun(cwd: string, world: number, args: string[]): Promise<Ran[]> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const ranks = await Promise.all(
      Array.from({ length: world }, (_, rank) =>
        python(
          cwd,
          ['train.py', ...args],
          {
            MASTER_ADDR: '127.0.0.1',
            MASTER_PORT: port,
            RANK: String(rank),
            LOCAL_RANK: String(rank),
            WORLD_SIZE: String(world),
            LOCAL_WORLD_SIZE: String(world),
          },
          90_000,
        ),
      ),
    );
    const silentlyKilled = ranks.every((r) => r.code === null && !r.out.trim());
    if (!silentlyKilled || attempt === 2) return ranks;
    console.log(`torchrun: the ${world} ranks never started on port ${port} (killed after 90 s); trying once more`);
  }
}
