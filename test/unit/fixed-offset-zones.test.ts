/**
 * Issue 18 (cold start): the business calendar computes wall times in a zone of fixed offset without Intl, whose
 * first formatter makes Node load ICU's data at init. The table is checked against Intl (Node's tzdata), and the
 * calendar's answers against the same calendar computed through Intl (W-SU is tzdata's link to Europe/Moscow).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BusinessCalendar } from '../../shared/domain/business-calendar';
import { FIXED_OFFSET_ZONES, fixedOffsetMs } from '../../shared/domain/fixed-offset-zones';

const DAY = 86_400_000;

function intlOffsetMs(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const f = Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
  return Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!) - at;
}

afterEach(() => vi.restoreAllMocks());

describe('fixed-offset zones', () => {
  it.each(Object.entries(FIXED_OFFSET_ZONES))('%s: the offset Intl gives every 6 hours from the entry to 2040', (zone, entry) => {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    const wrong: string[] = [];
    for (let at = Math.max(entry.since, Date.UTC(2000, 0, 1)); at < Date.UTC(2040, 0, 1); at += DAY / 4) {
      const name = format.formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')!.value;
      const m = /GMT(?:([+-])(\d\d):(\d\d))?/.exec(name)!;
      const minutes = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
      if (minutes !== entry.offsetMinutes) wrong.push(`${new Date(at).toISOString()} ${name}`);
    }
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(fixedOffsetMs(zone, entry.since)).toBe(intlOffsetMs(zone, entry.since));
  });

  it('before its entry, or for a zone not in the table, the calendar asks Intl', () => {
    expect(fixedOffsetMs('Europe/Moscow', Date.UTC(2012, 5, 1))).toBeNull();
    expect(fixedOffsetMs('Europe/Berlin', Date.UTC(2026, 5, 1))).toBeNull();
    expect(fixedOffsetMs('toString', Date.UTC(2026, 5, 1))).toBeNull();
    // Moscow in 2012 was UTC+4: a calendar there still gets it from Intl.
    const c = new BusinessCalendar({ timezone: 'Europe/Moscow' });
    expect(c.localDate(new Date('2012-06-01T20:30:00Z'))).toBe('2012-06-02');
    expect(c.localDate(new Date('2026-06-01T20:30:00Z'))).toBe('2026-06-01');
  });

  it('Europe/Moscow: a calendar made and used for current deadlines builds no Intl.DateTimeFormat (it built one)', () => {
    const spy = vi.spyOn(Intl, 'DateTimeFormat');
    const c = new BusinessCalendar({ timezone: 'Europe/Moscow' });
    c.addBusinessMs(new Date('2026-12-03T15:00:00Z'), 8 * 3_600_000);
    c.addWorkingDays(new Date('2026-12-30T10:00:00Z'), 3);
    c.businessMsBetween(new Date('2026-03-06T06:00:00Z'), new Date('2026-03-10T12:00:00Z'));
    expect(spy).not.toHaveBeenCalled();
  });

  it('a zone Intl does not know still fails when the calendar is made', () => {
    expect(() => new BusinessCalendar({ timezone: 'Mars/Olympus' })).toThrow(RangeError);
  });

  it('Europe/Moscow gives the answers its tzdata link W-SU (computed through Intl) gives, 2015-2032', () => {
    const fixed = new BusinessCalendar({ timezone: 'Europe/Moscow' });
    const intl = new BusinessCalendar({ timezone: 'W-SU' });
    let seed = 18;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 400; i++) {
      const from = new Date(Date.UTC(2015, 0, 1) + Math.floor(next() * 17 * 365 * DAY));
      const ms = Math.floor(next() * 40 * 3_600_000);
      expect(fixed.addBusinessMs(from, ms).toISOString()).toBe(intl.addBusinessMs(from, ms).toISOString());
      expect(fixed.nextOpening(from).toISOString()).toBe(intl.nextOpening(from).toISOString());
      expect(fixed.localDate(from)).toBe(intl.localDate(from));
      expect(fixed.isOpen(from)).toBe(intl.isOpen(from));
      const to = new Date(from.getTime() + ms * 3);
      expect(fixed.businessMsBetween(from, to)).toBe(intl.businessMsBetween(from, to));
    }
  });
});
