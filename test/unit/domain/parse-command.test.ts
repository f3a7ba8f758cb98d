import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Command,
  type CommandKind,
  GENERAL_USAGE,
  parseCommand,
  REQUEST_ID,
  USAGE,
} from '../../../src/domain/parse-command';

const KINDS: CommandKind[] = [
  'help',
  'list',
  'status',
  'versions',
  'promote',
  'rollback',
  'history',
  'cancel',
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
