import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { builtInHolidays, builtInShortDays, builtInWorkingWeekends, russianProductionCalendar } from '../../shared/domain/production-calendar-ru';
import { parseConfig } from '../../shared/config';

const MIN = 60_000;
const HOUR = 60 * MIN;
const WD = 8 * HOUR;

const moscow = new BusinessCalendar();
const iso = (s: string): string => new Date(s).toISOString();

describe('production calendar data', () => {
  it('covers 2025, 2026 and 2027, each naming its decree', () => {
    expect(russianProductionCalendar.map((y) => [y.year, y.decree])).toEqual([
      [2025, 'Government decree No 1335 of 2024-10-04'],
      [2026, 'Government decree No 1466 of 2025-09-24'],
      [2027, 'Government decree No 1187 of 2026-09-17'],
    ]);
  });

  // The official yearly norm for a 40 h week: 247 working days and 1972 hours in each of these years.
  it.each([2025, 2026, 2027])('%i has 247 working days and 1972 working hours', (year) => {
    let days = 0;
    let hours = 0;
    for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 24 * HOUR) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (!moscow.isWorkingDay(date)) continue;
      days++;
      hours += moscow.isShortDay(date) ? 7 : 8;
    }
    expect(days).toBe(247);
    expect(hours).toBe(1972);
  });

  it('lists only well-formed dates inside their own year, each at most once', () => {
    for (const y of russianProductionCalendar) {
      for (const list of [y.nonWorkingDays, y.workingWeekends, y.shortDays]) {
        expect(new Set(list).size).toBe(list.length);
        for (const d of list) expect(d).toMatch(new RegExp(`^${y.year}-\\d{2}-\\d{2}$`));
      }
      // A working weekend is never also a day off.
      for (const d of y.workingWeekends) expect(y.nonWorkingDays).not.toContain(d);
    }
    expect(builtInHolidays.length).toBeGreaterThan(40);
    expect(builtInWorkingWeekends).toEqual(['2025-11-01', '2027-02-20']);
    expect(builtInShortDays).toHaveLength(12);
  });
});

describe('BusinessCalendar days', () => {
  it.each([
    ['2026-01-09', false, 'transferred day off after the January holidays'],
    ['2026-01-12', true, 'first working day of 2026'],
    ['2026-03-09', false, 'Mar 8 on a Sunday moves to Monday'],
    ['2026-03-14', false, 'an ordinary Saturday'],
    ['2025-11-01', true, 'the working Saturday of 2025'],
    ['2025-11-03', false, 'the day off it moved to'],
    ['2026-12-31', false, 'Dec 31 2026 is a day off'],
    ['2027-02-20', true, 'the working Saturday of 2027'],
    ['2027-02-22', false, 'the Monday it moved to'],
    ['2027-11-05', false, 'Jan 2 2027 moved here'],
    ['2027-06-14', false, 'Jun 12 on a Saturday moves to Monday'],
    ['2028-01-03', true, 'beyond the data only weekends are off'],
    ['2024-12-31', true, 'before the data only weekends are off'],
  ])('%s working: %s (%s)', (date, working) => {
    expect(moscow.isWorkingDay(date)).toBe(working);
  });

  it.each([
    ['2025-03-07', true],
    ['2025-11-01', true],
    ['2026-04-30', true],
    ['2026-05-08', true],
    ['2026-11-03', true],
    ['2027-02-20', true],
    ['2026-04-29', false],
    ['2026-05-09', false],
  ])('%s is a short day: %s', (date, short) => {
    expect(moscow.isShortDay(date)).toBe(short);
  });

  it('rejects impossible dates and times', () => {
    expect(() => moscow.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => moscow.isWorkingDay('26-02-03')).toThrow(RangeError);
    expect(() => new BusinessCalendar({ businessHours: { days: [1], start: '18:00', end: '10:00' } })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ timezone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => moscow.addBusinessMs(new Date('2026-03-16T10:00:00+03:00'), -1)).toThrow(RangeError);
  });

  it('a wd is the length of a regular configured day', () => {
    expect(moscow.wdMs).toBe(WD);
    expect(new BusinessCalendar({ businessHours: { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '17:30' } }).wdMs).toBe(8.5 * HOUR);
  });
});

