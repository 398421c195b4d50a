import type { Db, Executor, Tx } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { getSetting } from '../../lib/settings.js';
import { compileCalendar, TWENTY_FOUR_SEVEN, type CalendarDefinition, type CompiledCalendar } from '../calendars/index.js';
import type { ChangeContext, MessageInfo, Ticket, TicketHooks } from '../tickets/index.js';
import { isReassignment, newFacts, onMessage, onStatus, type TicketFacts } from './reports.policy.js';
import * as repo from './reports.repository.js';
import type { FactsRow } from './reports.repository.js';

/** settings key: the calendar whose business time the reports measure (a calendar id). */
export const REPORT_CALENDAR_KEY = 'reports.calendar';
const CALENDAR_TTL_MS = 60_000;

const toFacts = (r: FactsRow): TicketFacts => ({
  createdAt: r.created_at,
  status: r.status,
  firstResponseAt: r.first_response_at,
  firstResponseMs: r.first_response_ms,
  firstResponseBizMs: r.first_response_biz_ms,
  awaitingSince: r.awaiting_since,
  solvedAt: r.solved_at,
  firstSolvedAt: r.first_solved_at,
  resolutionMs: r.resolution_ms,
  resolutionBizMs: r.resolution_biz_ms,
  reopens: r.reopens,
  reassignments: r.reassignments,
  escalations: r.escalations,
});

const fromFacts = (f: TicketFacts): Omit<FactsRow, 'id' | 'team_id' | 'assignee_id' | 'category' | 'product' | 'priority' | 'channel'> => ({
  created_at: f.createdAt,
  status: f.status,
  first_response_at: f.firstResponseAt,
  first_response_ms: f.firstResponseMs,
  first_response_biz_ms: f.firstResponseBizMs,
  awaiting_since: f.awaitingSince,
  solved_at: f.solvedAt,
  first_solved_at: f.firstSolvedAt,
  resolution_ms: f.resolutionMs,
  resolution_biz_ms: f.resolutionBizMs,
  reopens: f.reopens,
  reassignments: f.reassignments,
  escalations: f.escalations,
});

/** Equal as stored: PostgreSQL answers bigint columns as strings. */
const sameValue = (a: unknown, b: unknown) => a === b || (a !== null && b !== null && a !== undefined && String(a) === String(b));

/** The ticket fields the facts follow (dimensions, status, reassignments): another change writes nothing. */
const FACT_FIELDS = new Set(['teamId', 'assigneeId', 'category', 'product', 'priority', 'channel', 'status']);

const dimensions = (t: Ticket) => ({
  team_id: t.teamId,
  assignee_id: t.assigneeId,
  category: t.category,
  product: t.product,
  priority: t.priority,
  channel: t.channel,
});

/**
 * Keeps report_ticket_facts in step with the tickets, inside each change's transaction (the
 * rollup of issue 18's speed section): one primary-key read and one write per ticket change.
 */
