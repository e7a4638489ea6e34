/**
 * The CLI's zone times (shared/cli/zone-time.ts) read the calendar's offsets; checked here against Intl's own
 * wall clock and longOffset name, in zones with and without daylight saving, a 45-minute zone, and around
 * Europe/Berlin's changes of 2026.
 */
import { describe, expect, it } from 'vitest';
import { wallTime, zonedIso, zonedText, zoneOffset } from '../../shared/cli/zone-time';

function intl(at: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'offset', string> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset',
  }).formatToParts(at);
  const p: Record<string, string> = Object.fromEntries(parts.filter((x) => x.type !== 'literal').map((x) => [x.type, x.value]));
  const name = p.timeZoneName ?? 'GMT';
  const { year, month, day, hour, minute, second } = p as Record<string, string>;
  return { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second!, offset: name === 'GMT' ? '+00:00' : name.replace(/^GMT/, '') };
}

const ZONES = ['Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'UTC', 'Asia/Vladivostok', 'America/St_Johns'];
const INSTANTS = [
  '2026-03-16T15:00:00Z', '2026-03-29T00:59:59Z', '2026-03-29T01:00:00Z', '2026-10-25T00:59:59.999Z', '2026-10-25T01:00:00Z',
  '2026-12-31T21:00:00Z', '2014-10-25T22:00:00Z', '2010-07-01T12:34:56Z', '2031-02-28T23:59:59Z',
];

describe('zone-time', () => {
  it.each(ZONES)('%s: wall clock, offset, ISO and text as Intl writes them', (zone) => {
    for (const iso of INSTANTS) {
      const at = new Date(iso);
      const p = intl(at, zone);
      expect(wallTime(at, zone)).toEqual({ year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second });
      expect(zoneOffset(at, zone)).toBe(p.offset);
      expect(zonedIso(at, zone)).toBe(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${p.offset}`);
      expect(zonedText(at, zone)).toBe(`${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.offset}`);
      expect(Date.parse(zonedIso(at, zone))).toBe(Math.floor(at.getTime() / 1000) * 1000);
    }
  });

  it('Moscow 18:00 on a machine set to UTC', () => {
    expect(zonedText(new Date('2026-03-16T15:00:00Z'), 'Europe/Moscow')).toBe('2026-03-16 18:00 +03:00');
    expect(zoneOffset(new Date('2026-03-16T15:00:00Z'), 'America/New_York')).toBe('-04:00');
  });
});
