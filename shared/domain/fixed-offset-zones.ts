/**
 * Time zones whose UTC offset has not changed since a given instant (IANA tzdata, as Node ships it): after that
 * instant their offset is a constant, so the business calendar computes wall times there without Intl. An
 * Intl.DateTimeFormat is what makes Node load ICU's locale and zone data (about 28 ms of CPU on the first one
 * in a process, most of what the SLA functions' cold start added over their libraries); the desk's zone is
 * Europe/Moscow, fixed at UTC+3 since 26 October 2014. Instants before `since`, and every other zone, are asked
 * of Intl as before. test/unit/fixed-offset-zones.test.ts checks each entry against Intl through 2040, so a
 * tzdata change (a zone taking up daylight saving again) fails the tests instead of moving deadlines silently.
 */
export interface FixedOffset {
  /** local wall time minus UTC, in minutes */
  offsetMinutes: number;
  /** ms since the epoch from which the offset holds (a little after the last change) */
  since: number;
}

const after2014 = Date.UTC(2015, 0, 1);

export const FIXED_OFFSET_ZONES: Readonly<Record<string, FixedOffset>> = {
  UTC: { offsetMinutes: 0, since: 0 },
  'Etc/UTC': { offsetMinutes: 0, since: 0 },
  // Russia's zones since the law of 2014 (Federal Law 248-FZ), no daylight saving since 2011.
  'Europe/Moscow': { offsetMinutes: 180, since: after2014 },
  'Europe/Kaliningrad': { offsetMinutes: 120, since: after2014 },
  'Europe/Samara': { offsetMinutes: 240, since: after2014 },
  'Asia/Yekaterinburg': { offsetMinutes: 300, since: after2014 },
  'Asia/Omsk': { offsetMinutes: 360, since: after2014 },
  'Asia/Krasnoyarsk': { offsetMinutes: 420, since: after2014 },
  'Asia/Irkutsk': { offsetMinutes: 480, since: after2014 },
  'Asia/Vladivostok': { offsetMinutes: 600, since: after2014 },
};

/** The zone's offset in ms at `at` when the table knows it, else null (ask Intl). */
export function fixedOffsetMs(zone: string, at: number): number | null {
  const fixed = Object.hasOwn(FIXED_OFFSET_ZONES, zone) ? FIXED_OFFSET_ZONES[zone] : undefined;
  return fixed && at >= fixed.since ? fixed.offsetMinutes * 60_000 : null;
}
