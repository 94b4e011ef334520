// Debian's Python with PyTorch, and ranks started as torchrun would start them (scripts/torchrun.mjs).
import { spawnSync } from 'node:child_process';
import { PYTHON, runPython, torchrun as runRanks, type Ran } from '../scripts/torchrun.mjs';

export { PYTHON, type Ran };

/** Whether PyTorch is importable; CI sets REQUIRE_TORCH so that these tests never skip there. */
export function hasTorch(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

export const python = runPython;

/** `torchrun --nproc_per_node=world train.py args` (up to three attempts, 60 s each). */
export function torchrun(cwd: string, world: number, args: string[]): Promise<Ran[]> {
  return runRanks({ cwd, world, args: () => ['train.py', ...args] });
}
