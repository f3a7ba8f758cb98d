// The keys of DESIGN.md section 5 beyond functions and approvals: rollouts, freezes,
// freezeOverride, stageOrder, minSoak, drift, links, autoPromote, accounts, and a function's
// region, account and links.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, validateConfig } from '../../src/config';
import { ALL_AT_ONCE, DEFAULT_BAKE_MS, DEFAULT_ROLLOUT_GUARD } from '../../src/domain/config-model';

const FILE = 'chatops.config.yml';
const EXAMPLE = fileURLToPath(new URL('../../chatops.config.yml', import.meta.url));
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const minimal = (extra: Record<string, unknown> = {}) => ({ functions: { orders: {} }, ...extra });

/** DESIGN.md section 5's example, as written there. */
const DESIGN_EXAMPLE = `
functions:
  orders:                          # the name people type in Slack
    functionName: orders-service   # Lambda function name or ARN; defaults to the key
    stages: [dev, test, prod]      # promotion order, also the display order
approvals:                         # by target alias; \`default\` covers aliases not listed
  default: { approvers: anyone, required: 1 }
  prod:    { approvers: [U012AB3CD, S0PLATFORM], required: 2 }   # U… users, S… user groups
selfApproval: false
requestTtlMinutes: 60
channels: []                       # when non-empty, changes may be requested only here
team: T0123ABCD                    # optional: refuse every other Slack workspace

rollouts:                          # by target alias; \`default\` covers the rest (default allAtOnce)
  prod:
    strategy: canary               # allAtOnce | canary | linear
    steps: [10]                    # the new version's shares in percent; 100 follows the last
    bake: 10m                      # time at each share before it is judged
    guard:
      maxErrorRate: 1%             # of the new version's invocations in the window
      minInvocations: 50           # fewer: not enough data, the step is extended
      maxExtensions: 2             # then the rollout pauses for a human
      alarms: [orders-prod-5xx]    # CloudWatch alarm names: any in ALARM rolls back
freezes:
  - name: weekend
    aliases: [prod]
    timezone: Europe/Berlin        # IANA name, required
    weekly: { from: 'fri 16:00', to: 'mon 08:00' }
  - name: year-end
    aliases: [prod]
    timezone: America/New_York
    dates: { from: 2026-12-20, to: 2027-01-04 }   # whole days, both included
freezeOverride: { approvers: [S0INCIDENT], required: 1 }
stageOrder: warn                   # warn | strict
minSoak: { prod: 30m }             # by target alias
drift: { every: 15m, channel: C0RELEASES }   # omit to turn drift checks off
links:                             # a default; usually per function (functions.<key>.links)
  commit: https://github.com/acme/orders/commit/{sha}
  pr: https://github.com/acme/orders/pull/{pr}
  compare: https://github.com/acme/orders/compare/{from}...{to}
autoPromote:                       # by target alias
  test: { from: dev, after: 1h, channel: C0RELEASES }
accounts:                          # only accounts other than the bot's own
  '222222222222':
    externalId: optional-shared-id
    # readerRoleArn / promoterRoleArn default to arn:aws:iam::<id>:role/lambda-chatops-reader
    # and …/lambda-chatops-promoter (the roles the LambdaChatopsTarget stack creates)
`;

