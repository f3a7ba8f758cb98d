// Change requests: make one (promote, rollback), decide on clicks and cancels, and apply an
// approved one exactly once. Every step is one conditional append to the request's events;
// a writer that loses a race reloads and decides again on the new state.
import { ChatopsError } from '../domain/errors';
import { type AliasInfo, isSplit, percent, trafficShares, type VersionInfo } from '../domain/model';
import { mayRequestIn, ruleFor } from '../domain/policy';
import {
  type AuditEvent,
  type ChangeRequest,
  type CiOrigin,
  type Decision,
  decideCancel,
  decideClick,
  eventFor,
  foldRequest,
  needsApply,
  newRequestId,
  type RequestState,
  type StepClaim,
  type VersionSummary,
} from '../domain/request';
import { diffVersions } from '../domain/version-diff';
import { templatesFor } from '../domain/version-metadata';
import type { CardLocation } from '../ports';
import { allSettledOrThrow } from './all-settled-or-throw';
import { type Deps, managedFunction } from './deps';
import { approvalVerdict, checkRequestGuards } from './request-guards';

export const MAX_RACES = 8;

export interface Requester {
  user: string;
  team: string;
  channel: string;
  /** A request from CI: `user` is then `ci` (CI_ACTOR), and this says who the pipeline is. */
  origin?: CiOrigin;
}

/** `--skip-stages` and `--override <reason>` (DESIGN.md 3b), as the command gave them. */
export interface GuardOptions {
  skipStages?: boolean | undefined;
  override?: string | undefined;
}

export type PromoteInput = { fn: string; to: string } & ({ from: string } | { version: string }) &
  GuardOptions;

export async function requestPromotion(
  deps: Deps,
  input: PromoteInput,
  who: Requester,
): Promise<RequestState> {
  const fn = managedFunction(deps.config, input.fn);
  checkChannel(deps, who.channel);
  const target = await deps.registry.getAlias(fn.functionName, input.to);
  let toVersion: string;
  let sourceAlias: string | undefined;
  if ('from' in input) {
    const source = await deps.registry.getAlias(fn.functionName, input.from);
    if (isSplit(source)) {
      throw new ChatopsError(
        'INVALID_REQUEST',
        `\`${input.from}\` splits its traffic (${describeSplit(source)}), so there is no single version to promote. ` +
          `Promote an explicit version instead: \`/lambda promote ${fn.key} ${input.to} <version>\`.`,
      );
    }
    toVersion = source.version;
    sourceAlias = input.from;
  } else {
    toVersion = input.version;
  }
  return createRequest(deps, {
    kind: 'promote',
    fnKey: fn.key,
    target,
    toVersion,
    sourceAlias,
    who,
    options: { skipStages: input.skipStages, override: input.override },
  });
}

export async function requestRollback(
  deps: Deps,
  input: { fn: string; alias: string; override?: string | undefined },
  who: Requester,
) {
  const fn = managedFunction(deps.config, input.fn);
  checkChannel(deps, who.channel);
  const [target, last] = await Promise.all([
    deps.registry.getAlias(fn.functionName, input.alias),
    deps.audit.lastApplied(fn.key, input.alias),
  ]);
  if (!last) {
    throw new ChatopsError(
      'INVALID_REQUEST',
      `No applied change of \`${input.alias}\` is recorded, so there is nothing to roll back to. ` +
        `Point it at a version explicitly: \`/lambda promote ${fn.key} ${input.alias} <version>\`.`,
    );
  }
  return createRequest(deps, {
    kind: 'rollback',
    fnKey: fn.key,
    target,
    toVersion: last.fromVersion,
    who,
    options: { override: input.override },
  });
}

async function createRequest(
  deps: Deps,
  input: {
    kind: ChangeRequest['kind'];
    fnKey: string;
    target: AliasInfo;
    toVersion: string;
    sourceAlias?: string | undefined;
    who: Requester;
    options?: GuardOptions;
  },
): Promise<RequestState> {
  const { config, registry, clock } = deps;
  const fn = managedFunction(config, input.fnKey);
  const { target, toVersion, who } = input;
  if (target.version === toVersion && !isSplit(target)) {
    throw new ChatopsError(
      'INVALID_REQUEST',
      `\`${target.name}\` already points at version ${toVersion}: nothing to change.`,
    );
  }
  const [fromInfo, toInfo, guards] = await allSettledOrThrow([
    registry.getVersion(fn.functionName, target.version),
    registry.getVersion(fn.functionName, toVersion),
    checkRequestGuards(deps, {
      kind: input.kind,
      fn,
      alias: target.name,
      toVersion,
      sourceAlias: input.sourceAlias,
      requester: who.user,
      ...input.options,
    }),
  ]);
  const now = clock.now();
  const rule = ruleFor(config, target.name);
  const request: ChangeRequest = {
    id: newRequestId(deps.random(9)),
    kind: input.kind,
    function: fn.key,
    functionName: fn.functionName,
    alias: target.name,
    toVersion,
    fromVersion: target.version,
    fromRevisionId: target.revisionId,
    fromWeights: target.additionalWeights,
    ...(input.sourceAlias === undefined ? {} : { sourceAlias: input.sourceAlias }),
    requester: who.user,
    team: who.team,
    channel: who.channel,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + config.requestTtlMinutes * 60_000).toISOString(),
    rule,
    selfApproval: config.selfApproval,
    lastStage: fn.stages.length > 0 && fn.stages[fn.stages.length - 1] === target.name,
    versions: { from: summary(fromInfo), to: summary(toInfo) },
    diff: diffVersions(fromInfo, toInfo),
    guards,
    links: templatesFor(config.links, fn.links),
    ...(who.origin === undefined ? {} : { origin: who.origin }),
  };
  const requested: AuditEvent = { ...eventFor(request, 'REQUESTED', who.user, now), seq: 1 };
  await deps.requests.create(request, requested);
  return foldRequest(request, [requested]);
}

