// Durations as people write them in commands and in chatops.config.yml: `<n>m` or `<n>h`
// (DESIGN.md section 2). One parser for both, so `--bake 10m` and `bake: 10m` can never mean two
// different things. Bounded from 1 minute (EventBridge Scheduler's precision) to 7 days (the
// longest a request may stay open, requestTtlMinutes' own limit): anything outside is a typo
// such as `--for 200h`, not an intention.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DURATION_BOUNDS_MS = { min: MINUTE_MS, max: 7 * 24 * HOUR_MS } as const;

/** What a duration problem says after the value, shared by the command parser and the config loader. */
export const DURATION_HINT = 'use minutes or hours from 1m to 168h (7 days), e.g. 30m or 2h';

export type DurationResult = { ok: true; ms: number } | { ok: false; problem: string };

const DURATION = /^([0-9]{1,6})([mh])$/i;

export function parseDuration(text: string): DurationResult {
  const match = DURATION.exec(text.trim());
  if (!match) return { ok: false, problem: `is not a duration: ${DURATION_HINT}` };
  const amount = Number(match[1]);
  const ms = amount * ((match[2] as string).toLowerCase() === 'h' ? HOUR_MS : MINUTE_MS);
  if (ms < DURATION_BOUNDS_MS.min || ms > DURATION_BOUNDS_MS.max) {
    return { ok: false, problem: `is out of range: ${DURATION_HINT}` };
  }
  return { ok: true, ms };
}

/**
 * A duration as people read it: `45m`, `2h 5m`, `3d 4h`. Rounded down, so a soak of 29m59s never
 * reads as the 30m it falls short of.
 */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 0) return ms > 0 ? '<1m' : '0m';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
}
