// The guardrails a request must pass when it is made (DESIGN.md section 3b), in one function that
// every way of making a request goes through (a person's command, ci.promote, auto-promotion):
// the alias's locks, its freeze windows, the promotion order and `minSoak`. The adapters fetch,
// the domain decides (lock.ts, freeze.ts, stage-order.ts), and what was found travels with the
// request (RequestGuards) for its card and its approvals. Also what the worker and rollouts ask
// before they move an alias: which lock or freeze holds it now (`guardsFor`).
import { isChatopsError } from '../domain/errors';
import { describeFreeze, type FreezeOccurrence, freezeFor } from '../domain/freeze';
import { GuardRefusal } from '../domain/guard-refusal';
import { describeLock, type Lock, lockFor, mayPassLocks } from '../domain/lock';
import type { ApprovalRule, ManagedFunction } from '../domain/model';
import { groupsIn, mayApprove } from '../domain/policy';
import type { ChangeRequest } from '../domain/request';
import type { ApprovalRuleName, RequestGuards } from '../domain/request-guards';
import type { SentencePart } from '../domain/sentence';
import { decideStageOrder, type StageVerdict, stageReasonText } from '../domain/stage-order';
import type { LockSet } from '../ports';
import { allSettledOrThrow } from './all-settled-or-throw';
import type { Deps } from './deps';

export interface GuardInput {
  kind: ChangeRequest['kind'];
  fn: ManagedFunction;
  /** The target alias. */
  alias: string;
  toVersion: string;
  sourceAlias?: string | undefined;
  /** Who asks: a Slack user id, or `ci` / `system`, who never hold a lock. */
  requester: string;
  skipStages?: boolean | undefined;
  /** `--override <reason>`. */
  override?: string | undefined;
  /** The function's locks, when the caller read them already (beside its own first reads). */
  locks?: LockSet;
}

/**
 * Refuses the request (GuardRefusal, saying why) or returns what its card and approvals must
 * carry. Reads the function's locks (one item) and, for a promotion with a previous stage, that
 * stage's alias and its applied history, all at once.
 */
export async function checkRequestGuards(deps: Deps, input: GuardInput): Promise<RequestGuards> {
  const { config } = deps;
  const { fn, alias, requester } = input;
  const [lockSet, stage] = await allSettledOrThrow([
    input.locks ?? deps.locks.read(fn.key),
    stageVerdict(deps, input),
  ]);
  const now = deps.clock.now();

  const locked = mayPassLocks(lockSet.locks, fn.key, alias, requester, now);
  if (!locked.allowed) {
    throw new GuardRefusal([
      ...describeLock(locked.lock),
      { kind: 'text', text: ' Only its holder may request changes until it ends.' },
    ]);
  }
  const ownLock = lockFor(lockSet.locks, fn.key, alias, now);

  const freeze = freezeFor(config.freezes, alias, now);
  let override: RequestGuards['override'];
  if (freeze) {
    if (input.override === undefined) {
      throw new GuardRefusal([
        ...describeFreeze(alias, freeze),
        {
          kind: 'text',
          text: config.freezeOverride
            ? ' To ask anyway, say why with `--override <reason>`: the request then also needs the freeze override approval.'
            : ' No `freezeOverride` rule is configured, so it cannot be overridden.',
        },
      ]);
    }
    if (!config.freezeOverride) {
      throw new GuardRefusal([
        ...describeFreeze(alias, freeze),
        { kind: 'text', text: ' No `freezeOverride` rule is configured, so `--override` cannot pass it.' },
      ]);
    }
    override = {
      reason: input.override,
      freeze: freeze.window.name,
      timezone: freeze.window.timezone,
      until: freeze.end.toISOString(),
      rule: config.freezeOverride,
    };
  }

  if (stage.kind === 'refuse') throw new GuardRefusal(stageRefusal(stage, config.stageOrder));
  return {
    ...(override ? { override } : {}),
    ...(stage.kind === 'warn' ? { stageWarnings: stage.reasons } : {}),
    ...(input.skipStages ? { skipStages: true as const } : {}),
    ...(stage.soak ? { soak: stage.soak } : {}),
    ...(ownLock ? { lock: ownLock } : {}),
  };
}

/** The promotion-order verdict, after reading where the version ran on the previous stage. */
async function stageVerdict(deps: Deps, input: GuardInput): Promise<StageVerdict> {
  const { fn, alias, toVersion } = input;
  const previous = fn.stages[fn.stages.indexOf(alias) - 1];
  if (input.kind === 'rollback' || previous === undefined) return { kind: 'ok' };
  const minSoakMs = Object.hasOwn(deps.config.minSoakMs, alias) ? deps.config.minSoakMs[alias] : undefined;
  // Read only what the verdict needs: where the version ran matters for an explicit version (or a
  // source outside the stages), its APPLIED time there for a soak. dev→test without a soak reads nothing.
  const judgedByWhereItRan = input.sourceAlias === undefined || !fn.stages.includes(input.sourceAlias);
  const [previousAlias, span] = await allSettledOrThrow([
    judgedByWhereItRan && input.sourceAlias !== previous
      ? deps.registry.getAlias(fn.functionName, previous).catch(missingAlias)
      : undefined,
    judgedByWhereItRan || minSoakMs !== undefined ? deps.audit.appliedSpan(fn.key, previous, toVersion) : {},
  ]);
  return decideStageOrder({
    kind: input.kind,
    stages: fn.stages,
    ...(input.sourceAlias === undefined ? {} : { from: input.sourceAlias }),
    to: alias,
    version: toVersion,
    previousStage: {
      hasVersionNow: input.sourceAlias === previous || previousAlias?.version === toVersion,
      ...span,
    },
    mode: deps.config.stageOrder,
    skipStages: input.skipStages === true,
    ...(minSoakMs === undefined ? {} : { minSoakMs }),
    now: deps.clock.now(),
  });
}

