/**
 * The one error type services throw. The HTTP error handler maps `code` to a status
 * once (src/http/errors.ts); the body is { error: { code, message, details } }.
 */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'link_expired'
  | 'unavailable'
  | 'database_unavailable'
  | 'storage_full'
  | 'storage_read_only'
  | 'internal'
  // accounts (issue 14)
  | 'current_password_incorrect'
  | 'token_expired'
  // raise a hand (issue 16): another supervisor claimed it first
  | 'hand_already_claimed'
  // merge (issue 15): the two tickets are of different customers; send confirmDifferentCustomer
  | 'different_customer';

export const statusOfCode: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  /** A requester's private link expired or was replaced (issue 14). */
  link_expired: 410,
  unavailable: 503,
  /** The database cannot be reached (outage, restart, failover): retry after Retry-After. */
  database_unavailable: 503,
  /** The disk under the database is full (SQLITE_FULL, PostgreSQL 53100, ENOSPC). */
  storage_full: 507,
  /** The database (or its file system) accepts no writes (SQLITE_READONLY*, PostgreSQL 25006, EROFS). */
  storage_read_only: 503,
  internal: 500,
  // accounts (issue 14): a wrong current password is not a lost session (400, not 401)
  current_password_incorrect: 400,
  token_expired: 401,
  hand_already_claimed: 409,
  different_customer: 409,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  get status(): number {
    return statusOfCode[this.code];
  }
}

export const notFound = (what: string, id?: string): AppError =>
  new AppError('not_found', id ? `${what} ${id} was not found.` : `${what} was not found.`);

export const forbidden = (message = 'Your role does not allow this action.'): AppError =>
  new AppError('forbidden', message);

export const conflict = (message: string, details?: unknown): AppError => new AppError('conflict', message, details);

/** One problem with one field; `validation_failed` details are a list of these. */
export interface FieldProblem {
  field: string;
  /** English, for API clients and logs. */
  message: string;
  /** What is wrong as a code (and its values), so a console can say it in the reader's language. */
  code?: string;
  params?: Record<string, string | number>;
}

export const invalid = (problems: FieldProblem[], message?: string): AppError =>
  new AppError(
    'validation_failed',
    message ?? problems.map((p) => `${p.field}: ${p.message}`).join('; '),
    { problems },
  );
