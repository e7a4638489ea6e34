/**
 * A zone's UTC offset and the UTC instant of a local wall time, through Intl (the only source of a zone's
 * rules in Node). Shared by the business calendar and the reports' month window. Pure: nothing here reads
 * the clock; a formatter is made on first use of a zone (not at import: the first one loads ICU's data).
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/** The numeric wall-clock formatter of a zone, one per zone; throws RangeError on a zone Intl does not know. */
export function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The zone's UTC offset in ms at an instant (local wall time minus UTC), asked of Intl to the whole second. */
export function intlOffsetMs(timeZone: string, at: number): number {
  const whole = at - (((at % 1000) + 1000) % 1000);
  const fields: Record<string, number> = {};
  for (const part of zoneFormat(timeZone).formatToParts(new Date(whole))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return wall - whole;
}

/**
 * The UTC instant of a local wall time (ms as if the wall clock were UTC). The offset is taken at the instant
 * itself (two steps converge for any real zone); in a DST gap this lands past the gap.
 */
export function wallToUtc(wall: number, offsetAt: (at: number) => number): number {
  const guess = wall - offsetAt(wall);
  return wall - offsetAt(guess);
}
