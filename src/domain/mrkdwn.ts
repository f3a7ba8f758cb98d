// Slack mrkdwn escaping. Text that users or AWS control (descriptions, command text, alias names)
// goes through `escapeText` so it cannot mention @channel, ping users or forge links: Slack
// treats only `<…>` sequences as mentions and links, and `&`, `<`, `>` are its escapes.
import { safeHttpsUrl } from './safe-url';

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

/**
 * A link whose label is escaped text. A URL that is not a safe https URL (see safe-url.ts) is
 * dropped and the label shown alone: a link is never built from an unchecked string. Slack reads
 * `&amp;` in a link's URL as `&`.
 */
export function link(url: string, label: string): string {
  const safe = safeHttpsUrl(url);
  if (safe === undefined) return escapeText(label);
  const target = safe.replace(/&/g, '&amp;');
  return `<${target}|${escapeText(label) || target}>`;
}

/** Slack's date formatting: each reader sees their own time zone; the fallback is UTC. */
export function slackDate(iso: string, format = '{date_short_pretty} {time}'): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return escapeText(iso);
  const fallback = new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16);
  return `<!date^${seconds}^${format}|${fallback} UTC>`;
}

/**
 * Made on the first cut that needs it, not when the module loads: a Segmenter loads ICU's break
 * rules (about 8 ms of a cold start, measured with bench/ab-cold.ts), and most cuts do not.
 */
let graphemes: Intl.Segmenter | undefined;
/**
 * Characters that are a grapheme cluster of their own whatever surrounds them (UAX #29): ASCII
 * and the other controls (but CR LF), Latin-1 and the Latin extensions and spacing modifiers,
 * general punctuation, arrows and mathematical operators. No combining mark, joiner, variation
 * selector, surrogate, Hangul jamo or Indic letter is among them.
 */
const standalone = (code: number) =>
  code < 0x300 ||
  (code >= 0x2010 && code < 0x2028) ||
  (code >= 0x2030 && code < 0x205f) ||
  (code >= 0x2190 && code < 0x2300);

/**
 * Truncates to at most `max` UTF-16 code units (what JavaScript and Slack's limits count),
 * marking the cut with `…`, so a long description cannot break a block. The cut falls between
 * grapheme clusters: never inside a surrogate pair (a lone surrogate is invalid text, which
 * Slack rejects), nor between an emoji and its skin tone or the parts of a ZWJ family. A single
 * cluster longer than the limit is dropped whole rather than split.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const budget = max - 1; // room for the ellipsis
  // Two standalone characters on either side of the cut (what descriptions, names and versions
  // mostly are): the cut is between two clusters, where the segmenter would cut too.
  const before = text.charCodeAt(budget - 1);
  const after = text.charCodeAt(budget);
  if (budget > 0 && standalone(before) && standalone(after) && !(before === 0x0d && after === 0x0a)) {
    return `${text.slice(0, budget)}…`;
  }
  let kept = '';
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(text)) {
    if (kept.length + segment.length > budget) break;
    kept += segment;
  }
  return `${kept}…`;
}
