// Who may do what, decided from configuration alone (deny by default). User groups are resolved
// by the caller and passed in, so this stays pure and testable.
import type { ApprovalRule, ChatopsConfig } from './model';

export function ruleFor(config: ChatopsConfig, alias: string): ApprovalRule {
  // Own keys only: an alias may be called `constructor` or `toString`.
  return Object.hasOwn(config.approvals, alias)
    ? (config.approvals[alias] as ApprovalRule)
    : config.approvals.default;
}

/** The user groups a rule names, whose members the caller must look up. */
export function groupsIn(rule: ApprovalRule): string[] {
  return rule.approvers === 'anyone' ? [] : rule.approvers.filter((id) => id.startsWith('S'));
}

export type Verdict = { allowed: true } | { allowed: false; reason: string };

/**
 * May `actor` approve (or reject) a request made by `requester` under `rule`?
 * `groupMembers` maps each group of the rule to its members.
 */
export function mayApprove(input: {
  rule: ApprovalRule;
  selfApproval: boolean;
  requester: string;
  actor: string;
  groupMembers: Record<string, string[]>;
}): Verdict {
  const { rule, selfApproval, requester, actor, groupMembers } = input;
  if (actor === requester && !selfApproval) {
    return { allowed: false, reason: 'requesters may not approve their own requests' };
  }
  if (rule.approvers === 'anyone') return { allowed: true };
  const named = rule.approvers.includes(actor);
  const inGroup = groupsIn(rule).some((group) => groupMembers[group]?.includes(actor));
  return named || inGroup ? { allowed: true } : { allowed: false, reason: 'not an approver for this alias' };
}

/** May a change be requested in `channel`? */
export function mayRequestIn(config: ChatopsConfig, channel: string): boolean {
  return config.channels.length === 0 || config.channels.includes(channel);
}
