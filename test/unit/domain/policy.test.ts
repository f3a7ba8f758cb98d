import { describe, expect, it } from 'vitest';
import { defaultGuardrails } from '../../../src/domain/config-model';
import type { ApprovalRule, ChatopsConfig } from '../../../src/domain/model';
import { groupsIn, mayApprove, mayRequestIn, ruleFor, type Verdict } from '../../../src/domain/policy';
import { managedFunction } from '../fixtures';

const NOT_APPROVER: Verdict = { allowed: false, reason: 'not an approver for this alias' };
const SELF: Verdict = { allowed: false, reason: 'requesters may not approve their own requests' };
const ALLOWED: Verdict = { allowed: true };

function config(overrides: Partial<ChatopsConfig> = {}): ChatopsConfig {
  return {
    ...defaultGuardrails(),
    functions: { orders: managedFunction() },
    approvals: {
      default: { approvers: 'anyone', required: 1 },
      prod: { approvers: ['U012AB3CD', 'S0PLATFORM'], required: 2 },
    },
    selfApproval: false,
    requestTtlMinutes: 60,
    channels: [],
    ...overrides,
  };
}

describe('mayApprove', () => {
  const anyone: ApprovalRule = { approvers: 'anyone', required: 1 };
  const named: ApprovalRule = { approvers: ['UALICE', 'WBOB'], required: 1 };
  const withGroup: ApprovalRule = { approvers: ['UALICE', 'S0PLATFORM', 'S0SRE'], required: 2 };
  const groups = { S0PLATFORM: ['UPAT', 'UQUINN'], S0SRE: ['URILEY'], S0OTHER: ['UMALLORY'] };

  it.each<{ name: string; rule: ApprovalRule; self: boolean; actor: string; expected: Verdict }>([
    { name: 'anyone: a teammate', rule: anyone, self: false, actor: 'UALICE', expected: ALLOWED },
    {
      name: 'anyone: the requester, no self-approval',
      rule: anyone,
      self: false,
      actor: 'UREQ',
      expected: SELF,
    },
    {
      name: 'anyone: the requester, self-approval on',
      rule: anyone,
      self: true,
      actor: 'UREQ',
      expected: ALLOWED,
    },
    { name: 'named: a listed user', rule: named, self: false, actor: 'UALICE', expected: ALLOWED },
    { name: 'named: a listed enterprise user', rule: named, self: false, actor: 'WBOB', expected: ALLOWED },
    { name: 'named: someone else', rule: named, self: false, actor: 'UMALLORY', expected: NOT_APPROVER },
    {
      name: 'named: a near miss of a listed id',
      rule: named,
      self: false,
      actor: 'UALIC',
      expected: NOT_APPROVER,
    },
    {
      name: 'group: a member of the first group',
      rule: withGroup,
      self: false,
      actor: 'UQUINN',
      expected: ALLOWED,
    },
    {
      name: 'group: a member of the second group',
      rule: withGroup,
      self: false,
      actor: 'URILEY',
      expected: ALLOWED,
    },
    {
      name: 'group: a named user beside groups',
      rule: withGroup,
      self: false,
      actor: 'UALICE',
      expected: ALLOWED,
    },
    {
      name: 'group: a member of a group the rule does not name',
      rule: withGroup,
      self: false,
      actor: 'UMALLORY',
      expected: NOT_APPROVER,
    },
    {
      name: 'listed requester, no self-approval',
      rule: { approvers: ['UREQ', 'UALICE'], required: 1 },
      self: false,
      actor: 'UREQ',
      expected: SELF,
    },
    {
      name: 'listed requester, self-approval on',
      rule: { approvers: ['UREQ', 'UALICE'], required: 1 },
      self: true,
      actor: 'UREQ',
      expected: ALLOWED,
    },
    {
      name: 'unlisted requester, self-approval on, still not an approver',
      rule: named,
      self: true,
      actor: 'UREQ',
      expected: NOT_APPROVER,
    },
  ])('$name', ({ rule, self, actor, expected }) => {
    // Act
    const verdict = mayApprove({ rule, selfApproval: self, requester: 'UREQ', actor, groupMembers: groups });

    // Assess
    expect(verdict).toEqual(expected);
  });

  it('denies by default when a group’s members are unknown', () => {
    // Act
    const verdict = mayApprove({
      rule: withGroup,
      selfApproval: false,
      requester: 'UREQ',
      actor: 'UPAT',
      groupMembers: {},
    });

    // Assess
    expect(verdict).toEqual(NOT_APPROVER);
  });
});

describe('groupsIn', () => {
  it.each<{ rule: ApprovalRule; groups: string[] }>([
    { rule: { approvers: 'anyone', required: 1 }, groups: [] },
    { rule: { approvers: ['UALICE', 'WBOB'], required: 1 }, groups: [] },
    { rule: { approvers: ['UALICE', 'S0PLATFORM', 'S0SRE'], required: 1 }, groups: ['S0PLATFORM', 'S0SRE'] },
  ])('$rule.approvers → $groups', ({ rule, groups }) => {
    expect(groupsIn(rule)).toEqual(groups);
  });
});

describe('ruleFor', () => {
  it.each<{ alias: string; expected: ApprovalRule }>([
    { alias: 'prod', expected: { approvers: ['U012AB3CD', 'S0PLATFORM'], required: 2 } },
    { alias: 'test', expected: { approvers: 'anyone', required: 1 } },
    { alias: 'dev', expected: { approvers: 'anyone', required: 1 } },
    { alias: 'Prod', expected: { approvers: 'anyone', required: 1 } },
  ])('$alias', ({ alias, expected }) => {
    expect(ruleFor(config(), alias)).toEqual(expected);
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'falls back to the default for an alias named like an Object property (%s)',
    (alias) => {
      expect(ruleFor(config(), alias)).toEqual({ approvers: 'anyone', required: 1 });
    },
  );
});

describe('mayRequestIn', () => {
  it.each<{ channels: string[]; channel: string; expected: boolean }>([
    { channels: [], channel: 'C0ANY', expected: true },
    { channels: ['C0RELEASES'], channel: 'C0RELEASES', expected: true },
    { channels: ['C0RELEASES', 'G0PRIVATE'], channel: 'G0PRIVATE', expected: true },
    { channels: ['C0RELEASES'], channel: 'C0RANDOM', expected: false },
    { channels: ['C0RELEASES'], channel: 'c0releases', expected: false },
  ])('$channel in $channels → $expected', ({ channels, channel, expected }) => {
    expect(mayRequestIn(config({ channels }), channel)).toBe(expected);
  });
});
