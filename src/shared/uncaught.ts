// What an uncaught error in a worker really was, in one line for the alert. The browser tells the
// page only "Uncaught [object ErrorEvent]" when the thrown value is itself an event (as Emscripten's
// pthread workers rethrow theirs), so the worker describes it before it dies.

interface ErrorEventLike {
  message?: string;
  filename?: string;
  lineno?: number;
  colno?: number;
  error?: unknown;
}

const isEventLike = (v: unknown): v is ErrorEventLike =>
  typeof v === 'object' && v !== null && 'message' in v && ('filename' in v || 'lineno' in v);

function where(e: ErrorEventLike): string {
  return e.filename ? ` at ${e.filename}:${e.lineno ?? 0}:${e.colno ?? 0}` : '';
}

/** The error's own message and place: the inner event's when an event was thrown, the Error's, or the event's. */
export function describeUncaught(e: ErrorEventLike): string {
  const inner = e.error;
  if (isEventLike(inner)) return `${inner.message || 'an error event'}${where(inner)}`;
  if (inner instanceof Error) return `${inner.name}: ${inner.message}${where(e)}`;
  return `${e.message || 'an unknown error'}${where(e)}`;
}
