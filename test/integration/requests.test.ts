// Promotion, approval, rollback and the audit trail, through the real handler, Bolt receiver and
// SDK clients against the stand-ins (DESIGN.md sections 2 to 4).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/handler';
import { CHANNELS, type Harness, requestIdIn, startHarness, TEAM, textOf, USERS } from '../support/harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(() => h.close());

const ORDERS = 'orders-service';
const updateAliasCalls = () => h.lambda.calls.filter((call) => call.operation === 'UpdateAlias');
const actions = async (requestId: string) => (await h.events(requestId)).map((event) => event.action);

/** Asks for a change and returns the request id shown on the card. */
async function request(text: string, options: { user?: string; channel?: string } = {}): Promise<string> {
  const reply = await h.command(text, options);
  expect(reply.statusCode).toBe(200);
  const channel = options.channel ?? CHANNELS.releases;
  const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
  return requestIdIn(
    reply.json?.response_type === 'in_channel' ? reply.json.blocks : (posted?.body.blocks ?? channel),
  );
}

describe('promote, approve, apply', () => {
  it('moves the alias after one approval, replaces the card, records every step and shows it in history', async () => {
    // Prepare
    const id = await request('promote orders dev→test');
    const card = h.card(id);
    expect(textOf(card?.blocks)).toContain('Promote orders: test 4 → 5');
    expect(JSON.stringify(card?.blocks)).toContain('"action_id":"request.approve"');

    // Act
    const click = await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    // Assess
    expect(click.statusCode).toBe(200);
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    const replaced = h.card(id);
    expect(replaced?.ts).toBe(card?.ts);
    expect(textOf(replaced?.blocks)).toContain(`*Applied* by <@${USERS.approver}>`);
    expect(textOf(replaced?.blocks)).toContain('test now points at 5');
    expect(JSON.stringify(replaced?.blocks)).not.toContain('request.approve');
    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    expect(events[2]).toMatchObject({
      function: 'orders',
      functionName: ORDERS,
      alias: 'test',
      requestId: id,
      actor: USERS.approver,
      team: TEAM,
      channel: CHANNELS.releases,
      fromVersion: '4',
      toVersion: '5',
    });
    expect(events[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const history = textOf((await h.command('history orders test')).json?.blocks);
    expect(history.indexOf('*APPLIED*')).toBeLessThan(history.indexOf('*APPROVED*'));
    expect(history.indexOf('*APPROVED*')).toBeLessThan(history.indexOf('*REQUESTED*'));
    const status = textOf((await h.command('status orders')).json?.blocks);
    expect(status).toContain(`Last change: 4 → 5 by <@${USERS.approver}>`);
  });

  it('accepts every arrow form and the explicit version form', async () => {
    for (const text of [
      'promote orders dev->test',
      'promote orders dev => test',
      'promote orders dev to test',
      'promote orders dev test',
      'promote orders test 2',
    ]) {
      const reply = await h.command(text);
      expect(reply.statusCode).toBe(200);
      expect(reply.body).toBe('');
      // One open request per alias: withdraw it before asking again.
      const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
      await h.command(`cancel ${requestIdIn(posted?.body.blocks)}`);
    }
    const cards = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok);
    expect(cards).toHaveLength(5);
    expect(textOf(cards[4]?.body.blocks)).toContain('test 4 → 2');
  });

  it('shows what differs between the versions, environment keys but never values', async () => {
    const id = await request('promote orders test→prod');

    const text = textOf(h.card(id)?.blocks);
    expect(text).toContain('memory 256 MB → 512 MB');
    expect(text).toContain('environment added: `FEATURE_FLAG`');
    expect(text).not.toContain('on-4');
    expect(text).toContain('Approvals*\n0 of 2');
    expect(JSON.stringify(h.card(id)?.blocks)).toContain('"confirm"');
  });

  it('needs two approvals for prod: the first leaves it pending and says 1 of 2; a user group member counts', async () => {
    const id = await request('promote orders test→prod');

    await h.click(id, 'approve', { user: USERS.prod1 });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
    expect(textOf(h.card(id)?.blocks)).toContain(`1 of 2: <@${USERS.prod1}>`);
    expect(JSON.stringify(h.card(id)?.blocks)).toContain('request.approve');

    await h.click(id, 'approve', { user: USERS.platform });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('4');
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPROVED', 'APPLIED']);
  });
});

describe('who may approve', () => {
  it('refuses self-approval, says why privately and records DENIED', async () => {
    const id = await request('promote orders dev→test', { user: USERS.dev });

    await h.click(id, 'approve', { user: USERS.dev });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'test').version).toBe('4');
    expect(await actions(id)).toEqual(['REQUESTED', 'DENIED']);
    expect((await h.events(id))[1]?.reason).toContain('requesters may not approve their own requests');
    const note = h.slack.ephemerals(CHANNELS.releases, USERS.dev).at(-1);
    expect(note?.text).toContain("You can't act on");
  });

  it('refuses an approver outside the policy and records DENIED', async () => {
    const id = await request('promote orders test→prod');

    await h.click(id, 'approve', { user: USERS.outsider });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
    expect(await h.events(id)).toContainEqual(
      expect.objectContaining({ action: 'DENIED', actor: USERS.outsider }),
    );
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.outsider).at(-1)?.text).toContain(
      'not an approver for this alias',
    );
    expect(updateAliasCalls()).toHaveLength(0);
  });

  it('records a refused click replayed by Slack once, and says why each time', async () => {
    const id = await request('promote orders test→prod');
    const first = await h.click(id, 'approve', { user: USERS.outsider });

    await h.click(id, 'approve', { user: USERS.outsider, body: first.sent });

    expect((await actions(id)).filter((action) => action === 'DENIED')).toHaveLength(1);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.outsider)).toHaveLength(2);
  });
});

