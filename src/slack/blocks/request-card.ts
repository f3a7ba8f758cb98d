// The approval card: what would change, who asked, who may approve, and (once decided) what
// happened. The same builder renders every state, so replacing the card after a decision is
// rendering it again from the request's events.
import type { ActionsBlock, KnownBlock } from '@slack/types';
import { missingApprovals, progressOf } from '../../domain/approvals';
import type { LinkTemplates } from '../../domain/config-model';
import { formatDuration } from '../../domain/duration';
import { describeLock, type Lock } from '../../domain/lock';
import { type ApprovalRule, percent } from '../../domain/model';
import { code, escapeText, mentionGroup, mentionUser, slackDate, truncate } from '../../domain/mrkdwn';
import type { ChangeRequest, RequestState } from '../../domain/request';
import { sentenceMrkdwn } from '../../domain/sentence';
import { stageReasonText } from '../../domain/stage-order';
import { shortHash } from '../../domain/version-diff';
import { context, fields, header, type Message, plural, safe, section } from './common';
import { planLines, rolloutCardFor } from './rollout-card';
import { describeVersion } from './version-source';

export const APPROVE_ACTION = 'request.approve';
export const REJECT_ACTION = 'request.reject';

export interface CardOptions {
  /** An approved request kept from being applied by someone else's lock (DESIGN.md 3b). */
  waitingFor?: Lock;
  /**
   * An approved request whose update could not be started (the worker's Invoke throttled or
   * failing): the card says so and offers a button that starts it again.
   */
  stalled?: boolean;
}

export function requestCard(state: RequestState, options: CardOptions = {}): Message {
  const { request } = state;
  // Approved, a canary or linear rollout's card becomes its live rollout card.
  if (
    request.rollout &&
    request.rollout.steps.length > 0 &&
    state.status !== 'PENDING' &&
    !isEndedUnapplied(state)
  )
    return rolloutCardFor(state);
  const verb = request.kind === 'rollback' ? 'Roll back' : 'Promote';
  const title = `${verb} ${request.function}: ${request.alias} ${request.fromVersion} → ${request.toVersion}`;
  const blocks: KnownBlock[] = [header(title)];
  const { from, to } = request.versions;
  const links = request.links ?? {};
  blocks.push(
    fields([
      `*Function*\n${request.function}  ·  ${code(request.functionName)}`,
      `*Alias*\n${request.alias}${request.sourceAlias ? ` (from ${request.sourceAlias})` : ''}`,
      `*Now*\n${versionLine(from.version, from.description, links)}`,
      `*Proposed*\n${versionLine(to.version, to.description, links, from.description)}`,
      `*Requested by*\n${requesterLine(request)}`,
      `*Approvals*\n${approvalsLine(state)}`,
    ]),
  );
  blocks.push(section(changesText(state)));
  if (request.rollout && request.rollout.steps.length > 0) blocks.push(fields(planLines(request.rollout)));
  if (Object.keys(request.fromWeights).length > 0) {
    const split = Object.entries(request.fromWeights)
      .map(([version, weight]) => `${version} gets ${percent(weight)}`)
      .join(', ');
    blocks.push(
      context(`:scissors: ${request.alias} splits its traffic now (${split}); this change clears the split.`),
    );
  }
  blocks.push(...guardBlocks(state));
  blocks.push(...statusBlocks(state, options));
  return { text: `${title}: ${statusText(state, options)}`, blocks };
}

/**
 * What replaces a card posted beside a REQUESTED write that failed (issue 12): no buttons, since
 * there is no request to approve.
 */
export function unrecordedCard(request: ChangeRequest, why: string): Message {
  const title = `${request.kind === 'rollback' ? 'Roll back' : 'Promote'} ${request.function}: ${request.alias} ${request.fromVersion} → ${request.toVersion}`;
  const text = `:warning: Request ${request.id} could not be recorded: nothing will change, and there is nothing to approve. ${request.alias} stays at ${request.fromVersion}. (${safe(why, 300)})`;
  return {
    text: `${title}: not recorded`,
    blocks: [header(title), section(text), context(`requested by ${requesterLine(request)}`)],
  };
}

/** Ended before any approval took effect: the approval card says why, as for any request. */
function isEndedUnapplied(state: RequestState): boolean {
  return ['REJECTED', 'CANCELLED', 'EXPIRED'].includes(state.status);
}

function versionLine(version: string, description: string, links: LinkTemplates, replacing?: string): string {
  const described = describeVersion(description, links, {
    max: 120,
    ...(replacing === undefined ? {} : { replacing }),
  });
  const text = `${version}${described.text ? ` · ${described.text}` : ''}`;
  return described.source ? `${text}\n${described.source}` : text;
}

/** A person's mention, or the pipeline's declared name for a request from CI. */
export function requesterLine(request: ChangeRequest): string {
  if (request.origin?.kind !== 'ci') return mentionUser(request.requester);
  return `:robot_face: CI: ${safe(request.origin.requestedBy, 150)}`;
}

