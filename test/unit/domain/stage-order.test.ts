import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideStageOrder,
  type StageOrderInput,
  type StageReason,
  stageReasonText,
} from '../../../src/domain/stage-order';

const NOW = new Date('2030-05-06T10:00:00.000Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const STAGES = ['dev', 'test', 'prod'];

function input(overrides: Partial<StageOrderInput> = {}): StageOrderInput {
  return {
    kind: 'promote',
    stages: STAGES,
    from: 'test',
    to: 'prod',
    version: '42',
    previousStage: { hasVersionNow: true, appliedAt: ago(120) },
    mode: 'warn',
    skipStages: false,
    now: NOW,
    ...overrides,
  };
}

const codes = (reasons: StageReason[] | undefined) => reasons?.map((reason) => reason.code);
const reasonsOf = (verdict: ReturnType<typeof decideStageOrder>) =>
  verdict.kind === 'ok' ? undefined : verdict.reasons;

describe('decideStageOrder: the order', () => {
  it.each<[string, Partial<StageOrderInput>, string, string[] | undefined]>([
    ['test→prod in order', {}, 'ok', undefined],
    ['dev→test in order', { from: 'dev', to: 'test' }, 'ok', undefined],
    ['dev→prod skips test (warn)', { from: 'dev' }, 'warn', ['skips']],
    ['dev→prod skips test (strict)', { from: 'dev', mode: 'strict' }, 'refuse', ['skips']],
    [
      'dev→prod (strict, --skip-stages): flagged, not refused',
      { from: 'dev', mode: 'strict', skipStages: true },
      'warn',
      ['skips'],
    ],
    ['prod→test backwards (warn)', { from: 'prod', to: 'test' }, 'warn', ['backwards']],
    ['prod→test backwards (strict)', { from: 'prod', to: 'test', mode: 'strict' }, 'refuse', ['backwards']],
    ['to the first stage: no previous stage', { from: 'prod', to: 'dev', mode: 'strict' }, 'ok', undefined],
    ['to an alias outside the stages', { from: 'dev', to: 'canary', mode: 'strict' }, 'ok', undefined],
    ['a function without stages', { stages: [], from: 'a', to: 'b', mode: 'strict' }, 'ok', undefined],
    ['an explicit version on the previous stage now', { from: undefined }, 'ok', undefined],
    [
      'an explicit version applied there before, since replaced',
      { from: undefined, previousStage: { hasVersionNow: false, appliedAt: ago(600), leftAt: ago(60) } },
      'ok',
      undefined,
    ],
    [
      'an explicit version that never ran there (warn)',
      { from: undefined, previousStage: { hasVersionNow: false } },
      'warn',
      ['not-on-previous'],
    ],
    [
      'an explicit version that never ran there (strict)',
      { from: undefined, mode: 'strict', previousStage: { hasVersionNow: false } },
      'refuse',
      ['not-on-previous'],
    ],
    [
      'a source alias outside the stages, version never on the previous stage',
      { from: 'hotfix', mode: 'strict', previousStage: { hasVersionNow: false } },
      'refuse',
      ['not-on-previous'],
    ],
    [
      'a rollback, backwards and never there, strict: exempt',
      {
        kind: 'rollback',
        from: 'prod',
        to: 'test',
        mode: 'strict',
        previousStage: { hasVersionNow: false },
        minSoakMs: 3_600_000,
      },
      'ok',
      undefined,
    ],
  ])('%s → %s', (_name, overrides, kind, reasonCodes) => {
    const verdict = decideStageOrder(input(overrides));

    expect(verdict.kind).toBe(kind);
    expect(codes(reasonsOf(verdict))).toEqual(reasonCodes);
  });

  it('names the skipped stages', () => {
    const verdict = decideStageOrder(input({ stages: ['dev', 'qa', 'test', 'prod'], from: 'dev' }));

    expect(reasonsOf(verdict)).toEqual([{ code: 'skips', from: 'dev', to: 'prod', skipped: ['qa', 'test'] }]);
  });
});

describe('decideStageOrder: minSoak', () => {
  const HOUR = 3_600_000;

  it.each<[string, Partial<StageOrderInput>, string, string[] | undefined, number | undefined]>([
    ['ran 2h of 1h', { minSoakMs: HOUR }, 'ok', undefined, 120 * 60_000],
    [
      'ran exactly 1h of 1h',
      { minSoakMs: HOUR, previousStage: { hasVersionNow: true, appliedAt: ago(60) } },
      'ok',
      undefined,
      HOUR,
    ],
    [
      'ran 59m of 1h: refused even under warn',
      { minSoakMs: HOUR, previousStage: { hasVersionNow: true, appliedAt: ago(59) } },
      'refuse',
      ['soak-short'],
      59 * 60_000,
    ],
    [
      'ran 59m of 1h with --skip-stages: flagged',
      { minSoakMs: HOUR, skipStages: true, previousStage: { hasVersionNow: true, appliedAt: ago(59) } },
      'warn',
      ['soak-short'],
      59 * 60_000,
    ],
    [
      'on the previous stage without an APPLIED record (moved by hand)',
      { minSoakMs: HOUR, previousStage: { hasVersionNow: true } },
      'refuse',
      ['soak-unknown'],
      undefined,
    ],
    [
      'ran 3h there before it left 2h ago: counted to when it left',
      {
        minSoakMs: 4 * HOUR,
        from: undefined,
        previousStage: { hasVersionNow: false, appliedAt: ago(300), leftAt: ago(120) },
      },
      'refuse',
      ['soak-short'],
      180 * 60_000,
    ],
    [
      'skipping a stage and too short: both reasons',
      { minSoakMs: HOUR, from: 'dev', previousStage: { hasVersionNow: true, appliedAt: ago(5) } },
      'refuse',
      ['skips', 'soak-short'],
      5 * 60_000,
    ],
    [
      'a zero minSoak asks nothing',
      { minSoakMs: 0, previousStage: { hasVersionNow: true } },
      'ok',
      undefined,
      undefined,
    ],
  ])('%s → %s', (_name, overrides, kind, reasonCodes, ranMs) => {
    const verdict = decideStageOrder(input(overrides));

    expect(verdict.kind).toBe(kind);
    expect(codes(reasonsOf(verdict))).toEqual(reasonCodes);
    expect(verdict.soak?.ranMs).toBe(ranMs);
  });

  it('says how long it has soaked on an ok verdict, for the card', () => {
    expect(decideStageOrder(input({ minSoakMs: HOUR })).soak).toEqual({
      previous: 'test',
      ranMs: 2 * HOUR,
      requiredMs: HOUR,
    });
  });

  it('never refuses under warn without a soak rule, and never refuses with --skip-stages (property)', () => {
    const alias = fc.constantFrom('dev', 'test', 'prod', 'other');
    fc.assert(
      fc.property(
        alias,
        fc.option(alias, { nil: undefined }),
        fc.boolean(),
        fc.boolean(),
        (to, from, hasVersionNow, strict) => {
          const base = input({
            from,
            to,
            previousStage: { hasVersionNow },
            mode: strict ? 'strict' : 'warn',
          });
          expect(decideStageOrder({ ...base, mode: 'warn' }).kind).not.toBe('refuse');
          expect(decideStageOrder({ ...base, skipStages: true, minSoakMs: 3_600_000 }).kind).not.toBe(
            'refuse',
          );
        },
      ),
    );
  });
});

describe('stageReasonText', () => {
  it.each<[StageReason, string]>([
    [{ code: 'backwards', from: 'prod', to: 'test' }, 'prod→test goes backwards in the promotion order'],
    [{ code: 'skips', from: 'dev', to: 'prod', skipped: ['qa', 'test'] }, 'dev→prod skips qa, test'],
    [{ code: 'not-on-previous', version: '42', previous: 'test' }, 'version 42 never ran on test'],
    [
      { code: 'soak-unknown', version: '42', previous: 'test', requiredMs: 1_800_000 },
      'version 42 has no recorded time on test; it must run there 30m first',
    ],
    [
      { code: 'soak-short', version: '42', previous: 'test', ranMs: 600_000, requiredMs: 3_600_000 },
      'version 42 has run on test for 10m, less than the 1h required',
    ],
  ])('%j', (reason, text) => {
    expect(stageReasonText(reason)).toBe(text);
  });
});
