import holidayJp from '@holiday-jp/holiday_jp';
import { IANAZone } from 'luxon';
import { AppError, invalid, type FieldProblem } from '../../lib/errors.js';
import { isValidTimeZone } from '../../lib/timezone.js';
import {
  HOLIDAY_PRESETS,
  WEEKDAYS,
  type BusinessInterval,
  type CalendarDefinition,
  type CompiledCalendar,
  type MinuteSpan,
} from './calendar.types.js';

/*
 * Pure business-calendar arithmetic. No I/O, no clock: every instant is epoch ms passed in.
 *
 * Rules (the contract other modules rely on):
 * - Business time is a set of half-open UTC intervals [start, end). Each local date of the
 *   calendar's zone contributes its spans, chosen in this order: an exception for the date
 *   (its hours, possibly none) > closed (holiday, recurring holiday, preset holiday,
 *   closure) > the weekly hours of its weekday.
 * - Wall-clock times become instants in the calendar's zone:
 *   - a time that occurs twice (DST fall-back) takes its EARLIER occurrence, so a span
 *     01:00-03:00 on a fall-back night is 3 real hours;
 *   - a time that does not exist (DST spring-forward gap) is moved forward by the length of
 *     the gap (luxon's and Temporal's "compatible" rule: 02:30 in a 02:00->03:00 gap is
 *     03:30), so a span 01:00-03:00 on a spring-forward night is 1 real hour. A span whose
 *     ends collapse or cross this way (02:30-03:00 there) contributes nothing;
 *   - "24:00" is 00:00 of the next local date.
 * - Business seconds are REAL elapsed seconds inside business intervals.
 * - Holidays and closures are local dates of the calendar's zone (the "jp" preset applies
 *   to the calendar's own dates whatever its zone; it covers the years its data covers).
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** A search for business time gives up after this many consecutive local days without any. */
const MAX_EMPTY_DAYS = 732;
/** Bound on cached resolved days per calendar; the cache is cleared when it is full. */
const DAY_CACHE_LIMIT = 8192;

// ---------------------------------------------------------------------------------------
// Civil dates as epoch days (days since 1970-01-01), after H. Hinnant's algorithms.

const daysFromCivil = (y: number, m: number, d: number): number => {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
};

const civilFromDays = (days: number): [number, number, number] => {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
};

const pad2 = (n: number): string => String(n).padStart(2, '0');
const isoOfDay = (days: number): string => {
  const [y, m, d] = civilFromDays(days);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
};
/** 0 = Monday … 6 = Sunday; 1970-01-01 was a Thursday. */
const weekdayOfDay = (days: number): number => (((days + 3) % 7) + 7) % 7;

const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAY_RE = /^(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

type Check = { ok: true; value: number } | { ok: false; message: string };

const checkDate = (value: unknown): Check => {
  const m = typeof value === 'string' ? DATE_RE.exec(value) : null;
  if (!m) return { ok: false, message: `must be a date "YYYY-MM-DD", got ${JSON.stringify(value)}` };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    return { ok: false, message: `"${String(value)}" is not a real date` };
  }
  return { ok: true, value: daysFromCivil(y, mo, d) };
};

const checkMonthDay = (value: unknown): Check => {
  const m = typeof value === 'string' ? MONTH_DAY_RE.exec(value) : null;
  if (!m) return { ok: false, message: `must be a day of the year "MM-DD", got ${JSON.stringify(value)}` };
  const [mo, d] = [Number(m[1]), Number(m[2])];
  // 2000 is a leap year, so 02-29 is accepted (it applies in leap years only).
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(2000, mo)) {
    return { ok: false, message: `"${String(value)}" is not a real day of the year` };
  }
  return { ok: true, value: mo * 100 + d };
};

