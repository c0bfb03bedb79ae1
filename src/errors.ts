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
  /** A --jsonl input line is blank: its output line says so, so output lines still match input lines. */
  | 'EMPTY_INPUT'
  /** Another process (`helpline serve`, `worker`, `backup`…) is using this HELPLINE_DATA folder. */
  | 'DATA_DIR_IN_USE'
  /** An SLA calendar, policy or argument is invalid (bad config, unknown calendar id, non-ISO time). */
  | 'SLA_INVALID'
  /** An SLA clock operation is not allowed in the clock's state (pause a stopped clock, resume a running one). */
  | 'SLA_CLOCK_STATE'
  /** The database (PostgreSQL at DATABASE_URL, or the embedded one under HELPLINE_DATA) cannot be reached or opened. */
  | 'DB_UNAVAILABLE'
  /** A schema migration failed or an applied migration file was edited afterwards. */
  | 'DB_MIGRATION_FAILED'
  /** Redis at REDIS_URL cannot be reached or did not answer in time (event dedupe, readiness check). */
  | 'REDIS_UNAVAILABLE'
  /** The vector index (Qdrant at QDRANT_URL) cannot be reached, refused the key, or failed an operation. */
  | 'VECTORS_UNAVAILABLE'
  | 'TICKET_NOT_FOUND'
  /** The ticket's status does not allow the action (resolve a closed ticket, claim a resolved one). */
  | 'ILLEGAL_TRANSITION'
  /** Another engineer claimed the ticket first; `details.assigneeId` names them. */
  | 'ALREADY_CLAIMED'
  /** Someone else changed the record since it was read; read it again and retry. */
  | 'CONFLICT'
  /** A job was added or registered wrongly (unknown queue, bad attempts, duplicate handler). */
  | 'JOB_INVALID'
  /** The job runner is closing or closed and takes no more jobs. */
  | 'JOBS_CLOSED'
  /** The embedded runner cannot write its job journal under HELPLINE_DATA (disk full, permissions). */
  | 'JOBS_UNAVAILABLE'
  /** The service cannot take the request right now (a dependency is down); the caller should retry. */
  | 'UNAVAILABLE'
  /** The request's Host is not one this server answers to (DNS rebinding); see HELPLINE_PUBLIC_URL. */
  | 'HOST_NOT_ALLOWED'
  /** A JSON route was sent a body that is not declared as JSON (Content-Type). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** The request body is over the route's size limit (413). */
  | 'PAYLOAD_TOO_LARGE'
  /** No valid session or API token came with a request that needs one (sign in, or send a token). */
  | 'UNAUTHENTICATED'
  /** The caller is known but the policy does not let them do this (src/access/policy.ts). */
  | 'FORBIDDEN'
  /** Too many requests from this user or address; `details.retryAfterS` says when to try again. */
  | 'RATE_LIMITED'
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