export class ReportFacts {
  private cached: { at: number; cal: CompiledCalendar } | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The report calendar: the one named in settings, else the first calendar created, else 24/7. Cached a minute. */
  async calendar(ex: Executor = this.db): Promise<CompiledCalendar> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < CALENDAR_TTL_MS && now >= this.cached.at) return this.cached.cal;
    const id = await getSetting<string>(ex, REPORT_CALENDAR_KEY);
    let q = ex.selectFrom('calendars').select('definition');
    q = id ? q.where('id', '=', id) : q.orderBy('created_at').orderBy('id');
    const row = await q.limit(1).executeTakeFirst();
    let cal = TWENTY_FOUR_SEVEN;
    if (row) {
      try {
        cal = compileCalendar(JSON.parse(row.definition) as CalendarDefinition);
      } catch {
        cal = TWENTY_FOUR_SEVEN;
      }
    }
    this.cached = { at: now, cal };
    return cal;
  }

  /** Forget the cached calendar (a setting or calendar changed). */
  invalidate(): void {
    this.cached = null;
  }

  /**
   * The facts row a transaction inserted for a ticket it created, as written: the inquiry that
   * comes next in the same transaction reads it from here instead of the database. Any other
   * write to the row in that transaction forgets it.
   */
  private readonly written = new WeakMap<object, Map<string, FactsRow>>();

  private forget(tx: Executor, ticketId: string): void {
    this.written.get(tx)?.delete(ticketId);
  }

  private async load(tx: Executor, t: Ticket): Promise<FactsRow> {
    const known = this.written.get(tx)?.get(t.id);
    if (known) return known;
    const found = await repo.findFacts(tx, t.id);
    if (found) return found;
    const row: FactsRow = { id: t.id, ...dimensions(t), ...fromFacts(newFacts(t.createdAt, t.status)) };
    await repo.insertFacts(tx, row);
    return row;
  }

  /** The facts after a message on the ticket (`found`: its facts row when already read). */
  private async onMessage(tx: Tx, t: Ticket, m: MessageInfo, ctx: ChangeContext, found: FactsRow | null): Promise<void> {
    const current = toFacts(found ?? (await this.load(tx, t)));
    this.forget(tx, t.id);
    const { facts, response } = onMessage(
      current,
      { at: ctx.now, authorType: m.authorType, visibility: m.visibility, automatic: m.automatic, initial: m.initial },
      await this.calendar(tx),
    );
    if (facts === current && !response) return;
    await repo.updateFacts(tx, t.id, fromFacts(facts));
    if (response) await repo.insertResponse(tx, { id: newId(), ticket_id: t.id, asked_at: response.askedAt, answered_at: response.answeredAt, wall_ms: response.wallMs, biz_ms: response.bizMs });
  }

  /** The facts after a change of the ticket (`found`: its facts row when already read). */
  private async onUpdated(tx: Tx, before: Ticket, after: Ticket, ctx: ChangeContext, found: FactsRow | null): Promise<void> {
    const row = found ?? (await this.load(tx, after));
    this.forget(tx, after.id);
    let facts = toFacts(row);
    if (before.status !== after.status) facts = onStatus(facts, after.status, ctx.now, await this.calendar(tx));
    const moved = isReassignment(before.teamId, after.teamId) || isReassignment(before.assigneeId, after.assigneeId);
    if (moved) facts = { ...facts, reassignments: facts.reassignments + 1 };
    const next = { ...dimensions(after), ...fromFacts(facts) };
    // A change reports do not see (a tag, the subject) writes nothing.
    if (Object.entries(next).every(([k, v]) => sameValue(row[k as keyof FactsRow], v))) return;
    await repo.updateFacts(tx, after.id, next);
  }

  hooks(): TicketHooks {
    return {
      afterCreate: async (tx: Tx, t: Ticket) => {
        const row: FactsRow = { id: t.id, ...dimensions(t), ...fromFacts(newFacts(t.createdAt, t.status)) };
        await repo.insertFacts(tx, row);
        let rows = this.written.get(tx);
        if (!rows) this.written.set(tx, (rows = new Map()));
        rows.set(t.id, row);
      },
      afterUpdate: async (tx, before, after, changes, ctx) => {
        if (changes.some((c) => FACT_FIELDS.has(c.field))) await this.onUpdated(tx, before, after, ctx, null);
      },
      // A bulk action's chunk: the facts of all its tickets are read in one query; a change
      // reports do not see (a tag an SLA breach adds) reads nothing.
      afterUpdateMany: async (tx, updates, ctx) => {
        const seen = updates.filter((u) => u.changes.some((c) => FACT_FIELDS.has(c.field)));
        if (seen.length === 0) return;
        const found = await repo.findFactsOf(tx, seen.map((u) => u.after.id));
        for (const u of seen) await this.onUpdated(tx, u.before, u.after, ctx, found.get(u.after.id) ?? null);
      },
      afterMessage: (tx, t, m, ctx) => this.onMessage(tx, t, m, ctx, null),
      // A fan-out's batch of replies: the facts of all its tickets are read in one query.
      afterMessages: async (tx, messages, ctx) => {
        const found = await repo.findFactsOf(tx, messages.filter((a) => !this.written.get(tx)?.has(a.ticket.id)).map((a) => a.ticket.id));
        for (const a of messages) await this.onMessage(tx, a.ticket, a.message, ctx, found.get(a.ticket.id) ?? null);
      },
      afterEvent: async (ex, ticketId, kind) => {
        if (kind !== 'escalation.requested') return;
        this.forget(ex, ticketId);
        await repo.countEscalation(ex, ticketId);
      },
    };
  }
}
