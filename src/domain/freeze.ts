// Freeze windows (DESIGN.md section 3b): is an alias frozen at an instant, by which window, and
// which window starts next. Every window is read in its own IANA time zone with the platform's
// Intl data, so "fri 16:00 → mon 08:00 Europe/Berlin" follows Berlin's clocks through daylight
// saving changes. Time is always a parameter: nothing here reads the clock.
//
// The rule for local times that do not exist once: a window boundary at local time L is the FIRST
// instant at which the zone's clock reads L or later.
// - L skipped by a spring-forward gap (Berlin, last Sunday of March, 02:00 → 03:00; a boundary at
//   02:30): the boundary is the instant of the jump (03:00 CEST). The window neither starts an hour
//   late nor vanishes.
// - L repeated by a fall-back (Berlin, last Sunday of October, 02:00–03:00 twice): the boundary is
//   its first occurrence (CEST). A window therefore never flickers off and on again while the
//   clock repeats an hour: each occurrence is one interval of instants [start, end).
// A weekly window's end is the `to` wall time that follows its start (so fri 16:00 → mon 08:00
// wraps the weekend, and sat 10:00 → fri 09:00 lasts six days); `from` equal to `to` is a window
// of a whole week. A dates window runs from the local midnight of `from` to the local midnight
// after `to`: whole days, both included.
import type { FreezeWindow, WeeklyTime } from './config-model';
import type { SentencePart } from './sentence';

/** One occurrence of a window: the instants [start, end). */
export interface FreezeOccurrence {
  window: FreezeWindow;
  start: Date;
  end: Date;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEK_MINUTES = 7 * 24 * 60;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for a name that is not an IANA zone: the config loader checks first.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the platform knows `timeZone` as an IANA zone (for the config loader). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's wall clock at `instant`, as milliseconds of a UTC date with the same fields (a
 * "local timestamp"): comparable and subtractable, and `new Date(local).getUTCDay()` is the
 * local weekday.
 */
export function localClock(instant: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  const wholeSeconds = Math.floor(instant / 1000) * 1000;
  const utcFields = new Date(0);
  // setUTCFullYear, not Date.UTC: years 0–99 must not be read as 1900–1999.
  utcFields.setUTCFullYear(year, month - 1, day);
  utcFields.setUTCHours(hour, minute, second, 0);
  return utcFields.getTime() + (instant - wholeSeconds);
}

/** The first instant at which the zone's clock reads `local` or later (see the module's rule). */
export function instantAt(local: number, timeZone: string): number {
  // Offsets a day either side bracket any transition near `local` (zones change at most once a day).
  const offsetBefore = localClock(local - DAY, timeZone) - (local - DAY);
  const offsetAfter = localClock(local + DAY, timeZone) - (local + DAY);
  const candidates = [local - offsetBefore, local - offsetAfter].filter(
    (instant) => localClock(instant, timeZone) === local,
  );
  // A repeated time has two candidates: the earlier occurrence is the boundary.
  if (candidates.length > 0) return Math.min(...candidates);
  // A gap: the clock jumps over `local` somewhere between the two guesses.
  const low = Math.min(local - offsetBefore, local - offsetAfter);
  const high = Math.max(local - offsetBefore, local - offsetAfter);
  return firstReadingBetween(local, low, high, timeZone);
}

/** Binary search for the first instant in (low, high] reading >= local; clock(low) < local <= clock(high). */
function firstReadingBetween(local: number, low: number, high: number, timeZone: string): number {
  let below = low;
  let atOrAbove = high;
  while (atOrAbove - below > 1) {
    const middle = Math.floor((below + atOrAbove) / 2);
    if (localClock(middle, timeZone) >= local) atOrAbove = middle;
    else below = middle;
  }
  return atOrAbove;
}

const weekMinute = (time: WeeklyTime) => time.day * 24 * 60 + time.hour * 60 + time.minute;

