// Slack mrkdwn escaping. Text that users or AWS control (descriptions, command text, alias names)
// goes through `escapeText` so it cannot mention @channel, ping users or forge links: Slack
// treats only `<…>` sequences as mentions and links, and `&`, `<`, `>` are its escapes.

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code: escaped, with backticks removed so the text cannot close the span early. */
export function code(text: string): string {
  const cleaned = escapeText(text).replace(/`/g, "'");
  return cleaned ? `\`${cleaned}\`` : '';
}

/** A user mention from a Slack user id we validated (never free text). */
export function mentionUser(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeText(userId);
}

export function mentionGroup(groupId: string): string {
  return /^S[A-Z0-9]+$/.test(groupId) ? `<!subteam^${groupId}>` : escapeText(groupId);
}

/** Slack's date formatting: each reader sees their own time zone; the fallback is UTC. */
export function slackDate(iso: string, format = '{date_short_pretty} {time}'): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return escapeText(iso);
  const fallback = new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16);
  return `<!date^${seconds}^${format}|${fallback} UTC>`;
}

/** Truncates to `max` characters, marking the cut, so a long description cannot break a block. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
