import type { RawBuilder } from 'kysely';
import type { Db, Executor, Tx } from '../../db/database.js';
import { commitGroup, inTransaction, json } from '../../db/database.js';
import type { DialectName } from '../../db/dialect.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, conflict, invalid, notFound, type FieldProblem } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import type { Principal } from '../auth/index.js';
import {
  BULK_MAX_IDS,
  bulkPatch,
  canChangeClosed,
  type BulkChanges,
  diffTicket,
  normaliseCc,
  normaliseTags,
  statusAfterMessage,
  statusTimestamps,
  type FieldChange,
} from './tickets.policy.js';
import {
  presentEvent,
  presentTicket,
  toTicket,
  type TicketView,
  type TimelineEventView,
} from './tickets.presenter.js';
import * as repo from './tickets.repository.js';
import { TicketAccess } from './ticket-access.service.js';
import { ticketVisibleCondition } from './ticket-access.repository.js';
import type { TicketViewer } from './ticket-access.policy.js';
import type {
  AuthorType,
  Channel,
  Priority,
  Status,
  Temperature,
  Ticket,
  TicketFields,
  TimelineEventInput,
  Visibility,
  BodyFormat,
} from './tickets.types.js';

/** Who caused a change. `actor` is null for the system (timers, intake). */
export interface ChangeContext {
  actorId: string | null;
  authorType: AuthorType;
  now: number;
  /** Automatic messages (auto-replies, notifications) never count as a response. */
  automatic?: boolean;
  /** Set by an SLA action (raise priority, set a field): its own change never re-evaluates the policy. */
  bySlaAction?: boolean;
  /** Added to the data of the field-change events this change records (e.g. the bulk action it was part of). */
  eventData?: Record<string, unknown>;
}

/** One ticket's outcome in a bulk action. */
export type BulkResult =
  | { id: string; ok: true; number: number; version: number; changed: number }
  | { id: string; ok: false; error: { code: string; message: string; details?: unknown } };

export interface MessageInfo {
  eventId: string;
  authorType: AuthorType;
  visibility: Visibility;
  automatic: boolean;
  initial: boolean;
  /** The message's text (given for the inquiry that opens the ticket). */
  body?: string;
}

/**
 * Other modules (SLA, escalations) react to ticket changes inside the same transaction,
 * so their timers and jobs commit together with the change that caused them.
 */
export interface TicketHooks {
  afterCreate?(tx: Tx, ticket: Ticket, ctx: ChangeContext): Promise<void>;
  afterUpdate?(
    tx: Tx,
    before: Ticket,
    after: Ticket,
    changes: FieldChange[],
    ctx: ChangeContext,
  ): Promise<void>;
  /**
   * A bulk action's tickets at once (the same as afterUpdate for each, in one go: fewer round
   * trips); without it afterUpdate is called per ticket.
   */
  afterUpdateMany?(tx: Tx, updates: readonly TicketUpdate[], ctx: ChangeContext): Promise<void>;
  afterMessage?(tx: Tx, ticket: Ticket, message: MessageInfo, ctx: ChangeContext): Promise<void>;
  /**
   * Many messages at once (addMessagesIn: a fan-out's batch of replies, one per ticket): the same
   * as afterMessage for each, in one go; without it afterMessage is called per message.
   */
  afterMessages?(tx: Tx, messages: readonly AddedMessage[], ctx: ChangeContext): Promise<void>;
  /** Any timeline event, including those other modules append (SLA, escalations, calls, mail). */
  afterEvent?(ex: Executor, ticketId: string, kind: string, event?: AppendedEvent): Promise<void>;
  /**
   * Many events appended at once (appendEvents, a bulk chunk, a batch of SLA breaches): the same
   * as afterEvent for each, in one go; without it afterEvent is called per event.
   */
  afterEvents?(ex: Executor, events: readonly AppendedTicketEvent[]): Promise<void>;
}

/** One appended event as afterEvents is told of it. */
export interface AppendedTicketEvent {
  ticketId: string;
  kind: string;
  event: AppendedEvent;
}

/** One message as afterMessages is told of it: its ticket as the message left it. */
export interface AddedMessage {
  ticket: Ticket;
  message: MessageInfo;
}

/** One message of addMessagesIn. */
export interface NewMessage {
  ticket: Ticket;
  body: string;
  visibility: Visibility;
  bodyFormat?: BodyFormat;
  data?: Record<string, unknown>;
}

