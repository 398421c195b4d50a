import { DateTime } from 'luxon';
import type { Db, Executor } from '../../db/database.js';
import { inTransaction, json, parseJson } from '../../db/database.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import { isUniqueViolation } from '../../db/dialect.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import type { Clock } from '../../lib/clock.js';
import { conflict, invalid, notFound, type FieldProblem } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { addBusinessSeconds, businessSecondsBetween, compileCalendar, validateCalendarDefinition } from './calendar.policy.js';
import type { CalendarDefinition, CompiledCalendar } from './calendar.types.js';
import { presentCalendar, type CalendarView } from './calendars.presenter.js';
import * as repo from './calendars.repository.js';

/** Tells whether something (an SLA policy) still refers to a calendar; wired by the container. */
export type CalendarUsage = (ex: Executor, calendarId: string) => Promise<string[]>;

/** Checks a definition; problems are reported under `prefix` (e.g. `definition.weekly.mon[0]`). */
export function checkedCalendar(def: unknown, prefix: string): CompiledCalendar {
  const problems: FieldProblem[] = validateCalendarDefinition(def);
  if (problems.length) throw invalid(problems.map((p) => ({ field: `${prefix}.${p.field}`, message: p.message })));
  return compileCalendar(def as CalendarDefinition);
}

/**
 * Parses an ISO-8601 instant. With an offset (or Z) it is that instant; without one it is a
 * local wall-clock time in the calendar's zone (what an administrator previewing a calendar means).
 */
export function parseInstant(value: string, field: string, zone: string): number {
  const dt = DateTime.fromISO(value, { zone, setZone: false });
  if (!dt.isValid) {
    throw invalid([{ field, message: `"${value}" is not a valid ISO-8601 date-time (${dt.invalidExplanation ?? dt.invalidReason ?? 'unparsable'})`, code: 'invalid_date_time' }]);
  }
  return dt.toMillis();
}

export class CalendarsService {
  private usage: CalendarUsage = async () => [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** The SLA module reports which policies use a calendar, so deleting one in use is refused. */
  setUsageCheck(fn: CalendarUsage): void {
    this.usage = fn;
  }

  private changed: () => void = () => {};

  /** Told after a calendar is created, changed or deleted (caches of the report calendar on this node). */
  onChange(fn: () => void): void {
    const prev = this.changed;
    this.changed = () => {
      prev();
      fn();
    };
  }

  async get(id: string, ex: Executor = this.db): Promise<CalendarView> {
    const r = await repo.findCalendar(ex, id);
    if (!r) throw notFound('Calendar', id);
    return presentCalendar(r);
  }

  /** The stored definitions of several calendars (for snapshotting onto SLA clocks). */
  async definitions(ex: Executor, ids: string[]): Promise<Map<string, CalendarDefinition>> {
    const rows = await repo.findCalendars(ex, [...new Set(ids)]);
    return new Map(rows.map((r) => [r.id, parseJson<CalendarDefinition>(r.definition, null as never)]));
  }

  async list(opts: { limit: number; cursor?: string }) {
    const key = decodeCursor(opts.cursor);
    const rows = await repo.listCalendars(this.db, { limit: opts.limit, after: key?.id });
    const page = toPage(rows, opts.limit, (r) => ({ v: null, id: r.id }));
    return { items: page.items.map(presentCalendar), nextCursor: page.nextCursor };
  }

  async create(input: { name: string; definition: unknown }, actor?: AuditActor | null): Promise<CalendarView> {
    checkedCalendar(input.definition, 'definition');
    const id = newId();
    const now = this.clock.now();
    await this.guard(() =>
      inTransaction(this.db, async (tx) => {
        await repo.insertCalendar(tx, { id, name: input.name.trim(), definition: json(input.definition), created_at: now, updated_at: now });
        await this.audit.change(tx, actor, 'calendar.created', { type: 'calendar', id }, null, await this.get(id, tx));
      }),
    );
    this.changed();
    return this.get(id);
  }

  /** Edits apply to clocks started afterwards; running SLA clocks keep their snapshot. */
  async update(id: string, input: { name?: string; definition?: unknown }, actor?: AuditActor | null): Promise<CalendarView> {
    if (input.definition !== undefined) checkedCalendar(input.definition, 'definition');
    await this.get(id);
    await this.guard(() =>
      inTransaction(this.db, async (tx) => {
        const before = await this.get(id, tx);
        await repo.updateCalendar(tx, id, {
          ...(input.name !== undefined && { name: input.name.trim() }),
          ...(input.definition !== undefined && { definition: json(input.definition) }),
          updated_at: this.clock.now(),
        });
        await this.audit.change(tx, actor, 'calendar.updated', { type: 'calendar', id }, before, await this.get(id, tx));
      }),
    );
    this.changed();
    return this.get(id);
  }

  async remove(id: string, actor?: AuditActor | null): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const before = await this.get(id, tx);
      const users = await this.usage(tx, id);
      if (users.length) throw conflict(`The calendar is used by SLA policies (${users.join(', ')}); change them first.`, { policies: users });
      await repo.deleteCalendar(tx, id);
      await this.audit.change(tx, actor, 'calendar.deleted', { type: 'calendar', id }, before, null);
    });
    this.changed();
  }

  /** `POST /business-time/add`: the instant at which `seconds` business seconds have elapsed. */
  add(input: { calendar: unknown; start: string; seconds: number }): { end: string } {
    const cal = checkedCalendar(input.calendar, 'calendar');
    if (!Number.isSafeInteger(input.seconds) || input.seconds < 0) throw invalid([{ field: 'seconds', message: `must be a non-negative whole number of seconds, got ${input.seconds}`, code: 'non_negative' }]);
    const start = parseInstant(input.start, 'start', cal.timezone);
    return { end: new Date(addBusinessSeconds(cal, start, input.seconds)).toISOString() };
  }

  /** `POST /business-time/between`: whole business seconds in [start, end). */
  between(input: { calendar: unknown; start: string; end: string }): { seconds: number } {
    const cal = checkedCalendar(input.calendar, 'calendar');
    const start = parseInstant(input.start, 'start', cal.timezone);
    const end = parseInstant(input.end, 'end', cal.timezone);
    if (end < start) throw invalid([{ field: 'end', message: `${input.end} is before start ${input.start}`, code: 'end_before_start' }]);
    return { seconds: businessSecondsBetween(cal, start, end) };
  }

  private async guard(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('A calendar with that name already exists.');
      throw err;
    }
  }
}
