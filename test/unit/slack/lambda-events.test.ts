import { describe, expect, it } from 'vitest';
import {
  type HttpEvent,
  isHttpEvent,
  MAX_CLOCK_SKEW_SECONDS,
  normalizeHttpEvent,
  timestampIsFresh,
} from '../../../src/slack/lambda-events';

const BODY = 'command=%2Flambda&text=promote+orders+test→prod&user_id=U012AB3CD';

function httpEvent(overrides: Partial<HttpEvent> = {}): HttpEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {},
    requestContext: {
      accountId: '123456789012',
      apiId: 'url-id',
      domainName: 'url-id.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'url-id',
      http: {
        method: 'POST',
        path: '/',
        protocol: 'HTTP/1.1',
        sourceIp: '3.3.3.3',
        userAgent: 'Slackbot 1.0',
      },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '06/May/2030:10:00:00 +0000',
      timeEpoch: 1904292000000,
    },
    isBase64Encoded: false,
    ...overrides,
  };
}

describe('normalizeHttpEvent', () => {
  it('decodes a base64 body as UTF-8', () => {
    // Prepare
    const event = httpEvent({ body: Buffer.from(BODY, 'utf8').toString('base64'), isBase64Encoded: true });

    // Act
    const normalized = normalizeHttpEvent(event);

    // Assess
    expect(normalized.body).toBe(BODY);
    expect(normalized.body).toContain('test→prod');
    expect(normalized.isBase64Encoded).toBe(false);
  });

  it('leaves a plain body as it is', () => {
    // Act
    const normalized = normalizeHttpEvent(httpEvent({ body: BODY }));

    // Assess
    expect(normalized.body).toBe(BODY);
    expect(normalized.isBase64Encoded).toBe(false);
  });

  it('copes with no body', () => {
    // Act
    const normalized = normalizeHttpEvent(httpEvent({ isBase64Encoded: true }));

    // Assess
    expect(normalized.body).toBeUndefined();
    expect(normalized.isBase64Encoded).toBe(false);
  });

  it.each([
    ['application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded'],
    ['application/x-www-form-urlencoded;charset=UTF-8', 'application/x-www-form-urlencoded'],
    ['Application/JSON ; charset=utf-8', 'application/json'],
    ['application/json', 'application/json'],
  ])('reduces Content-Type %j to %j', (contentType, bare) => {
    // Act
    const normalized = normalizeHttpEvent(httpEvent({ headers: { 'Content-Type': contentType } }));

    // Assess
    expect(normalized.headers['content-type']).toBe(bare);
    expect(normalized.headers['Content-Type']).toBeUndefined();
  });

  it('lower-cases header names and keeps their values', () => {
    // Prepare
    const headers = {
      'X-Slack-Signature': 'v0=AbC123',
      'X-Slack-Request-Timestamp': '1904292000',
      'User-Agent': 'Slackbot 1.0',
      absent: undefined,
    };

    // Act
    const normalized = normalizeHttpEvent(httpEvent({ headers }));

    // Assess
    expect(normalized.headers).toEqual({
      'x-slack-signature': 'v0=AbC123',
      'x-slack-request-timestamp': '1904292000',
      'user-agent': 'Slackbot 1.0',
    });
  });

  it('keeps the rest of the event and leaves the original untouched', () => {
    // Prepare
    const event = httpEvent({
      headers: { 'Content-Type': 'text/plain; x=y' },
      body: 'aGk=',
      isBase64Encoded: true,
    });
    const copy = structuredClone(event);

    // Act
    const normalized = normalizeHttpEvent(event);

    // Assess
    expect(normalized.requestContext).toEqual(event.requestContext);
    expect(normalized.rawPath).toBe('/');
    expect(normalized.body).toBe('hi');
    expect(event).toEqual(copy);
  });
});

describe('timestampIsFresh', () => {
  const NOW_SECONDS = 1_904_292_000;
  const now = new Date(NOW_SECONDS * 1000);
  const stamped = (timestamp: string | undefined) =>
    httpEvent({ headers: timestamp === undefined ? {} : { 'x-slack-request-timestamp': timestamp } });

  it('allows five minutes either way', () => {
    expect(MAX_CLOCK_SKEW_SECONDS).toBe(300);
  });

  it.each<{ name: string; timestamp: string | undefined; fresh: boolean }>([
    { name: 'now', timestamp: `${NOW_SECONDS}`, fresh: true },
    { name: '299 s ago', timestamp: `${NOW_SECONDS - 299}`, fresh: true },
    { name: '299 s ahead', timestamp: `${NOW_SECONDS + 299}`, fresh: true },
    { name: 'exactly 300 s ago', timestamp: `${NOW_SECONDS - 300}`, fresh: true },
    { name: 'exactly 300 s ahead', timestamp: `${NOW_SECONDS + 300}`, fresh: true },
    { name: '301 s ago', timestamp: `${NOW_SECONDS - 301}`, fresh: false },
    { name: '301 s ahead', timestamp: `${NOW_SECONDS + 301}`, fresh: false },
    { name: 'a day ahead', timestamp: `${NOW_SECONDS + 86_400}`, fresh: false },
    { name: 'zero', timestamp: '0', fresh: false },
    { name: 'missing', timestamp: undefined, fresh: false },
    { name: 'empty', timestamp: '', fresh: false },
    { name: 'garbage', timestamp: 'yesterday', fresh: false },
    { name: 'negative', timestamp: `-${NOW_SECONDS}`, fresh: false },
    { name: 'fractional', timestamp: `${NOW_SECONDS}.5`, fresh: false },
    { name: 'hexadecimal', timestamp: '0x7180a1a0', fresh: false },
    { name: 'in milliseconds', timestamp: `${NOW_SECONDS * 1000}`, fresh: false },
    { name: 'padded with spaces', timestamp: ` ${NOW_SECONDS} `, fresh: false },
  ])('$name → $fresh', ({ timestamp, fresh }) => {
    expect(timestampIsFresh(stamped(timestamp), now)).toBe(fresh);
  });

  it('reads the timestamp of a normalised event whatever the case of its header', () => {
    // Prepare
    const event = normalizeHttpEvent(
      httpEvent({ headers: { 'X-Slack-Request-Timestamp': `${NOW_SECONDS - 10}` } }),
    );

    // Act / Assess
    expect(timestampIsFresh(event, now)).toBe(true);
  });
});

describe('isHttpEvent', () => {
  it.each<{ name: string; event: unknown; expected: boolean }>([
    { name: 'a Function URL event', event: httpEvent(), expected: true },
    { name: 'the bot’s own work event', event: { task: 'apply', requestId: 'R7K2M9QX4A' }, expected: false },
    { name: 'null', event: null, expected: false },
    { name: 'a string', event: 'requestContext headers', expected: false },
  ])('$name → $expected', ({ event, expected }) => {
    expect(isHttpEvent(event)).toBe(expected);
  });
});
