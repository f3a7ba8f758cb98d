// Freeze windows (DESIGN.md section 3b) through the real handler and worker: requests refused
// during a window read in its own time zone (across a UTC date boundary and both daylight saving
// changes), `--override` with its extra approval, and `status` showing freezes.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbLockStore } from '../../src/adapters/dynamodb-lock-store';
import { loadConfigFile } from '../../src/config';
import { guardsFor } from '../../src/use-cases/request-guards';
import { CHANNELS, type Harness, requestIdIn, startHarness, TABLE, textOf, USERS } from '../support/harness';

let h: Harness;

// Slack requests are signed with the test clock's time and Bolt refuses those more than 5 minutes
// in the past (by the real clock), so every instant here lies ahead: the next daylight saving
// changes and year end, computed from today.
const DAY = 24 * 60 * 60_000;
const TODAY = Date.now();

/** The last Sunday of `month` (0-based) in the first year where it is at least two days ahead. */
function nextLastSunday(month: number): Date {
  for (let year = new Date(TODAY).getUTCFullYear(); ; year++) {
    const last = new Date(Date.UTC(year, month + 1, 0));
    last.setUTCDate(last.getUTCDate() - last.getUTCDay());
    if (last.getTime() > TODAY + 2 * DAY) return last;
  }
}

/** An instant `hours:minutes` UTC on `day` plus `days`. */
const at = (day: Date, days: number, time: string) =>
  new Date(day.getTime() + days * DAY + Date.parse(`1970-01-01T${time}:00.000Z`)).toISOString();
const slackEpoch = (iso: string) => `<!date^${Date.parse(iso) / 1000}^`;

/** Berlin's clocks go back at 01:00 UTC on this Sunday, and forward at 01:00 UTC on the spring one. */
const AUTUMN = nextLastSunday(9);
const SPRING = nextLastSunday(2);
/** A Saturday night in the window, and a Saturday noon outside it. */
const SATURDAY_NIGHT = at(AUTUMN, -1, '21:00');
const SATURDAY_NOON = at(AUTUMN, -1, '12:00');
const YEAR_END = new Date(TODAY + 2 * DAY).getUTCFullYear() + (new Date(TODAY).getUTCMonth() === 11 ? 1 : 0);

afterEach(() => h.close());

const ORDERS = 'orders-service';

const CONFIG = (freezeOverride = `freezeOverride: { approvers: [${USERS.outsider}], required: 1 }`) => `
functions:
  orders:
    functionName: orders-service
    stages: [dev, test, prod]
approvals:
  default: { approvers: anyone, required: 1 }
  prod: { approvers: [${USERS.prod1}, ${USERS.prod2}, S0PLATFORM], required: 2 }
freezes:
  - name: saturday-night
    aliases: [prod]
    timezone: Europe/Berlin
    weekly: { from: 'sat 22:00', to: 'sun 02:30' }
  - name: year-end
    aliases: [test]
    timezone: America/New_York
    dates: { from: ${YEAR_END}-12-20, to: ${YEAR_END + 1}-01-04 }
${freezeOverride}
`;

async function startAt(iso: string, config = CONFIG()) {
  h = await startHarness({ config });
  setClock(iso);
}

function setClock(iso: string) {
  h.clock.advance(Date.parse(iso) - h.clock.now().getTime());
}

const postedCards = () => h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok);

/** Whether `promote orders <text>` is refused as frozen at the clock's time; a card posted is withdrawn. */
async function frozen(text: string): Promise<boolean> {
  const before = postedCards().length;
  const reply = await h.command(`promote orders ${text}`, { user: USERS.dev });
  const answer = textOf(reply.json?.blocks);
  if (postedCards().length > before) {
    const id = requestIdIn(postedCards().at(-1)?.body.blocks);
    await h.command(`cancel ${id}`, { user: USERS.dev });
    return false;
  }
  expect(answer).toContain('is frozen by');
  return true;
}

