import { describe, expect, it } from 'vitest';
import { isCiPromoteEvent, parseCiPromote } from '../../../src/domain/ci-promote';

const VALID = {
  kind: 'ci.promote',
  function: 'orders',
  to: 'dev',
  version: '42',
  channel: 'C0RELEASES',
  requestedBy: 'github-actions: acme/orders run 991',
};

describe('parseCiPromote', () => {
  it('reads a version request', () => {
    expect(parseCiPromote(VALID)).toEqual({
      ok: true,
      value: {
        function: 'orders',
        to: 'dev',
        version: '42',
        channel: 'C0RELEASES',
        requestedBy: 'github-actions: acme/orders run 991',
      },
    });
  });

  it('reads a from request, in a private channel, trimming requestedBy', () => {
    const { version: _, ...rest } = VALID;
    expect(parseCiPromote({ ...rest, from: 'test', channel: 'G0PRIVATE', requestedBy: '  ci  ' })).toEqual({
      ok: true,
      value: { function: 'orders', to: 'dev', from: 'test', channel: 'G0PRIVATE', requestedBy: 'ci' },
    });
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'ci.promote', 'the event must be a JSON object'],
    ['an array', [VALID], 'the event must be a JSON object'],
    ['null', null, 'the event must be a JSON object'],
    ['another kind', { ...VALID, kind: 'ci.approve' }, '"kind" must be "ci.promote"'],
    ['a numeric alias', { ...VALID, to: '42' }, '"to" must be an alias name'],
    ['a 129-character alias', { ...VALID, to: 'a'.repeat(129) }, '"to" must be an alias name'],
    ['version 0', { ...VALID, version: '0' }, '"version" must be a published version number'],
    ['a version with spaces', { ...VALID, version: ' 42' }, '"version" must be a published version number'],
    ['a DM channel', { ...VALID, channel: 'D0ABC' }, '"channel" must be a Slack channel id'],
    ['a lower-case channel', { ...VALID, channel: 'c0releases' }, '"channel" must be a Slack channel id'],
    ['an empty requestedBy', { ...VALID, requestedBy: '   ' }, '"requestedBy" must be a non-empty string'],
    ['a requestedBy object', { ...VALID, requestedBy: { arn: 'x' } }, 'got an object'],
    [
      'a prototype key',
      JSON.parse('{"__proto__": {"x": 1}, "kind": "ci.promote"}'),
      'unknown key "__proto__"',
    ],
  ])('refuses %s', (_, event, says) => {
    const parsed = parseCiPromote(event);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.join('; ')).toContain(says);
  });

  it('lists every problem at once', () => {
    const parsed = parseCiPromote({ kind: 'ci.promote', extra: 1 });

    expect(parsed.ok ? [] : parsed.problems).toEqual([
      'unknown key "extra" (allowed: kind, function, to, version, from, channel, requestedBy)',
      '"requestedBy" is required: who asks, e.g. "github-actions: acme/orders run 991"',
      '"function" is required',
      '"to" is required',
      '"channel" is required: where the approval card is posted',
      'one of "version" (a version number) and "from" (an alias) is required',
    ]);
  });
});

describe('isCiPromoteEvent', () => {
  it.each([
    [VALID, true],
    [{ kind: 'ci.promote' }, true],
    [{ kind: 'heartbeat' }, false],
    [{ source: 'lambda-chatops/task', task: { kind: 'apply' } }, false],
    [null, false],
    ['ci.promote', false],
  ])('%j → %s', (event, expected) => {
    expect(isCiPromoteEvent(event)).toBe(expected);
  });
});
