// Functions in other AWS accounts and regions (issue 11; DESIGN.md sections 5 and 6), through the
// real handler and worker: STS AssumeRole of the account's reader role (reads) and promoter role
// (UpdateAlias, the worker) with SourceIdentity = the person whose action it is, and a Lambda
// stand-in that checks every call against the signer's account and region.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BOT_PRINCIPAL,
  DEFAULT_FUNCTIONS,
  type Harness,
  requestIdIn,
  startHarness,
  textOf,
  USERS,
} from '../support/harness';

const TARGET = '222222222222';
const REGION = 'eu-west-1';
const READER = `arn:aws:iam::${TARGET}:role/lambda-chatops-reader`;
const PROMOTER = `arn:aws:iam::${TARGET}:role/lambda-chatops-promoter`;
const INVENTORY_ARN = `arn:aws:lambda:${REGION}:${TARGET}:function:inventory-service`;
const EXTERNAL_ID = 'acme-chatops-7f3k';

const config = (account: string) => `
functions:
  orders:
    functionName: orders-service
    stages: [dev, test, prod]
  inventory:
    functionName: ${INVENTORY_ARN}
    stages: [dev, prod]
approvals:
  default: { approvers: anyone, required: 1 }
accounts:
${account}
`;
const CONFIGURED = config(`  '${TARGET}': { externalId: ${EXTERNAL_ID} }`);

let h: Harness;

async function start(
  options: { config?: string; externalId?: string; setSourceIdentity?: boolean } = {},
): Promise<Harness> {
  const harness = await startHarness({
    accounts: true,
    config: options.config ?? CONFIGURED,
    functions: { 'orders-service': DEFAULT_FUNCTIONS['orders-service'] ?? {} },
  });
  const sts = harness.sts;
  if (!sts) throw new Error('no STS stand-in');
  for (const [arn, allowedActions] of [
    [READER, ['lambda:Get*', 'lambda:List*']],
    [PROMOTER, ['lambda:GetAlias', 'lambda:UpdateAlias']],
  ] as const) {
    sts.addRole({
      arn,
      trustedPrincipals: [BOT_PRINCIPAL.arn],
      externalId: options.externalId ?? EXTERNAL_ID,
      allowSetSourceIdentity: options.setSourceIdentity ?? true,
      allowedActions,
    });
  }
  harness.lambda.inAccount(TARGET, REGION).createFunction('inventory-service', {
    versions: [1, 2, 3].map((n) => ({ description: `inventory ${n}` })),
    aliases: { dev: '3', prod: '2' },
  });
  return harness;
}

afterEach(() => h?.close());

const assumed = () => h.sts?.assumeRoles ?? [];
const inventoryAlias = (alias: string) =>
  h.lambda.inAccount(TARGET, REGION).alias('inventory-service', alias);

