/** Display helpers: one place for how numbers look (byte counts: formatBytes in shared/format.ts). */
export function fmtNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(digits).replace(/\.?0+$/, '');
}

export function fmtPercent(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`;
}

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Plain decimal strings for data-* attributes (the UI contract); undefined drops the attribute. */
export function attrNumber(v: number | null | undefined): string | undefined {
  if (v === null || v === undefined || !Number.isFinite(v)) return undefined;
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(8).replace(/0+$/, '').replace(/\.$/, '');
}
