// The live rollout card (DESIGN.md section 3a): the plan, the share in force, when the step is
// judged, what the last step saw of the new and the old version, and the buttons to promote now,
// pause or resume, and roll back. Rendered from the request's events like the approval card, so
// whoever replaces it (the worker after a step, a listener after a click) renders the same card.
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { RolloutGuard, RolloutPlan } from '../../domain/config-model';
import { formatDuration } from '../../domain/duration';
import { errorRatePercent, type VersionMetrics } from '../../domain/health';
import { code, mentionUser, slackDate } from '../../domain/mrkdwn';
import type { AuditEvent, RequestState } from '../../domain/request';
import { describePlan, foldRollout, type RolloutState } from '../../domain/rollout';
import { context, fields, header, type Message, safe, section } from './common';

export const ROLLOUT_PROMOTE_ACTION = 'rollout.promote';
export const ROLLOUT_PAUSE_ACTION = 'rollout.pause';
export const ROLLOUT_RESUME_ACTION = 'rollout.resume';
export const ROLLOUT_ROLLBACK_ACTION = 'rollout.rollback';

/** What the last judged step saw: the new version (judged) and the old one (baseline). */
export interface RolloutNumbers {
  newer: VersionMetrics;
  older: VersionMetrics;
}

/** The plan and guard as the approval card states them. */
export function planLines(plan: RolloutPlan): string[] {
  if (plan.steps.length === 0) return ['*Rollout*\nall at once'];
  return [
    `*Rollout*\n${plan.strategy}: ${describePlan(plan)}`,
    `*Health guard*\n${describeGuard(plan.guard)}`,
  ];
}

export function describeGuard(guard: RolloutGuard): string {
  const alarms = guard.alarms.length > 0 ? `; any of ${guard.alarms.map(code).join(', ')} in ALARM` : '';
  return (
    `the new version's errors at most ${guard.maxErrorRatePercent}% of at least ${guard.minInvocations} invocations${alarms} ` +
    `(too little traffic: extended up to ${guard.maxExtensions}×, then paused)`
  );
}

/** The card of a rollout request from its events (a request without a plan is not a rollout). */
export function rolloutCardFor(state: RequestState, numbers?: RolloutNumbers, now?: Date): Message {
  const plan = state.request.rollout as RolloutPlan;
  return rolloutCard(foldRollout(state.request, plan, state.events), state.events, numbers, now);
}

export function rolloutCard(
  state: RolloutState,
  events: AuditEvent[],
  numbers?: RolloutNumbers,
  now = new Date(),
): Message {
  const { request, plan } = state;
  const title = `Rollout ${request.function}: ${request.alias} ${request.fromVersion} → ${request.toVersion}`;
  const blocks: KnownBlock[] = [header(title)];
  const share =
    state.phase === 'ended'
      ? `${state.weight}% on ${request.toVersion}`
      : `${state.weight}% on ${request.toVersion}, ${100 - state.weight}% on ${request.fromVersion}`;
  const items = [...planLines(plan), `*Traffic now*\n${share}`, `*Next step*\n${nextStepLine(state, now)}`];
  if (numbers) {
    items.push(`*New (${request.toVersion})*\n${metricsLine(numbers.newer)}`);
    items.push(`*Old (${request.fromVersion})*\n${metricsLine(numbers.older)}`);
  }
  blocks.push(fields(items));
  blocks.push(section(statusLine(state, events[events.length - 1])));
  if (state.phase !== 'ended') blocks.push(buttons(state));
  blocks.push(
    context(
      `${code(request.id)}  ·  requested by ${mentionUser(request.requester)}  ·  approved by ${
        state.approvals.map(mentionUser).join(', ') || 'nobody'
      }`,
    ),
  );
  return { text: `${title}: ${statusText(state)}`, blocks };
}

