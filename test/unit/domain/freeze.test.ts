import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FreezeWindow, WeeklyTime } from '../../../src/domain/config-model';
import {
  describeFreeze,
  freezeFor,
  freezesInForce,
  instantAt,
  isTimeZone,
  localClock,
  nextFreeze,
  occurrenceAt,
} from '../../../src/domain/freeze';
import { sentenceText } from '../../../src/domain/sentence';

const SUN = 0;
const MON = 1;
const WED = 3;
const FRI = 5;
const SAT = 6;
const at = (day: number, hour: number, minute = 0): WeeklyTime => ({ day, hour, minute });

function weekly(
  from: WeeklyTime,
  to: WeeklyTime,
  timezone = 'Europe/Berlin',
  aliases = ['prod'],
): FreezeWindow {
  return { name: 'weekly', aliases, timezone, weekly: { from, to } };
}

function dates(from: string, to: string, timezone = 'America/New_York', aliases = ['prod']): FreezeWindow {
  return { name: 'year-end', aliases, timezone, dates: { from, to } };
}

const frozen = (window: FreezeWindow, iso: string) => occurrenceAt(window, new Date(iso)) !== undefined;

describe('a weekly window that wraps the week (fri 16:00 → mon 08:00, Europe/Berlin)', () => {
  const weekend = weekly(at(FRI, 16), at(MON, 8));

  it.each<[string, string, boolean]>([
    // November 2026: CET, UTC+1.
    ['Friday 15:59 Berlin', '2026-11-27T14:59:59.999Z', false],
    ['Friday 16:00 Berlin', '2026-11-27T15:00:00.000Z', true],
    ['Saturday noon', '2026-11-28T11:00:00.000Z', true],
    ['Sunday midnight', '2026-11-29T23:00:00.000Z', true],
    ['Monday 07:59 Berlin', '2026-11-30T06:59:59.999Z', true],
    ['Monday 08:00 Berlin', '2026-11-30T07:00:00.000Z', false],
    ['Wednesday', '2026-12-02T12:00:00.000Z', false],
    // July 2026: CEST, UTC+2.
    ['Friday 16:00 Berlin in summer', '2026-07-03T14:00:00.000Z', true],
    ['Friday 15:00 UTC in summer (17:00 Berlin)', '2026-07-03T15:00:00.000Z', true],
    ['Friday 13:59 UTC in summer (15:59 Berlin)', '2026-07-03T13:59:00.000Z', false],
  ])('%s (%s) frozen: %s', (_name, iso, expected) => {
    expect(frozen(weekend, iso)).toBe(expected);
  });

  it.each<[string, string, string, string]>([
    // Starts in CET (UTC+1), ends in CEST (UTC+2): the weekend is an hour shorter in UTC.
    [
      'spring forward (29 March 2026)',
      '2026-03-28T12:00:00.000Z',
      '2026-03-27T15:00:00.000Z',
      '2026-03-30T06:00:00.000Z',
    ],
    // Starts in CEST, ends in CET: an hour longer.
    [
      'fall back (25 October 2026)',
      '2026-10-24T12:00:00.000Z',
      '2026-10-23T14:00:00.000Z',
      '2026-10-26T07:00:00.000Z',
    ],
  ])('follows Berlin clocks across the %s', (_name, inside, start, end) => {
    const occurrence = occurrenceAt(weekend, new Date(inside));

    expect(occurrence?.start.toISOString()).toBe(start);
    expect(occurrence?.end.toISOString()).toBe(end);
    expect(frozen(weekend, new Date(Date.parse(end) - 1).toISOString())).toBe(true);
    expect(frozen(weekend, end)).toBe(false);
  });
});

describe('window boundaries at local times that do not exist once (the module rule)', () => {
  it.each<[string, FreezeWindow, string, string]>([
    [
      'a start skipped by spring-forward begins at the jump (03:00 CEST)',
      weekly(at(SUN, 2, 30), at(SUN, 5)),
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T03:00:00.000Z',
    ],
    [
      'an end skipped by spring-forward ends at the jump',
      weekly(at(SUN, 1), at(SUN, 2, 30)),
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      'a start in the repeated hour begins at its first occurrence (CEST)',
      weekly(at(SUN, 2, 30), at(SUN, 4)),
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T03:00:00.000Z',
    ],
    [
      'an end in the repeated hour ends at its first occurrence (CEST)',
      weekly(at(SUN, 1), at(SUN, 2, 30)),
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
    ],
  ])('%s', (_name, window, start, end) => {
    const occurrence = occurrenceAt(window, new Date(start));

    expect(occurrence?.start.toISOString()).toBe(start);
    expect(occurrence?.end.toISOString()).toBe(end);
    expect(frozen(window, new Date(Date.parse(start) - 1).toISOString())).toBe(false);
  });

  it('does not flicker back on while the clock repeats the hour after the window ended', () => {
    const window = weekly(at(SUN, 1), at(SUN, 2, 30));

    // 01:15Z reads 02:15 CET, a wall time inside 01:00–02:30 for the second time.
    expect(frozen(window, '2026-10-25T01:15:00.000Z')).toBe(false);
  });

  it('does not flicker off while the clock repeats the hour after the window started', () => {
    const window = weekly(at(SUN, 2, 30), at(SUN, 4));

    // 01:15Z reads 02:15 CET, before 02:30 on the wall clock, but the window began at 00:30Z.
    expect(frozen(window, '2026-10-25T01:15:00.000Z')).toBe(true);
  });

  it('a day that never happened (Pacific/Apia skipped 30 December 2011) freezes nothing', () => {
    const skipped = dates('2011-12-30', '2011-12-30', 'Pacific/Apia');

    expect(frozen(skipped, '2011-12-30T10:00:00.000Z')).toBe(false);
    expect(
      occurrenceAt(dates('2011-12-29', '2011-12-30', 'Pacific/Apia'), new Date('2011-12-29T12:00:00.000Z')),
    ).toBeDefined();
  });
});