describe('a function in another account and region', () => {
  beforeEach(async () => {
    h = await start();
  });

  it('status reads it through the reader role, naming the person in SourceIdentity', async () => {
    const reply = await h.command('status inventory', { user: USERS.dev });

    const text = textOf(reply.json?.blocks);
    expect(text).toContain('*dev* → 3');
    expect(text).toContain('*prod* → 2');
    expect(assumed()).toEqual([
      expect.objectContaining({
        roleArn: READER,
        sourceIdentity: USERS.dev,
        externalId: EXTERNAL_ID,
        outcome: 'granted',
        roleSessionName: 'lambda-chatops-status',
      }),
    ]);
    const reads = h.lambda.calls.filter((call) => call.account === TARGET);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((call) => call.region === REGION && call.sourceIdentity === USERS.dev)).toBe(true);
  });

  it('a function in the bot’s own account uses no STS', async () => {
    const reply = await h.command('status orders');

    expect(textOf(reply.json?.blocks)).toContain('*prod* → 3');
    expect(assumed()).toEqual([]);
  });

  it('promotes and rolls back end to end: UpdateAlias through the promoter role as the approver', async () => {
    await h.command('promote inventory dev→prod', { user: USERS.dev });
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const id = requestIdIn(posted?.body.blocks);

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect(inventoryAlias('prod').version).toBe('3');
    const update = h.lambda.calls.find((call) => call.operation === 'UpdateAlias');
    expect(update).toMatchObject({
      account: TARGET,
      region: REGION,
      sourceIdentity: USERS.approver,
      status: 200,
    });
    expect(assumed()).toContainEqual(
      expect.objectContaining({
        roleArn: PROMOTER,
        sourceIdentity: USERS.approver,
        roleSessionName: `lambda-chatops-${id}`,
      }),
    );
    expect((await h.events(id)).map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);

    await h.command('rollback inventory prod', { user: USERS.dev });
    const rollbackCard = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const rollback = requestIdIn(rollbackCard?.body.blocks);
    await h.click(rollback, 'approve', { user: USERS.prod1 });
    await h.settle();

    expect(inventoryAlias('prod').version).toBe('2');
    expect(h.lambda.calls.filter((call) => call.operation === 'UpdateAlias').at(-1)).toMatchObject({
      account: TARGET,
      sourceIdentity: USERS.prod1,
    });
  });

  it('reuses credentials until five minutes before they expire, then renews them', async () => {
    await h.command('status inventory', { user: USERS.dev });
    await h.command('status inventory', { user: USERS.dev });
    expect(assumed()).toHaveLength(1);

    h.clock.advance(54 * 60_000); // issued for an hour: 6 minutes left
    await h.command('status inventory', { user: USERS.dev });
    expect(assumed()).toHaveLength(1);

    h.clock.advance(2 * 60_000); // 4 minutes left: renewed
    await h.command('status inventory', { user: USERS.dev });
    expect(assumed()).toHaveLength(2);
    expect(textOf((await h.command('status inventory', { user: USERS.dev })).json?.blocks)).toContain(
      '*dev* → 3',
    );
  });

  it('another person gets credentials of their own (CloudTrail names whoever acts)', async () => {
    await h.command('status inventory', { user: USERS.dev });
    await h.command('status inventory', { user: USERS.approver });

    expect(assumed().map((call) => call.sourceIdentity)).toEqual([USERS.dev, USERS.approver]);
  });
});

describe('misconfigurations are answered clearly, and nothing is requested', () => {
  const cardsPosted = () => h.slack.calls.filter((call) => call.method === 'chat.postMessage').length;

  it('a wrong external id names the role and the configuration path', async () => {
    h = await start({ externalId: 'something-else' });

    const reply = await h.command('promote inventory dev→prod');

    const text = textOf(reply.json?.blocks);
    expect(text).toContain(`The bot cannot assume ${READER} (accounts.'${TARGET}'.readerRoleArn)`);
    expect(text).toContain('externalId');
    expect(cardsPosted()).toBe(0);
  });

  it('STS throttling past the SDK’s retries: a clear answer, nothing requested, and the next try works', async () => {
    h = await start();
    h.sts?.failNext('AssumeRole', { status: 400, code: 'Throttling', message: 'Rate exceeded' }, 3);

    const reply = await h.command('promote inventory dev→prod');

    expect(textOf(reply.json?.blocks)).toContain('AWS STS is throttling requests right now');
    expect(cardsPosted()).toBe(0);
    expect(h.lambda.calls.filter((call) => call.operation === 'UpdateAlias')).toEqual([]);
    await h.command('promote inventory dev→prod');
    expect(cardsPosted()).toBe(1);
  });

  it('an AssumeRole whose answer was lost is simply asked again: credentials are issued, the read goes on', async () => {
    h = await start();
    h.sts?.loseNextAnswer('AssumeRole');

    const reply = await h.command('status inventory');

    expect(textOf(reply.json?.blocks)).toContain('*dev* → 3');
  });

  it('a trust policy without sts:SetSourceIdentity says so', async () => {
    h = await start({ setSourceIdentity: false });

    const reply = await h.command('status inventory');

    expect(textOf(reply.json?.blocks)).toContain('sts:SetSourceIdentity');
  });

  it('a role that does not trust the bot (no external id configured) says what to check', async () => {
    h = await start({ config: config(`  '${TARGET}': {}`) });

    const reply = await h.command('promote inventory dev→prod');

    expect(textOf(reply.json?.blocks)).toContain(`(accounts.'${TARGET}'.readerRoleArn)`);
    expect(cardsPosted()).toBe(0);
  });

  it('a region where the function does not exist names the function, the account and the region', async () => {
    const elsewhere = INVENTORY_ARN.replace(REGION, 'us-west-2');
    h = await start({ config: CONFIGURED.replace(INVENTORY_ARN, elsewhere) });
    // The stand-in serves the regions where functions exist.
    h.lambda.inAccount(TARGET, 'us-west-2').createFunction('unrelated');

    const reply = await h.command('promote inventory dev→prod');

    const text = textOf(reply.json?.blocks);
    expect(text).toContain(
      'where the configuration points (`functions.inventory` says account 222222222222, region us-west-2)',
    );
    expect(cardsPosted()).toBe(0);
  });
});

