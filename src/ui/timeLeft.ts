// The time left of a dataset load's phase, estimated from how far it got in how long (the worker
// reports both with every progress message), and the words the progress line shows for it.

/** Seconds before an estimate is shown, unless the phase is already this far along. */
const MIN_ELAPSED_MS = 1000;
const EARLY_FRACTION = 0.05;
/** Even past 5%, a phase this young has too little behind it to extrapolate from. */
const MIN_EARLY_MS = 250;

/**
 * Seconds left at the phase's rate so far, or null while there is too little to go on: before
 * 1 s of the phase (or 5% of it, after a quarter of a second), with nothing done, or when done.
 */
export function secondsLeft(fraction: number, elapsedMs: number | undefined): number | null {
  if (elapsedMs === undefined || !Number.isFinite(fraction) || !Number.isFinite(elapsedMs)) return null;
  if (fraction <= 0 || fraction >= 1 || elapsedMs <= 0) return null;
  if (elapsedMs < MIN_ELAPSED_MS && !(fraction >= EARLY_FRACTION && elapsedMs >= MIN_EARLY_MS)) return null;
  return ((elapsedMs / 1000) * (1 - fraction)) / fraction;
}

/** "about 8 s left", "about 3 min left", "about 1.5 h left"; "less than a second left". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 1) return 'less than a second left';
  if (seconds < 60) return `about ${Math.round(seconds)} s left`;
  if (seconds < 3600) return `about ${Math.max(1, Math.round(seconds / 60))} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}

/** The words for the progress line, or null while no estimate is shown. */
export function timeLeftText(fraction: number, elapsedMs: number | undefined): string | null {
  const s = secondsLeft(fraction, elapsedMs);
  return s === null ? null : formatTimeLeft(s);
}
