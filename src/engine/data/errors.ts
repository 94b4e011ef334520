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
      | 'bad-option'
      | 'bad-text',
  ) {
    super(message);
  }
}

/** Size caps (shared with the UI, which states them). */
export { LIMITS } from '../../shared/limits';
