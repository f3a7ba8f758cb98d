import { LogLevel } from '@slack/logger';
import { describe, expect, it } from 'vitest';
import {
  addLogFields,
  describeError,
  JsonLogger,
  logLevelFrom,
  REDACTED,
  withLogFields,
} from '../../src/logger';

const AT = new Date('2030-05-06T10:00:00.123Z');

function capture(level: LogLevel = LogLevel.DEBUG) {
  const lines: string[] = [];
  const logger = new JsonLogger({ level, write: (line) => lines.push(line), now: () => AT });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe('JsonLogger', () => {
  it('writes one JSON object per call, with level, RFC 3339 timestamp and message', () => {
    // Prepare
    const { logger, lines, parsed } = capture();

    // Act
    logger.info('request', 'R7K2M9QX4A:', 'APPLIED');
    logger.warn('a\nmultiline\nmessage');

    // Assess
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('\n');
    expect(parsed()).toEqual([
      { level: 'INFO', timestamp: '2030-05-06T10:00:00.123Z', message: 'request R7K2M9QX4A: APPLIED' },
      { level: 'WARN', timestamp: '2030-05-06T10:00:00.123Z', message: 'a\nmultiline\nmessage' },
    ]);
  });

  it.each([
    [LogLevel.DEBUG, ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    [LogLevel.INFO, ['INFO', 'WARN', 'ERROR']],
    [LogLevel.WARN, ['WARN', 'ERROR']],
    [LogLevel.ERROR, ['ERROR']],
  ])('at level %s writes %j', (level, written) => {
    const { logger, parsed } = capture(level);

    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');

    expect(parsed().map((line) => line.level)).toEqual(written);
    expect(logger.getLevel()).toBe(level);
  });

  it('merges plain objects into the line as fields, and names the logger Bolt or the Web API client set', () => {
    const { logger, parsed } = capture();
    logger.setName('web-api:WebClient:0');

    logger.info('card posted', { channel: 'C0RELEASES', ts: '1.2', skipped: undefined });

    expect(parsed()[0]).toEqual({
      level: 'INFO',
      timestamp: AT.toISOString(),
      message: 'card posted',
      logger: 'web-api:WebClient:0',
      channel: 'C0RELEASES',
      ts: '1.2',
    });
  });

  it('writes an error with its name, message, AWS status and cause chain', () => {
    const { logger, parsed } = capture();
    const aws = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
      $fault: 'client',
    });
    const error = new Error('The audit table could not be reached (ResourceNotFoundException).', {
      cause: aws,
    });

    logger.error('infrastructure error', error);

    expect(parsed()[0]).toMatchObject({
      level: 'ERROR',
      message: 'infrastructure error',
      error: {
        name: 'Error',
        message: 'The audit table could not be reached (ResourceNotFoundException).',
        cause: {
          name: 'ResourceNotFoundException',
          message: 'Requested resource not found',
          httpStatusCode: 400,
          fault: 'client',
        },
      },
    });
  });

  it('stops following a cause chain that never ends', () => {
    const looped = new Error('loop');
    (looped as { cause?: unknown }).cause = looped;

    const described = JSON.stringify(describeError(looped));

    expect(described).toContain('further causes left out');
  });

  it('still writes a JSON line when a field cannot be serialised', () => {
    const { logger, parsed } = capture();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    logger.warn('odd', { cyclic }, 10n);

    expect(parsed()[0]).toMatchObject({
      level: 'WARN',
      message: 'odd "10"',
      fieldsLeftOut: 'not serialisable',
    });
  });

  it('replaces the secrets it was told about, wherever they appear, JSON escapes included', () => {
    const { logger, lines } = capture();
    const secret = 'sign"ing\\secret-0123456789';
    logger.redact(secret, 'short');

    logger.error(`failed with ${secret}`, { header: `v0=${secret}` }, new Error(`boom ${secret}`));
    logger.info('a short word stays');

    expect(lines.join('\n')).not.toContain('ing\\\\secret');
    expect(lines[0]?.split(REDACTED).length).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(lines[1] as string).message).toBe('a short word stays');
  });

  it('replaces anything shaped like a Slack token, known or not', () => {
    const { logger, lines } = capture();

    logger.warn('token xoxb-1234567890-abcdefABCDEF and xapp-1-A0-123456 and xoxp-9-8-7-6');

    expect(JSON.parse(lines[0] as string).message).toBe(`token ${REDACTED} and ${REDACTED} and ${REDACTED}`);
  });
});

describe('invocation fields', () => {
  it('adds the fields of the enclosing invocation to every line, and nothing outside it', async () => {
    const { logger, parsed } = capture();

    await withLogFields({ awsRequestId: 'aws-1' }, async () => {
      logger.info('first');
      addLogFields({ command: 'promote', user: 'U0DEV', alias: undefined });
      await Promise.resolve();
      logger.info('second');
    });
    logger.info('outside');
    addLogFields({ ignored: true });
    logger.info('still outside');

    expect(parsed().map(({ timestamp: _t, level: _l, ...rest }) => rest)).toEqual([
      { message: 'first', awsRequestId: 'aws-1' },
      { message: 'second', awsRequestId: 'aws-1', command: 'promote', user: 'U0DEV' },
      { message: 'outside' },
      { message: 'still outside' },
    ]);
  });

  it('keeps concurrent invocations apart', async () => {
    const { logger, parsed } = capture();
    const invocation = (id: string, wait: number) =>
      withLogFields({ awsRequestId: id }, async () => {
        addLogFields({ user: `U-${id}` });
        await new Promise((resolve) => setTimeout(resolve, wait));
        logger.info(id);
      });

    await Promise.all([invocation('a', 20), invocation('b', 1)]);

    expect(parsed().map((line) => [line.message, line.awsRequestId, line.user])).toEqual([
      ['b', 'b', 'U-b'],
      ['a', 'a', 'U-a'],
    ]);
  });
});

describe('logLevelFrom (AWS_LAMBDA_LOG_LEVEL, set from the function’s applicationLogLevel)', () => {
  it.each([
    [undefined, LogLevel.INFO],
    ['', LogLevel.INFO],
    ['TRACE', LogLevel.DEBUG],
    ['DEBUG', LogLevel.DEBUG],
    ['INFO', LogLevel.INFO],
    ['warn', LogLevel.WARN],
    ['ERROR', LogLevel.ERROR],
    ['FATAL', LogLevel.ERROR],
    ['LOUD', LogLevel.INFO],
  ])('%j → %s', (value, level) => {
    expect(logLevelFrom(value)).toBe(level);
  });
});