describe('BusinessCalendar config lists replace the built-in ones, each on its own', () => {
  const onlyMar16 = new BusinessCalendar({ holidays: ['2026-03-16'] });
  const noShortDays = new BusinessCalendar({ shortDays: [] });

  it('holidays', () => {
    expect(onlyMar16.isWorkingDay('2026-03-16')).toBe(false);
    expect(onlyMar16.isWorkingDay('2026-01-09')).toBe(true);
    // Working weekends and short days still come from the built-in calendar.
    expect(onlyMar16.isWorkingDay('2025-11-01')).toBe(true);
    expect(onlyMar16.isShortDay('2026-04-30')).toBe(true);
  });

  it('short days', () => {
    expect(noShortDays.addBusinessMs(new Date('2026-04-30T17:00:00+03:00'), HOUR).toISOString()).toBe(iso('2026-04-30T18:00:00+03:00'));
    expect(noShortDays.isWorkingDay('2026-05-01')).toBe(false);
  });

  it('working weekends', () => {
    const cal = new BusinessCalendar({ workingWeekends: ['2026-03-14'] });
    expect(cal.isWorkingDay('2026-03-14')).toBe(true);
    expect(cal.isWorkingDay('2025-11-01')).toBe(false);
  });

  it('fromConfig reads the config subset', () => {
    const example: unknown = JSON.parse(readFileSync('maildesk.config.example.json', 'utf8'));
    const config = parseConfig({ ...(example as object), timezone: 'Asia/Yekaterinburg', holidays: ['2026-03-16'] });
    const cal = BusinessCalendar.fromConfig(config);
    expect(cal.timezone).toBe('Asia/Yekaterinburg');
    expect(cal.nextOpening(new Date('2026-03-16T12:00:00+05:00')).toISOString()).toBe(iso('2026-03-17T10:00:00+05:00'));
  });
});

