// help, list, status, versions through the real handler, Bolt receiver and SDK clients.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, DEFAULT_FUNCTIONS, type Harness, startHarness, textOf, USERS } from '../support/harness';

const MANY_VERSIONS = 120;

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    functions: {
      ...DEFAULT_FUNCTIONS,
      'catalog-service': {
        versions: Array.from({ length: MANY_VERSIONS }, (_, i) => ({
          description: `catalog build ${i + 1}`,
        })),
        aliases: {
          dev: String(MANY_VERSIONS),
          test: '119',
          prod: { version: '100', weights: { '101': 0.25 } },
        },
      },
      'archive-service': {
        versions: Array.from({ length: MANY_VERSIONS }, (_, i) => ({
          description: `archive build ${i + 1}`,
        })),
        aliases: { dev: String(MANY_VERSIONS), test: '119' },
      },
    },
    config: `
functions:
  orders: { functionName: orders-service, stages: [dev, test, prod] }
  payments: { functionName: payments-service, stages: [dev, test, prod] }
  catalog: { functionName: catalog-service, stages: [dev, test, prod] }
  archive: { functionName: archive-service, stages: [dev, test] }
  ghost: { functionName: ghost-service }
`,
  });
});

afterAll(() => h.close());

beforeEach(() => {
  h.lambda.resetCalls();
  h.slack.resetCalls();
});

const replyText = (reply: { json: Record<string, unknown> | undefined }) => textOf(reply.json?.blocks);

describe('/lambda help', () => {
  it.each(['help', '', '  '])('answers %j with the usage and examples, only to the caller', async (text) => {
    const reply = await h.command(text);

    expect(reply.statusCode).toBe(200);
    expect(reply.json?.response_type).toBe('ephemeral');
    expect(replyText(reply)).toContain('/lambda promote orders test→prod');
    expect(replyText(reply)).toContain('/lambda versions <function> [--limit N]');
    expect(h.lambda.calls).toHaveLength(0);
  });
});

describe('/lambda list', () => {
  it('lists every managed function with its aliases in stage order, and says which cannot be read', async () => {
    const reply = await h.command('list');

    const text = replyText(reply);
    expect(text).toMatch(/\*orders\*[\s\S]*\*dev\* → 5 {3}\*test\* → 4 {3}\*prod\* → 3/);
    expect(text).toContain('*test* → 2 (90%) + 3 (10%)');
    expect(text).toContain('Lambda has no function ghost-service');
    expect(h.lambda.calls.filter((call) => call.operation === 'ListAliases')).toHaveLength(5);
  });
});

describe('/lambda status', () => {
  it('shows every alias with its version, description and code hash, and no change recorded yet', async () => {
    const reply = await h.command('status orders');

    expect(reply.json?.response_type).toBe('ephemeral');
    const text = replyText(reply);
    for (const [alias, version] of [
      ['dev', '5'],
      ['test', '4'],
      ['prod', '3'],
    ]) {
      expect(text).toContain(`*${alias}* → ${version}`);
      expect(text).toContain(`orders release ${version}`);
    }
    expect(text).toContain(Buffer.from('orders-code-3').toString('base64').slice(0, 8));
    expect(text).toContain('Last change: _none recorded by this bot_');
  });

  it('shows both versions and weights of a split alias', async () => {
    const text = replyText(await h.command('status payments'));

    expect(text).toContain('*test* → 2 (90%) + 3 (10%)');
  });

  it('without a function, shows every function and the failures inline', async () => {
    const text = replyText(await h.command('status'));

    expect(text).toContain('orders (orders-service)');
    expect(text).toContain('catalog (catalog-service)');
    expect(text).toContain('Lambda has no function ghost-service');
  });
});

