import type { KnownBlock } from '@slack/types';
import { progressOf } from '../../domain/approvals';
import { ALL_AT_ONCE } from '../../domain/config-model';
import { describeFreeze } from '../../domain/freeze';
import { describeLock } from '../../domain/lock';
import { code, escapeText, mentionUser, slackDate } from '../../domain/mrkdwn';
import type { RequestState } from '../../domain/request';
import { foldRollout } from '../../domain/rollout';
import { sentenceMrkdwn } from '../../domain/sentence';
import type { FunctionStatus, StatusGuardrails } from '../../use-cases/read-commands';
import { aliasPointer } from './aliases';
import { capBlocks, context, divider, header, type Message, plural, safe, section } from './common';
import { groupedByLocation } from './locations';
import { requesterLine } from './request-card';
import { describeVersion } from './version-source';

/** `otherAccounts`: the configuration's `accounts`, so functions are grouped by account and region. */
export function statusMessage(statuses: FunctionStatus[], otherAccounts: readonly string[] = []): Message {
  const blocks = groupedByLocation(statuses, otherAccounts, (status) => [
    ...(status === statuses[0] ? [] : [divider()]),
    ...functionBlocks(status),
  ]);
  const names = statuses.map(({ fn }) => fn.key).join(', ');
  return {
    text: `Status of ${names}`,
    blocks: capBlocks(
      blocks,
      (omitted) => `${plural(omitted, 'more block')} not shown: ask for one function.`,
    ),
  };
}

function functionBlocks({
  fn,
  aliases,
  missingStages,
  links = {},
  error,
  guardrails,
}: FunctionStatus): KnownBlock[] {
  const blocks: KnownBlock[] = [header(`${fn.key} (${fn.functionName})`)];
  if (error) return [...blocks, section(`:warning: ${safe(error.message, 500)}`)];
  if (guardrails) blocks.push(...guardrailBlocks(guardrails));
  if (aliases.length === 0) blocks.push(section('_This function has no aliases yet._'));
  for (const { alias, version, lastChange, pending, waiting } of aliases) {
    const lines = [aliasPointer(alias)];
    if (version) {
      const described = describeVersion(version.description, links);
      const description = described.text ? `“${described.text}”` : described.source ? '' : '_no description_';
      lines.push(
        [
          description,
          `published ${slackDate(version.lastModified)}`,
          code(version.codeSha256.slice(0, 8)),
          described.source,
        ]
          .filter(Boolean)
          .join('  ·  '),
      );
    }
    lines.push(
      lastChange
        ? `Last change: ${lastChange.fromVersion} → ${lastChange.toVersion} by ${mentionUser(lastChange.actor)}, ${slackDate(lastChange.at)}`
        : 'Last change: _none recorded by this bot_',
    );
    for (const state of pending) {
      const { request } = state;
      if (request.rollout && state.status !== 'PENDING' && state.status !== 'APPLYING') {
        lines.push(rolloutLine(state));
        continue;
      }
      if (state.status === 'APPLYING') {
        lines.push(
          waiting.includes(request.id)
            ? `:hourglass: ${code(request.id)} → ${request.toVersion}, approved, *waiting to be applied*: click *Retry* on its card to start it`
            : `:gear: ${code(request.id)} → ${request.toVersion}, approved, being applied`,
        );
        continue;
      }
      lines.push(
        `:hourglass_flowing_sand: ${code(request.id)} → ${request.toVersion}, asked by ${requesterLine(request)}, ` +
          `${approvalsSummary(state)}, expires ${slackDate(request.expiresAt, '{time}')}`,
      );
    }
    blocks.push(section(lines.join('\n')));
  }
  if (missingStages.length > 0)
    blocks.push(context(`Configured but missing in Lambda: ${missingStages.join(', ')}`));
  return blocks;
}

/** "1 of 2 approvals", and the freeze override's when the request has one. */
function approvalsSummary(state: RequestState): string {
  const progress = progressOf(state);
  const override = state.request.guards?.override;
  const main = `${progress.approvals.length} of ${state.request.rule.required} approvals`;
  return override
    ? `${main} + ${progress.freezeOverride.length} of ${override.rule.required} freeze override`
    : main;
}

/** Locks and freezes in force, and the next freeze: what would stop a request now or soon. */
function guardrailBlocks({ locks, freezes, nextFreeze }: StatusGuardrails): KnownBlock[] {
  const lines = locks.map((lock) => `:lock: ${sentenceMrkdwn(describeLock(lock))}`);
  for (const freeze of freezes) {
    lines.push(`:snowflake: ${sentenceMrkdwn(describeFreeze(freeze.window.aliases.join(', '), freeze))}`);
  }
  if (nextFreeze) {
    const { window } = nextFreeze;
    lines.push(
      `:calendar: Next freeze: ${escapeText(window.name)} (${escapeText(window.timezone)}) on ${escapeText(window.aliases.join(', '))}, ` +
        `${slackDate(nextFreeze.start.toISOString())} → ${slackDate(nextFreeze.end.toISOString())}`,
    );
  }
  return lines.length === 0 ? [] : [section(lines.join('\n'))];
}

/** A rollout in progress: its share, its next step and what the last judgement said. */
function rolloutLine(state: RequestState): string {
  const { request } = state;
  const rollout = foldRollout(request, request.rollout ?? ALL_AT_ONCE, state.events);
  const last = state.events[state.events.length - 1];
  const next =
    rollout.phase === 'paused'
      ? 'paused'
      : rollout.dueAt
        ? `next step ${slackDate(rollout.dueAt, '{time}')}`
        : 'starting';
  const health = last?.reason ? `  ·  ${safe(last.reason, 160)}` : '';
  return (
    `:arrows_counterclockwise: ${code(request.id)} rolling out ${request.fromVersion} → ${request.toVersion}: ` +
    `${rollout.weight}% on ${request.toVersion}, ${next}${health}`
  );
}
