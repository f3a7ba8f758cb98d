// What reaches the handler before Bolt does. Function URL and API Gateway HTTP API events are
// normalised for AwsLambdaReceiver (it decodes base64 as ASCII and throws on a Content-Type with
// parameters), and requests stamped more than 5 minutes from now, in either direction, are
// refused: Bolt only checks the past, and a request signed for the future could be replayed.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export type HttpEvent = APIGatewayProxyEventV2;
export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

export function isHttpEvent(event: unknown): event is HttpEvent {
  return typeof event === 'object' && event !== null && 'requestContext' in event && 'headers' in event;
}

/** The event as AwsLambdaReceiver can read it: a UTF-8 body and a bare media type. */
export function normalizeHttpEvent(event: HttpEvent): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
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

export const UNAUTHORIZED: HttpResult = { statusCode: 401, body: '' };
