// Errors the product knows about. Each carries a `code` so the Slack layer turns codes into
// sentences in one place; adapters translate AWS's errors into these and rethrow what they don't
// know. Messages may be shown to users: they never carry secrets or stack traces.

export type ErrorCode =
  | 'UNKNOWN_FUNCTION'
  | 'FUNCTION_NOT_FOUND'
  | 'ALIAS_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'ALIAS_MOVED'
  | 'THROTTLED'
  | 'UPSTREAM_FAILURE'
  | 'INVALID_REQUEST'
  | 'NOT_ALLOWED'
  | 'REQUEST_NOT_FOUND'
  | 'CONFLICT';

export class ChatopsError extends Error {
  override name = 'ChatopsError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isChatopsError = (error: unknown, code?: ErrorCode): error is ChatopsError =>
  error instanceof ChatopsError && (code === undefined || error.code === code);
