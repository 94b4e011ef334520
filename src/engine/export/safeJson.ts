// JSON from a file the user brought: parsed with prototype-polluting keys refused and nesting
// bounded, so nothing later that spreads or merges it can be steered by the file.
import { errorMessage } from '../../shared/format';

/** A JSON object (not an array, not null): what every reader of a user's file checks first. */
export const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 64;

export function parseJsonSafely(text: string, label: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (FORBIDDEN.has(key))
        throw new ModelFileError(
          `${label} contains the key "${key}", which is not allowed (it could alter the studio's objects). Use the file the studio exported.`,
        );
      return v;
    });
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(
      `${label} is not valid JSON (${errorMessage(e)}). The file may be damaged; download it again.`,
    );
  }
  const walk = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH)
      throw new ModelFileError(`${label} is nested more than ${MAX_DEPTH} levels deep; that is not a model file.`);
    if (typeof v === 'object' && v !== null) for (const child of Object.values(v)) walk(child, depth + 1);
  };
  walk(value, 0);
  return value;
}
