/**
 * Instants as the desk's people read them: wall time in the desk's zone, with the offset, so a
 * sweep or an outbox printed on a machine set to UTC still shows Moscow's 18:00 as 18:00. The
 * offset is the business calendar's (shared/domain/zone-offset): the fixed-offset table's where it
 * knows the zone, else Intl's.
 */
import { fixedOffsetMs } from '../domain/fixed-offset-zones';
import { intlOffsetMs } from '../domain/zone-offset';

export type WallTime = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;

const offsetMsAt = (at: Date, timeZone: string) =>
  fixedOffsetMs(timeZone, at.getTime()) ?? intlOffsetMs(timeZone, at.getTime());

const two = (n: number) => String(n).padStart(2, '0');

/** The zone's wall clock at an instant, each field zero-padded ("2026", "03", "16", "18", "00", "00"). */
export function wallTime(at: Date, timeZone: string): WallTime {
  const wall = new Date(at.getTime() + offsetMsAt(at, timeZone));
  return {
    year: String(wall.getUTCFullYear()),
    month: two(wall.getUTCMonth() + 1),
    day: two(wall.getUTCDate()),
    hour: two(wall.getUTCHours()),
    minute: two(wall.getUTCMinutes()),
    second: two(wall.getUTCSeconds()),
  };
}

/** The zone's offset from UTC at an instant: "+03:00", "-04:00", "+05:45"; UTC is "+00:00". */
export function zoneOffset(at: Date, timeZone: string): string {
  const ms = offsetMsAt(at, timeZone);
  const seconds = Math.abs(ms) / 1000;
  const hhmm = `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}`;
  // A zone's local mean time before 1900 or so has seconds in its offset (Intl writes them too).
  return `${ms < 0 ? '-' : '+'}${hhmm}${seconds % 60 ? `:${two(seconds % 60)}` : ''}`;
}

/** ISO 8601 in the zone's wall time with its offset: 2026-03-16T18:00:00+03:00 (Date.parse reads it back). */
export function zonedIso(at: Date, timeZone: string): string {
  const p = wallTime(at, timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${zoneOffset(at, timeZone)}`;
}

/** "2026-03-16 18:00 +03:00": an instant for a line of text. */
export function zonedText(at: Date, timeZone: string): string {
  const p = wallTime(at, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${zoneOffset(at, timeZone)}`;
}
