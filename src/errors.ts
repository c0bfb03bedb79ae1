/**
 * Coded errors. `code` is stable (scripts and tests match on it); `message` says what to do.
 * Unknown errors are wrapped once, at the edge (CLI, HTTP handler, job runner).
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_FILE_UNREADABLE'
  | 'KB_NOT_FOUND'
  | 'KB_EMPTY'
  | 'FILE_SKIPPED'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'LLM_FAILED'
  | 'EMBEDDING_FAILED'
  | 'USAGE'
  | 'INTERNAL';

export class HelplineError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'HelplineError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isHelplineError(err: unknown, code?: ErrorCode): err is HelplineError {
  return err instanceof HelplineError && (code === undefined || err.code === code);
}

/** Wrap anything thrown into a HelplineError, keeping coded errors as they are. */
export function toHelplineError(err: unknown): HelplineError {
  if (err instanceof HelplineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new HelplineError('INTERNAL', `Unexpected error: ${message}`, { cause: err });
}