/** A `YYYY-MM-DD` date's local midnight as a local timestamp. */
function localMidnight(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const midnight = new Date(0);
  midnight.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return midnight.getTime();
}

/** The occurrences of `window` whose start is near `instant`: enough to find the one containing it or the next. */
function occurrencesAround(window: FreezeWindow, instant: number): FreezeOccurrence[] {
  const { timezone } = window;
  if ('dates' in window) {
    const start = instantAt(localMidnight(window.dates.from), timezone);
    const end = instantAt(localMidnight(window.dates.to) + DAY, timezone);
    return end > start ? [{ window, start: new Date(start), end: new Date(end) }] : [];
  }
  const { from, to } = window.weekly;
  const lengthMinutes = (weekMinute(to) - weekMinute(from) + WEEK_MINUTES) % WEEK_MINUTES || WEEK_MINUTES;
  const now = localClock(instant, timezone);
  const today = Math.floor(now / DAY) * DAY;
  const daysSinceStartDay = (new Date(today).getUTCDay() - from.day + 7) % 7;
  const thisWeeksStart = today - daysSinceStartDay * DAY + (from.hour * 60 + from.minute) * MINUTE;
  return [-1, 0, 1].map((week) => {
    const localStart = thisWeeksStart + week * 7 * DAY;
    return {
      window,
      start: new Date(instantAt(localStart, timezone)),
      end: new Date(instantAt(localStart + lengthMinutes * MINUTE, timezone)),
    };
  });
}

const covers = (window: FreezeWindow, alias: string) => window.aliases.includes(alias);

/** The occurrence of `window` in force at `at`, if any. */
export function occurrenceAt(window: FreezeWindow, at: Date): FreezeOccurrence | undefined {
  const instant = at.getTime();
  return occurrencesAround(window, instant).find(
    (occurrence) => occurrence.start.getTime() <= instant && instant < occurrence.end.getTime(),
  );
}

/**
 * The freeze keeping `alias` frozen at `at`, or undefined. When several overlap, the one that
 * ends last: it is what a requester has to wait for.
 */
export function freezeFor(windows: FreezeWindow[], alias: string, at: Date): FreezeOccurrence | undefined {
  return latestEnding(
    freezesInForce(
      windows.filter((window) => covers(window, alias)),
      at,
    ),
  );
}

/** Every window in force at `at` (for `status`), in configuration order. */
export function freezesInForce(windows: FreezeWindow[], at: Date): FreezeOccurrence[] {
  return windows.flatMap((window) => occurrenceAt(window, at) ?? []);
}

/**
 * The window (covering `alias`, when given) that starts soonest strictly after `at` (for
 * `status`); a window in force now shows as in force, and its next occurrence may be this one.
 */
export function nextFreeze(windows: FreezeWindow[], at: Date, alias?: string): FreezeOccurrence | undefined {
  const instant = at.getTime();
  let next: FreezeOccurrence | undefined;
  for (const window of windows) {
    if (alias !== undefined && !covers(window, alias)) continue;
    for (const occurrence of occurrencesAround(window, instant)) {
      const start = occurrence.start.getTime();
      if (start > instant && (!next || start < next.start.getTime())) next = occurrence;
    }
  }
  return next;
}

function latestEnding(occurrences: FreezeOccurrence[]): FreezeOccurrence | undefined {
  return occurrences.reduce<FreezeOccurrence | undefined>(
    (latest, occurrence) => (!latest || occurrence.end > latest.end ? occurrence : latest),
    undefined,
  );
}

/** "prod is frozen by weekend (Europe/Berlin) until <end>." for refusals and paused rollouts. */
export function describeFreeze(alias: string, occurrence: FreezeOccurrence): SentencePart[] {
  const { window } = occurrence;
  return [
    { kind: 'text', text: `${alias} is frozen by ${window.name} (${window.timezone}) until ` },
    { kind: 'date', iso: occurrence.end.toISOString() },
    { kind: 'text', text: '.' },
  ];
}
