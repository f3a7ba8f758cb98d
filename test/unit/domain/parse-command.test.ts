import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Command,
  type CommandKind,
  GENERAL_USAGE,
  MAX_REASON_LENGTH,
  type ParseContext,
  parseCommand,
  REQUEST_ID,
  USAGE,
} from '../../../src/domain/parse-command';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The configuration as the parser sees it: orders has stages, legacy has none. */
const CONTEXT: ParseContext = {
  stagesOf: (fn) => ({ orders: ['dev', 'test', 'prod'], legacy: [] })[fn as 'orders' | 'legacy'],
};
const LINEAR_ERROR =
  '`--linear` takes a share that divides 100 into equal steps: 1, 2, 4, 5, 10, 20, 25, 50%, e.g. `--linear 25%`.';
const CANARY_ERROR = '`--canary` takes a whole percent from 1 to 99, e.g. `--canary 10%`.';
const DURATION_RANGE = 'use minutes or hours from 1m to 168h (7 days), e.g. 30m or 2h';

const KINDS: CommandKind[] = [
  'help',
  'list',
  'status',
  'versions',
  'promote',
  'rollback',
  'history',
  'cancel',
  'lock',
  'unlock',
  'locks',
];

describe('parseCommand', () => {
  describe('accepted commands', () => {
    it.each<{ text: string; command: Command }>([
      { text: '', command: { kind: 'help' } },
      { text: '   ', command: { kind: 'help' } },
      { text: 'help', command: { kind: 'help' } },
      { text: 'HELP', command: { kind: 'help' } },
      { text: 'list', command: { kind: 'list' } },
      { text: '  list  ', command: { kind: 'list' } },
      { text: 'status', command: { kind: 'status' } },
      { text: 'status orders', command: { kind: 'status', fn: 'orders' } },
      { text: 'Status my_fn-2', command: { kind: 'status', fn: 'my_fn-2' } },
      // versions: default and explicit limits, both spellings, option before or after the name
      { text: 'versions orders', command: { kind: 'versions', fn: 'orders', limit: 10 } },
      { text: 'versions orders --limit 5', command: { kind: 'versions', fn: 'orders', limit: 5 } },
      { text: 'versions orders --limit=5', command: { kind: 'versions', fn: 'orders', limit: 5 } },
      { text: 'versions --limit 7 orders', command: { kind: 'versions', fn: 'orders', limit: 7 } },
      { text: 'versions orders --limit 1', command: { kind: 'versions', fn: 'orders', limit: 1 } },
      { text: 'versions orders --limit 50', command: { kind: 'versions', fn: 'orders', limit: 50 } },
      { text: 'versions orders --limit=050', command: { kind: 'versions', fn: 'orders', limit: 50 } },
      // promote from one alias to another, every arrow spelling, with and without spaces
      {
        text: 'promote orders test→prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test → prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test->prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test -> prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test=>prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test => prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test—>prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test —> prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test-&gt;prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test -&gt; prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test=&gt;prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test to prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test TO prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote orders test prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'promote   orders\ttest   prod ',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod' },
      },
      {
        text: 'PROMOTE orders dev-1→prod_2',
        command: { kind: 'promote', fn: 'orders', from: 'dev-1', to: 'prod_2' },
      },
      // promote to an explicit published version
      {
        text: 'promote orders prod 42',
        command: { kind: 'promote', fn: 'orders', to: 'prod', version: '42' },
      },
      { text: 'promote orders prod 1', command: { kind: 'promote', fn: 'orders', to: 'prod', version: '1' } },
      {
        text: 'promote orders prod 9999999999',
        command: { kind: 'promote', fn: 'orders', to: 'prod', version: '9999999999' },
      },
      { text: 'rollback orders prod', command: { kind: 'rollback', fn: 'orders', alias: 'prod' } },
      // history: optional alias, limits
      { text: 'history orders', command: { kind: 'history', fn: 'orders', limit: 10 } },
      { text: 'history orders prod', command: { kind: 'history', fn: 'orders', alias: 'prod', limit: 10 } },
      {
        text: 'history orders prod --limit 3',
        command: { kind: 'history', fn: 'orders', alias: 'prod', limit: 3 },
      },
      { text: 'history orders --limit=50', command: { kind: 'history', fn: 'orders', limit: 50 } },
      {
        text: 'history --limit 2 orders prod',
        command: { kind: 'history', fn: 'orders', alias: 'prod', limit: 2 },
      },
      // cancel: ids are case-insensitive and come back upper-case
      { text: 'cancel R7K2M9QX4A', command: { kind: 'cancel', requestId: 'R7K2M9QX4A' } },
      { text: 'cancel r7k2m9qx4a', command: { kind: 'cancel', requestId: 'R7K2M9QX4A' } },
      { text: 'CANCEL r7K2m9Qx4A', command: { kind: 'cancel', requestId: 'R7K2M9QX4A' } },
    ])('$text', ({ text, command }) => {
      // Act
      const result = parseCommand(text);

      // Assess
      expect(result).toEqual({ ok: true, command });
    });
  });

  describe('rejected commands', () => {
    it.each<{ text: string; error: string | RegExp; usage: string }>([
      { text: 'deploy orders', error: 'Unknown command `deploy`.', usage: GENERAL_USAGE },
      { text: 'promot orders test→prod', error: 'Unknown command `promot`.', usage: GENERAL_USAGE },
      { text: `${'x'.repeat(60)}`, error: `Unknown command \`${'x'.repeat(39)}…\`.`, usage: GENERAL_USAGE },
      { text: 'list orders', error: '`list` takes no arguments.', usage: USAGE.list },
      { text: 'status orders payments', error: /Too many arguments/, usage: USAGE.status },
      { text: 'status orders.v2', error: '`orders.v2` is not a valid function name.', usage: USAGE.status },
      { text: 'status arn:aws:lambda:x', error: /is not a valid function name/, usage: USAGE.status },
      { text: `status ${'f'.repeat(65)}`, error: /is not a valid function name/, usage: USAGE.status },
      { text: 'versions', error: 'Which function? Give its name.', usage: USAGE.versions },
      { text: 'versions --limit 5', error: 'Which function? Give its name.', usage: USAGE.versions },
      { text: 'versions orders payments', error: 'Unexpected `payments`.', usage: USAGE.versions },
      { text: 'versions or/ders', error: '`or/ders` is not a valid function name.', usage: USAGE.versions },
      {
        text: 'versions orders --limit 0',
        error: '`--limit` takes a number from 1 to 50.',
        usage: USAGE.versions,
      },
      {
        text: 'versions orders --limit 51',
        error: '`--limit` takes a number from 1 to 50.',
        usage: USAGE.versions,
      },
      {
        text: 'versions orders --limit abc',
        error: '`--limit` takes a number from 1 to 50.',
        usage: USAGE.versions,
      },
      {
        text: 'versions orders --limit=-1',
        error: '`--limit` takes a number from 1 to 50.',
        usage: USAGE.versions,
      },
      {
        text: 'versions orders --limit=',
        error: '`--limit` takes a number from 1 to 50.',
        usage: USAGE.versions,
      },
      {
        text: 'versions orders --limit',
        error: '`--limit` takes a number from 1 to 50.',
        usage: USAGE.versions,
      },
      {
        text: 'versions orders --limit 5 --limit 6',
        error: '`--limit` is given twice.',
        usage: USAGE.versions,
      },
      {
        text: 'versions orders --limit=5 --limit=5',
        error: '`--limit` is given twice.',
        usage: USAGE.versions,
      },
      { text: 'versions orders --all', error: 'Unknown option `--all`.', usage: USAGE.versions },
      { text: 'promote', error: /Which function/, usage: USAGE.promote },
      { text: 'promote orders', error: /Give a source and a target/, usage: USAGE.promote },
      { text: 'promote orders test', error: /Give a source and a target/, usage: USAGE.promote },
      { text: 'promote orders test→', error: /Give a source and a target/, usage: USAGE.promote },
      { text: 'promote orders →prod', error: /Give a source and a target/, usage: USAGE.promote },
      { text: 'promote orders test→prod extra', error: /Give a source and a target/, usage: USAGE.promote },
      { text: 'promote orders dev test prod', error: /Give a source and a target/, usage: USAGE.promote },
      { text: 'promote orders prod prod', error: 'Source and target are both `prod`.', usage: USAGE.promote },
      { text: 'promote orders prod→prod', error: 'Source and target are both `prod`.', usage: USAGE.promote },
      {
        text: 'promote orders prod to prod',
        error: 'Source and target are both `prod`.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders te.st→prod',
        error: '`te.st` is not a valid alias name or version number.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders 41→prod',
        error: '`41` is not a valid alias name or version number.',
        usage: USAGE.promote,
      },
      { text: 'promote orders pr!od 42', error: '`pr!od` is not a valid alias name.', usage: USAGE.promote },
      { text: 'promote orders 41 42', error: '`41` is not a valid alias name.', usage: USAGE.promote },
      {
        text: 'promote orders prod 042',
        error: '`042` is not a valid alias name or version number.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders prod 0',
        error: '`0` is not a valid alias name or version number.',
        usage: USAGE.promote,
      },
      { text: 'promote orders! test→prod', error: /is not a valid function name/, usage: USAGE.promote },
      { text: 'rollback', error: 'Give a function and an alias.', usage: USAGE.rollback },
      { text: 'rollback orders', error: 'Give a function and an alias.', usage: USAGE.rollback },
      { text: 'rollback orders prod now', error: 'Unexpected `now`.', usage: USAGE.rollback },
      { text: 'rollback orders 42', error: '`42` is not a valid alias name.', usage: USAGE.rollback },
      { text: 'rollback or$ders prod', error: /is not a valid function name/, usage: USAGE.rollback },
      { text: 'history', error: 'Which function? Give its name.', usage: USAGE.history },
      { text: 'history orders prod extra', error: 'Unexpected `extra`.', usage: USAGE.history },
      { text: 'history orders 42', error: '`42` is not a valid alias name.', usage: USAGE.history },
      {
        text: 'history orders --limit 0',
        error: '`--limit` takes a number from 1 to 50.',
        usage: USAGE.history,
      },
      {
        text: 'history orders --limit 51',
        error: '`--limit` takes a number from 1 to 50.',
        usage: USAGE.history,
      },
      {
        text: 'history orders --limit abc',
        error: '`--limit` takes a number from 1 to 50.',
        usage: USAGE.history,
      },
      {
        text: 'history orders --limit 1 --limit 2',
        error: '`--limit` is given twice.',
        usage: USAGE.history,
      },
      { text: 'history orders --since 2d', error: 'Unknown option `--since`.', usage: USAGE.history },
      { text: 'cancel', error: /Which request/, usage: USAGE.cancel },
      { text: 'cancel R7K2M9QX4A now', error: 'Unexpected `now`.', usage: USAGE.cancel },
      { text: 'cancel R7K2M9QX4', error: '`R7K2M9QX4` is not a request id.', usage: USAGE.cancel },
      { text: 'cancel X7K2M9QX4A', error: '`X7K2M9QX4A` is not a request id.', usage: USAGE.cancel },
      { text: 'cancel R7K2M9QX4A1', error: '`R7K2M9QX4A1` is not a request id.', usage: USAGE.cancel },
    ])('$text', ({ text, error, usage }) => {
      // Act
      const result = parseCommand(text);

      // Assess
      expect(result.ok).toBe(false);
      if (result.ok) return;
      if (typeof error === 'string') expect(result.error).toBe(error);
      else expect(result.error).toMatch(error);
      expect(result.usage).toBe(usage);
    });

    it('names the subcommand in every usage line', () => {
      for (const kind of KINDS) expect(USAGE[kind]).toMatch(new RegExp(`^/lambda ${kind}\\b`));
      for (const kind of KINDS) expect(GENERAL_USAGE).toContain(kind);
    });
  });

  describe('properties', () => {
    const arrows = ['→', '->', '=>', '—>', '-&gt;', '=&gt;', ' to ', ' ', ' → ', ' -> '];
    const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);
    const noise = fc.constantFrom(
      'promote',
      'versions',
      'history',
      'cancel',
      'status',
      'list',
      'help',
      'rollback',
      '--limit',
      '--limit=',
      '→',
      '->',
      '-&gt;',
      '&amp;',
      '&lt;',
      'to',
      '42',
      '0',
      '<!channel>',
      '',
    );
    const anyText = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc
        .array(fc.oneof(noise, word, fc.string({ maxLength: 4 })), { maxLength: 8 })
        .map((words) => words.join(' ')),
    );

    it('never throws, and answers a known command or an error with its usage line', () => {
      fc.assert(
        fc.property(anyText, (text) => {
          // Act
          const result = parseCommand(text);

          // Assess
          if (result.ok) {
            expect(KINDS).toContain(result.command.kind);
          } else {
            expect(result.error.length).toBeGreaterThan(0);
            expect([GENERAL_USAGE, ...Object.values(USAGE)]).toContain(result.usage);
          }
        }),
        { numRuns: 500 },
      );
    });

    it('reads `<from><arrow><to>` as the same promotion for every arrow spelling', () => {
      fc.assert(
        fc.property(word, word, word, fc.constantFrom(...arrows), (fn, from, to, arrow) => {
          // Prepare
          fc.pre(from !== to && from !== 'to' && to !== 'to');

          // Act
          const result = parseCommand(`promote ${fn} ${from}${arrow}${to}`);

          // Assess
          expect(result).toEqual({ ok: true, command: { kind: 'promote', fn, from, to } });
        }),
        { numRuns: 300 },
      );
    });

    it('accepts every request id in any letter case', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^R[0-9A-Z]{9}$/), fc.boolean(), (id, lower) => {
          // Act
          const result = parseCommand(`cancel ${lower ? id.toLowerCase() : id}`);

          // Assess
          expect(REQUEST_ID.test(id)).toBe(true);
          expect(result).toEqual({ ok: true, command: { kind: 'cancel', requestId: id } });
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe('parseCommand: rollouts, guardrails and locks', () => {
  describe('accepted', () => {
    it.each<{ text: string; command: Command }>([
      // rollouts
      {
        text: 'promote orders test→prod --canary 10%',
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          rollout: { strategy: 'canary', steps: [10] },
        },
      },
      {
        text: 'promote orders test→prod --canary 10% --bake 10m',
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          rollout: { strategy: 'canary', steps: [10], bakeMs: 10 * MINUTE },
        },
      },
      {
        text: 'promote orders --bake=2h test -> prod --canary=1',
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          rollout: { strategy: 'canary', steps: [1], bakeMs: 2 * HOUR },
        },
      },
      {
        text: 'promote orders test→prod --canary 99% --bake 168h',
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          rollout: { strategy: 'canary', steps: [99], bakeMs: 168 * HOUR },
        },
      },
      {
        text: 'promote orders test→prod --linear 25%',
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          rollout: { strategy: 'linear', steps: [25, 50, 75] },
        },
      },
      {
        text: 'promote orders test to prod --linear 20 --every 5m',
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          rollout: { strategy: 'linear', steps: [20, 40, 60, 80], bakeMs: 5 * MINUTE },
        },
      },
      {
        text: 'promote orders test→prod --linear 50% --every 1M',
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          rollout: { strategy: 'linear', steps: [50], bakeMs: MINUTE },
        },
      },
      {
        text: 'promote orders prod 42 --all-at-once',
        command: {
          kind: 'promote',
          fn: 'orders',
          to: 'prod',
          version: '42',
          rollout: { strategy: 'allAtOnce', steps: [] },
        },
      },
      // macOS and Slack turn `--` into an em or en dash
      {
        text: 'promote orders test→prod —canary 10% –bake 5m',
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          rollout: { strategy: 'canary', steps: [10], bakeMs: 5 * MINUTE },
        },
      },
      {
        text: 'promote orders test→prod --SKIP-STAGES',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod', skipStages: true },
      },
      // stage order and freezes
      {
        text: 'promote orders dev→prod --skip-stages',
        command: { kind: 'promote', fn: 'orders', from: 'dev', to: 'prod', skipStages: true },
      },
      {
        text: 'promote orders test→prod --override hotfix for INC-42',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod', override: 'hotfix for INC-42' },
      },
      {
        text: 'promote orders test→prod --override=hotfix   for\tINC-42 --skip-stages',
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          override: 'hotfix for INC-42',
          skipStages: true,
        },
      },
      {
        // The reason keeps what was typed: no arrow is read as a promotion, entities are decoded.
        text: 'promote orders prod 42 --override revert 41 -&gt; 42 &amp; page <@U0PRIYA> --canary 5%',
        command: {
          kind: 'promote',
          fn: 'orders',
          to: 'prod',
          version: '42',
          override: 'revert 41 -> 42 & page <@U0PRIYA>',
          rollout: { strategy: 'canary', steps: [5] },
        },
      },
      {
        text: 'promote orders test→prod --override to prod',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod', override: 'to prod' },
      },
      {
        text: 'promote orders test→prod --override —well, hotfix',
        command: { kind: 'promote', fn: 'orders', from: 'test', to: 'prod', override: '—well, hotfix' },
      },
      {
        text: `promote orders test→prod --override ${'x'.repeat(MAX_REASON_LENGTH)}`,
        command: {
          kind: 'promote',
          fn: 'orders',
          from: 'test',
          to: 'prod',
          override: 'x'.repeat(MAX_REASON_LENGTH),
        },
      },
      {
        text: 'rollback orders prod --override incident INC-7',
        command: { kind: 'rollback', fn: 'orders', alias: 'prod', override: 'incident INC-7' },
      },
      // locks: the word after the function is an alias only when it is one of its stages
      { text: 'lock orders', command: { kind: 'lock', fn: 'orders' } },
      { text: 'lock orders prod', command: { kind: 'lock', fn: 'orders', alias: 'prod' } },
      {
        text: 'lock orders prod --for 2h migrating the database',
        command: {
          kind: 'lock',
          fn: 'orders',
          alias: 'prod',
          forMs: 2 * HOUR,
          reason: 'migrating the database',
        },
      },
      {
        text: 'lock orders migrating prod --for=90m',
        command: { kind: 'lock', fn: 'orders', forMs: 90 * MINUTE, reason: 'migrating prod' },
      },
      {
        text: 'lock orders --for 30m prod db <!channel> -&gt; done',
        command: {
          kind: 'lock',
          fn: 'orders',
          alias: 'prod',
          forMs: 30 * MINUTE,
          reason: 'db <!channel> -> done',
        },
      },
      { text: 'lock orders Prod', command: { kind: 'lock', fn: 'orders', reason: 'Prod' } },
      { text: 'lock orders staging', command: { kind: 'lock', fn: 'orders', reason: 'staging' } },
      { text: 'lock legacy prod', command: { kind: 'lock', fn: 'legacy', reason: 'prod' } },
      { text: 'lock unknown prod', command: { kind: 'lock', fn: 'unknown', reason: 'prod' } },
      { text: 'lock orders constructor', command: { kind: 'lock', fn: 'orders', reason: 'constructor' } },
      { text: 'LOCK orders dev', command: { kind: 'lock', fn: 'orders', alias: 'dev' } },
      { text: 'unlock orders', command: { kind: 'unlock', fn: 'orders' } },
      { text: 'unlock orders prod', command: { kind: 'unlock', fn: 'orders', alias: 'prod' } },
      { text: 'locks', command: { kind: 'locks' } },
      { text: 'Locks ', command: { kind: 'locks' } },
    ])('$text', ({ text, command }) => {
      // Act
      const result = parseCommand(text, CONTEXT);

      // Assess
      expect(result).toEqual({ ok: true, command });
    });

    it('without a context reads no word as a stage, so a lock covers the whole function', () => {
      expect(parseCommand('lock orders prod')).toEqual({
        ok: true,
        command: { kind: 'lock', fn: 'orders', reason: 'prod' },
      });
    });

    it('leaves out every option that was not given', () => {
      // Act
      const result = parseCommand('promote orders test→prod', CONTEXT);

      // Assess: no undefined keys, so a stored request's JSON carries nothing it was not asked.
      expect(result.ok && Object.keys(result.command)).toEqual(['kind', 'fn', 'from', 'to']);
    });
  });

  describe('rejected', () => {
    it.each<{ text: string; error: string; usage: string }>([
      // rollouts
      {
        text: 'promote orders test→prod --canary 10% --linear 25%',
        error: 'Give one rollout: `--canary` and `--linear` conflict.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --all-at-once --canary 10%',
        error: 'Give one rollout: `--canary` and `--all-at-once` conflict.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --all-at-once --linear 10 --canary 1',
        error: 'Give one rollout: `--canary` and `--linear` and `--all-at-once` conflict.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --canary 10% --canary 20%',
        error: '`--canary` is given twice.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --bake 10m',
        error: '`--bake` goes with `--canary` (a linear rollout takes `--every`).',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --linear 25% --bake 10m',
        error: '`--bake` goes with `--canary` (a linear rollout takes `--every`).',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --canary 10% --every 10m',
        error: '`--every` goes with `--linear` (a canary takes `--bake`).',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --all-at-once --bake 10m',
        error: '`--bake` goes with `--canary` (a linear rollout takes `--every`).',
        usage: USAGE.promote,
      },
      { text: 'promote orders test→prod --canary', error: CANARY_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --canary --bake 5m', error: CANARY_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --canary 0%', error: CANARY_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --canary 100%', error: CANARY_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --canary 10.5%', error: CANARY_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --canary 010%', error: CANARY_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --canary -5%', error: CANARY_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --canary 10%%', error: CANARY_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --canary ten', error: CANARY_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --linear 30%', error: LINEAR_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --linear 75%', error: LINEAR_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --linear 0', error: LINEAR_ERROR, usage: USAGE.promote },
      { text: 'promote orders test→prod --linear', error: LINEAR_ERROR, usage: USAGE.promote },
      {
        text: 'promote orders test→prod --canary 10% --bake',
        error: `\`--bake\` needs a duration: ${DURATION_RANGE}.`,
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --canary 10% --bake 10',
        error: `\`--bake 10\` is not a duration: ${DURATION_RANGE}.`,
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --canary 10% --bake 30s',
        error: `\`--bake 30s\` is not a duration: ${DURATION_RANGE}.`,
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --canary 10% --bake 1d',
        error: `\`--bake 1d\` is not a duration: ${DURATION_RANGE}.`,
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --canary 10% --bake 1h30m',
        error: `\`--bake 1h30m\` is not a duration: ${DURATION_RANGE}.`,
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --canary 10% --bake 0m',
        error: `\`--bake 0m\` is out of range: ${DURATION_RANGE}.`,
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --linear 10% --every 169h',
        error: `\`--every 169h\` is out of range: ${DURATION_RANGE}.`,
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --linear 10% --every 999999m',
        error: `\`--every 999999m\` is out of range: ${DURATION_RANGE}.`,
        usage: USAGE.promote,
      },
      // switches, overrides, unknown options
      {
        text: 'promote orders test→prod --skip-stages --skip-stages',
        error: '`--skip-stages` is given twice.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --skip-stages=yes',
        error: '`--skip-stages` takes no value.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --all-at-once=true',
        error: '`--all-at-once` takes no value.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --override',
        error: '`--override` needs a reason, e.g. `--override hotfix for INC-42`.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --override --skip-stages',
        error: '`--override` needs a reason, e.g. `--override hotfix for INC-42`.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --override=',
        error: '`--override` needs a reason, e.g. `--override hotfix for INC-42`.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --override a --override b',
        error: '`--override` is given twice.',
        usage: USAGE.promote,
      },
      {
        text: `promote orders test→prod --override ${'x'.repeat(MAX_REASON_LENGTH + 1)}`,
        error: `The reason is too long: keep it within ${MAX_REASON_LENGTH} characters.`,
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --override hotfix --force',
        error: 'Unknown option `--force`.',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders test→prod --limit 5',
        error: 'Unknown option `--limit`.',
        usage: USAGE.promote,
      },
      { text: 'promote orders test→prod --for 2h', error: 'Unknown option `--for`.', usage: USAGE.promote },
      {
        text: 'promote orders test→prod --canary10%',
        error: 'Unknown option `--canary10%`.',
        usage: USAGE.promote,
      },
      {
        text: 'promote --override hotfix orders test→prod',
        error: 'Which function, and from which alias to which?',
        usage: USAGE.promote,
      },
      {
        text: 'promote orders --canary 10%',
        error: 'Give a source and a target, e.g. `test→prod`, or an alias and a version number.',
        usage: USAGE.promote,
      },
      {
        text: 'rollback orders prod --override',
        error: '`--override` needs a reason, e.g. `--override hotfix for INC-42`.',
        usage: USAGE.rollback,
      },
      {
        text: 'rollback orders prod --canary 10%',
        error: 'Unknown option `--canary`.',
        usage: USAGE.rollback,
      },
      {
        text: 'rollback orders prod --skip-stages',
        error: 'Unknown option `--skip-stages`.',
        usage: USAGE.rollback,
      },
      // locks
      {
        text: 'lock',
        error: 'Which function? Give its name (and an alias, or none for all).',
        usage: USAGE.lock,
      },
      {
        text: 'lock --for 2h',
        error: 'Which function? Give its name (and an alias, or none for all).',
        usage: USAGE.lock,
      },
      { text: 'lock or.ders prod', error: '`or.ders` is not a valid function name.', usage: USAGE.lock },
      {
        text: 'lock orders prod --for',
        error: `\`--for\` needs a duration: ${DURATION_RANGE}.`,
        usage: USAGE.lock,
      },
      {
        text: 'lock orders prod --for 2d',
        error: `\`--for 2d\` is not a duration: ${DURATION_RANGE}.`,
        usage: USAGE.lock,
      },
      {
        text: 'lock orders prod --for 200h',
        error: `\`--for 200h\` is out of range: ${DURATION_RANGE}.`,
        usage: USAGE.lock,
      },
      { text: 'lock orders prod --for 1h --for 2h', error: '`--for` is given twice.', usage: USAGE.lock },
      { text: 'lock orders prod --until 5pm', error: 'Unknown option `--until`.', usage: USAGE.lock },
      {
        text: `lock orders prod ${'why '.repeat(80)}`,
        error: `The reason is too long: keep it within ${MAX_REASON_LENGTH} characters.`,
        usage: USAGE.lock,
      },
      {
        text: 'unlock',
        error: 'Which function? Give its name (and the alias, if one).',
        usage: USAGE.unlock,
      },
      { text: 'unlock orders prod now', error: 'Unexpected `now`.', usage: USAGE.unlock },
      { text: 'unlock orders 42', error: '`42` is not a valid alias name.', usage: USAGE.unlock },
      { text: 'unlock orders$ prod', error: '`orders$` is not a valid function name.', usage: USAGE.unlock },
      { text: 'locks orders', error: '`locks` takes no arguments.', usage: USAGE.locks },
    ])('$text', ({ text, error, usage }) => {
      // Act
      const result = parseCommand(text, CONTEXT);

      // Assess
      expect(result).toEqual({ ok: false, error, usage });
    });
  });

  describe('properties', () => {
    it('reads the word after the function as an alias exactly when it is one of its stages', () => {
      const alias = fc.stringMatching(/^[a-z][a-z0-9_-]{0,9}$/);
      fc.assert(
        fc.property(fc.uniqueArray(alias, { maxLength: 4 }), alias, fc.boolean(), (stages, word, withFor) => {
          // Prepare
          const context: ParseContext = { stagesOf: (fn) => (fn === 'orders' ? stages : undefined) };

          // Act
          const result = parseCommand(`lock orders ${word}${withFor ? ' --for 1h' : ''} because`, context);

          // Assess
          expect(result).toEqual({
            ok: true,
            command: {
              kind: 'lock',
              fn: 'orders',
              ...(stages.includes(word) ? { alias: word, reason: 'because' } : { reason: `${word} because` }),
              ...(withFor ? { forMs: HOUR } : {}),
            },
          });
        }),
        { numRuns: 300 },
      );
    });

    it('never throws on options in any order and mix', () => {
      const option = fc.constantFrom(
        '--canary',
        '--canary=10%',
        '--linear',
        '--every',
        '--bake',
        '--all-at-once',
        '--skip-stages',
        '--override',
        '--for',
        '—canary',
        '--',
        '10%',
        '25',
        '5m',
        '2h',
        'reason',
        'prod',
        'test→prod',
        '42',
      );
      const sub = fc.constantFrom(
        'promote orders',
        'rollback orders',
        'lock orders',
        'unlock orders',
        'locks',
      );
      fc.assert(
        fc.property(sub, fc.array(option, { maxLength: 8 }), (start, words) => {
          // Act
          const result = parseCommand(`${start} ${words.join(' ')}`, CONTEXT);

          // Assess
          if (result.ok) {
            expect(KINDS).toContain(result.command.kind);
            if (result.command.kind === 'promote' && result.command.rollout) {
              const { steps } = result.command.rollout;
              for (const [i, share] of steps.entries()) {
                expect(share).toBeGreaterThan(i === 0 ? 0 : (steps[i - 1] as number));
                expect(share).toBeLessThan(100);
              }
            }
          } else {
            expect(Object.values(USAGE)).toContain(result.usage);
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});