describe('BusinessCalendar.addBusinessMs (Moscow, built-in calendar)', () => {
  it.each([
    { name: 'Friday 17:00 + 1 wd', from: '2026-03-13T17:00:00+03:00', ms: WD, to: '2026-03-16T17:00:00+03:00' },
    { name: 'Saturday creation + 1 wd ends at Monday closing', from: '2026-03-14T11:00:00+03:00', ms: WD, to: '2026-03-16T18:00:00+03:00' },
    { name: 'result exactly at closing stays at 18:00', from: '2026-03-16T10:00:00+03:00', ms: WD, to: '2026-03-16T18:00:00+03:00' },
    { name: 'start exactly at closing rolls to the next opening', from: '2026-03-16T18:00:00+03:00', ms: HOUR, to: '2026-03-17T11:00:00+03:00' },
    { name: 'start before opening', from: '2026-03-16T08:15:00+03:00', ms: 30 * MIN, to: '2026-03-16T10:30:00+03:00' },
    { name: 'just before midnight', from: '2026-03-16T23:59:59+03:00', ms: 30 * MIN, to: '2026-03-17T10:30:00+03:00' },
    { name: 'local midnight given in UTC', from: '2026-03-16T21:00:00Z', ms: WD, to: '2026-03-17T18:00:00+03:00' },
    { name: 'input in +05:00', from: '2026-03-16T12:00:00+05:00', ms: 2 * HOUR, to: '2026-03-16T12:00:00+03:00' },
    { name: 'input in Z before opening', from: '2026-03-16T06:59:00Z', ms: MIN, to: '2026-03-16T07:01:00Z' },
    { name: '5 wd from Monday opening end Friday closing', from: '2026-03-16T10:00:00+03:00', ms: 5 * WD, to: '2026-03-20T18:00:00+03:00' },
    { name: 'Jan 1-11 2026 holidays, across 2025 to 2026', from: '2025-12-30T15:00:00+03:00', ms: WD, to: '2026-01-12T15:00:00+03:00' },
    { name: 'year boundary 2026 to 2027', from: '2026-12-30T17:00:00+03:00', ms: WD, to: '2027-01-11T17:00:00+03:00' },
    { name: 'short pre-holiday day closes at 17:00', from: '2026-04-30T10:00:00+03:00', ms: WD, to: '2026-05-04T11:00:00+03:00' },
    { name: 'result at a short day closing stays there', from: '2026-06-11T16:00:00+03:00', ms: HOUR, to: '2026-06-11T17:00:00+03:00' },
    { name: 'working short Saturday 2025-11-01', from: '2025-10-31T18:00:00+03:00', ms: WD, to: '2025-11-05T11:00:00+03:00' },
    { name: 'working short Saturday 2027-02-20', from: '2027-02-19T17:00:00+03:00', ms: 2 * HOUR, to: '2027-02-20T11:00:00+03:00' },
    { name: 'May 2025 holidays after a short day', from: '2025-04-30T16:00:00+03:00', ms: 2 * WD, to: '2025-05-06T17:00:00+03:00' },
    { name: 'beyond 2027 only weekends are off', from: '2027-12-30T10:00:00+03:00', ms: 2 * WD, to: '2028-01-03T18:00:00+03:00' },
    { name: 'zero ms is the start itself', from: '2026-03-14T11:00:00+03:00', ms: 0, to: '2026-03-14T11:00:00+03:00' },
  ])('$name', ({ from, ms, to }) => {
    expect(moscow.addBusinessMs(new Date(from), ms).toISOString()).toBe(iso(to));
  });

  it('addWorkingDays = addBusinessMs of n regular days', () => {
    expect(moscow.addWorkingDays(new Date('2026-03-13T17:00:00+03:00'), 10).toISOString()).toBe(iso('2026-03-27T17:00:00+03:00'));
    expect(moscow.addWorkingDays(new Date('2026-03-13T17:00:00+03:00'), 0.5).toISOString()).toBe(iso('2026-03-16T13:00:00+03:00'));
  });
});

describe('BusinessCalendar.businessMsBetween and nextOpening', () => {
  it.each([
    { name: 'Friday 17:00 to Monday 11:00', a: '2026-03-13T17:00:00+03:00', b: '2026-03-16T11:00:00+03:00', ms: 2 * HOUR },
    { name: 'over the January holidays', a: '2025-12-30T10:00:00+03:00', b: '2026-01-12T18:00:00+03:00', ms: 2 * WD },
    { name: 'inside one night', a: '2026-03-16T19:00:00+03:00', b: '2026-03-17T09:00:00+03:00', ms: 0 },
    { name: 'a short day counts 7 h', a: '2026-04-30T00:00:00+03:00', b: '2026-05-01T00:00:00+03:00', ms: 7 * HOUR },
    { name: 'reversed is negative', a: '2026-03-16T11:00:00+03:00', b: '2026-03-13T17:00:00+03:00', ms: -2 * HOUR },
    { name: 'mixed offsets', a: '2026-03-16T12:00:00+05:00', b: '2026-03-16T08:00:00Z', ms: HOUR },
  ])('$name', ({ a, b, ms }) => {
    expect(moscow.businessMsBetween(new Date(a), new Date(b))).toBe(ms);
  });

  it.each([
    ['inside hours is now', '2026-03-16T12:34:56+03:00', '2026-03-16T12:34:56+03:00'],
    ['at closing is tomorrow', '2026-03-16T18:00:00+03:00', '2026-03-17T10:00:00+03:00'],
    ['Saturday is Monday', '2026-03-14T09:00:00+03:00', '2026-03-16T10:00:00+03:00'],
    ['Jan 1 2026 is Jan 12', '2026-01-01T00:00:00+03:00', '2026-01-12T10:00:00+03:00'],
  ])('nextOpening: %s', (_name, t, expected) => {
    expect(moscow.nextOpening(new Date(t)).toISOString()).toBe(iso(expected));
    expect(moscow.isOpen(new Date(expected))).toBe(true);
  });

  it('localDate is the date in the calendar zone', () => {
    expect(moscow.localDate(new Date('2026-03-16T21:30:00Z'))).toBe('2026-03-17');
    expect(moscow.localDate(new Date('2026-03-16T20:59:59Z'))).toBe('2026-03-16');
  });
});

