/**
 * Business time: support hours on working days in the support team's time zone.
 *
 * All arithmetic walks local days (never minutes): each local day has at most one open window
 * [open, close) in UTC ms, computed once from the zone's offset and cached. Pure: nothing here
 * reads the clock.
 */
import type { MaildeskConfig } from '../config';
import { FIXED_OFFSET_ZONES, fixedOffsetMs } from './fixed-offset-zones';
import { builtInHolidays, builtInShortDays, builtInWorkingWeekends } from './production-calendar-ru';
import { intlOffsetMs, wallToUtc, zoneFormat } from './zone-offset';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A short (pre-holiday) day closes this much earlier. */
const SHORT_DAY_CUT_MS = HOUR_MS;
/** No real calendar has this many closed days in a row; hitting it means a broken config. */
const MAX_DAYS_WITHOUT_OPENING = 3_660;
const WINDOW_CACHE_LIMIT = 20_000;

export interface BusinessHours {
  /** ISO weekdays: 1 = Monday ... 7 = Sunday */
  readonly days: readonly number[];
  /** 'HH:MM' local time */
  readonly start: string;
  readonly end: string;
}

/** The calendar part of MaildeskConfig; absent lists fall back to the built-in Russian calendar. */
export interface BusinessCalendarOptions {
  readonly timezone?: string;
  readonly businessHours?: BusinessHours;
  readonly holidays?: readonly string[] | undefined;
  readonly workingWeekends?: readonly string[] | undefined;
  readonly shortDays?: readonly string[] | undefined;
}

export const DEFAULT_TIMEZONE = 'Europe/Moscow';
export const DEFAULT_BUSINESS_HOURS: BusinessHours = { days: [1, 2, 3, 4, 5], start: '10:00', end: '18:00' };

interface OpenWindow {
  readonly open: number;
  readonly close: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Days since 1970-01-01 of a civil date; the calendar's day key. */
function dayNumberOf(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`expected a date as YYYY-MM-DD, got "${date}"`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`no such date "${date}"`);
  }
  return ms / DAY_MS;
}