function approvalsLine(state: RequestState): string {
  const { rule, guards } = state.request;
  const progress = progressOf(state);
  const self = state.request.selfApproval ? '' : ', not the requester';
  const line = (required: number, approvers: ApprovalRule['approvers'], given: string[]) => {
    const who = approvers === 'anyone' ? 'anyone' : approvers.map(mentionPrincipal).join(', ');
    const names = given.length > 0 ? `: ${given.map(mentionUser).join(', ')}` : '';
    return `${given.length} of ${required}${names}\nfrom ${who}${self}`;
  };
  const main = line(rule.required, rule.approvers, progress.approvals);
  if (!guards?.override) return main;
  const { rule: extra } = guards.override;
  return `${main}\n*+ freeze override:* ${line(extra.required, extra.approvers, progress.freezeOverride)}`;
}

const mentionPrincipal = (id: string) => (id.startsWith('S') ? mentionGroup(id) : mentionUser(id));

function changesText({ request }: RequestState): string {
  const { diff, versions } = request;
  const lines: string[] = [];
  for (const change of diff.changes) {
    if (change.field === 'description') continue;
    if (change.field === 'date') {
      lines.push(
        `• published ${slackDate(versions.from.lastModified)} → ${slackDate(versions.to.lastModified)}`,
      );
    } else if (change.field === 'code') {
      lines.push(
        `• code ${code(shortHash(versions.from.codeSha256))} → ${code(shortHash(versions.to.codeSha256))}`,
      );
    } else {
      lines.push(
        `• ${change.field} ${escapeText(change.from || 'none')} → ${escapeText(change.to || 'none')}`,
      );
    }
  }
  const keys = (label: string, list: string[]) => {
    if (list.length > 0)
      lines.push(
        `• environment ${label}: ${list
          .slice(0, 20)
          .map((key) => code(key))
          .join(', ')}${list.length > 20 ? ' …' : ''}`,
      );
  };
  keys('added', diff.envAdded);
  keys('removed', diff.envRemoved);
  keys('changed', diff.envChanged);
  if (lines.length === 0)
    return '*What changes*\nNothing but the version number: same code and configuration.';
  return `*What changes*\n${lines.join('\n')}`;
}

/** What the guardrails found: the freeze overridden, promotion-order warnings, the soak, the lock. */
function guardBlocks({ request }: RequestState): KnownBlock[] {
  const { guards } = request;
  if (!guards) return [];
  const lines: string[] = [];
  if (guards.override) {
    const { override } = guards;
    lines.push(
      `:snowflake: *Made during the freeze ${escapeText(override.freeze)} (${escapeText(override.timezone)}, until ${slackDate(override.until)}) with \`--override\`: it needs ${plural(override.rule.required, 'more approval')} from the freeze override rule.* Reason: “${safe(override.reason, 300)}”`,
    );
  }
  for (const reason of guards.stageWarnings ?? []) {
    lines.push(
      `:warning: *${escapeText(stageReasonText(reason))}${guards.skipStages ? ' (`--skip-stages`)' : ''}.*`,
    );
  }
  if (guards.soak) {
    const { soak } = guards;
    const ran = soak.ranMs === undefined ? 'no recorded time' : formatDuration(soak.ranMs);
    lines.push(
      `:stopwatch: Soaked on ${escapeText(soak.previous)}: ${ran} (minSoak ${formatDuration(soak.requiredMs)}).`,
    );
  }
  if (guards.lock) lines.push(`:lock: ${sentenceMrkdwn(describeLock(guards.lock))} Requested by its holder.`);
  return lines.length === 0 ? [] : [section(lines.join('\n'))];
}