describe('a freeze window in its own time zone', () => {
  it('a dates window in New York starts at New York’s midnight, hours after UTC’s', async () => {
    await startAt(`${YEAR_END}-12-20T04:59:00.000Z`); // already Dec 20 in UTC, still Dec 19 in New York

    expect(await frozen('dev→test')).toBe(false);
    setClock(`${YEAR_END}-12-20T05:00:00.000Z`);
    expect(await frozen('dev→test')).toBe(true);
    expect(textOf((await h.command('status orders')).json?.blocks)).toContain(
      'test is frozen by year-end (America/New_York) until',
    );
    // Both days included: the last one ends at New York's midnight after it.
    setClock(`${YEAR_END + 1}-01-05T04:59:00.000Z`);
    expect(await frozen('dev→test')).toBe(true);
    setClock(`${YEAR_END + 1}-01-05T05:00:00.000Z`);
    expect(await frozen('dev→test')).toBe(false);
  });

  it('autumn: a window ending at 02:30 on the night Berlin’s clocks go back ends at the first 02:30, and stays ended', async () => {
    await startAt(at(AUTUMN, -1, '19:59')); // Saturday 21:59 CEST

    expect(await frozen('test→prod')).toBe(false);
    setClock(at(AUTUMN, -1, '20:00')); // 22:00 CEST
    expect(await frozen('test→prod')).toBe(true);
    setClock(at(AUTUMN, 0, '00:29')); // Sunday 02:29 CEST
    expect(await frozen('test→prod')).toBe(true);
    setClock(at(AUTUMN, 0, '00:30')); // 02:30 CEST, the first one
    expect(await frozen('test→prod')).toBe(false);
    setClock(at(AUTUMN, 0, '01:15')); // 02:15 CET: the clock reads inside the window again
    expect(await frozen('test→prod')).toBe(false);
  });

  it('spring: a window ending at 02:30, a time Berlin skips, ends when the clock jumps to 03:00', async () => {
    await startAt(at(SPRING, 0, '00:59')); // Sunday 01:59 CET

    expect(await frozen('test→prod')).toBe(true);
    setClock(at(SPRING, 0, '01:00')); // 03:00 CEST
    expect(await frozen('test→prod')).toBe(false);
  });

  it('the refusal says which freeze, in which zone, until when, and how to override', async () => {
    await startAt(SATURDAY_NIGHT);

    const reply = await h.command('promote orders test→prod', { user: USERS.dev });

    const text = textOf(reply.json?.blocks);
    expect(text).toContain(
      `prod is frozen by saturday-night (Europe/Berlin) until ${slackEpoch(at(AUTUMN, 0, '00:30'))}`,
    );
    expect(text).toContain('--override &lt;reason&gt;');
    expect(postedCards()).toHaveLength(0);
  });

  it('a rollback is refused by a freeze too, and accepts --override', async () => {
    await startAt(SATURDAY_NOON);
    await promoteAndApply('test→prod');
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('4');
    setClock(SATURDAY_NIGHT);

    const refused = await h.command('rollback orders prod', { user: USERS.dev });
    const overridden = await h.command('rollback orders prod --override 4 breaks checkout', {
      user: USERS.dev,
    });

    expect(textOf(refused.json?.blocks)).toContain('is frozen by saturday-night');
    expect(textOf(overridden.json?.blocks)).toBe('');
    expect(textOf(postedCards().at(-1)?.body.blocks)).toContain('Roll back orders: prod 4 → 3');
  });
});

async function promoteAndApply(text: string) {
  await h.command(`promote orders ${text}`, { user: USERS.dev });
  const card = postedCards().at(-1)?.body as { blocks: unknown[] };
  const id = requestIdIn(card.blocks);
  await h.click(id, 'approve', { user: USERS.prod1 });
  await h.click(id, 'approve', { user: USERS.prod2 });
  await h.settle();
  return card;
}

