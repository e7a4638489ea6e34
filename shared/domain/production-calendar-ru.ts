/**
 * The Russian production calendar (производственный календарь) as data, for a five-day week.
 *
 * Per year:
 * - nonWorkingDays: public holidays (Labour Code art. 112) plus the days off the government moved
 *   onto weekdays. Holidays that fall on a weekend are listed too; that is harmless, weekends are
 *   non-working anyway.
 * - workingWeekends: Saturdays/Sundays made working by a transfer.
 * - shortDays: pre-holiday working days (art. 95), one hour shorter.
 *
 * Outside the years listed here only weekends are non-working (BusinessCalendar's rule), so the
 * next year's decree has to be added here (or put in the config) before that year starts.
 */
export interface ProductionCalendarYear {
  readonly year: number;
  /** The government decree on transfers of days off for the year. */
  readonly decree: string;
  readonly nonWorkingDays: readonly string[];
  readonly workingWeekends: readonly string[];
  readonly shortDays: readonly string[];
}

const newYearHolidays = (year: number): string[] => [1, 2, 3, 4, 5, 6, 7, 8].map((day) => `${year}-01-0${day}`);

export const russianProductionCalendar: readonly ProductionCalendarYear[] = [
  {
    // Decree No 1335 of 2024-10-04. Transfers: Sat Jan 4 -> Fri May 2, Sun Jan 5 -> Wed Dec 31,
    // Sun Feb 23 -> Thu May 8, Sat Mar 8 -> Fri Jun 13, Sat Nov 1 -> Mon Nov 3 (Nov 1 worked).
    // Checked against press reports quoting the decree (government announcement of 2024-10-04)
    // and the resulting norm: 247 working days, 1972 h at 40 h/week = 247 * 8 - 4 short days.
    // Short days come from art. 95 (day before a holiday), not from the decree text itself;
    // Nov 1 being shortened was confirmed by a press report.
    year: 2025,
    decree: 'Government decree No 1335 of 2024-10-04',
    nonWorkingDays: [
      ...newYearHolidays(2025),
      '2025-02-23',
      '2025-03-08',
      '2025-05-01',
      '2025-05-02',
      '2025-05-08',
      '2025-05-09',
      '2025-06-12',
      '2025-06-13',
      '2025-11-03',
      '2025-11-04',
      '2025-12-31',
    ],
    workingWeekends: ['2025-11-01'],
    shortDays: ['2025-03-07', '2025-04-30', '2025-06-11', '2025-11-01'],
  },
  {
    // Decree No 1466 of 2025-09-24. Transfers: Sat Jan 3 -> Fri Jan 9, Sun Jan 4 -> Thu Dec 31.
    // By art. 112 alone: Sun Mar 8 -> Mon Mar 9, Sat May 9 -> Mon May 11. No working weekends.
    // Checked against press reports quoting the decree: rest periods Dec 31 - Jan 11, Feb 21-23,
    // Mar 7-9, May 1-3, May 9-11, Jun 12-14, Nov 4, Dec 31; short days Apr 30, May 8, Jun 11,
    // Nov 3; 247 working days in the year.
    year: 2026,
    decree: 'Government decree No 1466 of 2025-09-24',
    nonWorkingDays: [
      ...newYearHolidays(2026),
      '2026-01-09',
      '2026-02-23',
      '2026-03-08',
      '2026-03-09',
      '2026-05-01',
      '2026-05-09',
      '2026-05-11',
      '2026-06-12',
      '2026-11-04',
      '2026-12-31',
    ],
    workingWeekends: [],
    shortDays: ['2026-04-30', '2026-05-08', '2026-06-11', '2026-11-03'],
  },
  {
    // Decree No 1187 of 2026-09-17. Transfers: Sat Jan 2 -> Fri Nov 5, Sun Jan 3 -> Fri Dec 31,
    // Sat Feb 20 -> Mon Feb 22 (Feb 20 worked, shortened). By art. 112 alone: Sat May 1 -> Mon May 3,
    // Sun May 9 -> Mon May 10, Sat Jun 12 -> Mon Jun 14.
    // NOT checked against the decree text or an official page (none was reachable from here). The
    // data agrees with three independent public calendar implementations that cite this decree,
    // and with its arithmetic: 261 weekdays - 15 days off + 1 working Saturday = 247 days.
    // A press report of 2025-12 about an earlier draft (Nov 4-7 off, Sat Nov 13 worked) does not
    // match; re-check this year against the published decree before relying on November 2027.
    year: 2027,
    decree: 'Government decree No 1187 of 2026-09-17',
    nonWorkingDays: [
      ...newYearHolidays(2027),
      '2027-02-22',
      '2027-02-23',
      '2027-03-08',
      '2027-05-01',
      '2027-05-03',
      '2027-05-09',
      '2027-05-10',
      '2027-06-12',
      '2027-06-14',
      '2027-11-04',
      '2027-11-05',
      '2027-12-31',
    ],
    workingWeekends: ['2027-02-20'],
    shortDays: ['2027-02-20', '2027-04-30', '2027-06-11', '2027-11-03'],
  },
];

/** The built-in lists, all years together: what the config's `holidays`/`workingWeekends`/`shortDays` replace. */
export const builtInHolidays: readonly string[] = russianProductionCalendar.flatMap((y) => y.nonWorkingDays);
export const builtInWorkingWeekends: readonly string[] = russianProductionCalendar.flatMap((y) => y.workingWeekends);
export const builtInShortDays: readonly string[] = russianProductionCalendar.flatMap((y) => y.shortDays);