describe('BusinessCalendar in other zones', () => {
  const berlin = new BusinessCalendar({ timezone: 'Europe/Berlin', holidays: [], workingWeekends: [], shortDays: [] });

  it('follows DST: the same local hours on both sides of the switch', () => {
    expect(berlin.addWorkingDays(new Date('2026-03-27T17:00:00+01:00'), 1).toISOString()).toBe(iso('2026-03-30T17:00:00+02:00'));
    expect(berlin.addWorkingDays(new Date('2026-10-23T17:00:00+02:00'), 1).toISOString()).toBe(iso('2026-10-26T17:00:00+01:00'));
    expect(berlin.businessMsBetween(new Date('2026-03-27T10:00:00+01:00'), new Date('2026-03-30T18:00:00+02:00'))).toBe(2 * WD);
  });

  it('a six-day week with a half-hour zone', () => {
    const kolkata = new BusinessCalendar({ timezone: 'Asia/Kolkata', businessHours: { days: [1, 2, 3, 4, 5, 6], start: '09:30', end: '18:00' }, holidays: [] });
    expect(kolkata.addWorkingDays(new Date('2026-03-13T18:00:00+05:30'), 1).toISOString()).toBe(iso('2026-03-14T18:00:00+05:30'));
    expect(kolkata.nextOpening(new Date('2026-03-14T18:00:00+05:30')).toISOString()).toBe(iso('2026-03-16T09:30:00+05:30'));
  });
});

// ---------------------------------------------------------------------------------------------
// A slow, obvious reference: walk minute by minute and ask whether support is open in that minute.
// The local wall clock comes from Intl, cached per UTC quarter hour (the zones used here change
// offset only on quarter hours, so a quarter hour never straddles a local midnight).

interface SlowCalendar {
  zone: Intl.DateTimeFormat;
  days: Set<number>;
  startMin: number;
  endMin: number;
  holidays: Set<string>;
  workingWeekends: Set<string>;
  shortDays: Set<string>;
  quarterCache: Map<number, { date: string; weekday: number; minuteOfDay: number }>;
}