describe('--override', () => {
  it('needs one more approval, from the freezeOverride rule, and the card says so in bold', async () => {
    await startAt(SATURDAY_NIGHT);
    const reply = await h.command('promote orders test→prod --override hotfix for INC-42', {
      user: USERS.dev,
    });
    expect(textOf(reply.json?.blocks)).toBe('');
    const id = requestIdIn(postedCards().at(-1)?.body.blocks);
    const card = textOf(h.card(id)?.blocks);
    expect(card).toContain('*Made during the freeze saturday-night (Europe/Berlin');
    expect(card).toContain('it needs 1 more approval from the freeze override rule.*');
    expect(card).toContain('“hotfix for INC-42”');
    expect(card).toContain(`*+ freeze override:* 0 of 1\nfrom <@${USERS.outsider}>`);

    // The prod rule's two approvals are not enough.
    await h.click(id, 'approve', { user: USERS.prod1 });
    await h.click(id, 'approve', { user: USERS.prod2 });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
    expect(textOf(h.card(id)?.blocks)).toContain('1 approval to go');
    expect(textOf((await h.command('status orders')).json?.blocks)).toContain(
      '2 of 2 approvals + 0 of 1 freeze override',
    );

    // A third prod approver would count for nothing: refused and recorded.
    await h.click(id, 'approve', { user: USERS.platform });
    expect((await h.events(id)).at(-1)).toMatchObject({ action: 'DENIED', actor: USERS.platform });
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.platform).at(-1)?.text).toContain(
      'it still needs an approval from the freeze override rule',
    );

    await h.click(id, 'approve', { user: USERS.outsider });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('4');
    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual([
      'REQUESTED',
      'APPROVED',
      'APPROVED',
      'DENIED',
      'APPROVED',
      'APPLIED',
    ]);
    expect(events[1]?.approvedFor).toBe('approvals');
    expect(events[4]?.approvedFor).toBe('freezeOverride');
    expect(JSON.parse(events[0]?.details ?? '{}').guards.override).toMatchObject({
      reason: 'hotfix for INC-42',
      freeze: 'saturday-night',
    });
  });

  it('someone outside both rules is refused', async () => {
    await startAt(SATURDAY_NIGHT);
    await h.command('promote orders test→prod --override hotfix', { user: USERS.dev });
    const id = requestIdIn(postedCards().at(-1)?.body.blocks);

    await h.click(id, 'approve', { user: USERS.approver });

    expect((await h.events(id)).at(-1)).toMatchObject({
      action: 'DENIED',
      reason: 'not an approver for this alias nor for the freeze override',
    });
  });

  it('without a freezeOverride rule a freeze cannot be overridden', async () => {
    await startAt(SATURDAY_NIGHT, CONFIG(''));

    const reply = await h.command('promote orders test→prod --override hotfix', { user: USERS.dev });

    expect(textOf(reply.json?.blocks)).toContain('No `freezeOverride` rule is configured');
    expect(postedCards()).toHaveLength(0);
  });

  it('outside a freeze, --override asks for nothing more', async () => {
    await startAt(SATURDAY_NOON);
    await h.command('promote orders dev→test --override just in case', { user: USERS.dev });
    const id = requestIdIn(postedCards().at(-1)?.body.blocks);

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    expect(textOf(h.card(id)?.blocks)).not.toContain('freeze');
  });
});

describe('guardsFor, what a rollout step asks before it moves an alias', () => {
  it('names the freeze in force, except the one the request was made through with --override', async () => {
    await startAt(SATURDAY_NIGHT);
    const deps = {
      config: loadConfigFile(h.env.CHATOPS_CONFIG as string),
      locks: new DynamoDbLockStore(TABLE, new DynamoDBClient({})),
    };
    const override = {
      reason: 'hotfix',
      freeze: 'saturday-night',
      timezone: 'Europe/Berlin',
      until: at(AUTUMN, 0, '00:30'),
      rule: { approvers: [USERS.outsider], required: 1 },
    };
    const request = { function: 'orders', alias: 'prod', requester: USERS.dev };

    const plain = await guardsFor(deps, request, h.clock.now());
    const overridden = await guardsFor(deps, { ...request, guards: { override } }, h.clock.now());
    const noon = await guardsFor(deps, request, new Date(SATURDAY_NOON));

    expect(plain.freeze?.window.name).toBe('saturday-night');
    expect(plain.freeze?.end.toISOString()).toBe(at(AUTUMN, 0, '00:30'));
    expect(overridden).toEqual({});
    expect(noon).toEqual({});
  });
});

describe('status', () => {
  it('shows the freezes in force and the next one', async () => {
    await startAt(SATURDAY_NIGHT);

    const status = textOf((await h.command('status orders')).json?.blocks);

    expect(status).toContain('prod is frozen by saturday-night (Europe/Berlin) until');
    expect(status).not.toContain('year-end (America/New_York) until');
    // A week later, after the clocks went back: 22:00 CET is 21:00 UTC.
    expect(status).toContain(
      `Next freeze: saturday-night (Europe/Berlin) on prod, ${slackEpoch(at(AUTUMN, 6, '21:00'))}`,
    );
  });
});
