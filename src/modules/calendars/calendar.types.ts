import type { IANAZone } from 'luxon';

/**
 * Domain types of business calendars. A calendar is stored and exchanged as a
 * `CalendarDefinition` (plain JSON, the shape HTTP clients send) and queried as a
 * `CompiledCalendar` (built once by `compileCalendar`, then reused).
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local wall-clock "HH:MM" in the calendar's zone; "24:00" ends a day. */
export type WallClock = string;

/** One span of working hours, [start, end), both wall-clock times of the same local date. */
export type HourSpan = [WallClock, WallClock];

export const HOLIDAY_PRESETS = ['jp'] as const;
export type HolidayPreset = (typeof HOLIDAY_PRESETS)[number];

/**
 * A company closure. Either both ends are "MM-DD" (recurs every year; `from` after `to`
 * wraps over the year end, e.g. 12-29..01-03) or both are "YYYY-MM-DD" (one period).
 * Both ends are inclusive whole local dates.
 */
export interface CalendarClosure {
  from: string;
  to: string;
  name?: string;
}

/** Replaces one local date's hours (empty `hours` = closed). Wins over holidays and closures. */
export interface CalendarException {
  date: string;
  hours: HourSpan[];
  name?: string;
}

export interface CalendarDefinition {
  /** IANA time zone, e.g. "Asia/Tokyo". */
  timezone: string;
  weekly: Record<Weekday, HourSpan[]>;
  /** Dates ("YYYY-MM-DD") closed all day. */
  holidays?: string[];
  /** Dates ("MM-DD") closed all day every year. */
  recurringHolidays?: string[];
  holidayPresets?: HolidayPreset[];
  closures?: CalendarClosure[];
  exceptions?: CalendarException[];
}

/** A UTC interval [startMs, endMs) of business time. */
export type BusinessInterval = [startMs: number, endMs: number];

/** Minutes from local midnight, [start, end), 0..1440. */
export type MinuteSpan = readonly [number, number];

/**
 * A definition prepared for fast queries. Treat it as opaque outside this module: the
 * fields are read by calendar.policy.ts only. It is safe to share and keep for a long
 * time (the per-day cache is bounded).
 */
export interface CompiledCalendar {
  readonly definition: CalendarDefinition;
  readonly timezone: string;
  readonly zone: IANAZone;
  /** Working minutes per weekday, index 0 = Monday. */
  readonly weekly: readonly (readonly MinuteSpan[])[];
  readonly holidays: ReadonlySet<string>;
  readonly recurringHolidays: ReadonlySet<string>;
  readonly presetHolidays: readonly ReadonlySet<string>[];
  readonly datedClosures: readonly { from: string; to: string }[];
  readonly recurringClosures: readonly { from: string; to: string }[];
  readonly exceptions: ReadonlyMap<string, readonly MinuteSpan[]>;
  /** True when every instant is business time (24/7 with nothing closed): O(1) queries. */
  readonly alwaysOpen: boolean;
  /** Resolved UTC intervals per local epoch day, filled lazily. */
  readonly dayCache: Map<number, readonly BusinessInterval[]>;
}