/** One ticket's change as afterUpdateMany is told of it. */
export interface TicketUpdate {
  before: Ticket;
  after: Ticket;
  changes: FieldChange[];
}

/** A bulk chunk that cannot take the batched path (a hook refused a ticket, a ticket changed meanwhile): it is redone ticket by ticket. */
class BulkSlowPath extends Error {}

/** The event afterEvent hooks are told of (search indexes its text). */
export interface AppendedEvent {
  id: string;
  visibility: Visibility;
  body: string | null;
  createdAt: number;
}

export interface CreateTicketInput {
  subject: string;
  description?: string;
  status?: Status;
  priority?: Priority;
  category?: string | null;
  product?: string | null;
  tags?: string[];
  channel?: Channel;
  requesterId?: string | null;
  requesterEmail?: string;
  requesterName?: string;
  teamId?: string | null;
  assigneeId?: string | null;
  temperature?: Temperature;
  cc?: string[];
}

export type UpdateTicketInput = Partial<TicketFields> & { expectedVersion?: number };

/** Tickets per transaction of a bulk action. */
const BULK_CHUNK = 50;

export class TicketsService {
  private readonly hooks: TicketHooks[] = [];
  /** Who may see which ticket; other modules check their ticket reads through it. */
  readonly access: TicketAccess;

  constructor(
    private readonly db: Db,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
    private readonly findOrCreateCustomer: (ex: Executor, email: string, name: string) => Promise<string>,
  ) {
    this.access = new TicketAccess(db, clock);
    // SQLite has one writer: concurrent creations share a commit (db/database.ts commitGroup).
    // PostgreSQL runs them side by side on the pool's connections and groups commits itself.
    this.creating = dialect === 'sqlite' ? commitGroup(db) : (fn) => inTransaction(db, fn);
  }

  /** The transaction a creation runs in (grouped on SQLite). */
  private readonly creating: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

  /** The search index's ticket ids for a text (the search module, set by the container); null: match as a substring. */
  private textSearch: ((text: string) => RawBuilder<{ ticket_id: string }> | null) | null = null;

  setTextSearch(fn: (text: string) => RawBuilder<{ ticket_id: string }> | null): void {
    this.textSearch = fn;
  }

  addHooks(h: TicketHooks): void {
    this.hooks.push(h);
  }

  async create(
    actor: Principal | null,
    input: CreateTicketInput,
    ctxOverride?: Partial<ChangeContext>,
  ): Promise<TicketView> {
    const now = this.clock.now();
    const ctx: ChangeContext = {
      actorId: actor?.userId ?? null,
      authorType: actor ? 'user' : 'system',
      now,
      ...ctxOverride,
    };
    const ticket = await this.creating((tx) => this.createIn(tx, input, ctx));
    return presentTicket(ticket);
  }

  /** Creates a ticket inside the caller's transaction (intake channels use this). */
  async createIn(tx: Tx, input: CreateTicketInput, ctx: ChangeContext): Promise<Ticket> {
    let requesterId = input.requesterId ?? null;
    if (!requesterId && input.requesterEmail)
      requesterId = await this.findOrCreateCustomer(tx, input.requesterEmail, input.requesterName ?? '');
    // A requester found or created by email a moment ago exists: only a given id is checked.
    await this.checkReferences(tx, {
      teamId: input.teamId,
      assigneeId: input.assigneeId,
      requesterId: input.requesterId ? requesterId : null,
    });
    const id = newId();
    const number = await repo.nextTicketNumber(tx);
    const tags = normaliseTags(input.tags ?? []);
    const row = {
      id,
      number,
      subject: input.subject.trim(),
      status: input.status ?? (input.assigneeId ? 'open' : 'new'),
      priority: input.priority ?? 'normal',
      category: input.category ?? null,
      product: input.product ?? null,
      tags: json(tags),
      channel: input.channel ?? 'api',
      requester_id: requesterId,
      team_id: input.teamId ?? null,
      assignee_id: input.assigneeId ?? null,
      temperature: input.temperature ?? 'calm',
      created_by: ctx.authorType === 'user' ? ctx.actorId : null,
      created_at: ctx.now,
      updated_at: ctx.now,
      solved_at: null,
      closed_at: null,
      version: 1,
      cc: json(normaliseCc(input.cc ?? [])),
      merged_into_id: null,
    };
    await repo.insertTicket(tx, row);
    await repo.insertTags(tx, id, tags);
    const ticket = toTicket(row);
    await this.appendEvent(
      tx,
      id,
      {
        kind: 'ticket.created',
        visibility: 'internal',
        authorType: ctx.authorType,
        authorId: ctx.actorId,
        data: { channel: ticket.channel, number },
      },
      ctx.now,
    );
    for (const h of this.hooks) await h.afterCreate?.(tx, ticket, ctx);
    if (input.description && input.description.trim() !== '') {
      // The first message is the customer's inquiry when a requester is known.
      const byCustomer = requesterId !== null;
      const msgCtx: ChangeContext = byCustomer
        ? { ...ctx, authorType: 'customer', actorId: requesterId }
        : ctx;
      await this.addMessageIn(
        tx,
        ticket,
        { body: input.description, visibility: 'public', initial: true },
        msgCtx,
      );
    }
    return ticket;
  }