const QUARTER = 15 * MIN;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function slowCalendar(o: CalendarSpec): SlowCalendar {
  const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return {
    zone: new Intl.DateTimeFormat('en-US', { timeZone: o.timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' }),
    days: new Set(o.businessHours.days),
    startMin: minutes(o.businessHours.start),
    endMin: minutes(o.businessHours.end),
    holidays: new Set(o.holidays),
    workingWeekends: new Set(o.workingWeekends),
    shortDays: new Set(o.shortDays),
    quarterCache: new Map(),
  };
}

function slowIsOpenMinute(cal: SlowCalendar, minuteStart: number): boolean {
  const quarter = Math.floor(minuteStart / QUARTER) * QUARTER;
  let local = cal.quarterCache.get(quarter);
  if (!local) {
    const p = Object.fromEntries(cal.zone.formatToParts(new Date(quarter)).map((x) => [x.type, x.value]));
    local = { date: `${p.year}-${p.month}-${p.day}`, weekday: WEEKDAYS[p.weekday!]!, minuteOfDay: Number(p.hour) * 60 + Number(p.minute) };
    cal.quarterCache.set(quarter, local);
  }
  const minuteOfDay = local.minuteOfDay + (minuteStart - quarter) / MIN;
  const working = cal.workingWeekends.has(local.date) || (cal.days.has(local.weekday) && !cal.holidays.has(local.date));
  const close = cal.endMin - (cal.shortDays.has(local.date) ? 60 : 0);
  return working && minuteOfDay >= cal.startMin && minuteOfDay < close;
}

function slowAdd(cal: SlowCalendar, from: number, ms: number): number {
  if (ms === 0) return from;
  let left = ms / MIN;
  for (let m = from; ; m += MIN) {
    if (slowIsOpenMinute(cal, m) && --left === 0) return m + MIN;
  }
}

function slowBetween(cal: SlowCalendar, a: number, b: number): number {
  let total = 0;
  for (let m = a; m < b; m += MIN) if (slowIsOpenMinute(cal, m)) total += MIN;
  return total;
}

interface CalendarSpec {
  timezone: string;
  businessHours: { days: number[]; start: string; end: string };
  holidays: readonly string[];
  workingWeekends: readonly string[];
  shortDays: readonly string[];
}

const pair = (name: string, runs: number, spec: CalendarSpec) => ({ name, runs, fast: new BusinessCalendar(spec), slow: slowCalendar(spec) });

const calendars = [
  pair('Moscow, built-in calendar', 300, {
    timezone: 'Europe/Moscow',
    businessHours: { days: [1, 2, 3, 4, 5], start: '10:00', end: '18:00' },
    holidays: builtInHolidays,
    workingWeekends: builtInWorkingWeekends,
    shortDays: builtInShortDays,
  }),
  pair('Berlin with DST, own lists', 100, {
    timezone: 'Europe/Berlin',
    businessHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '16:30' },
    holidays: ['2026-04-03', '2026-04-06', '2026-12-25'],
    workingWeekends: ['2026-03-28'],
    shortDays: ['2026-12-24'],
  }),
  pair('Kolkata, six-day week, half-hour offset', 100, {
    timezone: 'Asia/Kolkata',
    businessHours: { days: [1, 2, 3, 4, 5, 6], start: '09:30', end: '18:15' },
    holidays: ['2026-01-26', '2026-08-15'],
    workingWeekends: [],
    shortDays: ['2026-08-14'],
  }),
];

// Minute-aligned instants from late 2024 to early 2028: all data years, both year ends of each.
const minuteInstant = fc.integer({ min: Date.UTC(2024, 11, 20) / MIN, max: Date.UTC(2028, 0, 10) / MIN }).map((m) => m * MIN);

describe.each(calendars)('properties against the minute-stepping reference: $name', ({ fast, slow, runs }) => {
  it('addBusinessMs matches', () => {
    fc.assert(
      fc.property(minuteInstant, fc.integer({ min: 0, max: 3 * 8 * 60 }), (from, minutes) => {
        expect(fast.addBusinessMs(new Date(from), minutes * MIN).getTime()).toBe(slowAdd(slow, from, minutes * MIN));
      }),
      { numRuns: runs },
    );
  });

  it('businessMsBetween matches', () => {
    fc.assert(
      fc.property(minuteInstant, fc.integer({ min: 0, max: 9 * 24 * 60 }), (a, minutes) => {
        const b = a + minutes * MIN;
        expect(fast.businessMsBetween(new Date(a), new Date(b))).toBe(slowBetween(slow, a, b));
      }),
      { numRuns: runs },
    );
  });
});

describe('round trip and earliest instant (any ms, not just minutes)', () => {
  const anyInstant = fc.integer({ min: Date.UTC(2024, 11, 20), max: Date.UTC(2028, 0, 10) });
  const duration = fc.integer({ min: 1, max: 30 * WD });

  it.each(calendars)('$name: businessMsBetween(t, addBusinessMs(t, x)) = x, and a ms earlier is short of x', ({ fast }) => {
    fc.assert(
      fc.property(anyInstant, duration, (t, x) => {
        const start = fast.nextOpening(new Date(t));
        const end = fast.addBusinessMs(start, x);
        expect(fast.businessMsBetween(start, end)).toBe(x);
        expect(fast.businessMsBetween(start, new Date(end.getTime() - 1))).toBe(x - 1);
        // Started outside hours or not, the same business time passes.
        expect(fast.addBusinessMs(new Date(t), x).getTime()).toBe(end.getTime());
      }),
      { numRuns: 300 },
    );
  });
});

describe('speed', () => {
  // No absolute times in tests (the bench has those): the cost of a deadline grows linearly with
  // its length. 1,500 deadlines of 290 wd against 15,000 of 29 wd (the same working days in all)
  // may cost up to 4x (measured ~0.9x; walking minute by minute or quadratically would be ~10x),
  // interleaved and best of five so a busy machine slows both alike.
  const run = (wd: number, count: number) => {
    const base = Date.UTC(2025, 0, 1);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const from = new Date(base + ((i * 7_919_993) % (3 * 365 * 24 * HOUR)));
      moscow.businessMsBetween(from, moscow.addWorkingDays(from, wd));
    }
    return performance.now() - started;
  };
  it('deadlines cost time linear in their working days (290 wd about 10x 29 wd, not 100x)', () => {
    run(290, 300); // warm the zone-offset cache and the JIT
    let short = Number.POSITIVE_INFINITY;
    let long = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 5; round++) {
      short = Math.min(short, run(29, 15_000));
      long = Math.min(long, run(290, 1_500));
    }
    if (process.env.CALENDAR_SPEED_REPORT) console.log(`29 wd ${short.toFixed(1)} ms, 290 wd ${long.toFixed(1)} ms`);
    expect(long).toBeLessThan(short * 4);
  });
});

