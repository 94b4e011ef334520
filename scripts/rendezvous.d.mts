export function rendezvousPort(): Promise<number>;
export function rankEnv(port: number, rank: number, world: number): Record<string, string>;