/** "HH:MM" → minutes from midnight; "24:00" → 1440. */
const checkTime = (value: unknown): Check => {
  const m = typeof value === 'string' ? TIME_RE.exec(value) : null;
  if (!m) return { ok: false, message: `must be a time "HH:MM", got ${JSON.stringify(value)}` };
  const [h, min] = [Number(m[1]), Number(m[2])];
  if (h === 24 && min === 0) return { ok: true, value: 1440 };
  if (h > 23)
    return { ok: false, message: `"${String(value)}" is not a time: hours run 00-23 (24:00 ends a day)` };
  if (min > 59) return { ok: false, message: `"${String(value)}" is not a time: minutes run 00-59` };
  return { ok: true, value: h * 60 + min };
};

const minutesLabel = (minutes: number): string => `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;

// ---------------------------------------------------------------------------------------
// Validation

const TOP_LEVEL_FIELDS = [
  'timezone',
  'weekly',
  'holidays',
  'recurringHolidays',
  'holidayPresets',
  'closures',
  'exceptions',
] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a day's spans; returns them as sorted minute spans when all are valid. */
const checkSpans = (value: unknown, path: string, problems: FieldProblem[]): MinuteSpan[] => {
  if (!Array.isArray(value)) {
    problems.push({ field: path, message: 'must be a list of ["HH:MM", "HH:MM"] spans ([] = closed)' });
    return [];
  }
  const spans: { start: number; end: number; index: number }[] = [];
  value.forEach((span: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!Array.isArray(span) || span.length !== 2) {
      problems.push({ field: at, message: 'must be a pair ["HH:MM", "HH:MM"]' });
      return;
    }
    const start = checkTime(span[0]);
    const end = checkTime(span[1]);
    if (!start.ok) problems.push({ field: `${at}[0]`, message: start.message });
    if (!end.ok) problems.push({ field: `${at}[1]`, message: end.message });
    if (!start.ok || !end.ok) return;
    if (start.value === 1440) {
      problems.push({ field: `${at}[0]`, message: 'a span cannot start at 24:00' });
      return;
    }
    if (end.value <= start.value) {
      problems.push({
        field: at,
        message: `end ${minutesLabel(end.value)} must be after start ${minutesLabel(start.value)}`,
      });
      return;
    }
    spans.push({ start: start.value, end: end.value, index: i });
  });
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1]!;
    const cur = spans[i]!;
    if (cur.start < prev.end) {
      const [first, second] = prev.index < cur.index ? [prev, cur] : [cur, prev];
      problems.push({
        field: `${path}[${second.index}]`,
        message: `overlaps ${path}[${first.index}] (${minutesLabel(first.start)}-${minutesLabel(first.end)})`,
      });
    }
  }
  return spans.map((s) => [s.start, s.end] as const);
};

const checkList = (value: unknown, path: string, problems: FieldProblem[]): unknown[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ field: path, message: 'must be a list' });
    return [];
  }
  return value;
};

/**
 * Every problem of a calendar definition, each with its field path (`weekly.mon[1]`,
 * `exceptions[0].hours[0][1]`). An empty list means compileCalendar will accept it.
 */
export const validateCalendarDefinition = (input: unknown): FieldProblem[] => {
  const problems: FieldProblem[] = [];
  if (!isRecord(input)) return [{ field: 'calendar', message: 'must be an object' }];

  for (const key of Object.keys(input)) {
    if (!(TOP_LEVEL_FIELDS as readonly string[]).includes(key)) {
      problems.push({ field: key, message: `unknown field; expected one of ${TOP_LEVEL_FIELDS.join(', ')}` });
    }
  }

  const tz = input.timezone;
  if (tz === undefined)
    problems.push({ field: 'timezone', message: 'is required (an IANA time zone such as "Asia/Tokyo")' });
  else if (typeof tz !== 'string') problems.push({ field: 'timezone', message: 'must be a string' });
  else if (!isValidTimeZone(tz)) problems.push({ field: 'timezone', message: `unknown time zone "${tz}"` });

  const weekly = input.weekly;
  if (!isRecord(weekly)) {
    problems.push({
      field: 'weekly',
      message: 'is required: an object with mon, tue, wed, thu, fri, sat, sun',
    });
  } else {
    for (const key of Object.keys(weekly)) {
      if (!(WEEKDAYS as readonly string[]).includes(key)) {
        problems.push({ field: `weekly.${key}`, message: `unknown day; use ${WEEKDAYS.join(', ')}` });
      }
    }
    for (const day of WEEKDAYS) {
      if (weekly[day] === undefined)
        problems.push({ field: `weekly.${day}`, message: 'is required ([] = closed)' });
      else checkSpans(weekly[day], `weekly.${day}`, problems);
    }
  }

  checkList(input.holidays, 'holidays', problems).forEach((h, i) => {
    const c = checkDate(h);
    if (!c.ok) problems.push({ field: `holidays[${i}]`, message: c.message });
  });

  checkList(input.recurringHolidays, 'recurringHolidays', problems).forEach((h, i) => {
    const c = checkMonthDay(h);
    if (!c.ok) problems.push({ field: `recurringHolidays[${i}]`, message: c.message });
  });

  checkList(input.holidayPresets, 'holidayPresets', problems).forEach((p, i) => {
    if (typeof p !== 'string' || !(HOLIDAY_PRESETS as readonly string[]).includes(p)) {
      problems.push({
        field: `holidayPresets[${i}]`,
        message: `unknown holiday preset ${JSON.stringify(p)}; supported: ${HOLIDAY_PRESETS.join(', ')}`,
      });
    }
  });

  checkList(input.closures, 'closures', problems).forEach((c, i) => {
    const at = `closures[${i}]`;
    if (!isRecord(c)) {
      problems.push({ field: at, message: 'must be an object { "from": ..., "to": ... }' });
      return;
    }
    const dated = typeof c.from === 'string' && DATE_RE.test(c.from);
    const recurring = typeof c.from === 'string' && MONTH_DAY_RE.test(c.from);
    const check = dated ? checkDate : checkMonthDay;
    const from = check(c.from);
    const to = check(c.to);
    if (!dated && !recurring) {
      problems.push({
        field: `${at}.from`,
        message: `must be "MM-DD" (every year) or "YYYY-MM-DD", got ${JSON.stringify(c.from)}`,
      });
    } else if (!from.ok) problems.push({ field: `${at}.from`, message: from.message });
    if (!to.ok && (dated || recurring)) {
      const otherForm = typeof c.to === 'string' && (dated ? MONTH_DAY_RE : DATE_RE).test(c.to);
      problems.push({
        field: `${at}.to`,
        message: otherForm
          ? 'must have the same form as from (both "MM-DD" every year, or both "YYYY-MM-DD")'
          : to.message,
      });
    }
    if (from.ok && to.ok && dated && to.value < from.value) {
      problems.push({ field: `${at}.to`, message: `${String(c.to)} is before from ${String(c.from)}` });
    }
    if (c.name !== undefined && typeof c.name !== 'string')
      problems.push({ field: `${at}.name`, message: 'must be a string' });
  });

  const seen = new Map<string, number>();
  checkList(input.exceptions, 'exceptions', problems).forEach((e, i) => {
    const at = `exceptions[${i}]`;
    if (!isRecord(e)) {
      problems.push({ field: at, message: 'must be an object { "date": "YYYY-MM-DD", "hours": [...] }' });
      return;
    }
    const date = checkDate(e.date);
    if (!date.ok) problems.push({ field: `${at}.date`, message: date.message });
    else {
      const first = seen.get(e.date as string);
      if (first !== undefined) {
        problems.push({
          field: `${at}.date`,
          message: `${String(e.date)} is already listed at exceptions[${first}]`,
        });
      } else seen.set(e.date as string, i);
    }
    if (e.hours === undefined)
      problems.push({ field: `${at}.hours`, message: 'is required ([] = closed all day)' });
    else checkSpans(e.hours, `${at}.hours`, problems);
    if (e.name !== undefined && typeof e.name !== 'string')
      problems.push({ field: `${at}.name`, message: 'must be a string' });
  });

  return problems;
};

// ---------------------------------------------------------------------------------------
// Compilation

let jpHolidays: ReadonlySet<string> | undefined;
const presetSet = (preset: string): ReadonlySet<string> => {
  // The package lists every national holiday, substitute holiday (振替休日) and citizens'
  // holiday (国民の休日) by date; its data currently covers 1970-2050.
  if (preset === 'jp') return (jpHolidays ??= new Set(Object.keys(holidayJp.holidays)));
  throw new AppError('internal', `holiday preset ${preset} has no data`);
};

const toSpans = (spans: readonly (readonly [string, string])[]): MinuteSpan[] =>
  spans
    .map(
      ([a, b]) =>
        [(checkTime(a) as { value: number }).value, (checkTime(b) as { value: number }).value] as const,
    )
    .sort((x, y) => x[0] - y[0]);

const isFullDay = (spans: readonly MinuteSpan[]): boolean =>
  spans.length === 1 && spans[0]![0] === 0 && spans[0]![1] === 1440;

/**
 * Checks a definition and prepares it for queries (sets of closed dates, minute spans).
 * Throws `invalid(problems)` (validation_failed) when validateCalendarDefinition finds any.
 */
export const compileCalendar = (def: CalendarDefinition): CompiledCalendar => {
  const problems = validateCalendarDefinition(def);
  if (problems.length > 0) throw invalid(problems);

  const weekly = WEEKDAYS.map((d) => toSpans(def.weekly[d]));
  const exceptions = new Map((def.exceptions ?? []).map((e) => [e.date, toSpans(e.hours)] as const));
  const closures = def.closures ?? [];
  const datedClosures = closures.filter((c) => DATE_RE.test(c.from)).map(({ from, to }) => ({ from, to }));
  const recurringClosures = closures
    .filter((c) => !DATE_RE.test(c.from))
    .map(({ from, to }) => ({ from, to }));
  const holidays = new Set(def.holidays ?? []);
  const recurringHolidays = new Set(def.recurringHolidays ?? []);
  const presetHolidays = [...new Set(def.holidayPresets ?? [])].map(presetSet);
  const alwaysOpen =
    weekly.every(isFullDay) &&
    holidays.size === 0 &&
    recurringHolidays.size === 0 &&
    presetHolidays.length === 0 &&
    closures.length === 0 &&
    [...exceptions.values()].every(isFullDay);

  return {
    definition: def,
    timezone: def.timezone,
    zone: IANAZone.create(def.timezone),
    weekly,
    holidays,
    recurringHolidays,
    presetHolidays,
    datedClosures,
    recurringClosures,
    exceptions,
    alwaysOpen,
    dayCache: new Map(),
  };
};

const ALL_DAY: [string, string][] = [['00:00', '24:00']];

/** 24/7 in UTC: the calendar of a policy that names none. Every instant is business time. */
export const TWENTY_FOUR_SEVEN: CompiledCalendar = compileCalendar({
  timezone: 'UTC',
  weekly: {
    mon: ALL_DAY,
    tue: ALL_DAY,
    wed: ALL_DAY,
    thu: ALL_DAY,
    fri: ALL_DAY,
    sat: ALL_DAY,
    sun: ALL_DAY,
  },
});

// ---------------------------------------------------------------------------------------
// Resolving local dates to UTC intervals

const offsetMs = (cal: CompiledCalendar, ms: number): number => cal.zone.offset(ms) * MINUTE_MS;

/** The local epoch day (in the calendar's zone) that contains instant `ms`. */
const localDayOf = (cal: CompiledCalendar, ms: number): number =>
  Math.floor((ms + offsetMs(cal, ms)) / DAY_MS);

/**
 * Wall-clock instant → UTC ms, given the zone's offsets a day before and a day after.
 * Ambiguous (fall-back): the earlier occurrence. Nonexistent (gap): the offset in force
 * before the transition, which moves the time forward by the gap's length.
 */
const wallToUtc = (cal: CompiledCalendar, wall: number, before: number, after: number): number => {
  if (before === after) return wall - before;
  const t1 = wall - before;
  const t2 = wall - after;
  const ok1 = offsetMs(cal, t1) === before;
  const ok2 = offsetMs(cal, t2) === after;
  if (ok1 && ok2) return Math.min(t1, t2);
  if (ok2) return t2;
  return t1;
};

const isClosedDate = (cal: CompiledCalendar, iso: string): boolean => {
  if (cal.holidays.has(iso)) return true;
  const md = iso.slice(5);
  if (cal.recurringHolidays.has(md)) return true;
  for (const set of cal.presetHolidays) if (set.has(iso)) return true;
  for (const c of cal.datedClosures) if (iso >= c.from && iso <= c.to) return true;
  for (const c of cal.recurringClosures) {
    const inside = c.from <= c.to ? md >= c.from && md <= c.to : md >= c.from || md <= c.to;
    if (inside) return true;
  }
  return false;
};

/** Business intervals of one local date, sorted, merged, non-empty. Cached per calendar. */
const dayIntervals = (cal: CompiledCalendar, day: number): readonly BusinessInterval[] => {
  const cached = cal.dayCache.get(day);
  if (cached) return cached;
  const iso = isoOfDay(day);
  const spans = cal.exceptions.get(iso) ?? (isClosedDate(cal, iso) ? [] : cal.weekly[weekdayOfDay(day)]!);
  const result: BusinessInterval[] = [];
  if (spans.length > 0) {
    const wall0 = day * DAY_MS;
    // Offsets sampled outside the local day's possible instants (offsets stay within ±14h).
    const before = offsetMs(cal, wall0 - DAY_MS);
    const after = offsetMs(cal, wall0 + 2 * DAY_MS);
    const raw: BusinessInterval[] = [];
    for (const [a, b] of spans) {
      const s = wallToUtc(cal, wall0 + a * MINUTE_MS, before, after);
      const e = wallToUtc(cal, wall0 + b * MINUTE_MS, before, after);
      if (e > s) raw.push([s, e]);
    }
    raw.sort((x, y) => x[0] - y[0]);
    for (const iv of raw) {
      const last = result[result.length - 1];
      if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
      else result.push([iv[0], iv[1]]);
    }
  }
  if (cal.dayCache.size >= DAY_CACHE_LIMIT) cal.dayCache.clear();
  cal.dayCache.set(day, result);
  return result;
};

const noWorkingTime = (cal: CompiledCalendar, fromMs: number): AppError =>
  new AppError(
    'validation_failed',
    `calendar has no working time in the ${MAX_EMPTY_DAYS} days after ${new Date(fromMs).toISOString()} (time zone ${cal.timezone})`,
    { problems: [{ field: 'calendar', message: 'has no working time' }] },
  );

/**
 * Visits business time at or after `fromMs`, in order, as intervals [s, e) with
 * s >= fromMs (clipped), until `visit` returns true or `untilMs` is reached. With an
 * infinite `untilMs` it throws when MAX_EMPTY_DAYS local days in a row have none.
 */
const scan = (
  cal: CompiledCalendar,
  fromMs: number,
  untilMs: number,
  visit: (s: number, e: number) => boolean,
): void => {
  let cursor = fromMs;
  const lastDay = Number.isFinite(untilMs) ? localDayOf(cal, untilMs) + 1 : Infinity;
  let emptyDays = 0;
  // Start a day early: an earlier local date's hours may reach past this instant.
  for (let day = localDayOf(cal, fromMs) - 1; day <= lastDay; day++) {
    let found = false;
    for (const [s, e] of dayIntervals(cal, day)) {
      if (e <= cursor) continue;
      const start = Math.max(s, cursor);
      if (start >= untilMs) return;
      found = true;
      if (visit(start, e)) return;
      cursor = e;
    }
    if (found) emptyDays = 0;
    else if (++emptyDays > MAX_EMPTY_DAYS && lastDay === Infinity) throw noWorkingTime(cal, fromMs);
  }
};

const requireInstant = (name: string, ms: number): void => {
  if (!Number.isFinite(ms))
    throw new AppError('bad_request', `${name} must be a finite epoch time in milliseconds`);
};

// ---------------------------------------------------------------------------------------
// Queries

/** Whether `ms` is inside business time (intervals are half-open: closing time is outside). */
export const isBusinessInstant = (cal: CompiledCalendar, ms: number): boolean => {
  requireInstant('instant', ms);
  if (cal.alwaysOpen) return true;
  const day = localDayOf(cal, ms);
  for (let d = day - 1; d <= day + 1; d++) {
    for (const [s, e] of dayIntervals(cal, d)) if (s <= ms && ms < e) return true;
  }
  return false;
};

/**
 * The first business instant at or after `ms` (`ms` itself when it is business time).
 * Throws validation_failed "calendar has no working time…" when there is none within
 * MAX_EMPTY_DAYS days.
 */
export const nextBusinessInstant = (cal: CompiledCalendar, ms: number): number =>
  addBusinessSeconds(cal, ms, 0);

/**
 * The instant at which `seconds` business seconds have elapsed, counting from `startMs`
 * (or from the next business instant when `startMs` is outside business time).
 * - seconds = 0 returns the next business instant at or after `startMs`.
 * - When the count ends exactly at a closing time, that closing time is returned (due at
 *   18:00, not at the next opening).
 * - `seconds` must be a non-negative integer (bad_request otherwise).
 * Cost is O(local days crossed) with cached per-day work.
 */
export const addBusinessSeconds = (cal: CompiledCalendar, startMs: number, seconds: number): number => {
  requireInstant('start', startMs);
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new AppError('bad_request', `seconds must be a non-negative integer, got ${seconds}`);
  }
  if (cal.alwaysOpen) return startMs + seconds * 1000;
  let remaining = seconds * 1000;
  let result = NaN;
  scan(cal, startMs, Infinity, (s, e) => {
    if (e - s >= remaining) {
      result = s + remaining;
      return true;
    }
    remaining -= e - s;
    return false;
  });
  return result;
};

/** Exact business milliseconds in [startMs, endMs); 0 when endMs <= startMs. Additive. */
export const businessMillisBetween = (cal: CompiledCalendar, startMs: number, endMs: number): number => {
  requireInstant('start', startMs);
  requireInstant('end', endMs);
  if (endMs <= startMs) return 0;
  if (cal.alwaysOpen) return endMs - startMs;
  let total = 0;
  scan(cal, startMs, endMs, (s, e) => {
    total += Math.min(e, endMs) - s;
    return e >= endMs;
  });
  return total;
};

/**
 * Whole business seconds in [startMs, endMs): floor of the exact business milliseconds;
 * 0 when endMs <= startMs. Exactly additive for instants on whole seconds (every business
 * boundary is on a whole second); use businessMillisBetween for sub-second exactness.
 */
export const businessSecondsBetween = (cal: CompiledCalendar, startMs: number, endMs: number): number =>
  Math.floor(businessMillisBetween(cal, startMs, endMs) / 1000);

/**
 * Business time inside [fromMs, toMs) as sorted, disjoint UTC intervals [start, end);
 * touching intervals (a 24:00 close and the next day's 00:00 opening) are merged.
 */
export const businessIntervals = (
  cal: CompiledCalendar,
  fromMs: number,
  toMs: number,
): BusinessInterval[] => {
  requireInstant('from', fromMs);
  requireInstant('to', toMs);
  if (toMs <= fromMs) return [];
  if (cal.alwaysOpen) return [[fromMs, toMs]];
  const out: BusinessInterval[] = [];
  scan(cal, fromMs, toMs, (s, e) => {
    const end = Math.min(e, toMs);
    const last = out[out.length - 1];
    if (last && last[1] === s) last[1] = end;
    else out.push([s, end]);
    return e >= toMs;
  });
  return out;
};

/** The local date "YYYY-MM-DD" of an instant in the calendar's zone (for previews). */
export const localDateOf = (cal: CompiledCalendar, ms: number): string => isoOfDay(localDayOf(cal, ms));