export type ClickOutcome =
  | Extract<Decision, { kind: 'append' }>['next']
  | Extract<Decision, { kind: 'noop' }>['reason'];

export interface StepResult {
  state: RequestState;
  outcome: ClickOutcome;
  /** The event this step stored, if any. */
  event?: AuditEvent;
  /** Where the request's card was posted, when known. */
  card?: CardLocation;
}

/** An Approve or Reject click on a request's card. */
export async function click(
  deps: Deps,
  input: { requestId: string; actor: string; type: 'approve' | 'reject'; responseUrl?: string },
): Promise<StepResult> {
  return step(deps, input.requestId, input.responseUrl, async (state, now) => {
    const verdict = await approvalVerdict(deps, state.request, input.actor);
    return decideClick(
      state,
      {
        type: input.type,
        actor: input.actor,
        allowed: verdict.allowed,
        ...(verdict.allowed
          ? verdict.approvedFor
            ? { approvedFor: verdict.approvedFor }
            : {}
          : { deniedReason: verdict.reason }),
      },
      now,
    );
  });
}

/** `/lambda cancel <id>`: the requester withdraws the request. */
export async function cancel(deps: Deps, input: { requestId: string; actor: string }): Promise<StepResult> {
  return step(deps, input.requestId, undefined, async (state, now) => decideCancel(state, input.actor, now));
}

async function step(
  deps: Deps,
  requestId: string,
  responseUrl: string | undefined,
  decide: (state: RequestState, now: Date) => Promise<Decision>,
): Promise<StepResult> {
  for (let race = 0; race < MAX_RACES; race++) {
    const { state, card, claim } = await loadState(deps, requestId);
    const located = card ? { card } : {};
    const now = deps.clock.now();
    if (needsApply(state, claim, now)) {
      // Approved, but no live invocation is applying it (its start was lost, or it died): start
      // it again now. A duplicate start is harmless: only the claim's holder calls AWS.
      await deps.queue.enqueue({ kind: 'apply', requestId, ...(responseUrl ? { responseUrl } : {}) });
      return { state, outcome: 'applying', ...located };
    }
    const decision = await decide(state, now);
    if (decision.kind === 'noop') return { state, outcome: decision.reason, ...located };
    const event: AuditEvent = { ...decision.event, seq: state.events.length + 1 };
    if (!(await deps.requests.append(event))) continue;
    const next = foldRequest(state.request, [...state.events, event]);
    if (decision.next === 'apply') {
      await deps.queue.enqueue({ kind: 'apply', requestId, ...(responseUrl ? { responseUrl } : {}) });
    }
    return { state: next, outcome: decision.next, event, ...located };
  }
  throw new ChatopsError('CONFLICT', 'Too many people acted on this request at once; try again.');
}

export interface StoredState {
  state: RequestState;
  card?: CardLocation;
  claim?: StepClaim;
}

export async function loadState(deps: Pick<Deps, 'requests'>, requestId: string): Promise<StoredState> {
  const stored = await deps.requests.load(requestId);
  if (!stored) throw new ChatopsError('REQUEST_NOT_FOUND', `There is no request ${requestId}.`);
  return {
    state: foldRequest(stored.request, stored.events),
    ...(stored.card ? { card: stored.card } : {}),
    ...(stored.claim ? { claim: stored.claim } : {}),
  };
}

function checkChannel(deps: Deps, channel: string) {
  if (!mayRequestIn(deps.config, channel)) {
    const allowed = deps.config.channels.map((id) => `<#${id}>`).join(', ');
    throw new ChatopsError('NOT_ALLOWED', `Changes can be requested only in ${allowed}.`);
  }
}

export function describeSplit(alias: AliasInfo): string {
  return trafficShares(alias)
    .map(({ version, weight }) => `${version} ${percent(weight)}`)
    .join(', ');
}

function summary(version: VersionInfo): VersionSummary {
  return {
    version: version.version,
    description: version.description,
    lastModified: version.lastModified,
    codeSha256: version.codeSha256,
  };
}
