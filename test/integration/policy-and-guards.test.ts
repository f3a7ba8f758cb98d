// Configuration rules that guard requests: allowed channels, the workspace, unknown requests,
// and pending requests shown by status.
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHANNELS,
  DEFAULT_CONFIG,
  type Harness,
  requestIdIn,
  startHarness,
  textOf,
  USERS,
} from '../support/harness';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('channels', () => {
  it('when the configuration lists channels, changes are requested only there; reads work anywhere', async () => {
    h = await startHarness({
      config: DEFAULT_CONFIG.replace('channels: []', `channels: [${CHANNELS.releases}]`),
    });

    const refused = await h.command('promote orders dev→test', { channel: CHANNELS.notJoined });
    const read = await h.command('status orders', { channel: CHANNELS.notJoined });

    expect(textOf(refused.json?.blocks)).toContain(
      `Changes can be requested only in <#${CHANNELS.releases}>`,
    );
    expect(h.slack.calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(0);
    expect(textOf(read.json?.blocks)).toContain('*prod* → 3');
  });
});

describe('workspace', () => {
  it('refuses requests from another workspace when the configuration names one', async () => {
    h = await startHarness({ config: `${DEFAULT_CONFIG}team: T0TEAM\n` });

    const foreign = await h.command('promote orders dev→test', { team: 'T0OTHER' });
    const home = await h.command('status orders');

    expect(foreign.json?.text).toBe('This bot serves another Slack workspace.');
    expect(
      h.lambda.calls.filter(
        (call) => call.operation !== 'ListAliases' && call.operation !== 'GetFunctionConfiguration',
      ),
    ).toHaveLength(0);
    expect(textOf(home.json?.blocks)).toContain('*prod* → 3');
  });
});

describe('requests that do not exist', () => {
  it('cancel of an unknown request says so', async () => {
    h = await startHarness();

    const reply = await h.command('cancel R000000000');

    expect(textOf(reply.json?.blocks)).toContain('There is no request R000000000.');
    expect(textOf(reply.json?.blocks)).toContain('/lambda cancel &lt;request-id&gt;');
  });

  it('a click on a button whose request does not exist tells the clicker and changes nothing', async () => {
    h = await startHarness();

    await h.click('R000000000', 'approve', { user: USERS.approver });

    expect(h.slack.ephemerals(CHANNELS.releases, USERS.approver).at(-1)?.text).toContain(
      'There is no request R000000000.',
    );
    expect(h.lambda.calls.filter((call) => call.operation === 'UpdateAlias')).toHaveLength(0);
  });

  it('a forged click gets 401 and changes nothing', async () => {
    h = await startHarness();
    await h.command('promote orders dev→test');
    const id = requestIdIn(h.slack.calls.find((call) => call.method === 'chat.postMessage')?.body.blocks);

    const reply = await h.click(id, 'approve', { user: USERS.approver, secret: 'guessed' });
    await h.settle();

    expect(reply.statusCode).toBe(401);
    expect((await h.events(id)).map((event) => event.action)).toEqual(['REQUESTED']);
  });
});

describe('status shows pending requests', () => {
  it('lists open requests under their alias with approvals so far, and forgets ended ones', async () => {
    h = await startHarness();
    await h.command('promote orders test→prod');
    const id = requestIdIn(h.slack.calls.find((call) => call.method === 'chat.postMessage')?.body.blocks);
    await h.click(id, 'approve', { user: USERS.prod1 });

    const pending = textOf((await h.command('status orders')).json?.blocks);
    await h.click(id, 'reject', { user: USERS.prod2 });
    const after = textOf((await h.command('status orders')).json?.blocks);

    expect(pending).toContain(`\`${id}\` → 4, asked by <@${USERS.dev}>, 1 of 2 approvals`);
    expect(after).not.toContain(id);
  });
});