describe('ending a request without applying it', () => {
  it('reject by an approver ends it, and the card loses its buttons', async () => {
    const id = await request('promote orders test→prod');

    await h.click(id, 'reject', { user: USERS.prod2 });

    expect(await actions(id)).toEqual(['REQUESTED', 'REJECTED']);
    expect(textOf(h.card(id)?.blocks)).toContain(`*Rejected* by <@${USERS.prod2}>`);
    expect(JSON.stringify(h.card(id)?.blocks)).not.toContain('request.approve');
    await h.click(id, 'approve', { user: USERS.prod1 });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
    expect(await actions(id)).toEqual(['REQUESTED', 'REJECTED']);
  });

  it('cancel by the requester ends it; anyone else is refused', async () => {
    const id = await request('promote orders test→prod', { user: USERS.dev });

    const refused = await h.command(`cancel ${id}`, { user: USERS.prod1 });
    expect(textOf(refused.json?.blocks)).toContain(`Only the requester can cancel ${id}`);
    expect(await actions(id)).toEqual(['REQUESTED']);

    const done = await h.command(`cancel ${id.toLowerCase()}`, { user: USERS.dev });
    expect(textOf(done.json?.blocks)).toContain(`Request ${id} is cancelled`);
    expect(await actions(id)).toEqual(['REQUESTED', 'CANCELLED']);
    expect(textOf(h.card(id)?.blocks)).toContain('*Cancelled*');
  });

  it('an expired request cannot be approved: checked on the click, recorded EXPIRED', async () => {
    const id = await request('promote orders dev→test');
    h.clock.advance(61 * 60 * 1000);

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'test').version).toBe('4');
    expect(await h.events(id)).toContainEqual(
      expect.objectContaining({ action: 'EXPIRED', actor: 'system' }),
    );
    expect(textOf(h.card(id)?.blocks)).toContain('*Expired*');
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.approver).at(-1)?.text).toContain('has expired');
  });
});

describe('exactly once', () => {
  it('a target alias moved since the request ends STALE and is left as it is', async () => {
    const id = await request('promote orders dev→test');
    h.lambda.setAlias(ORDERS, 'test', '2');

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'test').version).toBe('2');
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'STALE']);
    expect(textOf(h.card(id)?.blocks)).toContain('*Not applied*');
    expect(textOf(h.card(id)?.blocks)).toContain('now at version 2');
    expect(updateAliasCalls()).toHaveLength(0);
  });

  it('20 concurrent Approve clicks: one UpdateAlias, one APPLIED', async () => {
    const id = await request('promote orders dev→test');
    const approvers = Array.from({ length: 20 }, (_, i) => `U0CONC${String(i).padStart(2, '0')}`);

    const replies = await Promise.all(approvers.map((user) => h.click(id, 'approve', { user })));
    await h.settle();

    expect(replies.every((reply) => reply.statusCode === 200)).toBe(true);
    expect(updateAliasCalls()).toHaveLength(1);
    const all = await actions(id);
    expect(all.filter((action) => action === 'APPLIED')).toHaveLength(1);
    expect(all.filter((action) => action === 'APPROVED')).toHaveLength(1);
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
  });

  it('the same click delivered twice has no second effect', async () => {
    const id = await request('promote orders test→prod');
    const first = await h.click(id, 'approve', { user: USERS.prod1 });

    await h.click(id, 'approve', { user: USERS.prod1, body: first.sent });
    await h.settle();

    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED']);
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.prod1).at(-1)?.text).toContain('already approved');
  });
});