/** A previous stage without its alias in Lambda has no version on it; any other failure is one. */
function missingAlias(error: unknown): undefined {
  if (isChatopsError(error, 'ALIAS_NOT_FOUND')) return undefined;
  throw error;
}

function stageRefusal(verdict: Extract<StageVerdict, { kind: 'refuse' }>, mode: string): SentencePart[] {
  const soakOnly = verdict.reasons.every((reason) => reason.code.startsWith('soak'));
  return [
    { kind: 'text', text: `Refused: ${verdict.reasons.map(stageReasonText).join('; ')}.` },
    {
      kind: 'text',
      text: soakOnly
        ? ' Wait until it has soaked, or add `--skip-stages` to go ahead anyway (the card will say so).'
        : ` The promotion order is \`${mode}\`: add \`--skip-stages\` to go ahead anyway (the card will say so).`,
    },
  ];
}

/** What holds an alias right now, for the worker and rollout steps: undefined fields pass. */
export interface GuardsInForce {
  /** A lock the request's requester does not hold. */
  lock?: Lock;
  /** A freeze window in force, other than the one the request overrode. */
  freeze?: FreezeOccurrence;
}

/**
 * Which lock or freeze keeps `request` from moving its alias at `now` (DESIGN.md 3b: an approved
 * request waits for a lock; a rollout step pauses for a lock or a freeze). The freeze a request
 * was made through with `--override` does not hold it.
 */
export async function guardsFor(
  deps: Pick<Deps, 'config' | 'locks'>,
  request: Pick<ChangeRequest, 'function' | 'alias' | 'requester' | 'guards'>,
  now: Date,
): Promise<GuardsInForce> {
  const { locks } = await deps.locks.read(request.function);
  const lock = mayPassLocks(locks, request.function, request.alias, request.requester, now);
  const freeze = freezeFor(deps.config.freezes, request.alias, now);
  const overridden = freeze !== undefined && request.guards?.override?.freeze === freeze.window.name;
  return {
    ...(lock.allowed ? {} : { lock: lock.lock }),
    ...(freeze && !overridden ? { freeze } : {}),
  };
}

export type ApprovalVerdict =
  | { allowed: true; approvedFor?: ApprovalRuleName[] }
  | { allowed: false; reason: string };

/**
 * May `actor` approve `request`, and for which rules? Without an override, the alias's rule as
 * always; with one, the alias's rule or the freeze override's (or both: countApprovals shares
 * them out). User groups of both rules are looked up at once.
 */
export async function approvalVerdict(
  deps: Pick<Deps, 'directory'>,
  request: ChangeRequest,
  actor: string,
): Promise<ApprovalVerdict> {
  const override = request.guards?.override;
  const rules: [ApprovalRuleName, ApprovalRule][] = [['approvals', request.rule]];
  if (override) rules.push(['freezeOverride', override.rule]);
  const members = await groupMembers(
    deps,
    rules.map(([, rule]) => rule),
    actor,
  );
  const verdicts = rules.map(
    ([name, rule]) =>
      [
        name,
        mayApprove({
          rule,
          selfApproval: request.selfApproval,
          requester: request.requester,
          actor,
          groupMembers: members,
        }),
      ] as const,
  );
  const allowedFor = verdicts.filter(([, verdict]) => verdict.allowed).map(([name]) => name);
  if (allowedFor.length > 0) return { allowed: true, ...(override ? { approvedFor: allowedFor } : {}) };
  const first = verdicts[0]?.[1];
  const reason = first && !first.allowed ? first.reason : 'not an approver';
  return {
    allowed: false,
    reason:
      override && reason === 'not an approver for this alias'
        ? `${reason} nor for the freeze override`
        : reason,
  };
}

/**
 * Starts looking up the members of the user groups the configuration's approval rules name, for a
 * click by `actor`, while its request is being loaded: the verdict that follows then finds them
 * (in the directory's cache, or its lookup in flight) instead of waiting a round trip of its own.
 * A failure is ignored here: the verdict asks again and fails with its own clear error.
 */
export async function prefetchGroupMembers(
  deps: Pick<Deps, 'config' | 'directory'>,
  actor: string,
): Promise<void> {
  const { approvals, freezeOverride } = deps.config;
  const rules = [...Object.values(approvals), ...(freezeOverride ? [freezeOverride] : [])];
  await Promise.all(
    groupsToLookUp(rules, actor).map((group) => deps.directory.membersOf(group).catch(() => undefined)),
  );
}

/** The groups whose members decide `actor`'s verdict: none for a rule that names them directly. */
function groupsToLookUp(rules: ApprovalRule[], actor: string): string[] {
  const needed = rules.filter((rule) => rule.approvers !== 'anyone' && !rule.approvers.includes(actor));
  return [...new Set(needed.flatMap(groupsIn))];
}

async function groupMembers(
  deps: Pick<Deps, 'directory'>,
  rules: ApprovalRule[],
  actor: string,
): Promise<Record<string, string[]>> {
  const groups = groupsToLookUp(rules, actor);
  const members = await allSettledOrThrow(groups.map((group) => deps.directory.membersOf(group)));
  return Object.fromEntries(groups.map((group, index) => [group, members[index] ?? []]));
}
