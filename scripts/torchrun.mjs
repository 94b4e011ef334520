// PyTorch ranks started on this machine as torchrun would start them, for the tests (e2e and unit).
// Debian's torchrun fails under Python 3.11 before any rank runs (../shared/ENVIRONMENT.md), and
// the exported train.py reads exactly torchrun's environment variables.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Debian's Python, for which python3-torch installs (not always the first python3 on PATH). */
export const PYTHON = '/usr/bin/python3';

/**
 * Runs PYTHON with `args` in `cwd`: its exit code (null when killed) and its output, stdout and
 * stderr together. The timeout kills it: a rank whose peer died waits in Gloo for 30 minutes.
 */
export function runPython(cwd, args, env = {}, timeoutMs = 150_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, {
      cwd,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env, PYTHONUNBUFFERED: '1' },
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/**
 * `torchrun --nproc_per_node=world train.py ...`: rank r runs `args(r)` with torchrun's variables.
 * In full test runs the ranks have, rarely, sat in the rendezvous until killed (a run takes
 * seconds): an attempt where a rank was killed and none failed on its own (an exit code other
 * than 0), before rank 0 logged its first epoch, is tried again on a new port, with what each rank
 * printed in the log. A rank that failed, or was killed after training started, is returned.
 */
export async function torchrun({ cwd, world, args, attempts = 3, attemptMs = 60_000, log = console.log }) {
  for (let attempt = 1; ; attempt++) {
    const port = await rendezvousPort();
    const ranks = await Promise.all(
      Array.from({ length: world }, (_, rank) => runPython(cwd, args(rank), rankEnv(port, rank, world), attemptMs)),
    );
    const killed = ranks.some((r) => r.code === null);
    const failed = ranks.some((r) => r.code !== null && r.code !== 0);
    const stuckBeforeTraining = killed && !failed && !/^epoch /m.test(ranks[0].out);
    if (!stuckBeforeTraining || attempt === attempts) return ranks;
    log(
      `torchrun attempt ${attempt}: killed after ${attemptMs / 1000} s before the first epoch (port ${port}); trying again\n` +
        ranks
          .map(
            (r, i) =>
              `  rank ${i} (exit ${r.code}): ${r.out.trim().split('\n').slice(-5).join('\n    ') || '(nothing)'}`,
          )
          .join('\n'),
    );
  }
}

/**
 * A TCP port for rank 0's rendezvous store, free now and below the system's ephemeral range: a
 * port in that range can be taken meanwhile by any outgoing connection (the browser's, say), or
 * by a rank's own retried connect, which on loopback may then connect to itself.
 */
export async function rendezvousPort() {
  const below = Math.min(ephemeralStart(), 32_768);
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * (below - 20_000));
    if ((await canListen(port, '0.0.0.0')) && (await canListen(port, '127.0.0.1'))) return port;
  }
}

/** The first port Linux hands out to outgoing connections (32768 where it cannot be read). */
function ephemeralStart() {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return first > 21_000 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * torchrun's variables for `rank` of `world` processes on this machine. Gloo is told to use the
 * loopback interface rather than the address the host name resolves to (which may not resolve).
 */
export function rankEnv(port, rank, world) {
  return {
    MASTER_ADDR: '127.0.0.1',
    MASTER_PORT: String(port),
    RANK: String(rank),
    LOCAL_RANK: String(rank),
    WORLD_SIZE: String(world),
    LOCAL_WORLD_SIZE: String(world),
    GLOO_SOCKET_IFNAME: 'lo',
  };
}