describe('/lambda versions', () => {
  it('lists 120 versions newest first, with the aliases that point at each, paging through AWS 50 at a time', async () => {
    // Prepare: AWS slow enough that paging through 120 versions outlasts the command's deadline.
    const responseUrl = h.slack.responseUrl({ channel: CHANNELS.releases, user: USERS.dev });
    h.lambda.latencyMs = 500;

    // Act
    const first = await h.command('versions archive --limit 5', { responseUrl }).finally(() => {
      h.lambda.latencyMs = 0;
    });
    await h.settle();

    // Assess: an immediate acknowledgement, then the list through response_url, replacing it.
    expect(replyText(first)).toContain('Reading the versions of *archive*');
    const posted = h.slack.calls.filter((call) => call.method === 'response_url');
    expect(posted).toHaveLength(1);
    expect(posted[0]?.body.replace_original).toBe(true);
    const text = textOf(posted[0]?.body.blocks);
    const order = [...text.matchAll(/\*(\d+)\*/g)].map((match) => match[1]);
    expect(order).toEqual(['120', '119', '118', '117', '116']);
    expect(text).toContain('*120*  ←  *dev*');
    expect(text).toContain('*119*  ←  *test*');
    expect(text).toContain('archive build 118');
  });

  it('lists 120 versions newest first in one answer when AWS is quick, paging 50 at a time', async () => {
    const reply = await h.command('versions catalog --limit 3');

    const text = replyText(reply);
    expect([...text.matchAll(/\*(\d+)\*/g)].map((match) => match[1])).toEqual(['120', '119', '118']);
    const pages = h.lambda.calls.filter(
      (call) => call.operation === 'ListVersionsByFunction' && call.functionName === 'catalog-service',
    );
    expect(pages).toHaveLength(Math.ceil((MANY_VERSIONS + 1) / 50));
  });

  it('answers at once from a warm container, with one page read and the split weights shown', async () => {
    await h.command('versions catalog --limit 50');
    h.lambda.resetCalls();

    const reply = await h.command('versions catalog --limit 25');

    const text = replyText(reply);
    expect(text).toContain('*101*  ←  *prod* (25%)');
    expect(text).toContain('*100*  ←  *prod* (75%)');
    expect(text).toContain('newest 25 versions of 120');
    expect(
      h.lambda.calls.filter(
        (call) => call.operation === 'ListVersionsByFunction' && call.functionName === 'catalog-service',
      ),
    ).toHaveLength(1);
  });
});

describe('errors are ephemeral, say what was wrong and show the usage line', () => {
  it.each([
    ['frobnicate', 'Unknown command `frobnicate`', '/lambda help | list'],
    ['versions', 'Which function?', '/lambda versions <function> [--limit N]'],
    ['versions orders --limit 0', '`--limit` takes a number from 1 to 50', '/lambda versions'],
    ['status orders extra', 'Too many arguments', '/lambda status [function]'],
  ])('%j', async (text, problem, usage) => {
    const reply = await h.command(text);

    expect(reply.statusCode).toBe(200);
    expect(reply.json?.response_type).toBe('ephemeral');
    expect(replyText(reply)).toContain(problem);
    // Slack shows `&lt;` as `<`: the usage line is escaped like any other text.
    expect(replyText(reply)).toContain(usage.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(h.lambda.calls).toHaveLength(0);
  });

  it('an unmanaged function names the managed ones, without asking AWS', async () => {
    const text = replyText(await h.command('status billing'));

    expect(text).toContain('`billing` is not a function this bot manages');
    expect(text).toContain('`catalog`, `ghost`, `orders`, `payments`');
    expect(h.lambda.calls).toHaveLength(0);
  });

  it('a function missing in AWS', async () => {
    const text = replyText(await h.command('status ghost'));

    expect(text).toContain('Lambda has no function ghost-service in this account and region');
    expect(text).toContain('Usage: `/lambda status [function]`');
  });

  it('AWS throttling is a sentence, not a stack trace', async () => {
    h.lambda.failNext(
      'ListAliases',
      { status: 429, name: 'TooManyRequestsException', message: 'Rate exceeded' },
      5,
    );

    const text = replyText(await h.command('status orders'));

    expect(text).toContain(
      'AWS Lambda is throttling requests right now. Nothing was changed; try again in a minute.',
    );
    expect(text).not.toMatch(/at \w+ \(|Error:|stack/i);
  });

  it('an AWS failure is a sentence too', async () => {
    h.lambda.failNext('ListAliases', { status: 500, name: 'ServiceException', message: 'boom' }, 5);

    const text = replyText(await h.command('status payments'));

    expect(text).toContain('AWS Lambda failed (ServiceException)');
  });
});

describe('requests Slack did not sign, or signed too long ago or too far ahead, get 401 and touch nothing', () => {
  it.each([
    ['a forged signature', { secret: 'not-the-secret' }],
    ['a timestamp 6 minutes old', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ['a timestamp 6 minutes ahead', { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }],
  ])('%s', async (_name, request) => {
    const reply = await h.command('status orders', request);

    expect(reply.statusCode).toBe(401);
    expect(h.lambda.calls).toHaveLength(0);
    expect(h.slack.calls).toHaveLength(0);
  });
});

describe('what Lambda and API Gateway deliver', () => {
  it('reads a base64 body whose text is not ASCII', async () => {
    const reply = await h.command('promote orders dev→prod', { base64: true, channel: CHANNELS.releases });

    expect(reply.statusCode).toBe(200);
    expect(textOf(h.slack.calls.find((call) => call.method === 'chat.postMessage')?.body.blocks)).toContain(
      'prod 3 → 5',
    );
  });

  it('accepts a Content-Type with a charset', async () => {
    const reply = await h.command('help', {
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    });

    expect(reply.statusCode).toBe(200);
    expect(replyText(reply)).toContain('/lambda help');
  });

  it('never calls auth.test', async () => {
    const reply = await h.command('status orders');

    expect(reply.statusCode).toBe(200);
    expect(h.slack.calls.map((call) => call.method)).not.toContain('auth.test');
  });
});
