// `freezes` (DESIGN.md sections 3b and 5): named windows, read in their own IANA time zone, which
// is required: a UTC default silently moves a holiday freeze by hours (RESEARCH.md, keel #1263).
import { asAliasList, asObject, checkKeys, type Fail } from './config-values';
import type { FreezeWindow, WeeklyTime } from './domain/config-model';

const FREEZE_KEYS = ['name', 'aliases', 'timezone', 'weekly', 'dates'];
const RANGE_KEYS = ['from', 'to'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WEEKLY_TIME = /^(mon|tue|wed|thu|fri|sat|sun)\s+([01][0-9]|2[0-3]):([0-5][0-9])$/i;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
/** Region/City names (and UTC); offsets such as `+01:00` are no zone: they ignore daylight saving. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
const FREEZE_NAME = /^[^\p{Cc}]{1,64}$/u;

export function readFreezes(raw: unknown, fail: Fail): FreezeWindow[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return fail('freezes', 'must be a list of freeze windows');
  const names = new Set<string>();
  return raw.map((value, index) => {
    const path = `freezes[${index}]`;
    const entry = asObject(value, path, fail);
    checkKeys(entry, FREEZE_KEYS, path, fail);
    const { name } = entry;
    if (typeof name !== 'string' || !FREEZE_NAME.test(name) || name.trim() !== name) {
      fail(`${path}.name`, 'is required: a short name such as weekend (1 to 64 characters)');
    }
    if (names.has(name as string)) fail(`${path}.name`, `"${name}" names two freezes`);
    names.add(name as string);
    if (entry.aliases === undefined)
      fail(`${path}.aliases`, 'is required: the aliases it freezes, e.g. [prod]');
    const aliases = asAliasList(entry.aliases, `${path}.aliases`, fail);
    if (aliases.length === 0) fail(`${path}.aliases`, 'must list at least one alias');
    const timezone = readZone(entry.timezone, `${path}.timezone`, fail);
    const base = { name: name as string, aliases, timezone };
    if (entry.weekly !== undefined && entry.dates !== undefined) {
      fail(path, 'gives both weekly and dates: one window per freeze (add another freeze for the other)');
    }
    if (entry.weekly !== undefined)
      return { ...base, weekly: readWeekly(entry.weekly, `${path}.weekly`, fail) };
    if (entry.dates !== undefined) return { ...base, dates: readDates(entry.dates, `${path}.dates`, fail) };
    return fail(
      path,
      "needs a window: weekly: { from: 'fri 16:00', to: 'mon 08:00' } or dates: { from, to }",
    );
  });
}

function readZone(raw: unknown, path: string, fail: Fail): string {
  if (raw === undefined) return fail(path, 'is required: an IANA time zone such as Europe/Berlin');
  if (typeof raw === 'string' && ZONE_NAME.test(raw)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: raw });
      return raw;
    } catch {
      // Unknown to this runtime's time zone data: answered below.
    }
  }
  return fail(path, `\`${String(raw)}\` is not an IANA time zone such as Europe/Berlin or America/New_York`);
}

function readWeekly(raw: unknown, path: string, fail: Fail): { from: WeeklyTime; to: WeeklyTime } {
  const range = asObject(raw, path, fail);
  checkKeys(range, RANGE_KEYS, path, fail);
  const from = readWeeklyTime(range.from, `${path}.from`, fail);
  const to = readWeeklyTime(range.to, `${path}.to`, fail);
  if (from.day === to.day && from.hour === to.hour && from.minute === to.minute) {
    fail(path, 'starts and ends at the same time: the window would be empty');
  }
  return { from, to };
}

function readWeeklyTime(raw: unknown, path: string, fail: Fail): WeeklyTime {
  const match = typeof raw === 'string' ? WEEKLY_TIME.exec(raw.trim()) : null;
  if (!match) {
    return fail(
      path,
      "must be a day and a 24-hour time, e.g. 'fri 16:00' (days mon, tue, wed, thu, fri, sat, sun)",
    );
  }
  return {
    day: DAYS.indexOf((match[1] as string).toLowerCase()),
    hour: Number(match[2]),
    minute: Number(match[3]),
  };
}

function readDates(raw: unknown, path: string, fail: Fail): { from: string; to: string } {
  const range = asObject(raw, path, fail);
  checkKeys(range, RANGE_KEYS, path, fail);
  const from = readDate(range.from, `${path}.from`, fail);
  const to = readDate(range.to, `${path}.to`, fail);
  if (from > to) fail(path, `ends (${to}) before it starts (${from})`);
  return { from, to };
}

/**
 * YAML reads an unquoted 2026-12-20 as a Date at midnight UTC: take its calendar date, which is
 * what was written (the freeze's own time zone applies later). A Date with a time of day was
 * written with one, and freezes are whole days.
 */
function readDate(raw: unknown, path: string, fail: Fail): string {
  const wrong = (): never => fail(path, 'must be a date written YYYY-MM-DD (whole days, both included)');
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime()) || raw.getTime() % 86_400_000 !== 0) return wrong();
    const text = raw.toISOString().slice(0, 10);
    return DATE.test(text) ? text : wrong();
  }
  const match = typeof raw === 'string' ? DATE.exec(raw) : null;
  if (!match) return wrong();
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return fail(path, `${raw as string} is not a day of the calendar`);
  }
  return raw as string;
}