describe('list and status across accounts and regions', () => {
  beforeEach(async () => {
    h = await start();
  });

  it('group functions by account and region', async () => {
    for (const command of ['list', 'status']) {
      const text = textOf((await h.command(command)).json?.blocks);

      const own = text.indexOf('this account · this region');
      const other = text.indexOf(`account ${TARGET} · ${REGION}`);
      expect(own, command).toBeGreaterThanOrEqual(0);
      expect(other, command).toBeGreaterThan(own);
      expect(text.indexOf('orders'), command).toBeLessThan(other);
      expect(text.indexOf('inventory', other), command).toBeGreaterThan(other);
    }
  });
});

describe('a canary of a function in another account', () => {
  const ROLLOUT_CONFIG = `${CONFIGURED}rollouts:
  prod: { strategy: canary, steps: [10], bake: 10m, guard: { maxErrorRate: 1%, minInvocations: 20 } }
`;
  /** What Lambda would publish about the new version through prod: in `place`'s CloudWatch. */
  const metricsOf = (
    place: { putDatum(datum: Parameters<Harness['cloudwatch']['putDatum']>[0]): void },
    errors: number,
  ) => {
    const at = h.clock.now().getTime() + 2 * 60_000;
    const dimensions = {
      FunctionName: 'inventory-service',
      Resource: 'inventory-service:prod',
      ExecutedVersion: '3',
    };
    place.putDatum({ namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions, value: 100, at });
    if (errors > 0)
      place.putDatum({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensions, value: errors, at });
  };

  beforeEach(async () => {
    h = await start({ config: ROLLOUT_CONFIG });
  });

  /** prod 2 → 3 approved, its first share shifted; then its step judged on these errors. */
  async function judgedCanary(errors: { there: number; atHome: number }): Promise<string> {
    await h.command('promote inventory dev→prod', { user: USERS.dev });
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const id = requestIdIn(posted?.body.blocks);
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    expect(inventoryAlias('prod')).toMatchObject({ version: '2', weights: { '3': 0.1 } });
    metricsOf(h.cloudwatch.inAccount(TARGET, REGION), errors.there);
    metricsOf(h.cloudwatch, errors.atHome);
    await h.advance(11 * 60_000);
    await h.settle();
    return id;
  }

  it('is judged on that account’s metrics, read through its reader role, and completes', async () => {
    // Healthy where the function runs; a failing namesake in the bot's own account must not count.
    const id = await judgedCanary({ there: 0, atHome: 100 });

    expect((await h.events(id)).map((event) => event.action)).toEqual([
      'REQUESTED',
      'APPROVED',
      'SHIFTED',
      'APPLIED',
    ]);
    expect(inventoryAlias('prod')).toMatchObject({ version: '3', weights: {} });
    const metricReads = h.cloudwatch.calls.filter((call) => call.operation === 'GetMetricData');
    expect(metricReads.length).toBeGreaterThan(0);
    expect(assumed()).toContainEqual(expect.objectContaining({ roleArn: READER, outcome: 'granted' }));
  });

  it('rolls back on that account’s errors', async () => {
    const id = await judgedCanary({ there: 30, atHome: 0 });

    expect((await h.events(id)).map((event) => event.action)).toEqual([
      'REQUESTED',
      'APPROVED',
      'SHIFTED',
      'ROLLED_BACK',
    ]);
    expect(inventoryAlias('prod')).toMatchObject({ version: '2', weights: {} });
  });
});
