/**
 * The end of a `switch` over a union: `default: return assertNever(x)`. It compiles only when
 * every member was handled; reached at run time (a value the types do not allow), it throws.
 */
export function assertNever(value: never): never {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  throw new Error(`Unexpected value: ${text}`);
}
