/**
 * The report's month in the config's time zone: [1st 00:00, next 1st 00:00) as UTC instants, and the month
 * before a given instant. Plain Intl arithmetic, so it holds across daylight-saving changes.
 */
import type { BusinessCalendar } from '../domain/business-calendar';

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The zone's UTC offset at an instant, in ms (local wall time minus UTC). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const f: Record<string, number> = {};
  for (const p of parts) if (p.type !== 'literal') f[p.type] = Number(p.value);
  const wall = Date.UTC(f.year ?? 1970, (f.month ?? 1) - 1, f.day ?? 1, f.hour ?? 0, f.minute ?? 0, f.second ?? 0);
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/** The UTC instant of local midnight starting a civil date in a zone. */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(guess, timeZone));
}

/** A month (YYYY-MM) as the UTC instants [from, to) of its local midnights. */
export function monthWindow(month: string, timeZone: string): { from: Date; to: Date } {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new RangeError(`expected a month as YYYY-MM, got "${month}"`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  return {
    from: zonedMidnight(year, mon, 1, timeZone),
    to: mon === 12 ? zonedMidnight(year + 1, 1, 1, timeZone) : zonedMidnight(year, mon + 1, 1, timeZone),
  };
}

/** The month before the one `now` falls in, in the calendar's zone. */
export function previousMonth(now: Date, calendar: BusinessCalendar): string {
  const [y, m] = calendar.localDate(now).split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
