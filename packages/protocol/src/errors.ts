/**
 * The one error base class of pressgate. Every error a caller may branch on
 * carries a stable `code` of the form `ERR_<AREA>_<WHAT>`; callers branch on
 * `code`, never on message text. A wrapped error travels as `cause`.
 */
export class PressgateError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PressgateError';
    this.code = code;
  }
}

/** True when `error` is a PressgateError, optionally with the given code. */
export function isPressgateError(error: unknown, code?: string): error is PressgateError {
  return error instanceof PressgateError && (code === undefined || error.code === code);
}
