// What reaches the handler before Bolt does. Function URL and API Gateway HTTP API events are
// normalised for AwsLambdaReceiver (it decodes base64 as ASCII and throws on a Content-Type with
// parameters), and requests stamped more than 5 minutes from now, in either direction, are
// refused: Bolt only checks the past, and a request signed for the future could be replayed.
//
// Bolt's receiver parses the body before it checks the signature, and throws on a body it cannot
// parse: anyone on the internet could turn that into an invocation error and fire the errors
// alarm. So every request is screened here first (method, path, timestamp, signature headers),
// its signature checked by the handler, and its body read the way Slack writes it; anything else
// is refused with a 4xx and a reason for the logs (DESIGN.md section 10).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** Where Slack sends the slash command and interactivity (manifest.yml, `npm run manifest`). */
export const SLACK_EVENTS_PATH = '/slack/events';
const FORM = 'application/x-www-form-urlencoded';

export type HttpEvent = APIGatewayProxyEventV2;
export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

export function isHttpEvent(event: unknown): event is HttpEvent {
  if (typeof event !== 'object' || event === null || !('headers' in event)) return false;
  const requestContext = (event as { requestContext?: unknown }).requestContext;
  return typeof requestContext === 'object' && requestContext !== null;
}

/** The event as AwsLambdaReceiver can read it: a UTF-8 body and a bare media type. */
export function normalizeHttpEvent(event: HttpEvent): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  const contentType = headers['content-type'];
  if (contentType) headers['content-type'] = contentType.split(';')[0]?.trim().toLowerCase() ?? contentType;
  const body =
    event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return { ...event, headers, ...(body === undefined ? {} : { body }), isBase64Encoded: false };
}

/** True when Slack's request timestamp is present and within 5 minutes of `now`. */
export function timestampIsFresh(event: HttpEvent, now: Date): boolean {
  const raw = event.headers?.['x-slack-request-timestamp'];
  if (!raw || !/^\d{1,12}$/.test(raw)) return false;
  return Math.abs(now.getTime() / 1000 - Number(raw)) <= MAX_CLOCK_SKEW_SECONDS;
}

/** Why a request is turned away: the status it gets, and a reason for the logs (never for the caller). */
export interface Refusal {
  status: number;
  reason: string;
}

export function isRefusal(value: object): value is Refusal {
  return 'status' in value && 'reason' in value;
}

/** The answer to a refused request: the status alone, with nothing that helps a prober. */
export function refusalResult(refusal: Refusal): HttpResult {
  return refusal.status === 405
    ? { statusCode: 405, headers: { allow: 'POST' }, body: '' }
    : { statusCode: refusal.status, body: '' };
}

export interface ScreenedRequest {
  /** Normalised for Bolt (see normalizeHttpEvent). */
  event: HttpEvent;
  /** The body's bytes as Slack signed them. */
  rawBody: Buffer;
  timestamp: string;
  signature: string;
}

/** The request line of an HTTP event, for the logs; empty strings for what it lacks. */
export function requestLine(event: unknown): { method: string; path: string; sourceIp: string } {
  const record = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const context = (record.requestContext ?? {}) as Record<string, unknown>;
  const http = (typeof context.http === 'object' && context.http !== null ? context.http : {}) as Record<
    string,
    unknown
  >;
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : '');
  return {
    // Payload format 2.0 (Function URL, HTTP API); 1.0 names them httpMethod and path.
    method: text(http.method ?? record.httpMethod),
    path: text(record.rawPath ?? record.path),
    sourceIp: text(http.sourceIp),
  };
}

/**
 * What can be checked without the signing secret: an HTTP POST to the Slack path, a text body,
 * a timestamp within 5 minutes of `now`, and a signature header.
 */
export function screenHttpEvent(event: unknown, now: Date): ScreenedRequest | Refusal {
  if (!isHttpEvent(event)) return { status: 400, reason: 'not an HTTP request event' };
  const { method, path } = requestLine(event);
  if (typeof event.headers !== 'object' || event.headers === null) {
    return { status: 400, reason: 'an HTTP event without headers' };
  }
  if (event.body !== undefined && event.body !== null && typeof event.body !== 'string') {
    return { status: 400, reason: 'an HTTP event whose body is not text' };
  }
  if (method.toUpperCase() !== 'POST') return { status: 405, reason: `method ${method || '(none)'}` };
  // API Gateway puts a named stage before the path: `/prod/slack/events`.
  if (path !== SLACK_EVENTS_PATH && !path.endsWith(SLACK_EVENTS_PATH)) {
    return { status: 404, reason: `path ${path || '(none)'}` };
  }
  const normalized = normalizeHttpEvent(event);
  if (!timestampIsFresh(normalized, now)) {
    return {
      status: 401,
      reason: 'X-Slack-Request-Timestamp missing, malformed or more than 5 minutes from now',
    };
  }
  const signature = normalized.headers['x-slack-signature'];
  if (!signature) return { status: 401, reason: 'no X-Slack-Signature header' };
  const body = event.body ?? '';
  return {
    event: normalized,
    rawBody: Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8'),
    timestamp: normalized.headers['x-slack-request-timestamp'] as string,
    signature,
  };
}

/** A signed body, read as Slack writes it: a slash command, an interaction, or ssl_check. */
export type SlackBody =
  | { kind: 'ssl_check' }
  | { kind: 'command'; form: URLSearchParams }
  | { kind: 'interaction'; payload: Record<string, unknown> };

/**
 * Reads a signed request's body the way Slack writes it to a slash command's and interactivity's
 * request URL: a form, with either the command's fields or a `payload` holding a JSON object.
 */
export function readSlackBody(event: HttpEvent): SlackBody | Refusal {
  const contentType = event.headers['content-type'];
  if (contentType !== FORM) {
    return { status: 415, reason: `content type ${contentType || '(none)'}: Slack sends forms here` };
  }
  const form = new URLSearchParams(event.body ?? '');
  if (form.get('ssl_check') === '1') return { kind: 'ssl_check' };
  const payload = form.get('payload');
  if (payload !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return { status: 400, reason: 'payload is not JSON' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { status: 400, reason: 'payload is not a JSON object' };
    }
    if (typeof (parsed as { type?: unknown }).type !== 'string') {
      return { status: 400, reason: 'payload has no type' };
    }
    return { kind: 'interaction', payload: parsed as Record<string, unknown> };
  }
  if (form.get('command')?.startsWith('/')) return { kind: 'command', form };
  return { status: 400, reason: 'neither a slash command nor an interaction' };
}
