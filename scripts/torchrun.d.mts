export interface Ran {
  /** The exit code; null when the process was killed (its timeout). */
  code: number | null;
  out: string;
}
export const PYTHON: string;
export function runPython(cwd: string, args: string[], env?: Record<string, string>, timeoutMs?: number): Promise<Ran>;
export function torchrun(options: {
  cwd: string;
  world: number;
  args: (rank: number) => string[];
  attempts?: number;
  attemptMs?: number;
  log?: (line: string) => void;
}): Promise<Ran[]>;
export function rendezvousPort(): Promise<number>;
export function rankEnv(port: number, rank: number, world: number): Record<string, string>;