function metricsLine(metrics: VersionMetrics): string {
  if (!Number.isFinite(metrics.invocations)) return 'metrics unavailable';
  const rate = Math.round(Math.min(100, errorRatePercent(metrics)) * 100) / 100;
  return `${metrics.invocations} invocations, ${metrics.errors} errors (${rate}%)`;
}

function nextStepLine(state: RolloutState, now: Date): string {
  if (state.phase === 'ended') return 'none: the rollout has ended';
  if (state.phase === 'paused') return 'paused: waiting for Resume, Promote now or Roll back';
  if (state.phase === 'promoting') return 'moving to 100% now';
  if (!state.dueAt) return 'starting';
  const nextShare = state.plan.steps[state.step] ?? 100;
  const left = Math.max(0, Date.parse(state.dueAt) - now.getTime());
  return `${nextShare}% if healthy, ${slackDate(state.dueAt, '{time}')} (in ${formatDuration(left)})`;
}

function statusLine(state: RolloutState, lastEvent: AuditEvent | undefined): string {
  const { request, final } = state;
  const reason = (final ?? lastEvent)?.reason;
  const why = reason ? `: ${safe(reason, 500)}` : '';
  const by = (actor: string) => (actor === 'system' ? 'by the bot' : `by ${mentionUser(actor)}`);
  if (final) {
    const at = slackDate(final.at);
    switch (final.action) {
      case 'APPLIED':
        return `:rocket: *Rolled out*, ${at}: ${request.alias} now points at ${request.toVersion}.`;
      case 'ROLLED_BACK':
        return (
          `:rewind: *Rolled back* ${by(final.actor)}, ${at}${why}. ${request.alias} points at ${request.fromVersion} again. ` +
          `${[request.requester, ...approversOf(state)].map(mentionUser).join(' ')}`
        );
      case 'STALE':
        return `:warning: *Stopped*, ${at}${why}. Look at \`/lambda status ${request.function}\`.`;
      default:
        return `:boom: *${final.action.toLowerCase()}*, ${at}${why}.`;
    }
  }
  switch (state.phase) {
    case 'paused':
      return `:double_vertical_bar: *Paused*${lastEvent?.action === 'PAUSED' ? ` ${by(lastEvent.actor)}` : ''}${why}.`;
    case 'promoting':
      return ':fast_forward: *Promote now*: moving to 100%…';
    case 'approved':
      return ':gear: Approved: starting the rollout…';
    default:
      if (lastEvent?.action === 'EXTENDED')
        return `:hourglass_flowing_sand: *Step extended* (${state.extensions} of ${state.plan.guard.maxExtensions})${why}.`;
      if (lastEvent?.action === 'RESUMED') return `:arrow_forward: *Resumed* ${by(lastEvent.actor)}.`;
      return `:arrows_counterclockwise: *Rolling out*: step ${state.step} of ${state.plan.steps.length}, ${state.weight}% on ${request.toVersion}.`;
  }
}

function approversOf(state: RolloutState): string[] {
  return state.approvals.filter((user) => user !== state.request.requester);
}

function statusText(state: RolloutState): string {
  if (state.final) return state.final.action.toLowerCase();
  return `${state.phase}, ${state.weight}% on ${state.request.toVersion}`;
}

function buttons(state: RolloutState): ActionsBlock {
  const id = state.request.id;
  const button = (action_id: string, text: string, style?: 'primary' | 'danger'): Button => ({
    type: 'button',
    action_id,
    text: { type: 'plain_text', text, emoji: true },
    value: id,
    ...(style ? { style } : {}),
  });
  return {
    type: 'actions',
    block_id: 'rollout.actions',
    elements: [
      button(ROLLOUT_PROMOTE_ACTION, 'Promote now', 'primary'),
      state.phase === 'paused'
        ? button(ROLLOUT_RESUME_ACTION, 'Resume')
        : button(ROLLOUT_PAUSE_ACTION, 'Pause'),
      button(ROLLOUT_ROLLBACK_ACTION, 'Roll back', 'danger'),
    ],
  };
}
