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
  | 'CONFLICT'
  /** The alias already has an open request (DESIGN.md section 3: one open request per alias). */
  | 'ALIAS_BUSY';

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

/** What a refusal for a busy alias names: the open request, who asked, where it stands. */
export interface OpenRequestInfo {
  requestId: string;
  function: string;
  alias: string;
  requester: string;
  /** `PENDING` (the requester may cancel it, approvers reject it) or an approved state. */
  status: string;
  toVersion?: string;
}

/** A new request refused because its alias already has an open one. */
export class AliasBusyError extends ChatopsError {
  constructor(readonly open: OpenRequestInfo) {
    super(
      'ALIAS_BUSY',
      `${open.alias} of ${open.function} already has an open request, ${open.requestId}: one request per alias at a time.`,
    );
  }
}