function minutesOf(time: string): number {
  const m = CLOCK_TIME.exec(time);
  if (!m) throw new RangeError(`expected a time as HH:MM, got "${time}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** About 11 years of hours: bounds the offset cache of a long-lived process. */
const MAX_CACHED_HOURS = 100_000;

/** 1970-01-01 was a Thursday (ISO 4). */
const isoWeekdayOf = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

export class BusinessCalendar {
  readonly timezone: string;
  readonly businessHours: BusinessHours;
  /** One working day (wd): the length of a regular configured day. */
  readonly wdMs: number;

  private readonly openDays: ReadonlySet<number>;
  private readonly holidays: ReadonlySet<number>;
  private readonly workingWeekends: ReadonlySet<number>;
  private readonly shortDays: ReadonlySet<number>;
  private readonly startMinute: number;
  private readonly endMinute: number;
  private readonly windows = new Map<number, OpenWindow | null>();
  private readonly hourOffsets = new Map<number, number>();

  constructor(options: BusinessCalendarOptions = {}) {
    this.timezone = options.timezone ?? DEFAULT_TIMEZONE;
    this.businessHours = options.businessHours ?? DEFAULT_BUSINESS_HOURS;
    this.startMinute = minutesOf(this.businessHours.start);
    this.endMinute = minutesOf(this.businessHours.end);
    if (this.startMinute >= this.endMinute) throw new RangeError('business hours must start before they end');
    for (const d of this.businessHours.days) {
      if (!Number.isInteger(d) || d < 1 || d > 7) throw new RangeError(`business day ${d} is not an ISO weekday 1..7`);
    }
    this.openDays = new Set(this.businessHours.days);
    this.wdMs = (this.endMinute - this.startMinute) * MINUTE_MS;
    // Each config list replaces its own built-in list only.
    this.holidays = new Set((options.holidays ?? builtInHolidays).map(dayNumberOf));
    this.workingWeekends = new Set((options.workingWeekends ?? builtInWorkingWeekends).map(dayNumberOf));
    this.shortDays = new Set((options.shortDays ?? builtInShortDays).map(dayNumberOf));
    // Throws RangeError on an unknown zone (a zone of the fixed-offset table is known).
    if (!Object.hasOwn(FIXED_OFFSET_ZONES, this.timezone)) zoneFormat(this.timezone);
  }

  static fromConfig(
    config: Pick<MaildeskConfig, 'timezone' | 'businessHours' | 'holidays' | 'workingWeekends' | 'shortDays'>,
  ): BusinessCalendar {
    return new BusinessCalendar(config);
  }

  /** A configured weekday that is not a holiday, or a working weekend. */
  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNumber(dayNumberOf(date));
  }

  /** A working day that closes an hour early. */
  isShortDay(date: string): boolean {
    const day = dayNumberOf(date);
    return this.isWorkingDayNumber(day) && this.shortDays.has(day);
  }

  /** Whether support is open at `t` (opening included, closing excluded). */
  isOpen(t: Date): boolean {
    const at = t.getTime();
    const w = this.windowOf(this.localDayOf(at));
    return w !== null && at >= w.open && at < w.close;
  }

  /** The local calendar date (YYYY-MM-DD) of an instant in the calendar's zone. */
  localDate(t: Date): string {
    return dateOf(this.localDayOf(t.getTime()));
  }

  /** The first instant at or after `t` when support is open. */
  nextOpening(t: Date): Date {
    const at = t.getTime();
    let day = this.localDayOf(at);
    for (let i = 0; i < MAX_DAYS_WITHOUT_OPENING; i++, day++) {
      const w = this.windowOf(day);
      if (w && at < w.close) return new Date(Math.max(at, w.open));
    }
    throw new Error(`no business hours within ${MAX_DAYS_WITHOUT_OPENING} days after ${t.toISOString()}`);
  }

  /**
   * The earliest instant at which `ms` business ms have elapsed after `from`. Outside hours the
   * count starts at the next opening; a result that lands on a closing time stays there.
   */
  addBusinessMs(from: Date, ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`business duration must be a finite ms >= 0, got ${ms}`);
    const at = from.getTime();
    if (ms === 0) return new Date(at);
    let remaining = ms;
    let day = this.localDayOf(at);
    let idle = 0;
    for (;;) {
      const w = this.windowOf(day);
      if (w && at < w.close) {
        const begin = Math.max(at, w.open);
        const available = w.close - begin;
        if (remaining <= available) return new Date(begin + remaining);
        remaining -= available;
        idle = 0;
      } else if (++idle > MAX_DAYS_WITHOUT_OPENING) {
        throw new Error(`no business hours within ${MAX_DAYS_WITHOUT_OPENING} days after ${from.toISOString()}`);
      }
      day++;
    }
  }

  /** `n` working days after `from`: n regular days' worth of business time (short days count short). */
  addWorkingDays(from: Date, n: number): Date {
    return this.addBusinessMs(from, n * this.wdMs);
  }

  /** Business ms in [a, b); negative when b is before a. */
  businessMsBetween(a: Date, b: Date): number {
    const from = a.getTime();
    const to = b.getTime();
    if (to < from) return -this.businessMsBetween(b, a);
    let total = 0;
    const lastDay = this.localDayOf(to);
    for (let day = this.localDayOf(from); day <= lastDay; day++) {
      const w = this.windowOf(day);
      if (!w) continue;
      const begin = Math.max(from, w.open);
      const end = Math.min(to, w.close);
      if (end > begin) total += end - begin;
    }
    return total;
  }

  private isWorkingDayNumber(day: number): boolean {
    if (this.workingWeekends.has(day)) return true;
    return this.openDays.has(isoWeekdayOf(day)) && !this.holidays.has(day);
  }

  /** The open window of a local day in UTC ms, or null when closed; cached per day. */
  private windowOf(day: number): OpenWindow | null {
    const cached = this.windows.get(day);
    if (cached !== undefined) return cached;
    let window: OpenWindow | null = null;
    if (this.isWorkingDayNumber(day)) {
      const open = this.localToUtc(day, this.startMinute * MINUTE_MS);
      const closeLocal = this.endMinute * MINUTE_MS - (this.shortDays.has(day) ? SHORT_DAY_CUT_MS : 0);
      const close = this.localToUtc(day, closeLocal);
      if (close > open) window = { open, close };
    }
    // The cache only saves work; dropping it keeps memory bounded in a long-lived process.
    if (this.windows.size >= WINDOW_CACHE_LIMIT) this.windows.clear();
    this.windows.set(day, window);
    return window;
  }

  /** The local day (days since 1970-01-01 in the zone) of an instant. */
  private localDayOf(at: number): number {
    return Math.floor((at + this.offsetAt(at)) / DAY_MS);
  }

  /** The UTC instant of a local wall time (see wallToUtc: in a DST gap this lands past the gap). */
  private localToUtc(day: number, msOfDay: number): number {
    return wallToUtc(day * DAY_MS + msOfDay, (at) => this.offsetAt(at));
  }

  /**
   * The zone's UTC offset in ms at an instant (local wall time minus UTC), from a cache by UTC
   * hour: Intl is slow, and an hour whose first and last second have the same offset has it
   * throughout (a zone changes its offset months apart, never twice within an hour). An hour
   * holding a transition is not cached: each instant in it is asked of Intl.
   */
  private offsetAt(at: number): number {
    const fixed = fixedOffsetMs(this.timezone, at);
    if (fixed !== null) return fixed;
    const hour = Math.floor(at / HOUR_MS);
    const cached = this.hourOffsets.get(hour);
    if (cached !== undefined) return cached;
    const first = intlOffsetMs(this.timezone, hour * HOUR_MS);
    if (first !== intlOffsetMs(this.timezone, (hour + 1) * HOUR_MS - 1000)) return intlOffsetMs(this.timezone, at);
    if (this.hourOffsets.size >= MAX_CACHED_HOURS) this.hourOffsets.clear();
    this.hourOffsets.set(hour, first);
    return first;
  }
}