describe('BusinessCalendar time-zone offsets (cached by UTC hour)', () => {
  // Kathmandu moved from +05:30 to +05:45 at local midnight of 1986-01-01, i.e. 18:30 UTC: a
  // transition inside a UTC hour, which the cache must not flatten, whatever order it is asked in.
  const instants: Array<[string, string]> = [
    ['1985-12-31T17:59:00Z', '1985-12-31'], // 23:29 local
    ['1985-12-31T18:10:00Z', '1985-12-31'], // 23:40 local, before the transition
    ['1985-12-31T18:29:59Z', '1985-12-31'], // 23:59:59 local
    ['1985-12-31T18:40:00Z', '1986-01-01'], // 00:25 local, after it (+05:45)
    ['1985-12-31T19:05:00Z', '1986-01-01'],
  ];
  it.each([
    ['in time order', instants],
    ['in reverse order', [...instants].reverse()],
    ['after then before, twice', [instants[3]!, instants[1]!, instants[3]!, instants[1]!]],
  ])('gives each instant its own local date %s, on one calendar', (_order, asked) => {
    const kathmandu = new BusinessCalendar({ timezone: 'Asia/Kathmandu' });
    for (const [iso, date] of asked) expect(kathmandu.localDate(new Date(iso)), iso).toBe(date);
  });

  it('puts a local wall time on the right side of a transition inside the hour', () => {
    // opening at 00:20 local on 1986-01-01 is 18:35 UTC (+05:45); the hour's first offset (+05:30) would say 18:50
    const open = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:20', end: '23:00' };
    for (const warm of [[], ['1985-12-31T18:05:00Z'], ['1985-12-31T18:55:00Z']]) {
      const kathmandu = new BusinessCalendar({ timezone: 'Asia/Kathmandu', businessHours: open });
      for (const iso of warm) kathmandu.localDate(new Date(iso));
      expect(kathmandu.nextOpening(new Date('1985-12-31T18:31:00Z')).toISOString()).toBe('1985-12-31T18:35:00.000Z');
    }
  });

  it('agrees with a fresh calendar (no cache) across a DST change, hour by hour', () => {
    const berlin = new BusinessCalendar({ timezone: 'Europe/Berlin' });
    for (let t = Date.parse('2026-10-24T20:00:00Z'); t < Date.parse('2026-10-25T06:00:00Z'); t += 7 * 60_000) {
      const at = new Date(t);
      expect(berlin.localDate(at)).toBe(new BusinessCalendar({ timezone: 'Europe/Berlin' }).localDate(at));
      expect(berlin.isOpen(at)).toBe(new BusinessCalendar({ timezone: 'Europe/Berlin' }).isOpen(at));
    }
  });
});