describe('other weekly shapes', () => {
  it.each<[string, FreezeWindow, string, boolean]>([
    ['inside a same-day window', weekly(at(WED, 9), at(WED, 17), 'UTC'), '2026-12-02T12:00:00.000Z', true],
    ['after a same-day window', weekly(at(WED, 9), at(WED, 17), 'UTC'), '2026-12-02T17:00:00.000Z', false],
    [
      'the Tuesday of a six-day window (sat 10:00 → fri 09:00)',
      weekly(at(SAT, 10), at(FRI, 9), 'UTC'),
      '2026-12-01T12:00:00.000Z',
      true,
    ],
    [
      'the Friday afternoon outside it',
      weekly(at(SAT, 10), at(FRI, 9), 'UTC'),
      '2026-12-04T12:00:00.000Z',
      false,
    ],
    [
      'from equal to to: the whole week',
      weekly(at(MON, 8), at(MON, 8), 'UTC'),
      '2026-12-02T12:00:00.000Z',
      true,
    ],
    ['the minute it starts again', weekly(at(MON, 8), at(MON, 8), 'UTC'), '2026-11-30T08:00:00.000Z', true],
    [
      'a half-hour zone (Asia/Kolkata, UTC+5:30)',
      weekly(at(WED, 9), at(WED, 17), 'Asia/Kolkata'),
      '2026-12-02T03:30:00.000Z',
      true,
    ],
    [
      'just before, in Kolkata',
      weekly(at(WED, 9), at(WED, 17), 'Asia/Kolkata'),
      '2026-12-02T03:29:59.999Z',
      false,
    ],
  ])('%s', (_name, window, iso, expected) => {
    expect(frozen(window, iso)).toBe(expected);
  });

  it('agrees with a minute-of-week model in a zone without daylight saving (property)', () => {
    const weeklyTime = fc.record({
      day: fc.integer({ min: 0, max: 6 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
    });
    const instant = fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2035-01-01') });
    const minuteOfWeek = (t: WeeklyTime) => t.day * 1440 + t.hour * 60 + t.minute;
    fc.assert(
      fc.property(weeklyTime, weeklyTime, instant, (from, to, time) => {
        const date = new Date(time);
        const now = date.getUTCDay() * 1440 + date.getUTCHours() * 60 + date.getUTCMinutes();
        const [f, t] = [minuteOfWeek(from), minuteOfWeek(to)];
        const expected = f < t ? f <= now && now < t : f > t ? now >= f || now < t : true;
        expect(frozen(weekly(from, to, 'UTC'), date.toISOString())).toBe(expected);
      }),
    );
  });
});

describe('a dates window (2026-12-20 → 2027-01-04, America/New_York)', () => {
  const yearEnd = dates('2026-12-20', '2027-01-04');

  it.each<[string, string, boolean]>([
    ['the evening before, New York time', '2026-12-20T04:59:59.999Z', false],
    ['midnight of the first day, New York time', '2026-12-20T05:00:00.000Z', true],
    ['new year', '2027-01-01T00:00:00.000Z', true],
    ['the last minute of the last day', '2027-01-05T04:59:59.999Z', true],
    ['the midnight after the last day', '2027-01-05T05:00:00.000Z', false],
  ])('%s (%s) frozen: %s', (_name, iso, expected) => {
    expect(frozen(yearEnd, iso)).toBe(expected);
  });

  it('spans a daylight saving change with each midnight in its own offset', () => {
    const march = dates('2026-03-07', '2026-03-08');
    const occurrence = occurrenceAt(march, new Date('2026-03-08T12:00:00.000Z'));

    expect(occurrence?.start.toISOString()).toBe('2026-03-07T05:00:00.000Z'); // EST
    expect(occurrence?.end.toISOString()).toBe('2026-03-09T04:00:00.000Z'); // EDT
  });

  it('is empty when to is before from', () => {
    expect(frozen(dates('2026-12-20', '2026-12-19'), '2026-12-19T12:00:00.000Z')).toBe(false);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => occurrenceAt(dates('20/12/2026', '2026-12-21'), new Date())).toThrow(RangeError);
  });
});

describe('instantAt: the first instant the zone clock reads a wall time or later (property)', () => {
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'America/Santiago',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
    'Pacific/Apia',
    'UTC',
  ];

  it('reads the wall time or later, and the instant before reads earlier', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.parse('2010-01-01'), max: Date.parse('2035-01-01') }),
        (zone, wallTime) => {
          const local = Math.floor(wallTime / 60_000) * 60_000;
          const instant = instantAt(local, zone);
          expect(localClock(instant, zone)).toBeGreaterThanOrEqual(local);
          expect(localClock(instant - 1, zone)).toBeLessThan(local);
        },
      ),
    );
  });

  it.each<[string, string, string]>([
    ['Europe/Berlin', '2026-03-29T02:30:00.000Z', '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25T02:30:00.000Z', '2026-10-25T00:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-10-04T02:15:00.000Z', '2026-10-03T15:30:00.000Z'],
  ])('%s wall time %s → %s', (zone, wall, expected) => {
    expect(new Date(instantAt(Date.parse(wall), zone)).toISOString()).toBe(expected);
  });
});

