import { availableParallelism } from 'node:os';

/** This machine, as the bench reports it. */
export const os = { cores: availableParallelism() };
