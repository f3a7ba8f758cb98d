// Ordering names and timestamps: by UTF-16 code unit, not `localeCompare`. The bot's sorted
// strings are identifiers (alias names, environment variable keys) and ISO-8601 times, for which
// code-unit order is the exact, locale-independent one; and a first `localeCompare` builds ICU's
// collator, several ms of a cold start (bench/ab-cold.ts).

/** Negative, zero or positive as `a` sorts before, with or after `b`, by UTF-16 code unit. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