describe('freezeFor, freezesInForce, nextFreeze', () => {
  const weekend = { ...weekly(at(FRI, 16), at(MON, 8), 'UTC', ['prod']), name: 'weekend' };
  const friday = { ...weekly(at(FRI, 12), at(SAT, 0), 'UTC', ['prod', 'test']), name: 'friday' };
  const christmas = { ...dates('2026-12-24', '2026-12-26', 'UTC', ['prod']), name: 'christmas' };
  const windows = [weekend, friday, christmas];

  it.each<[string, string, string, string | undefined]>([
    ['prod on a Wednesday', 'prod', '2026-12-02T12:00:00.000Z', undefined],
    ['prod on Friday afternoon: the weekend ends last', 'prod', '2026-12-04T17:00:00.000Z', 'weekend'],
    [
      'test on Friday afternoon: only the friday window covers it',
      'test',
      '2026-12-04T17:00:00.000Z',
      'friday',
    ],
    ['test on Saturday', 'test', '2026-12-05T12:00:00.000Z', undefined],
    ['dev: covered by none', 'dev', '2026-12-04T17:00:00.000Z', undefined],
    [
      'prod on Christmas Day, a Friday: the weekend ends after Christmas',
      'prod',
      '2026-12-25T18:00:00.000Z',
      'weekend',
    ],
    ['prod on Christmas Day morning', 'prod', '2026-12-25T09:00:00.000Z', 'christmas'],
  ])('%s', (_name, alias, iso, expected) => {
    expect(freezeFor(windows, alias, new Date(iso))?.window.name).toBe(expected);
  });

  it('lists every window in force', () => {
    expect(freezesInForce(windows, new Date('2026-12-25T18:00:00.000Z')).map((o) => o.window.name)).toEqual([
      'weekend',
      'friday',
      'christmas',
    ]);
  });

  it.each<[string, string, string | undefined, string, string]>([
    [
      'from Wednesday, any alias',
      '2026-12-02T12:00:00.000Z',
      undefined,
      'friday',
      '2026-12-04T12:00:00.000Z',
    ],
    [
      'from Friday 13:00, prod: the weekend',
      '2026-12-04T13:00:00.000Z',
      'prod',
      'weekend',
      '2026-12-04T16:00:00.000Z',
    ],
    [
      'from Saturday, test: next Friday',
      '2026-12-05T12:00:00.000Z',
      'test',
      'friday',
      '2026-12-11T12:00:00.000Z',
    ],
    [
      'from 23 December, prod: Christmas',
      '2026-12-23T12:00:00.000Z',
      'prod',
      'christmas',
      '2026-12-24T00:00:00.000Z',
    ],
    [
      'exactly at a start: the one after',
      '2026-12-04T12:00:00.000Z',
      'test',
      'friday',
      '2026-12-11T12:00:00.000Z',
    ],
  ])('next: %s', (_name, iso, alias, name, start) => {
    const next = nextFreeze(windows, new Date(iso), alias);

    expect(next?.window.name).toBe(name);
    expect(next?.start.toISOString()).toBe(start);
  });

  it('has no next window for an alias no window covers', () => {
    expect(nextFreeze(windows, new Date('2026-12-02T12:00:00.000Z'), 'dev')).toBeUndefined();
  });

  it('has no next dates window once it has begun', () => {
    expect(nextFreeze([christmas], new Date('2026-12-24T00:00:00.000Z'))).toBeUndefined();
  });
});

describe('isTimeZone', () => {
  it.each<[string, boolean]>([
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
  ])('%j → %s', (zone, expected) => {
    expect(isTimeZone(zone)).toBe(expected);
  });
});

describe('describeFreeze', () => {
  it('names the window, its zone and its end', () => {
    const weekend = { ...weekly(at(FRI, 16), at(MON, 8)), name: 'weekend' };
    const occurrence = occurrenceAt(weekend, new Date('2026-11-28T12:00:00.000Z'));

    expect(sentenceText(describeFreeze('prod', occurrence as NonNullable<typeof occurrence>))).toBe(
      'prod is frozen by weekend (Europe/Berlin) until 2026-11-30T07:00:00.000Z.',
    );
  });
});
