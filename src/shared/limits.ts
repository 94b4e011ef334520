/** Size caps for uploads: enforced in the worker, stated in the UI. One place for both. */
export const LIMITS = {
  tableBytes: 512 * 1024 * 1024,
  zipBytes: 256 * 1024 * 1024,
  /** Uncompressed bytes a zip may expand to in total (zip bombs stop here). */
  zipExpandedBytes: 1024 * 1024 * 1024,
  imageFileBytes: 32 * 1024 * 1024,
  images: 50_000,
} as const;

const size = (b: number) => (b >= 1024 ** 3 ? `${b / 1024 ** 3} GB` : `${b / 1024 ** 2} MB`);

export const LIMITS_TEXT =
  `Tables up to ${size(LIMITS.tableBytes)} · zips up to ${size(LIMITS.zipBytes)} (${size(LIMITS.zipExpandedBytes)} unpacked) · ` +
  `images up to ${size(LIMITS.imageFileBytes)} each, ${LIMITS.images.toLocaleString('en-US')} in all`;