function statusBlocks(state: RequestState, options: CardOptions): KnownBlock[] {
  const { request, final } = state;
  const id = code(request.id);
  if (state.status === 'PENDING') {
    const missingByRule = missingApprovals(request, progressOf(state));
    const missing = missingByRule.approvals + missingByRule.freezeOverride;
    return [
      context(
        `${id}  ·  expires ${slackDate(request.expiresAt)}  ·  ${plural(missing, 'approval')} to go  ·  ` +
          (request.origin?.kind === 'ci'
            ? 'asked by CI: approvals come from people here, and an approver can reject it'
            : `the requester can withdraw it with \`/lambda cancel ${request.id}\``),
      ),
      ...(options.waitingFor
        ? [
            context(
              `:lock: ${sentenceMrkdwn(describeLock(options.waitingFor))} Once approved, it waits for this lock.`,
            ),
          ]
        : []),
      actions(state),
    ];
  }
  if (state.status === 'APPLYING' && options.waitingFor) {
    return [
      section(
        `:lock: *Approved, waiting for a lock*: ${sentenceMrkdwn(describeLock(options.waitingFor))} ` +
          `It is applied when the lock ends, unless the request expires first (${slackDate(request.expiresAt)}).`,
      ),
      context(`${id}  ·  approved by ${state.approvals.map(mentionUser).join(', ')}`),
    ];
  }
  // ROLLING_OUT never gets here: a rollout's card is its rollout card (rollout-card.ts).
  if (state.status === 'APPLYING' || state.status === 'ROLLING_OUT') {
    const approved =
      state.approvals.length > 0
        ? `Approved by ${state.approvals.map(mentionUser).join(', ')}`
        : `*No approval needed* (the rule of ${request.alias} asks for none)`;
    // Retry stays on the card while applying: if the worker never started or died, a click is
    // how anyone starts it again (a click while it is under way changes nothing).
    if (!options.stalled) {
      return [
        context(
          `${id}  ·  :gear: ${approved}: moving ${request.alias}…  ·  not done within a minute? *Retry* starts it again`,
        ),
        retryActions(state),
      ];
    }
    return [
      section(
        `:hourglass: *Approved, waiting to be applied*: the update of ${request.alias} could not be started. ` +
          'Click *Retry* to start it.',
      ),
      context(`${id}  ·  ${approved}`),
      retryActions(state),
    ];
  }
  const at = final ? slackDate(final.at) : '';
  const by = final && final.actor !== 'system' ? ` by ${mentionUser(final.actor)}` : '';
  const reason = final?.reason ? ` ${safe(final.reason, 500)}.` : '';
  const retry = `\`/lambda ${request.kind === 'rollback' ? `rollback ${request.function} ${request.alias}` : `promote ${request.function} ${request.sourceAlias ? `${request.sourceAlias}→${request.alias}` : `${request.alias} ${request.toVersion}`}`}\``;
  const outcome: Record<Exclude<RequestState['status'], 'PENDING' | 'APPLYING' | 'ROLLING_OUT'>, string> = {
    ROLLED_BACK: `:rewind: *Rolled back*${by}, ${at}:${reason} ${request.alias} points at ${request.fromVersion}.`,
    APPLIED: `:rocket: *Applied*${by}, ${at}: ${request.alias} now points at ${request.toVersion}.`,
    REJECTED: `:x: *Rejected*${by}, ${at}. ${request.alias} stays at ${request.fromVersion}.`,
    CANCELLED: `:leftwards_arrow_with_hook: *Cancelled*${by}, ${at}. ${request.alias} stays at ${request.fromVersion}.`,
    EXPIRED: `:hourglass: *Expired* ${at}${final?.reason ? `:${reason}` : ' before enough approvals.'} ${request.alias} stays at ${request.fromVersion}. To ask again: ${retry}`,
    STALE: `:warning: *Not applied*, ${at}:${reason} Look at \`/lambda status ${request.function}\`, then request again: ${retry}`,
    FAILED: `:boom: *Failed*, ${at}:${reason} ${request.alias} was not changed. Try again: ${retry}`,
  };
  return [section(outcome[state.status]), context(`${id}  ·  requested by ${requesterLine(request)}`)];
}

function actions(state: RequestState): ActionsBlock {
  const { request } = state;
  return {
    type: 'actions',
    block_id: 'request.actions',
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION,
        text: { type: 'plain_text', text: 'Approve', emoji: true },
        style: 'primary',
        value: request.id,
        ...(request.lastStage
          ? {
              confirm: {
                title: { type: 'plain_text', text: truncate(`Change ${request.alias}?`, 100) },
                text: {
                  type: 'mrkdwn',
                  text: `${request.function} ${request.alias} moves from ${request.fromVersion} to ${request.toVersion}${
                    lastApproval(state) ? ' as soon as you approve' : ''
                  }.`,
                },
                confirm: { type: 'plain_text', text: 'Approve' },
                deny: { type: 'plain_text', text: 'Not yet' },
                style: 'primary',
              },
            }
          : {}),
      },
      {
        type: 'button',
        action_id: REJECT_ACTION,
        text: { type: 'plain_text', text: 'Reject', emoji: true },
        style: 'danger',
        value: request.id,
      },
    ],
  };
}

/** The one button of an approved request not yet applied: a click starts its update if nobody is applying it. */
function retryActions(state: RequestState): ActionsBlock {
  return {
    type: 'actions',
    block_id: 'request.actions',
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION,
        text: { type: 'plain_text', text: 'Retry', emoji: true },
        style: 'primary',
        value: state.request.id,
      },
    ],
  };
}

/** One approval misses, whichever rule it is for. */
function lastApproval(state: RequestState): boolean {
  const missing = missingApprovals(state.request, progressOf(state));
  return missing.approvals + missing.freezeOverride <= 1;
}

function statusText(state: RequestState, options: CardOptions): string {
  if (state.status === 'PENDING') {
    const progress = progressOf(state);
    const override = state.request.guards?.override;
    const main = `${progress.approvals.length} of ${state.request.rule.required} approvals`;
    return override
      ? `${main}, ${progress.freezeOverride.length} of ${override.rule.required} freeze override`
      : main;
  }
  if (state.status === 'APPLYING' && options.waitingFor) return 'approved, waiting for a lock';
  if (state.status === 'APPLYING' && options.stalled) return 'approved, waiting to be applied';
  return state.status.toLowerCase();
}
