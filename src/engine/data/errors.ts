/** A problem with the user's data, worded for the user: what is wrong, where, and what to do. */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    /** A machine-readable kind, so the UI can offer the matching fix (e.g. skip malformed rows). */
    readonly code:
      | 'empty'
      | 'binary'
      | 'malformed-rows'
      | 'no-rows'
      | 'no-features'
      | 'one-class'
      | 'bad-label'
      | 'too-large'
      | 'no-images'
      | 'zip-bomb'
      | 'bad-zip'
      | 'unsupported'
      | 'bad-option',
  ) {
    super(message);
  }
}

/** Size caps, stated in the UI. */
export const LIMITS = {
  tableBytes: 512 * 1024 * 1024,
  zipBytes: 256 * 1024 * 1024,
  /** Uncompressed bytes a zip may expand to in total (zip bombs stop here). */
  zipExpandedBytes: 1024 * 1024 * 1024,
  imageFileBytes: 32 * 1024 * 1024,
  images: 50_000,
} as const;