describe('rollback', () => {
  it('restores the version the alias had before its last applied change', async () => {
    const promote = await request('promote orders test→prod');
    await h.click(promote, 'approve', { user: USERS.prod1 });
    await h.click(promote, 'approve', { user: USERS.prod2 });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('4');

    const rollback = await request('rollback orders prod');
    expect(textOf(h.card(rollback)?.blocks)).toContain('Roll back orders: prod 4 → 3');
    await h.click(rollback, 'approve', { user: USERS.prod1 });
    await h.click(rollback, 'approve', { user: USERS.prod2 });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
  });

  it('says so when there is nothing to roll back to', async () => {
    const reply = await h.command('rollback orders prod');

    expect(textOf(reply.json?.blocks)).toContain('No applied change of `prod` is recorded');
    expect(textOf(reply.json?.blocks)).toContain('/lambda rollback &lt;function&gt; &lt;alias&gt;');
  });
});

describe('requests refused with a clear message and no card', () => {
  it.each([
    ['promote orders prod 3', 'already points at version 3'],
    ['promote payments test→prod', '`test` splits its traffic (2 90%, 3 10%)'],
    ['promote orders dev→staging', 'Lambda has no alias `staging`'],
    ['promote orders prod 99', 'Lambda has no version 99 of orders-service'],
    ['promote billing dev→test', 'is not a function this bot manages'],
  ])('%j', async (text, message) => {
    const reply = await h.command(text);

    expect(reply.json?.response_type).toBe('ephemeral');
    expect(textOf(reply.json?.blocks)).toContain(message);
    expect(h.slack.calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('DynamoDB failing while requesting: a clear error, no card, nothing in Lambda changed', async () => {
    h.logs.clear();
    const broken = createHandler({ ...h.env, AUDIT_TABLE_NAME: 'no-such-table' }, { logger: h.logs.logger });
    const reply = (await broken(h.commandEvent('promote orders dev→test'), {})) as { body: string };

    expect(textOf(JSON.parse(reply.body).blocks)).toContain(
      'The audit table could not be reached (ResourceNotFoundException)',
    );
    expect(h.slack.calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(0);
    // The log says what AWS said, under the sentence for Slack.
    expect(h.logs.at('ERROR')).toEqual([
      expect.objectContaining({
        error: expect.objectContaining({
          cause: expect.objectContaining({ name: 'ResourceNotFoundException' }),
        }),
      }),
    ]);
  });
});

describe('what users and AWS control is escaped', () => {
  it('a description with <!channel> and a forged link is shown as text', async () => {
    h.lambda.publishVersion(ORDERS, {
      description: 'hotfix <!channel> see <https://evil.example|click here> & more',
    });

    const id = await request('promote orders prod 6');

    const text = textOf(h.card(id)?.blocks);
    expect(text).toContain('hotfix &lt;!channel&gt; see &lt;https://evil.example|click here&gt; &amp; more');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil');
  });
});

describe('UpdateAlias failing', () => {
  it.each([
    ['throttled', { status: 429, name: 'TooManyRequestsException', message: 'Rate exceeded' }, 'throttling'],
    [
      'a 500',
      { status: 500, name: 'ServiceException', message: 'internal' },
      'AWS Lambda failed (ServiceException)',
    ],
  ])(
    '%s: ends FAILED with the reason, the alias unchanged, the card says so',
    async (_name, error, reason) => {
      const id = await request('promote orders dev→test');
      h.lambda.failNext('UpdateAlias', error, 10);

      await h.click(id, 'approve', { user: USERS.approver });
      await h.settle();

      expect(h.lambda.alias(ORDERS, 'test').version).toBe('4');
      const events = await h.events(id);
      expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'FAILED']);
      expect(events[2]?.reason).toContain(reason);
      expect(textOf(h.card(id)?.blocks)).toContain('*Failed*');
      expect(textOf(h.card(id)?.blocks)).toContain('test was not changed');
    },
  );
});

describe('a channel the bot has not joined', () => {
  it('posts the card as the command answer for all to see, and replaces it through response_url', async () => {
    const reply = await h.command('promote orders dev→test', { channel: CHANNELS.private });
    expect(reply.json?.response_type).toBe('in_channel');
    const id = requestIdIn(reply.json?.blocks);
    // Slack posts the in_channel answer; the click then carries that message's response_url.
    const ts = h.slack.seedMessage(CHANNELS.private, {
      user: USERS.dev,
      text: 'card',
      blocks: reply.json?.blocks as unknown[],
    });

    await h.click(id, 'approve', { user: USERS.approver, channel: CHANNELS.private, messageTs: ts });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    const replaced = h.slack.messages(CHANNELS.private).find((message) => message.ts === ts);
    expect(textOf(replaced?.blocks)).toContain('*Applied*');
  });
});