  async get(viewer: TicketViewer | null, id: string): Promise<TicketView> {
    await this.access.assertRead(viewer, id);
    return presentTicket(await this.load(this.db, id));
  }

  async load(ex: Executor, id: string): Promise<Ticket> {
    const row = await repo.findTicket(ex, id);
    if (!row) throw notFound('Ticket', id);
    return toTicket(row);
  }

  /** Several tickets in one query (a fan-out's batch); missing ids are left out. */
  async loadMany(ex: Executor, ids: string[]): Promise<Map<string, Ticket>> {
    if (!ids.length) return new Map();
    const rows = await ex.selectFrom('tickets').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, toTicket(r)]));
  }

  async findByNumber(ex: Executor, n: number): Promise<Ticket | null> {
    const row = await repo.findTicketByNumber(ex, n);
    return row ? toTicket(row) : null;
  }

  async list(
    viewer: TicketViewer | null,
    filter: repo.TicketFilter,
    page: { limit: number; cursor?: string; sort?: repo.TicketSort },
  ) {
    const sort = page.sort ?? '-created';
    const key = decodeCursor(page.cursor);
    const visible = ticketVisibleCondition(await this.access.scope(viewer));
    const textMatch = filter.text && this.textSearch ? this.textSearch(filter.text) : null;
    const rows = await repo.listTickets(this.db, this.dialect, { ...filter, ...(visible && { visible }), ...(textMatch && { textMatch }) }, {
      limit: page.limit,
      sort,
      after: key ? { v: key.v as number | null, id: key.id } : undefined,
    });
    const result = toPage(rows, page.limit, (r) => ({
      v: sort.endsWith('updated') ? r.updated_at : null,
      id: r.id,
    }));
    return { items: result.items.map((r) => presentTicket(toTicket(r))), nextCursor: result.nextCursor };
  }

  /** How many tickets of `filter` the viewer sees, up to cap + 1 (a saved view's count; above cap: "more"). */
  async count(viewer: TicketViewer | null, filter: repo.TicketFilter, cap: number): Promise<number> {
    const visible = ticketVisibleCondition(await this.access.scope(viewer));
    const textMatch = filter.text && this.textSearch ? this.textSearch(filter.text) : null;
    return repo.countTickets(this.db, this.dialect, { ...filter, ...(visible && { visible }), ...(textMatch && { textMatch }) }, cap);
  }

  async update(
    actor: Principal | null,
    id: string,
    input: UpdateTicketInput,
    ctxOverride?: Partial<ChangeContext>,
  ): Promise<TicketView> {
    const ctx: ChangeContext = {
      actorId: actor?.userId ?? null,
      authorType: actor ? 'user' : 'system',
      now: this.clock.now(),
      ...ctxOverride,
    };
    const after = await inTransaction(this.db, async (tx) => {
      await this.access.assertWrite(actor, id, tx);
      return this.updateIn(tx, id, input, ctx);
    });
    return presentTicket(after);
  }

  /**
   * What a change makes of the ticket: null when it changes nothing; throws when the ticket
   * cannot change (closed, changed since `expectedVersion`). Pure: nothing is written.
   */
  private planUpdate(before: Ticket, input: UpdateTicketInput, now: number): { patch: Partial<TicketFields>; changes: FieldChange[]; after: Ticket } | null {
    if (input.expectedVersion !== undefined && input.expectedVersion !== before.version) {
      throw conflict(
        `The ticket was changed by someone else (version ${before.version}, you sent ${input.expectedVersion}); reload it and try again.`,
        { currentVersion: before.version },
      );
    }
    const { expectedVersion: _ignored, ...patch } = input;
    if (patch.tags) patch.tags = normaliseTags(patch.tags);
    if (patch.cc) patch.cc = normaliseCc(patch.cc);
    if (patch.subject !== undefined) patch.subject = patch.subject.trim();
    const changes = diffTicket(before, patch);
    if (changes.length === 0) return null;
    if (!canChangeClosed(before.status))
      throw conflict('The ticket is closed and can no longer be changed; open a follow-up ticket instead.', {
        status: before.status,
      });
    const after: Ticket = {
      ...before,
      ...Object.fromEntries(changes.map((c) => [c.field, c.to])),
      updatedAt: now,
      version: before.version + 1,
    };
    Object.assign(after, statusTimestamps(before.status, after.status, now, before));
    return { patch, changes, after };
  }

  /** The ticket's columns as a change leaves them. */
  private static columnsOf(after: Ticket): repo.TicketColumns {
    return {
      subject: after.subject,
      status: after.status,
      priority: after.priority,
      category: after.category,
      product: after.product,
      tags: json(after.tags),
      team_id: after.teamId,
      assignee_id: after.assigneeId,
      requester_id: after.requesterId,
      temperature: after.temperature,
      cc: json(after.cc),
      solved_at: after.solvedAt,
      closed_at: after.closedAt,
    };
  }

  /** Only the columns a change moves (a multi-ticket UPDATE sets only those: one CASE per column). */
  private static changedColumns(before: Ticket, after: Ticket): Partial<repo.TicketColumns> {
    const a = TicketsService.columnsOf(after);
    const b = TicketsService.columnsOf(before);
    return Object.fromEntries(Object.entries(a).filter(([k, v]) => b[k as keyof repo.TicketColumns] !== v));
  }

  /** The timeline event recording one changed field. */
  private static changeEvent(c: FieldChange, ctx: ChangeContext): TimelineEventInput {
    const assignment = c.field === 'assigneeId' || c.field === 'teamId';
    return {
      kind: assignment ? 'ticket.assigned' : 'field.changed',
      visibility: 'internal',
      authorType: ctx.authorType,
      authorId: ctx.actorId,
      data: { field: c.field, from: c.from, to: c.to, ...ctx.eventData },
    };
  }

  /** Applies a change inside the caller's transaction; records one timeline event per changed field. */
  async updateIn(tx: Tx, id: string, input: UpdateTicketInput, ctx: ChangeContext): Promise<Ticket> {
    const before = await this.load(tx, id);
    const plan = this.planUpdate(before, input, ctx.now);
    if (!plan) return before;
    const { patch, changes, after } = plan;
    await this.checkReferences(tx, {
      teamId: patch.teamId,
      assigneeId: patch.assigneeId,
      requesterId: patch.requesterId,
    });
    const ok = await repo.updateTicket(tx, id, before.version, { ...TicketsService.columnsOf(after), updated_at: ctx.now });
    if (!ok)
      throw conflict('The ticket was changed at the same moment by someone else; reload it and try again.');
    if (changes.some((c) => c.field === 'tags')) await repo.replaceTags(tx, id, after.tags);
    for (const c of changes) await this.appendEvent(tx, id, TicketsService.changeEvent(c, ctx), ctx.now);
    for (const h of this.hooks) await h.afterUpdate?.(tx, before, after, changes, ctx);
    return after;
  }

  /**
   * Several tickets changed at once inside the caller's transaction (a batch of SLA breaches
   * adding a tag), as updateIn would change each: read in one query, written with one UPDATE,
   * one tag replacement and one insert of their timeline events, then the hooks (batched where a
   * module offers it). Throws like updateIn when any ticket cannot change; the caller decides
   * what to do (the breach batch runs its jobs one by one then). Returns the tickets as changed.
   */
  async updateManyIn(
    tx: Tx,
    items: { id: string; input: UpdateTicketInput }[],
    ctx: ChangeContext,
    /** The tickets as the caller read them in this transaction (loadMany), not read again. */
    loaded?: ReadonlyMap<string, Ticket>,
  ): Promise<TicketUpdate[]> {
    const befores = loaded ?? (await this.loadMany(tx, items.map((i) => i.id)));
    const planned: TicketUpdate[] = [];
    for (const { id, input } of items) {
      const before = befores.get(id);
      if (!before) throw notFound('Ticket', id);
      const plan = this.planUpdate(before, input, ctx.now);
      if (!plan) continue;
      const { patch } = plan;
      if (patch.teamId || patch.assigneeId || patch.requesterId)
        await this.checkReferences(tx, { teamId: patch.teamId, assigneeId: patch.assigneeId, requesterId: patch.requesterId });
      planned.push({ before, after: plan.after, changes: plan.changes });
    }
    await this.writePlanned(tx, planned, ctx);
    return planned;
  }

  /** Writes planned changes set-wise: one UPDATE, one tag replacement, one insert of events, then the hooks. */
  private async writePlanned(tx: Tx, planned: TicketUpdate[], ctx: ChangeContext): Promise<void> {
    if (planned.length === 0) return;
    const written = await repo.updateTicketsEach(
      tx,
      planned.map((p) => ({ id: p.after.id, version: p.before.version, set: TicketsService.changedColumns(p.before, p.after) })),
      ctx.now,
    );
    if (written !== planned.length)
      throw conflict('A ticket was changed at the same moment by someone else; reload it and try again.');
    await repo.replaceTagsEach(tx, planned.filter((p) => p.changes.some((c) => c.field === 'tags')).map((p) => ({ ticketId: p.after.id, tags: p.after.tags })));
    await this.appendEvents(tx, planned.flatMap((p) => p.changes.map((c) => ({ ticketId: p.after.id, e: TicketsService.changeEvent(c, ctx) }))), ctx.now);
    for (const h of this.hooks) {
      if (h.afterUpdateMany) await h.afterUpdateMany(tx, planned, ctx);
      else if (h.afterUpdate) for (const p of planned) await h.afterUpdate(tx, p.before, p.after, p.changes, ctx);
    }
  }

  /**
   * The same change on many tickets (issue 15 §2). Every ticket changes as by a single edit (its
   * own timeline events, SLA clocks and escalation rules react to it), and one ticket that cannot
   * change (closed, changed meanwhile, not visible) does not hold back the others: every ticket
   * gets its own result, in the order asked.
   *
   * Tickets go in chunks, one transaction each (one for all would hold the SQLite writer and
   * PostgreSQL row locks for the whole request). A chunk is read in one query, checked in memory,
   * and written with one UPDATE, one tag replacement and one multi-row insert of its timeline
   * events, then the hooks run (batched where a module offers it). If a hook refuses a ticket or a
   * ticket changed meanwhile, the chunk is rolled back and redone ticket by ticket, each in a
   * savepoint of its own, so that ticket alone fails.
   */
  async bulkUpdate(actor: Principal, ids: string[], changes: BulkChanges): Promise<BulkResult[]> {
    const unique = [...new Set(ids)];
    if (unique.length > BULK_MAX_IDS) throw invalid([{ field: 'ids', message: `at most ${BULK_MAX_IDS} tickets per request`, code: 'too_many' }]);
    // References are checked once for the whole selection: a bad team or user is the request's fault.
    await this.checkReferences(this.db, { teamId: changes.teamId, assigneeId: changes.assigneeId });
    const visible = await this.access.visibleIds(actor, unique);
    const bulkId = newId();
    const results: BulkResult[] = [];
    for (let i = 0; i < unique.length; i += BULK_CHUNK) {
      const chunk = unique.slice(i, i + BULK_CHUNK);
      const ctx: ChangeContext = { actorId: actor.userId, authorType: 'user', now: this.clock.now(), eventData: { bulkId } };
      try {
        results.push(...(await inTransaction(this.db, (tx) => this.bulkChunk(tx, actor, chunk, visible, changes, ctx))));
      } catch (err) {
        if (!(err instanceof BulkSlowPath)) throw err;
        results.push(...(await inTransaction(this.db, (tx) => this.bulkChunkOneByOne(tx, actor, chunk, visible, changes, ctx))));
      }
    }
    return results;
  }

  private async bulkChunk(tx: Tx, actor: Principal, chunk: string[], visible: Set<string>, changes: BulkChanges, ctx: ChangeContext): Promise<BulkResult[]> {
    const rows = new Map((await repo.findTicketsWithTeam(tx, chunk.filter((id) => visible.has(id)))).map((r) => [r.id, r]));
    const results: BulkResult[] = [];
    const planned: TicketUpdate[] = [];
    for (const id of chunk) {
      const row = rows.get(id);
      if (!row) {
        results.push({ id, ok: false, error: { code: 'not_found', message: `Ticket ${id} was not found.` } });
        continue;
      }
      try {
        // Only a restricted team's ticket can be readable but not writable (an ended escalation's receiver).
        if (row.team_restricted === 1) await this.access.assertWrite(actor, id, tx);
        const before = toTicket(row);
        const plan = this.planUpdate(before, bulkPatch(before, changes), ctx.now);
        if (!plan) {
          results.push({ id, ok: true, number: before.number, version: before.version, changed: 0 });
          continue;
        }
        planned.push({ before, after: plan.after, changes: plan.changes });
        results.push({ id, ok: true, number: before.number, version: plan.after.version, changed: plan.changes.length });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        results.push({ id, ok: false, error: { code: err.code, message: err.message, ...(err.details !== undefined && { details: err.details }) } });
      }
    }
    if (planned.length === 0) return results;
    try {
      await this.writePlanned(tx, planned, ctx);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) throw new BulkSlowPath('a ticket changed meanwhile, or a hook refused a ticket', { cause: err });
      throw err;
    }
    return results;
  }

  /** A chunk ticket by ticket, each in a savepoint: what fails is undone alone. */
  private async bulkChunkOneByOne(tx: Tx, actor: Principal, chunk: string[], visible: Set<string>, changes: BulkChanges, ctx: ChangeContext): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    for (const id of chunk) {
      if (!visible.has(id) || !(await repo.findTicket(tx, id))) {
        results.push({ id, ok: false, error: { code: 'not_found', message: `Ticket ${id} was not found.` } });
        continue;
      }
      try {
        const r = await repo.inSavepoint(tx, async () => {
          await this.access.assertWrite(actor, id, tx);
          const before = await this.load(tx, id);
          const patch = bulkPatch(before, changes);
          const after = await this.updateIn(tx, id, patch, ctx);
          return { number: after.number, version: after.version, changed: diffTicket(before, patch).length };
        });
        results.push({ id, ok: true, ...r });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        results.push({ id, ok: false, error: { code: err.code, message: err.message, ...(err.details !== undefined && { details: err.details }) } });
      }
    }
    return results;
  }

  async addMessage(
    actor: Principal,
    id: string,
    input: { body: string; visibility: Visibility; bodyFormat?: BodyFormat; attachmentIds?: string[] },
  ): Promise<TimelineEventView> {
    const ctx: ChangeContext = { actorId: actor.userId, authorType: 'user', now: this.clock.now() };
    const { attachmentIds = [], ...message } = input;
    const eventId = await inTransaction(this.db, async (tx) => {
      await this.access.assertWrite(actor, id, tx);
      const eventId = await this.addMessageIn(tx, await this.load(tx, id), message, ctx);
      // Files uploaded beforehand go with the message (a reply sends them to the customer).
      if (attachmentIds.length > 0) {
        const n = await repo.linkAttachments(tx, id, eventId, attachmentIds);
        if (n !== new Set(attachmentIds).size)
          throw invalid([
            {
              field: 'attachmentIds',
              message: 'each must be a file uploaded to this ticket and not yet sent with a message', code: 'attachment_unavailable',
            },
          ]);
      }
      return eventId;
    });
    const [row] = await repo.listEvents(this.db, id, { limit: 1, id: eventId });
    return presentEvent(row!);
  }

  /** Adds a message inside the caller's transaction; moves the status as a message implies. */
  async addMessageIn(
    tx: Tx,
    ticket: Ticket,
    input: { body: string; visibility: Visibility; bodyFormat?: BodyFormat; initial?: boolean; data?: Record<string, unknown> },
    ctx: ChangeContext,
  ): Promise<string> {
    // Only a person's own writing is Markdown: inbound mail and customers' messages stay text.
    const bodyFormat = ctx.authorType === 'user' ? (input.bodyFormat ?? 'text') : 'text';
    if (ticket.status === 'closed')
      throw conflict('The ticket is closed; open a follow-up ticket instead.', { status: ticket.status });
    if (ctx.authorType === 'customer' && input.visibility === 'internal')
      throw new AppError('bad_request', 'Customers cannot write internal notes.');
    const eventId = await this.appendEvent(
      tx,
      ticket.id,
      {
        kind: 'message.added',
        visibility: input.visibility,
        authorType: ctx.authorType,
        authorId: ctx.actorId,
        body: input.body,
        bodyFormat,
        data: {
          ...input.data,
          ...(input.initial && { initial: true }),
          ...(ctx.automatic && { automatic: true }),
        },
      },
      ctx.now,
    );
    // Hooks that ran since the caller loaded the ticket may have changed it: hand them the current row.
    let after = input.initial ? await this.load(tx, ticket.id) : ticket;
    if (!input.initial) {
      // The inquiry that opens a ticket is not a reply to it: it leaves the status alone, and the
      // ticket was written a moment ago; any other message moves the status as it implies.
      const current = await this.load(tx, ticket.id);
      const nextStatus = statusAfterMessage(current.status, ctx.authorType, input.visibility);
      if (nextStatus !== current.status)
        after = await this.updateIn(tx, ticket.id, { status: nextStatus }, ctx);
      else {
        await repo.updateTicket(tx, ticket.id, current.version, { updated_at: ctx.now });
        after = { ...current, updatedAt: ctx.now, version: current.version + 1 };
      }
    }
    const info: MessageInfo = {
      eventId,
      authorType: ctx.authorType,
      visibility: input.visibility,
      automatic: ctx.automatic ?? false,
      initial: input.initial ?? false,
      ...(input.initial && { body: input.body }),
    };
    for (const h of this.hooks) await h.afterMessage?.(tx, after, info, ctx);
    return eventId;
  }

  /**
   * addMessageIn for many tickets at once (one message each, never a ticket's opening inquiry): a
   * fan-out's batch of replies. The same rows as one by one (the message events, the status a
   * message implies with its field events, the hooks' rows), written set-wise: one insert of the
   * events, one read of the tickets, one UPDATE, then the hooks (batched where a module offers it).
   * Throws like addMessageIn when any ticket cannot take a message. Returns the tickets as the
   * messages left them, in the order given.
   */
  async addMessagesIn(tx: Tx, items: readonly NewMessage[], ctx: ChangeContext): Promise<AddedMessage[]> {
    if (items.length === 0) return [];
    if (new Set(items.map((i) => i.ticket.id)).size !== items.length) throw new Error('addMessagesIn: one message per ticket');
    for (const { ticket, visibility } of items) {
      if (ticket.status === 'closed') throw conflict('The ticket is closed; open a follow-up ticket instead.', { status: ticket.status });
      if (ctx.authorType === 'customer' && visibility === 'internal') throw new AppError('bad_request', 'Customers cannot write internal notes.');
    }
    const bodyFormatOf = (i: NewMessage) => (ctx.authorType === 'user' ? (i.bodyFormat ?? 'text') : 'text');
    const eventIds = await this.appendEvents(
      tx,
      items.map((i) => ({
        ticketId: i.ticket.id,
        e: {
          kind: 'message.added',
          visibility: i.visibility,
          authorType: ctx.authorType,
          authorId: ctx.actorId,
          body: i.body,
          bodyFormat: bodyFormatOf(i),
          data: { ...i.data, ...(ctx.automatic && { automatic: true }) },
        },
      })),
      ctx.now,
    );
    // Hooks that ran since the caller loaded the tickets may have changed them: the current rows decide.
    const current = await this.loadMany(tx, items.map((i) => i.ticket.id));
    const moved: TicketUpdate[] = [];
    const touched: { before: Ticket; after: Ticket }[] = [];
    for (const { ticket, visibility } of items) {
      const before = current.get(ticket.id);
      if (!before) throw notFound('Ticket', ticket.id);
      const nextStatus = statusAfterMessage(before.status, ctx.authorType, visibility);
      const plan = nextStatus !== before.status ? this.planUpdate(before, { status: nextStatus }, ctx.now) : null;
      if (plan) moved.push({ before, after: plan.after, changes: plan.changes });
      else touched.push({ before, after: { ...before, updatedAt: ctx.now, version: before.version + 1 } });
    }
    // The tickets whose status stays are only touched (updated_at, version), as one by one.
    if (touched.length) {
      const written = await repo.updateTicketsEach(tx, touched.map((t) => ({ id: t.before.id, version: t.before.version, set: {} })), ctx.now);
      if (written !== touched.length) throw conflict('A ticket was changed at the same moment by someone else; reload it and try again.');
    }
    await this.writePlanned(tx, moved, ctx);
    const afterOf = new Map([...moved, ...touched].map((u) => [u.after.id, u.after]));
    const added: AddedMessage[] = items.map((i, n) => ({
      ticket: afterOf.get(i.ticket.id)!,
      message: { eventId: eventIds[n]!, authorType: ctx.authorType, visibility: i.visibility, automatic: ctx.automatic ?? false, initial: false },
    }));
    for (const h of this.hooks) {
      if (h.afterMessages) await h.afterMessages(tx, added, ctx);
      else if (h.afterMessage) for (const a of added) await h.afterMessage(tx, a.ticket, a.message, ctx);
    }
    return added;
  }

  /** Appends one event to a ticket's timeline (append-only: events are never changed). */
  async appendEvent(ex: Executor, ticketId: string, e: TimelineEventInput, now: number): Promise<string> {
    const id = newId();
    await repo.insertEvent(ex, {
      id,
      ticket_id: ticketId,
      kind: e.kind,
      visibility: e.visibility,
      author_type: e.authorType,
      author_id: e.authorId,
      body: e.body ?? null,
      body_format: e.bodyFormat ?? 'text',
      data: json(e.data),
      created_at: now,
    });
    for (const h of this.hooks) await h.afterEvent?.(ex, ticketId, e.kind, { id, visibility: e.visibility, body: e.body ?? null, createdAt: now });
    return id;
  }

  /** Appends many events (to one or several tickets) in one statement; returns their ids in order. */
  async appendEvents(ex: Executor, items: { ticketId: string; e: TimelineEventInput }[], now: number): Promise<string[]> {
    if (items.length === 0) return [];
    const appended: AppendedTicketEvent[] = items.map(({ ticketId, e }) => ({
      ticketId,
      kind: e.kind,
      event: { id: newId(), visibility: e.visibility, body: e.body ?? null, createdAt: now },
    }));
    await repo.insertEvents(
      ex,
      items.map(({ ticketId, e }, i) => ({
        id: appended[i]!.event.id,
        ticket_id: ticketId,
        kind: e.kind,
        visibility: e.visibility,
        author_type: e.authorType,
        author_id: e.authorId,
        body: e.body ?? null,
        body_format: e.bodyFormat ?? 'text',
        data: json(e.data),
        created_at: now,
      })),
    );
    for (const h of this.hooks) {
      if (h.afterEvents) await h.afterEvents(ex, appended);
      else if (h.afterEvent) for (const a of appended) await h.afterEvent(ex, a.ticketId, a.kind, a.event);
    }
    return appended.map((a) => a.event.id);
  }

  async timeline(viewer: TicketViewer | null, id: string, opts: { limit: number; cursor?: string; publicOnly?: boolean }) {
    await this.access.assertRead(viewer, id);
    const key = decodeCursor(opts.cursor);
    const rows = await repo.listEvents(this.db, id, {
      limit: opts.limit,
      after: key?.id,
      visibility: opts.publicOnly ? 'public' : undefined,
    });
    const page = toPage(rows, opts.limit, (r) => ({ v: null, id: r.id }));
    return { items: page.items.map(presentEvent), nextCursor: page.nextCursor };
  }

  private async checkReferences(
    ex: Executor,
    refs: { teamId?: string | null; assigneeId?: string | null; requesterId?: string | null },
  ) {
    const problems: FieldProblem[] = [];
    if (
      refs.teamId &&
      !(await ex.selectFrom('teams').select('id').where('id', '=', refs.teamId).executeTakeFirst())
    ) {
      problems.push({ field: 'teamId', message: `team ${refs.teamId} does not exist`, code: 'unknown_team' });
    }
    if (refs.assigneeId) {
      const u = await ex
        .selectFrom('users')
        .select(['id', 'active'])
        .where('id', '=', refs.assigneeId)
        .executeTakeFirst();
      if (!u) problems.push({ field: 'assigneeId', message: `user ${refs.assigneeId} does not exist`, code: 'unknown_user' });
      else if (u.active !== 1) problems.push({ field: 'assigneeId', message: 'that user is deactivated', code: 'user_deactivated' });
    }
    if (
      refs.requesterId &&
      !(await ex.selectFrom('customers').select('id').where('id', '=', refs.requesterId).executeTakeFirst())
    ) {
      problems.push({ field: 'requesterId', message: `customer ${refs.requesterId} does not exist`, code: 'unknown_customer' });
    }
    if (problems.length) throw invalid(problems);
  }
}
