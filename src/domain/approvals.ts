// Counting a request's approvals against its rules. A request normally needs its alias's rule
// only; one made with `--override` during a freeze also needs the `freezeOverride` rule's
// approvals (DESIGN.md section 3b). One person's approval counts once, for one rule: each APPROVED
// event records the rules its approver was allowed for when they clicked (`approvedFor`), and the
// approvals are shared out here so that the most rules are met: those allowed for one rule count
// for it, those allowed for both fill what is still missing. With two rules this greedy sharing
// is a maximum matching, so an approval is never "used up" on a rule that did not need it.

import type { AuditEvent, ChangeRequest, RequestState } from './request';
import type { ApprovalRuleName } from './request-guards';

export interface ApprovalProgress {
  /** Approvers counted for the alias's rule (every approver, for a request without override). */
  approvals: string[];
  /** Approvers counted for the freeze override (empty without one). */
  freezeOverride: string[];
  /** Each rule has its required count. */
  complete: boolean;
}

export interface GivenApproval {
  actor: string;
  for: ApprovalRuleName[];
}

/** The distinct approvals among a request's events, in order. */
export function givenApprovals(events: AuditEvent[]): GivenApproval[] {
  const given: GivenApproval[] = [];
  for (const event of events) {
    if (event.action !== 'APPROVED' || given.some((approval) => approval.actor === event.actor)) continue;
    given.push({ actor: event.actor, for: event.approvedFor ?? ['approvals'] });
  }
  return given;
}

export function countApprovals(request: ChangeRequest, given: GivenApproval[]): ApprovalProgress {
  const override = request.guards?.override;
  if (!override) {
    const approvals = given.map((approval) => approval.actor);
    return { approvals, freezeOverride: [], complete: approvals.length >= request.rule.required };
  }
  const need: Record<ApprovalRuleName, number> = {
    approvals: request.rule.required,
    freezeOverride: override.rule.required,
  };
  const counted: Record<ApprovalRuleName, string[]> = { approvals: [], freezeOverride: [] };
  const both: string[] = [];
  for (const approval of given) {
    const rules = approval.for.filter((rule) => rule in need);
    if (rules.length === 1) {
      const rule = rules[0] as ApprovalRuleName;
      if (counted[rule].length < need[rule]) counted[rule].push(approval.actor);
    } else if (rules.length > 1) {
      both.push(approval.actor);
    }
  }
  for (const actor of both) {
    const rule = (['approvals', 'freezeOverride'] as const).find((name) => counted[name].length < need[name]);
    if (rule) counted[rule].push(actor);
  }
  return {
    ...counted,
    complete:
      counted.approvals.length >= need.approvals && counted.freezeOverride.length >= need.freezeOverride,
  };
}

/** How many approvals each rule still misses. */
export function missingApprovals(request: ChangeRequest, progress: ApprovalProgress) {
  return {
    approvals: Math.max(0, request.rule.required - progress.approvals.length),
    freezeOverride: request.guards?.override
      ? Math.max(0, request.guards.override.rule.required - progress.freezeOverride.length)
      : 0,
  };
}

/** A state's approval progress (folded states carry it; a state built by hand may not). */
export function progressOf(state: Pick<RequestState, 'request' | 'events' | 'progress'>): ApprovalProgress {
  return state.progress ?? countApprovals(state.request, givenApprovals(state.events));
}
