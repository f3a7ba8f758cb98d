// The bot's logs through the real handler and worker (issue 9, "Operations"): JSON lines carrying
// the invocation's fields, infrastructure errors logged with their real cause, and never a secret.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, requestIdIn, SIGNING_SECRET, startHarness, USERS } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ logLevel: 'debug' });
});
afterAll(() => h.close());
beforeEach(() => {
  h.logs.clear();
  h.dynamoFaults.clearFaults();
});

/** Asks for a change and returns the request id on the card the bot posted. */
async function request(text: string): Promise<string> {
  await h.command(text);
  const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
  return requestIdIn(posted?.body.blocks);
}

describe('every line', () => {
  it('is one JSON object with level, timestamp, message and the Lambda request id', async () => {
    await h.command('status orders');

    expect(h.logs.raw.length).toBeGreaterThan(0);
    for (const line of h.logs.lines) {
      expect(line).toMatchObject({
        level: expect.stringMatching(/^(DEBUG|INFO|WARN|ERROR)$/),
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        message: expect.any(String),
      });
    }
  });

  it("of a command carries the command, the user, the function and the alias; the worker's carry the request", async () => {
    const requestId = await request('promote orders test→prod');
    const commandLines = [...h.logs.lines];
    h.logs.clear();
    await h.click(requestId, 'approve', { user: USERS.prod1 });
    await h.click(requestId, 'approve', { user: USERS.prod2 });
    await h.settle();

    expect(commandLines.at(-1)).toMatchObject({
      command: 'promote',
      user: USERS.dev,
      function: 'orders',
      alias: 'prod',
    });
    expect(h.logs.lines.find((line) => line.action === 'request.approve')).toMatchObject({
      user: USERS.prod1,
      requestId,
      interaction: 'block_actions',
    });
    expect(h.logs.lines.find((line) => line.task === 'apply')).toMatchObject({
      requestId,
      awsRequestId: expect.any(String),
    });
  });
});

describe('an infrastructure error is logged with its real cause', () => {
  it('the audit table missing: an error line, with AWS’s error name and status under the bot’s error', async () => {
    h.dynamoFaults.failNext('Query', {
      status: 400,
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found',
    });

    const reply = await h.command('history orders', {});

    expect(reply.statusCode).toBe(200);
    expect(h.logs.at('ERROR')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('The audit table could not be reached'),
        command: 'history',
        function: 'orders',
        user: USERS.dev,
        error: expect.objectContaining({
          name: 'ChatopsError',
          code: 'UPSTREAM_FAILURE',
          cause: expect.objectContaining({
            name: 'ResourceNotFoundException',
            message: 'Requested resource not found',
            httpStatusCode: 400,
          }),
        }),
      }),
    ]);
  });

  it('AWS throttling: a warning, with the throttling error as the cause', async () => {
    h.lambda.failNext(
      'ListAliases',
      { status: 429, name: 'TooManyRequestsException', message: 'Rate exceeded' },
      5,
    );

    await h.command('status payments');

    expect(h.logs.at('WARN')).toContainEqual(
      expect.objectContaining({
        command: 'status',
        error: expect.objectContaining({
          code: 'THROTTLED',
          cause: expect.objectContaining({ name: 'TooManyRequestsException', httpStatusCode: 429 }),
        }),
      }),
    );
  });

  it('access denied by IAM: an error line naming AccessDeniedException', async () => {
    h.lambda.failNext(
      'ListAliases',
      { status: 403, name: 'AccessDeniedException', message: 'not authorized' },
      5,
    );

    await h.command('status payments');

    expect(h.logs.at('ERROR')).toContainEqual(
      expect.objectContaining({
        error: expect.objectContaining({
          cause: expect.objectContaining({ name: 'AccessDeniedException', httpStatusCode: 403 }),
        }),
      }),
    );
  });
});

describe('secrets', () => {
  it('neither the signing secret nor the bot token reaches a log line, even at debug level', async () => {
    await h.click(await request('promote orders dev→test'), 'approve');
    await h.settle();
    await h.command('status orders', { secret: 'a-guess' });
    h.lambda.failNext('ListAliases', { status: 500, name: 'ServiceException', message: 'boom' }, 5);
    await h.command('status orders');

    // Bolt and the Web API client logged at debug level: the test could have caught a leak.
    expect(h.logs.lines.filter((line) => line.level === 'DEBUG').length).toBeGreaterThan(10);
    const everything = h.logs.raw.join('\n');
    expect(everything).not.toContain(SIGNING_SECRET);
    expect(everything).not.toContain(h.slack.botToken);
  });
});