describe('the guardrails sections of the configuration', () => {
  it('reads DESIGN.md section 5 as written, into the domain types', () => {
    // Act
    const config = parseConfig(DESIGN_EXAMPLE, FILE);

    // Assess
    expect(config).toEqual({
      functions: {
        orders: { key: 'orders', functionName: 'orders-service', stages: ['dev', 'test', 'prod'] },
      },
      approvals: {
        default: { approvers: 'anyone', required: 1 },
        prod: { approvers: ['U012AB3CD', 'S0PLATFORM'], required: 2 },
      },
      selfApproval: false,
      requestTtlMinutes: 60,
      channels: [],
      team: 'T0123ABCD',
      rollouts: {
        default: ALL_AT_ONCE,
        prod: {
          strategy: 'canary',
          steps: [10],
          bakeMs: 10 * MINUTE,
          guard: {
            maxErrorRatePercent: 1,
            minInvocations: 50,
            maxExtensions: 2,
            alarms: ['orders-prod-5xx'],
          },
        },
      },
      freezes: [
        {
          name: 'weekend',
          aliases: ['prod'],
          timezone: 'Europe/Berlin',
          weekly: { from: { day: 5, hour: 16, minute: 0 }, to: { day: 1, hour: 8, minute: 0 } },
        },
        {
          name: 'year-end',
          aliases: ['prod'],
          timezone: 'America/New_York',
          dates: { from: '2026-12-20', to: '2027-01-04' },
        },
      ],
      freezeOverride: { approvers: ['S0INCIDENT'], required: 1 },
      stageOrder: 'warn',
      minSoakMs: { prod: 30 * MINUTE },
      drift: { everyMs: 15 * MINUTE, channel: 'C0RELEASES' },
      links: {
        commit: 'https://github.com/acme/orders/commit/{sha}',
        pr: 'https://github.com/acme/orders/pull/{pr}',
        compare: 'https://github.com/acme/orders/compare/{from}...{to}',
      },
      autoPromote: { test: { from: 'dev', afterMs: HOUR, channel: 'C0RELEASES' } },
      accounts: {
        '222222222222': {
          accountId: '222222222222',
          externalId: 'optional-shared-id',
          readerRoleArn: 'arn:aws:iam::222222222222:role/lambda-chatops-reader',
          promoterRoleArn: 'arn:aws:iam::222222222222:role/lambda-chatops-promoter',
        },
      },
    });
  });

  it('accepts the commented examples of chatops.config.yml once uncommented', () => {
    // Prepare: the example's optional block (after its `## ---` line), `# ` removed from each line.
    const text = readFileSync(EXAMPLE, 'utf8');
    const optional = text.slice(text.indexOf('## --- optional')).split('\n');
    const uncommented = optional
      .filter((line) => line.startsWith('# '))
      .map((line) => line.slice(2))
      .join('\n');

    // Act
    const config = parseConfig(`${text}\n${uncommented}`, FILE);

    // Assess
    expect(uncommented).toContain('rollouts:');
    expect(config.rollouts.prod?.strategy).toBe('canary');
    expect(config.freezes).toHaveLength(2);
    expect(config.drift).toBeDefined();
    expect(Object.keys(config.accounts)).toHaveLength(1);
  });

  describe('rollouts', () => {
    it.each<{ name: string; entry: Record<string, unknown>; steps: number[] }>([
      { name: 'a canary', entry: { strategy: 'canary', steps: [10] }, steps: [10] },
      { name: 'a canary written with %', entry: { strategy: 'canary', steps: ['5%'] }, steps: [5] },
      { name: 'a 1% canary', entry: { strategy: 'canary', steps: [1] }, steps: [1] },
      { name: 'a 99% canary', entry: { strategy: 'canary', steps: [99] }, steps: [99] },
      { name: 'a linear 25%', entry: { strategy: 'linear', steps: [25, 50, 75] }, steps: [25, 50, 75] },
      { name: 'a linear 50%', entry: { strategy: 'linear', steps: [50] }, steps: [50] },
      { name: 'allAtOnce, said', entry: { strategy: 'allAtOnce' }, steps: [] },
      { name: 'allAtOnce, by default', entry: {}, steps: [] },
    ])('accepts $name, with the default bake and guard', ({ entry, steps }) => {
      // Act
      const config = validateConfig(minimal({ rollouts: { prod: entry } }), FILE);

      // Assess
      expect(config.rollouts.prod).toEqual({
        strategy: entry.strategy ?? 'allAtOnce',
        steps,
        bakeMs: DEFAULT_BAKE_MS,
        guard: DEFAULT_ROLLOUT_GUARD,
      });
      expect(config.rollouts.default).toEqual(ALL_AT_ONCE);
    });

    it('keeps a configured default, and gives every plan its own alarm list', () => {
      // Act
      const config = validateConfig(
        minimal({
          rollouts: {
            default: { strategy: 'linear', steps: [10, 20, 30, 40, 50, 60, 70, 80, 90], bake: '2h' },
            prod: { guard: { maxErrorRate: '0.25%' } },
            test: { guard: { minInvocations: 1, maxExtensions: 0 } },
          },
        }),
        FILE,
      );

      // Assess
      expect(config.rollouts.default).toEqual({
        strategy: 'linear',
        steps: [10, 20, 30, 40, 50, 60, 70, 80, 90],
        bakeMs: 2 * HOUR,
        guard: DEFAULT_ROLLOUT_GUARD,
      });
      expect(config.rollouts.prod?.guard).toEqual({ ...DEFAULT_ROLLOUT_GUARD, maxErrorRatePercent: 0.25 });
      expect(config.rollouts.test?.guard).toEqual({
        ...DEFAULT_ROLLOUT_GUARD,
        minInvocations: 1,
        maxExtensions: 0,
      });
      expect(config.rollouts.prod?.guard.alarms).not.toBe(DEFAULT_ROLLOUT_GUARD.alarms);
    });

    it.each<{ rate: string; percent: number }>([
      { rate: '0%', percent: 0 },
      { rate: '0.5%', percent: 0.5 },
      { rate: '1%', percent: 1 },
      { rate: '12.75%', percent: 12.75 },
      { rate: '100%', percent: 100 },
    ])('reads maxErrorRate $rate as $percent percent', ({ rate, percent }) => {
      const config = validateConfig(minimal({ rollouts: { prod: { guard: { maxErrorRate: rate } } } }), FILE);
      expect(config.rollouts.prod?.guard.maxErrorRatePercent).toBe(percent);
    });
  });

  describe('freezes', () => {
    it('reads unquoted YAML dates (Date objects) and quoted ones alike', () => {
      // Act
      const config = parseConfig(
        [
          'functions: { orders: {} }',
          'freezes:',
          '  - { name: a, aliases: [prod], timezone: UTC, dates: { from: 2026-02-28, to: 2028-02-29 } }',
          "  - { name: b, aliases: [prod], timezone: UTC, dates: { from: '2026-12-31', to: '2026-12-31' } }",
        ].join('\n'),
        FILE,
      );

      // Assess
      expect(config.freezes).toEqual([
        { name: 'a', aliases: ['prod'], timezone: 'UTC', dates: { from: '2026-02-28', to: '2028-02-29' } },
        { name: 'b', aliases: ['prod'], timezone: 'UTC', dates: { from: '2026-12-31', to: '2026-12-31' } },
      ]);
    });

    it.each<{ text: string; time: { day: number; hour: number; minute: number } }>([
      { text: 'sun 00:00', time: { day: 0, hour: 0, minute: 0 } },
      { text: 'mon 08:00', time: { day: 1, hour: 8, minute: 0 } },
      { text: 'Tue 09:30', time: { day: 2, hour: 9, minute: 30 } },
      { text: 'WED 12:05', time: { day: 3, hour: 12, minute: 5 } },
      { text: 'thu  17:45', time: { day: 4, hour: 17, minute: 45 } },
      { text: 'fri 16:00', time: { day: 5, hour: 16, minute: 0 } },
      { text: 'sat 23:59', time: { day: 6, hour: 23, minute: 59 } },
    ])('reads the weekly time $text', ({ text, time }) => {
      // Act
      const config = validateConfig(
        minimal({
          freezes: [
            {
              name: 'w',
              aliases: ['prod'],
              timezone: 'Asia/Kolkata',
              weekly: { from: text, to: 'sun 12:34' },
            },
          ],
        }),
        FILE,
      );

      // Assess
      expect(config.freezes[0]).toEqual({
        name: 'w',
        aliases: ['prod'],
        timezone: 'Asia/Kolkata',
        weekly: { from: time, to: { day: 0, hour: 12, minute: 34 } },
      });
    });
  });

  describe('functions in other accounts and regions', () => {
    it.each<{ name: string; entry: Record<string, unknown>; account?: string; region?: string }>([
      { name: 'a plain name', entry: { functionName: 'orders-service' } },
      { name: 'a region only', entry: { region: 'eu-central-1' }, region: 'eu-central-1' },
      { name: 'an account as text', entry: { account: '222222222222' }, account: '222222222222' },
      { name: 'an account as a YAML number', entry: { account: 222222222222 }, account: '222222222222' },
      {
        name: 'an ARN',
        entry: { functionName: 'arn:aws:lambda:us-east-2:222222222222:function:orders' },
        account: '222222222222',
        region: 'us-east-2',
      },
      {
        name: 'an ARN and the same keys',
        entry: {
          functionName: 'arn:aws-cn:lambda:cn-north-1:222222222222:function:orders',
          account: '222222222222',
          region: 'cn-north-1',
        },
        account: '222222222222',
        region: 'cn-north-1',
      },
      {
        name: 'a GovCloud ARN',
        entry: { functionName: 'arn:aws-us-gov:lambda:us-gov-west-1:222222222222:function:orders' },
        account: '222222222222',
        region: 'us-gov-west-1',
      },
    ])('locates $name', ({ entry, account, region }) => {
      // Act
      const config = validateConfig({ functions: { orders: entry } }, FILE);

      // Assess
      const fn = config.functions.orders;
      expect(fn?.account).toBe(account);
      expect(fn?.region).toBe(region);
      expect(Object.keys(fn ?? {}).sort()).toEqual(
        [
          'key',
          'functionName',
          'stages',
          ...(account ? ['account'] : []),
          ...(region ? ['region'] : []),
        ].sort(),
      );
    });

    it('reads account keys YAML gave as numbers, with their roles, and per-function links', () => {
      // Act
      const config = parseConfig(
        [
          'functions:',
          '  orders: { functionName: arn:aws:lambda:eu-west-1:222222222222:function:orders }',
          '  payments:',
          '    account: 333333333333',
          '    links: { commit: "https://git.example.com/payments/-/commit/{sha}" }',
          '  reports: { functionName: arn:aws:lambda:eu-west-1:444444444444:function:reports }',
          'accounts:',
          '  222222222222:',
          '  333333333333:',
          '    externalId: "a+b=c,d.e@f:g/h-i_j"',
          '    readerRoleArn: arn:aws:iam::333333333333:role/team/reader',
          '    promoterRoleArn: arn:aws:iam::333333333333:role/team/promoter',
        ].join('\n'),
        FILE,
      );

      // Assess
      expect(config.accounts).toEqual({
        '222222222222': {
          accountId: '222222222222',
          readerRoleArn: 'arn:aws:iam::222222222222:role/lambda-chatops-reader',
          promoterRoleArn: 'arn:aws:iam::222222222222:role/lambda-chatops-promoter',
        },
        '333333333333': {
          accountId: '333333333333',
          externalId: 'a+b=c,d.e@f:g/h-i_j',
          readerRoleArn: 'arn:aws:iam::333333333333:role/team/reader',
          promoterRoleArn: 'arn:aws:iam::333333333333:role/team/promoter',
        },
      });
      expect(config.functions.payments).toEqual({
        key: 'payments',
        functionName: 'payments',
        stages: [],
        account: '333333333333',
        links: { commit: 'https://git.example.com/payments/-/commit/{sha}' },
      });
      expect(config.functions.reports?.account).toBe('444444444444');
    });
  });

  it('turns drift checks off when drift is absent and reads its period when given', () => {
    expect(validateConfig(minimal(), FILE).drift).toBeUndefined();
    expect(validateConfig(minimal({ drift: { channel: 'C0DRIFT' } }), FILE).drift).toEqual({
      everyMs: 15 * MINUTE,
      channel: 'C0DRIFT',
    });
    expect(validateConfig(minimal({ drift: { every: '5m', channel: 'G0DRIFT' } }), FILE).drift).toEqual({
      everyMs: 5 * MINUTE,
      channel: 'G0DRIFT',
    });
  });

  it('lets an autoPromote entry without a channel use the drift channel', () => {
    // Act
    const config = validateConfig(
      minimal({ drift: { channel: 'C0DRIFT' }, autoPromote: { test: { from: 'dev', after: '90m' } } }),
      FILE,
    );

    // Assess: the entry keeps no channel; the drift channel is the default at run time.
    expect(config.autoPromote).toEqual({ test: { from: 'dev', afterMs: 90 * MINUTE } });
  });

  it.each<{ name: string; raw: unknown; path: string; problem: string }>([
    // rollouts
    {
      name: 'rollouts as a list',
      raw: minimal({ rollouts: [] }),
      path: 'rollouts',
      problem: 'must be a mapping of keys to values',
    },
    {
      name: 'a rollout for a bad alias',
      raw: minimal({ rollouts: { 'pr od': {} } }),
      path: 'rollouts.pr od',
      problem: 'is not a valid Lambda alias name',
    },
    {
      name: 'a rollout for a version number',
      raw: minimal({ rollouts: { '42': {} } }),
      path: 'rollouts.42',
      problem: 'is not a valid Lambda alias name',
    },
    {
      name: 'an unknown rollout key',
      raw: minimal({ rollouts: { prod: { strategy: 'canary', steps: [10], bakeTime: '5m' } } }),
      path: 'rollouts.prod.bakeTime',
      problem: 'is not a known key (expected one of: strategy, steps, bake, guard)',
    },
    {
      name: 'an unknown strategy',
      raw: minimal({ rollouts: { prod: { strategy: 'bluegreen' } } }),
      path: 'rollouts.prod.strategy',
      problem: 'must be one of: allAtOnce, canary, linear',
    },
    {
      name: 'a strategy in the wrong case',
      raw: minimal({ rollouts: { prod: { strategy: 'Canary', steps: [10] } } }),
      path: 'rollouts.prod.strategy',
      problem: 'must be one of: allAtOnce, canary, linear',
    },
    {
      name: 'a canary without steps',
      raw: minimal({ rollouts: { prod: { strategy: 'canary' } } }),
      path: 'rollouts.prod.steps',
      problem: 'a canary rollout has exactly one step, e.g. [10]',
    },
    {
      name: 'a canary with two steps',
      raw: minimal({ rollouts: { prod: { strategy: 'canary', steps: [10, 50] } } }),
      path: 'rollouts.prod.steps',
      problem: 'a canary rollout has exactly one step, e.g. [10]',
    },
    {
      name: 'steps for allAtOnce',
      raw: minimal({ rollouts: { prod: { steps: [10] } } }),
      path: 'rollouts.prod.steps',
      problem: 'an allAtOnce rollout has no steps (remove them)',
    },
    {
      name: 'a share of 0',
      raw: minimal({ rollouts: { prod: { strategy: 'canary', steps: [0] } } }),
      path: 'rollouts.prod.steps[0]',
      problem: 'must be a whole percent from 1 to 99',
    },
    {
      name: 'a share of 100',
      raw: minimal({ rollouts: { prod: { strategy: 'canary', steps: [100] } } }),
      path: 'rollouts.prod.steps[0]',
      problem: 'must be a whole percent from 1 to 99',
    },
    {
      name: 'a fractional share',
      raw: minimal({ rollouts: { prod: { strategy: 'canary', steps: [2.5] } } }),
      path: 'rollouts.prod.steps[0]',
      problem: 'must be a whole percent from 1 to 99',
    },
    {
      name: 'a share as a word',
      raw: minimal({ rollouts: { prod: { strategy: 'canary', steps: ['ten'] } } }),
      path: 'rollouts.prod.steps[0]',
      problem: 'must be a whole percent from 1 to 99',
    },
    {
      name: 'steps as one number',
      raw: minimal({ rollouts: { prod: { strategy: 'canary', steps: 10 } } }),
      path: 'rollouts.prod.steps',
      problem: 'must be a list of shares in percent, e.g. [10] or [25, 50, 75]',
    },
    {
      name: 'linear steps that are not equal',
      raw: minimal({ rollouts: { prod: { strategy: 'linear', steps: [10, 50, 90] } } }),
      path: 'rollouts.prod.steps',
      problem:
        "a linear rollout's steps are the multiples of a share that divides 100 into equal steps: 1, 2, 4, 5, 10, 20, 25, 50%, e.g. [25, 50, 75]",
    },
    {
      name: 'linear steps that stop short',
      raw: minimal({ rollouts: { prod: { strategy: 'linear', steps: [25, 50] } } }),
      path: 'rollouts.prod.steps',
      problem:
        "a linear rollout's steps are the multiples of a share that divides 100 into equal steps: 1, 2, 4, 5, 10, 20, 25, 50%, e.g. [25, 50, 75]",
    },
    {
      name: 'linear steps of a share that does not divide 100',
      raw: minimal({ rollouts: { prod: { strategy: 'linear', steps: [30, 60, 90] } } }),
      path: 'rollouts.prod.steps',
      problem:
        "a linear rollout's steps are the multiples of a share that divides 100 into equal steps: 1, 2, 4, 5, 10, 20, 25, 50%, e.g. [25, 50, 75]",
    },
    {
      name: 'linear steps out of order',
      raw: minimal({ rollouts: { prod: { strategy: 'linear', steps: [75, 50, 25] } } }),
      path: 'rollouts.prod.steps',
      problem:
        "a linear rollout's steps are the multiples of a share that divides 100 into equal steps: 1, 2, 4, 5, 10, 20, 25, 50%, e.g. [25, 50, 75]",
    },
    {
      name: 'a linear rollout without steps',
      raw: minimal({ rollouts: { prod: { strategy: 'linear' } } }),
      path: 'rollouts.prod.steps',
      problem:
        "a linear rollout's steps are the multiples of a share that divides 100 into equal steps: 1, 2, 4, 5, 10, 20, 25, 50%, e.g. [25, 50, 75]",
    },
    {
      name: 'a bake in days',
      raw: minimal({ rollouts: { prod: { bake: '1d' } } }),
      path: 'rollouts.prod.bake',
      problem: '`1d` is not a duration: use minutes or hours from 1m to 168h (7 days), e.g. 30m or 2h',
    },
    {
      name: 'a bake as a number',
      raw: minimal({ rollouts: { prod: { bake: 10 } } }),
      path: 'rollouts.prod.bake',
      problem: 'must be a duration such as 10m or 2h',
    },
    {
      name: 'a bake of 0m',
      raw: minimal({ rollouts: { prod: { bake: '0m' } } }),
      path: 'rollouts.prod.bake',
      problem: '`0m` is out of range: use minutes or hours from 1m to 168h (7 days), e.g. 30m or 2h',
    },
    {
      name: 'a bake over a week',
      raw: minimal({ rollouts: { prod: { bake: '169h' } } }),
      path: 'rollouts.prod.bake',
      problem: '`169h` is out of range: use minutes or hours from 1m to 168h (7 days), e.g. 30m or 2h',
    },
    {
      name: 'an unknown guard key',
      raw: minimal({ rollouts: { prod: { guard: { maxErrors: '1%' } } } }),
      path: 'rollouts.prod.guard.maxErrors',
      problem: 'is not a known key (expected one of: maxErrorRate, minInvocations, maxExtensions, alarms)',
    },
    {
      name: 'an error rate without %',
      raw: minimal({ rollouts: { prod: { guard: { maxErrorRate: 1 } } } }),
      path: 'rollouts.prod.guard.maxErrorRate',
      problem: 'must be a percentage from 0% to 100% with its % sign, e.g. 1% or 0.5%',
    },
    {
      name: 'an error rate over 100%',
      raw: minimal({ rollouts: { prod: { guard: { maxErrorRate: '101%' } } } }),
      path: 'rollouts.prod.guard.maxErrorRate',
      problem: 'must be a percentage from 0% to 100% with its % sign, e.g. 1% or 0.5%',
    },
    {
      name: 'a negative error rate',
      raw: minimal({ rollouts: { prod: { guard: { maxErrorRate: '-1%' } } } }),
      path: 'rollouts.prod.guard.maxErrorRate',
      problem: 'must be a percentage from 0% to 100% with its % sign, e.g. 1% or 0.5%',
    },
    {
      name: 'an error rate with three decimals',
      raw: minimal({ rollouts: { prod: { guard: { maxErrorRate: '0.125%' } } } }),
      path: 'rollouts.prod.guard.maxErrorRate',
      problem: 'must be a percentage from 0% to 100% with its % sign, e.g. 1% or 0.5%',
    },
    {
      name: 'minInvocations of 0 (no traffic would read as healthy)',
      raw: minimal({ rollouts: { prod: { guard: { minInvocations: 0 } } } }),
      path: 'rollouts.prod.guard.minInvocations',
      problem: 'must be a whole number from 1 to 1000000',
    },
    {
      name: 'fractional maxExtensions',
      raw: minimal({ rollouts: { prod: { guard: { maxExtensions: 1.5 } } } }),
      path: 'rollouts.prod.guard.maxExtensions',
      problem: 'must be a whole number from 0 to 10',
    },
    {
      name: 'too many extensions',
      raw: minimal({ rollouts: { prod: { guard: { maxExtensions: 11 } } } }),
      path: 'rollouts.prod.guard.maxExtensions',
      problem: 'must be a whole number from 0 to 10',
    },
    {
      name: 'alarms as one name',
      raw: minimal({ rollouts: { prod: { guard: { alarms: 'orders-5xx' } } } }),
      path: 'rollouts.prod.guard.alarms',
      problem: 'must be a list of CloudWatch alarm names',
    },
    {
      name: 'an empty alarm name',
      raw: minimal({ rollouts: { prod: { guard: { alarms: ['a', ''] } } } }),
      path: 'rollouts.prod.guard.alarms[1]',
      problem: 'must be a CloudWatch alarm name (1 to 255 characters, no control characters or edge spaces)',
    },
    {
      name: 'an alarm name with a newline',
      raw: minimal({ rollouts: { prod: { guard: { alarms: ['a\nb'] } } } }),
      path: 'rollouts.prod.guard.alarms[0]',
      problem: 'must be a CloudWatch alarm name (1 to 255 characters, no control characters or edge spaces)',
    },
    {
      name: 'an alarm name too long',
      raw: minimal({ rollouts: { prod: { guard: { alarms: ['x'.repeat(256)] } } } }),
      path: 'rollouts.prod.guard.alarms[0]',
      problem: 'must be a CloudWatch alarm name (1 to 255 characters, no control characters or edge spaces)',
    },
    {
      name: 'a duplicate alarm',
      raw: minimal({ rollouts: { prod: { guard: { alarms: ['a', 'a'] } } } }),
      path: 'rollouts.prod.guard.alarms[1]',
      problem: 'lists "a" twice',
    },
    {
      name: 'too many alarms',
      raw: minimal({
        rollouts: { prod: { guard: { alarms: Array.from({ length: 101 }, (_, i) => `a${i}`) } } },
      }),
      path: 'rollouts.prod.guard.alarms',
      problem: 'may name at most 100 alarms',
    },
    // freezes
    {
      name: 'freezes as a mapping',
      raw: minimal({ freezes: { weekend: {} } }),
      path: 'freezes',
      problem: 'must be a list of freeze windows',
    },
    {
      name: 'a freeze that is no mapping',
      raw: minimal({ freezes: ['weekend'] }),
      path: 'freezes[0]',
      problem: 'must be a mapping of keys to values',
    },
    {
      name: 'an unknown freeze key',
      raw: minimal({ freezes: [{ name: 'w', aliases: ['prod'], timezone: 'UTC', days: [] }] }),
      path: 'freezes[0].days',
      problem: 'is not a known key (expected one of: name, aliases, timezone, weekly, dates)',
    },
    {
      name: 'a freeze without a name',
      raw: minimal({ freezes: [{ aliases: ['prod'], timezone: 'UTC' }] }),
      path: 'freezes[0].name',
      problem: 'is required: a short name such as weekend (1 to 64 characters)',
    },
    {
      name: 'two freezes of one name',
      raw: minimal({
        freezes: [
          { name: 'w', aliases: ['prod'], timezone: 'UTC', weekly: { from: 'fri 16:00', to: 'mon 08:00' } },
          { name: 'w', aliases: ['prod'], timezone: 'UTC', weekly: { from: 'fri 16:00', to: 'mon 08:00' } },
        ],
      }),
      path: 'freezes[1].name',
      problem: '"w" names two freezes',
    },
    {
      name: 'a freeze without aliases',
      raw: minimal({ freezes: [{ name: 'w', timezone: 'UTC' }] }),
      path: 'freezes[0].aliases',
      problem: 'is required: the aliases it freezes, e.g. [prod]',
    },
    {
      name: 'a freeze of no alias',
      raw: minimal({ freezes: [{ name: 'w', aliases: [], timezone: 'UTC' }] }),
      path: 'freezes[0].aliases',
      problem: 'must list at least one alias',
    },
    {
      name: 'a freeze of a bad alias',
      raw: minimal({ freezes: [{ name: 'w', aliases: ['prod', '$LATEST'], timezone: 'UTC' }] }),
      path: 'freezes[0].aliases[1]',
      problem: 'is not a valid Lambda alias name',
    },
    {
      name: 'a freeze without a time zone',
      raw: minimal({
        freezes: [{ name: 'w', aliases: ['prod'], weekly: { from: 'fri 16:00', to: 'mon 08:00' } }],
      }),
      path: 'freezes[0].timezone',
      problem: 'is required: an IANA time zone such as Europe/Berlin',
    },
    {
      name: 'an unknown time zone',
      raw: minimal({ freezes: [{ name: 'w', aliases: ['prod'], timezone: 'Europe/Atlantis' }] }),
      path: 'freezes[0].timezone',
      problem: '`Europe/Atlantis` is not an IANA time zone such as Europe/Berlin or America/New_York',
    },
    {
      name: 'a UTC offset for a time zone',
      raw: minimal({ freezes: [{ name: 'w', aliases: ['prod'], timezone: '+01:00' }] }),
      path: 'freezes[0].timezone',
      problem: '`+01:00` is not an IANA time zone such as Europe/Berlin or America/New_York',
    },
    {
      name: 'a time zone abbreviation that is no zone',
      raw: minimal({ freezes: [{ name: 'w', aliases: ['prod'], timezone: 'CEST' }] }),
      path: 'freezes[0].timezone',
      problem: '`CEST` is not an IANA time zone such as Europe/Berlin or America/New_York',
    },
    {
      name: 'a freeze with no window',
      raw: minimal({ freezes: [{ name: 'w', aliases: ['prod'], timezone: 'UTC' }] }),
      path: 'freezes[0]',
      problem: "needs a window: weekly: { from: 'fri 16:00', to: 'mon 08:00' } or dates: { from, to }",
    },
    {
      name: 'a freeze with two windows',
      raw: minimal({
        freezes: [
          {
            name: 'w',
            aliases: ['prod'],
            timezone: 'UTC',
            weekly: { from: 'fri 16:00', to: 'mon 08:00' },
            dates: { from: '2026-12-20', to: '2027-01-04' },
          },
        ],
      }),
      path: 'freezes[0]',
      problem: 'gives both weekly and dates: one window per freeze (add another freeze for the other)',
    },
    {
      name: 'a weekly time without a day',
      raw: minimal({
        freezes: [
          { name: 'w', aliases: ['prod'], timezone: 'UTC', weekly: { from: '16:00', to: 'mon 08:00' } },
        ],
      }),
      path: 'freezes[0].weekly.from',
      problem: "must be a day and a 24-hour time, e.g. 'fri 16:00' (days mon, tue, wed, thu, fri, sat, sun)",
    },
    {
      name: 'a weekly time with a full day name',
      raw: minimal({
        freezes: [
          {
            name: 'w',
            aliases: ['prod'],
            timezone: 'UTC',
            weekly: { from: 'friday 16:00', to: 'mon 08:00' },
          },
        ],
      }),
      path: 'freezes[0].weekly.from',
      problem: "must be a day and a 24-hour time, e.g. 'fri 16:00' (days mon, tue, wed, thu, fri, sat, sun)",
    },
    {
      name: 'a weekly time at 24:00',
      raw: minimal({
        freezes: [
          { name: 'w', aliases: ['prod'], timezone: 'UTC', weekly: { from: 'fri 16:00', to: 'sun 24:00' } },
        ],
      }),
      path: 'freezes[0].weekly.to',
      problem: "must be a day and a 24-hour time, e.g. 'fri 16:00' (days mon, tue, wed, thu, fri, sat, sun)",
    },
    {
      name: 'a weekly time in 12-hour form',
      raw: minimal({
        freezes: [
          { name: 'w', aliases: ['prod'], timezone: 'UTC', weekly: { from: 'fri 4pm', to: 'mon 08:00' } },
        ],
      }),
      path: 'freezes[0].weekly.from',
      problem: "must be a day and a 24-hour time, e.g. 'fri 16:00' (days mon, tue, wed, thu, fri, sat, sun)",
    },
    {
      name: 'a weekly window without an end',
      raw: minimal({
        freezes: [{ name: 'w', aliases: ['prod'], timezone: 'UTC', weekly: { from: 'fri 16:00' } }],
      }),
      path: 'freezes[0].weekly.to',
      problem: "must be a day and a 24-hour time, e.g. 'fri 16:00' (days mon, tue, wed, thu, fri, sat, sun)",
    },
    {
      name: 'an empty weekly window',
      raw: minimal({
        freezes: [
          { name: 'w', aliases: ['prod'], timezone: 'UTC', weekly: { from: 'fri 16:00', to: 'Fri 16:00' } },
        ],
      }),
      path: 'freezes[0].weekly',
      problem: 'starts and ends at the same time: the window would be empty',
    },
    {
      name: 'an unknown key in a window',
      raw: minimal({
        freezes: [
          {
            name: 'w',
            aliases: ['prod'],
            timezone: 'UTC',
            weekly: { from: 'fri 16:00', until: 'mon 08:00' },
          },
        ],
      }),
      path: 'freezes[0].weekly.until',
      problem: 'is not a known key (expected one of: from, to)',
    },
    {
      name: 'dates that end before they start',
      raw: minimal({
        freezes: [
          { name: 'w', aliases: ['prod'], timezone: 'UTC', dates: { from: '2027-01-04', to: '2026-12-20' } },
        ],
      }),
      path: 'freezes[0].dates',
      problem: 'ends (2026-12-20) before it starts (2027-01-04)',
    },
    {
      name: 'a day that is not in the calendar',
      raw: minimal({
        freezes: [
          { name: 'w', aliases: ['prod'], timezone: 'UTC', dates: { from: '2026-02-29', to: '2026-03-01' } },
        ],
      }),
      path: 'freezes[0].dates.from',
      problem: '2026-02-29 is not a day of the calendar',
    },
    {
      name: 'a date in another format',
      raw: minimal({
        freezes: [
          { name: 'w', aliases: ['prod'], timezone: 'UTC', dates: { from: '20/12/2026', to: '2027-01-04' } },
        ],
      }),
      path: 'freezes[0].dates.from',
      problem: 'must be a date written YYYY-MM-DD (whole days, both included)',
    },
    {
      name: 'a date with a time (YAML gives a Date)',
      raw: minimal({
        freezes: [
          {
            name: 'w',
            aliases: ['prod'],
            timezone: 'UTC',
            dates: { from: '2026-12-20', to: new Date('2027-01-04T10:00:00Z') },
          },
        ],
      }),
      path: 'freezes[0].dates.to',
      problem: 'must be a date written YYYY-MM-DD (whole days, both included)',
    },
    // freezeOverride, stageOrder, minSoak, drift
    {
      name: 'a freezeOverride with no approvers',
      raw: minimal({ freezeOverride: { approvers: [] } }),
      path: 'freezeOverride.approvers',
      problem: 'must be `anyone` or a non-empty list of Slack user (U…) and user group (S…) ids',
    },
    {
      name: 'a freezeOverride with an unknown key',
      raw: minimal({ freezeOverride: { approvers: ['S0INCIDENT'], reason: true } }),
      path: 'freezeOverride.reason',
      problem: 'is not a known key (expected one of: approvers, required)',
    },
    {
      name: 'a stageOrder of its own',
      raw: minimal({ stageOrder: 'enforce' }),
      path: 'stageOrder',
      problem: 'must be warn or strict',
    },
    {
      name: 'minSoak as a list',
      raw: minimal({ minSoak: ['30m'] }),
      path: 'minSoak',
      problem: 'must be a mapping of keys to values',
    },
    {
      name: 'a minSoak default',
      raw: minimal({ minSoak: { default: '30m' } }),
      path: 'minSoak.default',
      problem: '`default` means nothing here: list each alias by name',
    },
    {
      name: 'a minSoak of a bad alias',
      raw: minimal({ minSoak: { 'pr/od': '30m' } }),
      path: 'minSoak.pr/od',
      problem: 'is not a valid Lambda alias name',
    },
    {
      name: 'a minSoak in seconds',
      raw: minimal({ minSoak: { prod: '30s' } }),
      path: 'minSoak.prod',
      problem: '`30s` is not a duration: use minutes or hours from 1m to 168h (7 days), e.g. 30m or 2h',
    },
    {
      name: 'drift without a channel',
      raw: minimal({ drift: { every: '15m' } }),
      path: 'drift.channel',
      problem: 'is required: the Slack channel id drift alerts go to',
    },
    {
      name: 'a drift channel by name',
      raw: minimal({ drift: { channel: '#releases' } }),
      path: 'drift.channel',
      problem: 'must be a Slack channel id such as C0123ABCD (not a #name)',
    },
    {
      name: 'drift more often than the heartbeat',
      raw: minimal({ drift: { every: '4m', channel: 'C0RELEASES' } }),
      path: 'drift.every',
      problem: 'must be at least 5m (the heartbeat runs every 5 minutes)',
    },
    {
      name: 'an unknown drift key',
      raw: minimal({ drift: { channel: 'C0RELEASES', alert: true } }),
      path: 'drift.alert',
      problem: 'is not a known key (expected one of: every, channel)',
    },
    // links
    {
      name: 'an http link',
      raw: minimal({ links: { commit: 'http://git.example.com/commit/{sha}' } }),
      path: 'links.commit',
      problem: 'must be an https URL template using {sha}',
    },
    {
      name: 'a javascript: link',
      raw: minimal({ links: { commit: 'javascript:alert({sha})' } }),
      path: 'links.commit',
      problem: 'must be an https URL template using {sha}',
    },
    {
      name: 'an unknown placeholder',
      raw: minimal({ links: { commit: 'https://git.example.com/{repo}/commit/{sha}' } }),
      path: 'links.commit',
      problem: 'uses {repo}: a commit link may use only {sha}',
    },
    {
      name: "another template's placeholder",
      raw: minimal({ links: { pr: 'https://git.example.com/pull/{pr}?sha={sha}' } }),
      path: 'links.pr',
      problem: 'uses {sha}: a pr link may use only {pr}',
    },
    {
      name: 'a compare link without {to}',
      raw: minimal({ links: { compare: 'https://git.example.com/compare/{from}...main' } }),
      path: 'links.compare',
      problem: 'must use {to}',
    },
    {
      name: 'a commit link without {sha}',
      raw: minimal({ links: { commit: 'https://git.example.com/commits' } }),
      path: 'links.commit',
      problem: 'must use {sha}',
    },
    {
      name: 'a placeholder in the host',
      raw: minimal({ links: { commit: 'https://{sha}.example.com/commit' } }),
      path: 'links.commit',
      problem: 'may use placeholders only in the path, query or fragment, never in the host',
    },
    {
      name: 'a placeholder as the host',
      raw: minimal({ links: { pr: 'https://{pr}/x' } }),
      path: 'links.pr',
      problem: 'may use placeholders only in the path, query or fragment, never in the host',
    },
    {
      name: 'a link with credentials',
      raw: minimal({ links: { commit: 'https://user:secret@git.example.com/commit/{sha}' } }),
      path: 'links.commit',
      problem: 'may not carry a user name or password',
    },
    {
      name: 'a link that would break out of a Slack link',
      raw: minimal({ links: { commit: 'https://git.example.com/commit/{sha}|click>' } }),
      path: 'links.commit',
      problem: 'may not contain spaces, control characters or any of < > | " `',
    },
    {
      name: 'a link with a space',
      raw: minimal({ links: { commit: 'https://git.example.com/commit/ {sha}' } }),
      path: 'links.commit',
      problem: 'may not contain spaces, control characters or any of < > | " `',
    },
    {
      name: 'a stray brace',
      raw: minimal({ links: { commit: 'https://git.example.com/commit/{sha}}' } }),
      path: 'links.commit',
      problem: 'has a brace that is no placeholder',
    },
    {
      name: 'an unknown link key',
      raw: minimal({ links: { build: 'https://ci.example.com/{build}' } }),
      path: 'links.build',
      problem: 'is not a known key (expected one of: commit, pr, compare)',
    },
    {
      name: 'a link that is no text',
      raw: minimal({ links: { commit: 42 } }),
      path: 'links.commit',
      problem: 'must be an https URL template using {sha}',
    },
    {
      name: 'a bad per-function link',
      raw: {
        functions: { orders: { links: { compare: 'https://git.example.com/compare/{from}..{to}..{sha}' } } },
      },
      path: 'functions.orders.links.compare',
      problem: 'uses {sha}: a compare link may use only {from} and {to}',
    },
    // autoPromote
    {
      name: 'an autoPromote from the target itself',
      raw: minimal({ drift: { channel: 'C0R' }, autoPromote: { test: { from: 'test', after: '1h' } } }),
      path: 'autoPromote.test.from',
      problem: 'is the target alias itself (test)',
    },
    {
      name: 'an autoPromote without from',
      raw: minimal({ drift: { channel: 'C0R' }, autoPromote: { test: { after: '1h' } } }),
      path: 'autoPromote.test.from',
      problem: 'is required: the alias whose version is promoted',
    },
    {
      name: 'an autoPromote from a version number',
      raw: minimal({ drift: { channel: 'C0R' }, autoPromote: { test: { from: 41, after: '1h' } } }),
      path: 'autoPromote.test.from',
      problem: 'is not a valid Lambda alias name',
    },
    {
      name: 'an autoPromote without after',
      raw: minimal({ drift: { channel: 'C0R' }, autoPromote: { test: { from: 'dev' } } }),
      path: 'autoPromote.test.after',
      problem: 'is required: how long a version soaks first, e.g. 1h',
    },
    {
      name: 'an autoPromote after 8 days',
      raw: minimal({ drift: { channel: 'C0R' }, autoPromote: { test: { from: 'dev', after: '192h' } } }),
      path: 'autoPromote.test.after',
      problem: '`192h` is out of range: use minutes or hours from 1m to 168h (7 days), e.g. 30m or 2h',
    },
    {
      name: 'an autoPromote with nowhere to post',
      raw: minimal({ autoPromote: { test: { from: 'dev', after: '1h' } } }),
      path: 'autoPromote.test.channel',
      problem: 'is required when drift.channel is not set (where the request card is posted)',
    },
    {
      name: 'an autoPromote to a channel by name',
      raw: minimal({ autoPromote: { test: { from: 'dev', after: '1h', channel: 'releases' } } }),
      path: 'autoPromote.test.channel',
      problem: 'must be a Slack channel id such as C0123ABCD (not a #name)',
    },
    {
      name: 'an autoPromote default',
      raw: minimal({ autoPromote: { default: { from: 'dev', after: '1h', channel: 'C0R' } } }),
      path: 'autoPromote.default',
      problem: '`default` means nothing here: list each alias by name',
    },
    {
      name: 'an unknown autoPromote key',
      raw: minimal({ autoPromote: { test: { from: 'dev', after: '1h', channel: 'C0R', required: 0 } } }),
      path: 'autoPromote.test.required',
      problem: 'is not a known key (expected one of: from, after, channel)',
    },
    // accounts, and where functions live
    {
      name: 'an account id of 11 digits',
      raw: minimal({ accounts: { '22222222222': {} } }),
      path: 'accounts.22222222222',
      problem:
        'is not a 12-digit AWS account id (quote it: YAML reads digits as a number and drops leading zeros)',
    },
    {
      name: 'an account alias for an id',
      raw: minimal({ accounts: { staging: {} } }),
      path: 'accounts.staging',
      problem:
        'is not a 12-digit AWS account id (quote it: YAML reads digits as a number and drops leading zeros)',
    },
    {
      name: 'an unknown account key',
      raw: minimal({ accounts: { '222222222222': { roleArn: 'x' } } }),
      path: 'accounts.222222222222.roleArn',
      problem: 'is not a known key (expected one of: externalId, readerRoleArn, promoterRoleArn)',
    },
    {
      name: 'a reader role in another account',
      raw: minimal({
        accounts: { '222222222222': { readerRoleArn: 'arn:aws:iam::333333333333:role/reader' } },
      }),
      path: 'accounts.222222222222.readerRoleArn',
      problem: 'must be a role in account 222222222222, not 333333333333',
    },
    {
      name: 'a promoter role that is no role ARN',
      raw: minimal({
        accounts: { '222222222222': { promoterRoleArn: 'arn:aws:iam::222222222222:user/bob' } },
      }),
      path: 'accounts.222222222222.promoterRoleArn',
      problem: 'must be an IAM role ARN such as arn:aws:iam::222222222222:role/lambda-chatops-reader',
    },
    {
      name: 'an external id with a space',
      raw: minimal({ accounts: { '222222222222': { externalId: 'a b' } } }),
      path: 'accounts.222222222222.externalId',
      problem: 'must be 2 to 1224 characters of letters, digits and + = , . @ : / - _',
    },
    {
      name: 'an external id of one character',
      raw: minimal({ accounts: { '222222222222': { externalId: 'x' } } }),
      path: 'accounts.222222222222.externalId',
      problem: 'must be 2 to 1224 characters of letters, digits and + = , . @ : / - _',
    },
    {
      name: 'an unknown function key',
      raw: { functions: { orders: { acount: '222222222222' } } },
      path: 'functions.orders.acount',
      problem: 'is not a known key (expected one of: functionName, stages, region, account, links)',
    },
    {
      name: 'a function account that lost its leading zero',
      raw: { functions: { orders: { account: 12345678901 } } },
      path: 'functions.orders.account',
      problem:
        'must be a 12-digit AWS account id (quote it: YAML reads digits as a number and drops leading zeros)',
    },
    {
      name: 'a function account of letters',
      raw: { functions: { orders: { account: 'prod-account' } } },
      path: 'functions.orders.account',
      problem: 'must be a 12-digit AWS account id',
    },
    {
      name: 'a function region that is no region',
      raw: { functions: { orders: { region: 'Frankfurt' } } },
      path: 'functions.orders.region',
      problem: 'must be an AWS region such as eu-west-1',
    },
    {
      name: 'an account that contradicts the ARN',
      raw: {
        functions: {
          orders: {
            functionName: 'arn:aws:lambda:eu-west-1:222222222222:function:orders',
            account: '333333333333',
          },
        },
      },
      path: 'functions.orders.account',
      problem: 'says 333333333333, but the function ARN is in account 222222222222',
    },
    {
      name: 'a region that contradicts the ARN',
      raw: {
        functions: {
          orders: {
            functionName: 'arn:aws:lambda:eu-west-1:222222222222:function:orders',
            region: 'us-east-1',
          },
        },
      },
      path: 'functions.orders.region',
      problem: 'says us-east-1, but the function ARN is in eu-west-1',
    },
    {
      name: 'two unlisted accounts (only one can be the bot’s own)',
      raw: {
        functions: {
          orders: { functionName: 'arn:aws:lambda:eu-west-1:222222222222:function:orders' },
          payments: { account: '333333333333' },
        },
      },
      path: 'functions.payments.account',
      problem:
        "is in account 333333333333 and functions.orders in 222222222222, neither listed under accounts: only one account can be the bot's own; list the others under accounts",
    },
    {
      name: 'two unlisted accounts, the second from its ARN',
      raw: {
        functions: {
          orders: { account: '222222222222' },
          payments: { functionName: 'arn:aws:lambda:eu-west-1:333333333333:function:payments' },
        },
      },
      path: 'functions.payments.functionName',
      problem:
        "is in account 333333333333 and functions.orders in 222222222222, neither listed under accounts: only one account can be the bot's own; list the others under accounts",
    },
  ])('refuses $name, naming $path', ({ raw, path, problem }) => {
    // Act
    const error = configError(() => validateConfig(raw, FILE));

    // Assess
    expect({ path: error.path, problem: error.problem }).toEqual({ path, problem });
    expect(error.message).toBe(`${FILE}: ${path}: ${problem}`);
  });

  it('refuses an unquoted account key that YAML shortened', () => {
    // Act: 012345678901 unquoted is the number 12345678901.
    const error = configError(() =>
      parseConfig('functions: { orders: {} }\naccounts:\n  012345678901: {}\n', FILE),
    );

    // Assess
    expect(error.path).toBe('accounts.12345678901');
    expect(error.problem).toMatch(/quote it/);
  });

  it('accepts an account listed under accounts beside one unlisted (the bot’s own)', () => {
    // Act
    const config = validateConfig(
      {
        functions: {
          orders: { functionName: 'arn:aws:lambda:eu-west-1:111111111111:function:orders' },
          payments: { account: '222222222222', region: 'us-east-1' },
          reports: { account: '333333333333' },
          billing: {},
        },
        accounts: { '222222222222': {}, '333333333333': null },
      },
      FILE,
    );

    // Assess
    expect(Object.values(config.functions).map((fn) => [fn.key, fn.account, fn.region])).toEqual([
      ['orders', '111111111111', 'eu-west-1'],
      ['payments', '222222222222', 'us-east-1'],
      ['reports', '333333333333', undefined],
      ['billing', undefined, undefined],
    ]);
  });

  it('keeps aliases named like Object.prototype members as own keys', () => {
    // Act
    const config = validateConfig(
      minimal({
        rollouts: { constructor: { strategy: 'canary', steps: [10] } },
        minSoak: { toString: '5m', __proto__: '10m' },
        drift: { channel: 'C0R' },
        autoPromote: { hasOwnProperty: { from: 'dev', after: '1h' } },
      }),
      FILE,
    );

    // Assess
    expect(Object.hasOwn(config.rollouts, 'constructor')).toBe(true);
    expect(config.minSoakMs).toEqual({ toString: 5 * MINUTE });
    expect(Object.hasOwn(config.autoPromote, 'hasOwnProperty')).toBe(true);
  });
});
