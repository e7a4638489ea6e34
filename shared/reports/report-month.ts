/**
 * The report's month in the config's time zone: [1st 00:00, next 1st 00:00) as UTC instants, and the month
 * before a given instant. The calendar's zone arithmetic (shared/domain/zone-offset), so it holds across
 * daylight-saving changes.
 */
import type { BusinessCalendar } from '../domain/business-calendar';
import { fixedOffsetMs } from '../domain/fixed-offset-zones';
import { intlOffsetMs, wallToUtc } from '../domain/zone-offset';

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The UTC instant of local midnight starting a civil date in a zone. */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const offsetAt = (at: number) => fixedOffsetMs(timeZone, at) ?? intlOffsetMs(timeZone, at);
  return new Date(wallToUtc(Date.UTC(year, month - 1, day), offsetAt));
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
