/**
 * Instants as the desk's people read them: wall time in the desk's zone, with the offset, so a
 * sweep or an outbox printed on a machine set to UTC still shows Moscow's 18:00 as 18:00.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formats.set(timeZone, format);
  }
  return format;
}

function wallParts(at: Date, timeZone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of zoneFormat(timeZone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = p.value;
  return parts;
}

export type WallTime = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;

/** The zone's wall clock at an instant, each field zero-padded ("2026", "03", "16", "18", "00", "00"). */
export function wallTime(at: Date, timeZone: string): WallTime {
  const { year, month, day, hour, minute, second } = wallParts(at, timeZone);
  return { year, month, day, hour, minute, second } as WallTime;
}

/** The zone's offset from UTC at an instant: "+03:00" ("GMT" alone, as Intl writes UTC, is "+00:00"). */
export function zoneOffset(at: Date, timeZone: string): string {
  const name = wallParts(at, timeZone).timeZoneName ?? 'GMT';
  return name === 'GMT' ? '+00:00' : name.replace(/^GMT/, '');
}

/** ISO 8601 in the zone's wall time with its offset: 2026-03-16T18:00:00+03:00 (Date.parse reads it back). */
export function zonedIso(at: Date, timeZone: string): string {
  const p = wallParts(at, timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${zoneOffset(at, timeZone)}`;
}

/** "2026-03-16 18:00 +03:00": an instant for a line of text. */
export function zonedText(at: Date, timeZone: string): string {
  const p = wallParts(at, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${zoneOffset(at, timeZone)}`;
}
