// The fields of a Slack request that every log line of its invocation carries: who, where, which
// command or button, and the function, alias or request it is about. Read once from the signed
// body, so that listeners need not pass them to each log call. The command's text itself is not
// logged: people type what they like into it.
import { parseCommand } from '../domain/parse-command';
import type { LogFields } from '../logger';
import type { SlackBody } from './lambda-events';

/** Slack ids and names are short; anything longer is not worth a log line. */
const MAX_FIELD_LENGTH = 128;

export function requestLogFields(body: SlackBody): LogFields {
  if (body.kind === 'command') return commandFields(body.form);
  if (body.kind === 'interaction') return interactionFields(body.payload);
  return {};
}

function commandFields(form: URLSearchParams): LogFields {
  const parsed = parseCommand(form.get('text') ?? '');
  const fields: LogFields = {
    user: short(form.get('user_id')),
    team: short(form.get('team_id')),
    channel: short(form.get('channel_id')),
    command: parsed.ok ? parsed.command.kind : 'unparsed',
  };
  if (!parsed.ok) return fields;
  const command = parsed.command as Record<string, unknown>;
  return {
    ...fields,
    function: short(command.fn),
    alias: short(command.to ?? command.alias),
    requestId: short(command.requestId),
  };
}

function interactionFields(payload: Record<string, unknown>): LogFields {
  const user = object(payload.user);
  const team = object(payload.team);
  const channel = object(payload.channel);
  const action = Array.isArray(payload.actions) ? object(payload.actions[0]) : {};
  return {
    user: short(user.id),
    team: short(team.id),
    channel: short(channel.id),
    interaction: short(payload.type),
    action: short(action.action_id),
    // The card's buttons carry the request id as their value (DESIGN.md section 6).
    requestId: short(action.value),
  };
}

function object(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function short(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value.slice(0, MAX_FIELD_LENGTH) : undefined;
}
