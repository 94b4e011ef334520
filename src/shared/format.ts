// Text for numbers and errors that the UI, the engine and the worker all write. No tfjs, no DOM.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
const MB_INDEX = 2;
const GB_INDEX = 3;

export interface BytesFormat {
  /**
   * 'auto' (default): the largest unit that keeps the number at 1 or more, with one decimal below
   * 10 and none from 10: "512 B", "1.5 KB", "12 MB", "2.0 GB".
   * 'megabytes': whole megabytes below a gigabyte, gigabytes with one decimal: "4 MB", "513 MB",
   * "1.0 GB" (the form of the size limits and of the messages that cite them).
   */
  precision?: 'auto' | 'megabytes';
  /** 'up' never understates (what something needs, a size over a limit). Default 'nearest'. */
  round?: 'nearest' | 'up';
}

/** A byte count for people, in binary units (1 KB = 1024 B). Missing or not finite: "–". */
export function formatBytes(bytes: number | null | undefined, format: BytesFormat = {}): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  const megabytes = format.precision === 'megabytes';
  let unit = megabytes ? MB_INDEX : 0;
  let value = bytes / 1024 ** unit;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const decimals = megabytes ? (unit >= GB_INDEX ? 1 : 0) : unit === 0 || Math.abs(value) >= 10 ? 0 : 1;
  if (format.round === 'up') {
    const scale = 10 ** decimals;
    // The small allowance keeps binary noise (1.1 stored as 1.1000000000000001) from rounding up.
    value = Math.ceil(value * scale - 1e-9) / scale;
  }
  return `${value.toFixed(decimals)} ${UNITS[unit]}`;
}

/** What went wrong, as text: an Error's message, or anything else thrown, as a string. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
