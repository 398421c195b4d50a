/**
 * Escalating tickets: manual (with the brief), automatic (path conditions on ticket changes,
 * SLA actions, ping-pong) and the lifecycle (acknowledge, return, resolve, advance, cancel).
 * Every event goes through the pure `step`; its effects become jobs and timeline events in
 * the same transaction as the state change.
 */
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction, json, parseJson } from '../../db/database.js';
import type { EscalationsTable } from '../../db/schema.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import { iso } from '../../http/schemas.js';
import { enqueueJob } from '../../jobs/jobs.repository.js';
import type { ClaimedJob } from '../../jobs/jobs.types.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { getSetting } from '../../lib/settings.js';
import { can } from '../auth/auth.policy.js';
import type { Principal } from '../auth/index.js';
import { effectiveTier } from '../customers/index.js';
import type { ChangeContext, Ticket, TicketHooks, TicketsService } from '../tickets/index.js';
import { ticketRefVisibleCondition, ticketVisibleCondition } from '../tickets/index.js';
import { missingBriefFields, unsafeBriefLinks } from './brief.policy.js';
import { findDuplicateEscalation, type EscalationAim } from './duplicate.policy.js';
import {
  ackDueOf,
  addSecondsFor,
  performEffects,
  recipientsOfState,
  ticketContextOf,
} from './engine-shell.js';
import { initialState, isFinished, snapshotOf, step } from './engine.policy.js';
import * as repo from './escalations.repository.js';
import {
  presentEscalation,
  type AwaitingReplyItem,
  type EscalationMessageKind,
  type EscalationMessageView,
  type EscalationView,
} from './escalations.presenter.js';
import { assertLevel, pathOf, targetKey, type PathsService } from '../paths/index.js';
import { detectPingPong, DEFAULT_PINGPONG_LIMIT, type TeamChange } from './pingpong.policy.js';
import { directoryIds, loadDirectory, resolveLevel, supervisorsOfUser, userNames } from '../oncall/index.js';
import { renderOrigin } from './origin.policy.js';
import { isEmptySummary, summarizeTimeline, type SummaryEvent, type SummaryLang } from './summary.policy.js';
import { type LevelKind, type MatchTicket, type Target } from '../paths/index.js';
import { type Directory } from '../oncall/index.js';
import { BRIEF_LIMITS, ESCALATION_STATUSES, FINISHED_STATUSES, type Brief, type EscalationEvent, type EscalationOrigin, type EscalationSnapshot, type EscalationState, type EscalationStatus, type GeneratedBackground, type ReturnReason, type StoredBrief } from './escalation.types.js';

export type BriefInput = Partial<Omit<Brief, 'impact'>> & { impact?: Partial<Brief['impact']> };

export interface EscalateInput {
  pathId?: string;
  /** Direct escalation to the agent's own supervisor (see supervisorsOfUser). */
  to?: 'my_supervisor';
  levelIndex?: number;
  target?: Target;
  kind?: LevelKind;
  ackTimeoutSeconds?: number;
  brief?: BriefInput;
}

export interface SlaTriggerInput {
  ticketId: string;
  clockKind: string;
  event: 'warning' | 'breach';
  pathId?: string;
  levelIndex?: number;
  now: number;
}

export interface EscalationListFilter {
  state?: string;
  target?: 'me';
  team?: 'mine';
  pathId?: string;
  level?: number;
  overdue?: boolean;
  requestedBy?: 'me';
  ticketId?: string;
  customer?: string;
  /** Only escalations still running (pending, requested, acknowledged). */
  open?: boolean;
  limit: number;
  cursor?: string;
}

type Trigger = 'manual' | 'auto' | 'sla' | 'pingpong' | 'incident';
const MATCH_FIELDS = new Set([
  'category',
  'product',
  'tags',
  'priority',
  'temperature',
  'subject',
  'requesterId',
]);
const DIRECT_REMINDERS = { advance: false, repeatReminders: 2, reminderIntervalSeconds: 900 };

export class EscalationsService {
  /** Re-indexes an escalation's brief and answer for search (set by the container), in the transaction of the change. */
  private searchIndex: ((ex: Executor, escalationId: string) => Promise<void>) | null = null;

  setSearchIndex(fn: (ex: Executor, escalationId: string) => Promise<void>): void {
    this.searchIndex = fn;
  }

  /**
   * The workspace's time zone (the report calendar's, set by the container): the times in a
   * background the server writes, whose reader is not known, are in it. Without one (no calendar): Asia/Tokyo
   * for Japanese, UTC for English.
   */
  private workspaceZone: ((ex: Executor) => Promise<string | null>) | null = null;

  setWorkspaceZone(fn: (ex: Executor) => Promise<string | null>): void {
    this.workspaceZone = fn;
  }

  private async zoneFor(ex: Executor, lang: SummaryLang): Promise<string> {
    return (await this.workspaceZone?.(ex)) ?? zoneOf(lang);
  }

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly paths: PathsService,
    private readonly teamIdsOfUser: (userId: string) => Promise<string[]>,
    private readonly options: { pingPongLimit?: number } = {},
  ) {}

  // -------------------------------------------------------------------------------------
  // Reading

  /** `viewer` null: the system (after its own changes). */
  async get(viewer: Principal | null, id: string): Promise<EscalationView> {
    const row = await repo.findEscalation(this.db, id);
    if (!row) throw notFound('Escalation', id);
    await this.tickets.access.assertRead(viewer, row.ticket_id, this.db, 'Escalation', id);
    return (await this.present(this.db, [row]))[0] as EscalationView;
  }

  /**
   * Several escalations in one query (and one query per name lookup), in the order of `ids`;
   * the ones on tickets the viewer may not see are left out.
   */
  async getMany(viewer: Principal, ids: string[]): Promise<EscalationView[]> {
    const visible = ticketRefVisibleCondition(await this.tickets.access.scope(viewer), 'escalations.ticket_id');
    const rows = await repo.escalationsByIds(this.db, ids, visible ?? undefined);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ordered = ids.map((id) => byId.get(id)).filter((r): r is EscalationsTable => r !== undefined);
    return this.present(this.db, ordered);
  }

  async list(actor: Principal, f: EscalationListFilter) {
    const now = this.clock.now();
    const key = decodeCursor(f.cursor);
    const visible = ticketRefVisibleCondition(await this.tickets.access.scope(actor), 'escalations.ticket_id');
    const rows = await repo.listEscalations(
      this.db,
      {
        ...(visible && { visible }),
        status: f.state ? [f.state] : f.open ? ESCALATION_STATUSES.filter((x) => !FINISHED_STATUSES.includes(x)) : undefined,
        ticketId: f.ticketId,
        customerId: f.customer,
        pathId: f.pathId,
        level: f.level,
        overdueAt: f.overdue ? now : undefined,
        recipientUserId: f.target === 'me' ? actor.userId : undefined,
        requestedBy: f.requestedBy === 'me' ? actor.userId : undefined,
        recipientTeamIds: f.team === 'mine' ? await this.teamIdsOfUser(actor.userId) : undefined,
      },
      { limit: f.limit, before: key?.id },
    );
    const page = toPage(rows, f.limit, (r) => ({ v: null, id: r.id }));
    return { items: await this.present(this.db, page.items), nextCursor: page.nextCursor };
  }

  private async present(ex: Executor, rows: EscalationsTable[]): Promise<EscalationView[]> {
    const states = rows.map((r) => parseJson<EscalationState>(r.state, initialState()));
    const ids = states
      .flatMap((s) => [
        ...s.targets.flatMap((t) => [...t.receivers, t.acknowledgedBy ?? '']),
        s.requestedBy ?? '',
        s.returned?.userId ?? '',
        s.resolved?.userId ?? '',
      ])
      .filter(Boolean);
    const [names, numbers] = await Promise.all([
      userNames(ex, ids),
      repo.ticketNumbers(
        ex,
        rows.map((r) => r.ticket_id),
      ),
    ]);
    const now = this.clock.now();
    return rows.map((r) => presentEscalation(r, names, numbers, now));
  }

  /**
   * What the console shows before escalating: the suggested paths (and why), the pre-filled
   * brief, the customer's other tickets, and the chosen level's contact details, receivers
   * and acknowledgement deadline.
   */
  async draft(
    actor: Principal,
    ticketId: string,
    pathId: string | undefined,
    levelIndex: number | undefined,
  ) {
    const now = this.clock.now();
    await this.tickets.access.assertRead(actor, ticketId);
    const ticket = await this.tickets.load(this.db, ticketId);
    const matchTicket = await this.matchTicketOf(this.db, ticket);
    const matches = await this.paths.match(this.db, matchTicket);
    const pathRow = pathId ? await this.paths.load(this.db, pathId) : undefined;
    const path = pathRow ? pathOf(pathRow) : matches[0]?.path;
    const brief = await this.completeBrief(this.db, ticket, {}, actor.locale, actor.timeZone);
    const customer = await this.customerTickets(this.db, ticket, actor);
    const directory = await loadDirectory(this.db);
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, actor.locale);
    const direct = {
      mySupervisors: supervisorsOfUser(directory, actor.userId).map((id) => ({
        id,
        name: directory.users[id]?.name ?? id,
      })),
      teams: Object.values(directory.teams)
        .map((t) => ({ id: t.id, name: t.name }))
        .sort(byName),
      people: Object.values(directory.users)
        .filter((u) => u.active !== false && u.id !== actor.userId)
        .map((u) => ({ id: u.id, name: u.name }))
        .sort(byName),
    };
    let level = null;
    if (path) {
      const i = assertLevel(path, levelIndex);
      const l = path.levels[i]!;
      const snapshot = snapshotOf(path);
      const addSeconds = await addSecondsFor(this.db, snapshot);
      const resolution = resolveLevel(l, i, directory, ticketContextOf(ticket), now);
      level = {
        levelIndex: i,
        name: l.name,
        kind: l.kind,
        contact: l.contact,
        ackTimeoutSeconds: l.ackTimeoutSeconds,
        ackDueAt: new Date(addSeconds(now, l.ackTimeoutSeconds, i)).toISOString(),
        requiredBriefFields: l.requiredBriefFields,
        targets: resolution.targets.map((t) => ({
          key: t.key,
          receivers: t.receivers.map((id) => ({ id, name: directory.users[id]?.name ?? id })),
          trace: t.trace,
          traceFacts: t.traceFacts,
        })),
      };
    }
    return {
      ticketId,
      suggestedPathId: matches[0]?.path.id ?? null,
      matches: matches.map((m) => m.match),
      path: path
        ? {
            id: path.id,
            version: path.version,
            name: path.name,
            purpose: path.purpose,
            levels: path.levels.map((l, i) => ({ levelIndex: i, name: l.name, kind: l.kind })),
          }
        : null,
      level,
      brief,
      direct,
      customerTickets: customer,
    };
  }

  // -------------------------------------------------------------------------------------
  // Escalating

  async escalate(actor: Principal, ticketId: string, input: EscalateInput): Promise<EscalationView> {
    const now = this.clock.now();
    const id = await inTransaction(this.db, (tx) => this.escalateIn(tx, actor, ticketId, input, now));
    return this.get(null, id);
  }

  /**
   * Escalates inside the caller's transaction (a raised hand turns into an escalation in the
   * same transaction that closes it). Returns the escalation's id.
   */
  async escalateIn(tx: Tx, actor: Principal, ticketId: string, input: EscalateInput, now: number): Promise<string> {
    await this.tickets.access.assertWrite(actor, ticketId, tx);
    const ticket = await this.tickets.load(tx, ticketId);
    if (ticket.status === 'closed')
      throw conflict('The ticket is closed; open a follow-up ticket to escalate.', {
        status: ticket.status,
      });
    let snapshot: EscalationSnapshot;
    let start = 0;
    if ([input.pathId, input.target, input.to].filter((x) => x !== undefined).length > 1)
      throw invalid([
        {
          field: input.pathId ? 'target' : 'to',
          message: 'send one of pathId (and levelIndex), a direct target, or to: my_supervisor', code: 'escalation_target_needed',
        },
      ]);
    if (input.pathId) {
      const path = pathOf(await this.paths.load(tx, input.pathId));
      if (!path.active)
        throw conflict(`The escalation path ${path.name} is not active.`, { pathId: path.id });
      start = assertLevel(path, input.levelIndex);
      snapshot = snapshotOf(path);
    } else if (input.target) {
      await this.checkTargets(tx, [input.target]);
      const directory = await loadDirectory(tx);
      snapshot = directSnapshot(
        [input.target],
        input.kind ?? 'functional',
        input.ackTimeoutSeconds ?? 1800,
        targetNames([input.target], directory),
        { code: 'direct', to: input.target.type },
      );
    } else if (input.to === 'my_supervisor') {
      const directory = await loadDirectory(tx);
      const supervisors = supervisorsOfUser(directory, actor.userId);
      if (!supervisors.length)
        throw conflict(
          'None of your teams names a supervisor or manager. Escalate to a team or a person instead, or ask an administrator to name one on your team.',
          { reason: 'no_supervisor' },
        );
      const targets: Target[] = supervisors.map((userId) => ({ type: 'user', userId }));
      snapshot = directSnapshot(
        targets,
        input.kind ?? 'hierarchical',
        input.ackTimeoutSeconds ?? 1800,
        targetNames(targets, directory),
        { code: 'direct', to: 'my_supervisor' },
      );
    } else {
      throw invalid([
        {
          field: 'pathId',
          message: 'send a pathId (and optional levelIndex), a direct target, or to: my_supervisor', code: 'escalation_target_needed',
        },
      ]);
    }
    await this.refuseDuplicate(
      tx,
      ticket.id,
      input.pathId ? { pathId: input.pathId, levelIndex: start } : { target: input.target! },
    );
    const brief = await this.completeBrief(tx, ticket, input.brief ?? {}, actor.locale, actor.timeZone);
    const missing = missingBriefFields(brief, snapshot.levels[start]!.requiredBriefFields);
    if (missing.length)
      throw invalid(
        missing,
        `The brief is missing required fields: ${missing.map((m) => m.field).join(', ')}.`,
      );
    return this.start(tx, ticket, snapshot, start, brief, actor.userId, 'manual', now);
  }

  /** 409 naming the open escalation that already asks the same level or target (details.escalationId). */
  private async refuseDuplicate(tx: Tx, ticketId: string, aim: EscalationAim): Promise<void> {
    const open = (await repo.escalationsOfTicket(tx, ticketId)).map((r) => {
      const snapshot = parseJson<EscalationSnapshot>(r.snapshot, null as unknown as EscalationSnapshot);
      const level = snapshot?.levels[r.level_index];
      return {
        id: r.id,
        status: r.status as EscalationStatus,
        pathId: r.path_id,
        levelIndex: r.level_index,
        targets: level?.targets ?? [],
        levelName: level?.name ?? '',
        requestedAt: Number(r.requested_at),
      };
    });
    const dup = findDuplicateEscalation(open, aim);
    if (!dup) return;
    const d = open.find((o) => o.id === dup.id)!;
    throw conflict(
      `This ticket already has an open escalation to ${d.levelName || 'the same target'} (requested ${iso(d.requestedAt)}, ${d.status}). Open that one and add to it, or cancel it before escalating again.`,
      {
        reason: 'duplicate_escalation',
        escalationId: d.id,
        status: d.status,
        pathId: d.pathId,
        levelIndex: d.levelIndex,
        levelName: d.levelName,
      },
    );
  }

  /** Creates the escalation row and applies its 'requested' event. Returns the id. */
  private async start(
    tx: Tx,
    ticket: Ticket,
    snapshot: EscalationSnapshot,
    levelIndex: number,
    brief: StoredBrief,
    requestedBy: string | null,
    trigger: Trigger,
    now: number,
  ): Promise<string> {
    const id = newId();
    const event: EscalationEvent = { type: 'requested', requestedBy, levelIndex };
    const directory = await loadDirectory(tx);
    const addSeconds = await addSecondsFor(tx, snapshot);
    const result = step(snapshot, initialState(), event, {
      now,
      addSeconds,
      directory,
      ticket: ticketContextOf(ticket),
    });
    const s = result.state;
    await repo.insertEscalation(tx, {
      id,
      ticket_id: ticket.id,
      path_id: snapshot.pathId || null,
      path_version: snapshot.pathId ? snapshot.pathVersion : null,
      kind: snapshot.levels[levelIndex]?.kind ?? 'functional',
      trigger,
      status: s.status,
      stage: s.stage,
      level_index: s.levelIndex,
      snapshot: json(snapshot),
      state: json(s),
      brief: json(brief),
      requested_by: requestedBy,
      requested_at: now,
      ack_due_at: ackDueOf(result.effects) ?? null,
      acknowledged_at: null,
      finished_at: null,
      created_at: now,
      updated_at: now,
      revision: 1,
    });
    const r = recipientsOfState(s, directory);
    await repo.replaceRecipients(tx, id, r.userIds, r.teamIds);
    await this.searchIndex?.(tx, id);
    // The brief travels with the request event so the timeline shows it conclusion first.
    const effects = result.effects.map((e) =>
      e.type === 'record' && e.kind === 'escalation.requested'
        ? {
            ...e,
            data: {
              ...e.data,
              trigger,
              ask: brief.ask,
              levelIndex,
              pathName: snapshot.pathName,
              ...(snapshot.origin && { origin: snapshot.origin }),
            },
          }
        : e,
    );
    await performEffects(tx, this.tickets, effects, {
      escalationId: id,
      ticketId: ticket.id,
      actorId: requestedBy,
      now,
      directory,
    });
    return id;
  }

  /** Applies one event to a stored escalation and writes its consequences. */
  private async apply(
    tx: Tx,
    row: EscalationsTable,
    event: EscalationEvent,
    actorId: string | null,
    now: number,
  ): Promise<void> {
    const snapshot = parseJson<EscalationSnapshot>(row.snapshot, null as unknown as EscalationSnapshot);
    const state = parseJson<EscalationState>(row.state, initialState());
    const ticket = await this.tickets.load(tx, row.ticket_id);
    const directory = await loadDirectory(tx);
    const addSeconds = await addSecondsFor(tx, snapshot);
    const result = step(snapshot, state, event, {
      now,
      addSeconds,
      directory,
      ticket: ticketContextOf(ticket),
    });
    if (!result.effects.length && result.state === state) return;
    const s = result.state;
    const due = ackDueOf(result.effects);
    const ok = await repo.updateEscalation(tx, row.id, row.revision, {
      status: s.status,
      stage: s.stage,
      level_index: s.levelIndex,
      state: json(s),
      ...(due !== undefined && { ack_due_at: due }),
      acknowledged_at: s.acknowledgedMs,
      finished_at: s.finishedMs,
      updated_at: now,
    });
    if (!ok) throw conflict('The escalation changed at the same moment; reload it and try again.');
    const r = recipientsOfState(s, directory);
    await repo.replaceRecipients(tx, row.id, r.userIds, r.teamIds);
    if (s.status !== state.status) await this.searchIndex?.(tx, row.id);
    await performEffects(tx, this.tickets, result.effects, {
      escalationId: row.id,
      ticketId: row.ticket_id,
      actorId,
      now,
      directory,
      ticket: ticketContextOf(ticket),
      requestedBy: s.requestedBy,
    });
  }

  /** Resolved escalations I raised whose answer I have not yet passed on to the customer. */
  async awaitingReply(actor: Principal, limit = 100): Promise<AwaitingReplyItem[]> {
    const visible = ticketVisibleCondition(await this.tickets.access.scope(actor), 't');
    const rows = await repo.awaitingReply(this.db, actor.userId, limit, visible);
    const states = rows.map((r) => parseJson<EscalationState>(r.state, initialState()));
    const names = await userNames(this.db, states.map((s) => s.resolved?.userId ?? '').filter(Boolean));
    return rows.map((r, i) => {
      const by = states[i]!.resolved?.userId;
      return {
        escalationId: r.id,
        ticket: { id: r.ticket_id, number: Number(r.number), subject: r.subject },
        answer: states[i]!.resolved?.answer ?? null,
        resolvedAt: iso(r.finished_at) as string,
        resolvedBy: by ? { id: by, name: names.get(by) ?? by } : null,
      };
    });
  }

  // -------------------------------------------------------------------------------------
  // People's actions

  async acknowledge(actor: Principal, id: string, targetKeyWanted?: string): Promise<EscalationView> {
    return this.act(actor, id, 'acknowledged', (state) => {
      const mine = state.targets.filter((t) => t.receivers.includes(actor.userId));
      const wanted = targetKeyWanted ? state.targets.find((t) => t.key === targetKeyWanted) : undefined;
      if (targetKeyWanted && !wanted) throw notFound('Escalation target', targetKeyWanted);
      const addressed = wanted ? wanted.receivers.includes(actor.userId) : mine.length > 0;
      if (!addressed && !can(actor.role, 'escalations.supervise'))
        throw forbidden(
          'This escalation is not addressed to you; only its receivers or a supervisor covering for them can acknowledge it.',
        );
      return {
        type: 'acknowledged',
        userId: actor.userId,
        ...(targetKeyWanted && { targetKey: targetKeyWanted }),
      };
    });
  }

  async returnEscalation(
    actor: Principal,
    id: string,
    reason: ReturnReason,
    text: string,
  ): Promise<EscalationView> {
    return this.act(actor, id, 'returned', (state) => {
      this.mustBeReceiver(actor, state, 'return');
      return { type: 'returned', userId: actor.userId, reason, text };
    });
  }

  async resolve(actor: Principal, id: string, answerGiven?: string): Promise<EscalationView> {
    const answer = answerGiven?.trim() || null;
    return this.act(actor, id, 'resolved', (state, row) => {
      if (state.requestedBy !== actor.userId) this.mustBeReceiver(actor, state, 'resolve');
      // A functional escalation asked a question; the person who asked needs the answer.
      if (!answer && row.kind !== 'hierarchical')
        throw invalid([
          {
            field: 'answer',
            message:
              'write the answer for the person who escalated; a functional escalation cannot be resolved without one',
            code: 'answer_required',
          },
        ]);
      return { type: 'resolved', userId: actor.userId, answer };
    });
  }

  async advance(actor: Principal, id: string, reason?: string): Promise<EscalationView> {
    return this.act(actor, id, 'advanced', (state) => {
      if (state.requestedBy !== actor.userId) this.mustBeReceiver(actor, state, 'advance');
      return { type: 'advanced', userId: actor.userId, ...(reason && { reason }) };
    });
  }

  async cancel(actor: Principal, id: string): Promise<EscalationView> {
    return this.act(actor, id, 'cancelled', (state) => {
      if (state.requestedBy !== actor.userId && !can(actor.role, 'escalations.supervise'))
        throw forbidden('Only the person who escalated, or a supervisor, can cancel this escalation.');
      return { type: 'cancelled', userId: actor.userId };
    });
  }

  /**
   * The two sides keep talking while the escalation is open, without returning it: the person
   * who escalated adds information, a receiver asks a question. Recorded on the ticket's
   * timeline (internal) and told to the other side.
   */
  async addMessage(
    actor: Principal,
    id: string,
    input: { body: string; kind?: EscalationMessageKind },
  ): Promise<EscalationMessageView> {
    const body = input.body.trim();
    if (!body)
      throw invalid([{ field: 'body', message: 'write the information or the question', code: 'empty' }]);
    const now = this.clock.now();
    const eventId = await inTransaction(this.db, async (tx) => {
      const row = await repo.findEscalation(tx, id, { lock: true });
      if (!row) throw notFound('Escalation', id);
      await this.tickets.access.assertRead(actor, row.ticket_id, tx, 'Escalation', id);
      const state = parseJson<EscalationState>(row.state, initialState());
      if (isFinished(state))
        throw new AppError(
          'conflict',
          `This escalation is already ${state.status}; add a note to the ticket instead.`,
          { status: state.status },
        );
      await this.tickets.access.assertWrite(actor, row.ticket_id, tx, 'Escalation', id);
      const receivers = [
        ...new Set(state.targets.flatMap((t) => (t.acknowledgedBy ? [t.acknowledgedBy] : t.receivers))),
      ];
      const isRequester = state.requestedBy === actor.userId;
      const isReceiver = state.targets.some(
        (t) => t.receivers.includes(actor.userId) || t.acknowledgedBy === actor.userId,
      );
      if (!isRequester && !isReceiver && !can(actor.role, 'escalations.supervise'))
        throw forbidden(
          'Only the person who escalated, its receivers or a supervisor can write on this escalation.',
        );
      const ticket = await this.tickets.load(tx, row.ticket_id);
      const kind: EscalationMessageKind = input.kind ?? (isRequester ? 'info' : 'question');
      const eventId = await this.tickets.appendEvent(
        tx,
        row.ticket_id,
        {
          kind: 'escalation.message',
          visibility: 'internal',
          authorType: 'user',
          authorId: actor.userId,
          body,
          data: { escalationId: id, messageKind: kind },
        },
        now,
      );
      // The other side hears it: receivers hear the requester, the requester (and the ticket's
      // assignee) hear a receiver; a supervisor writing reaches both.
      const others = new Set<string>();
      if (!isRequester) {
        if (state.requestedBy) others.add(state.requestedBy);
        if (ticket.assigneeId) others.add(ticket.assigneeId);
      }
      if (!isReceiver) for (const r of receivers) others.add(r);
      others.delete(actor.userId);
      if (others.size)
        await enqueueJob(
          tx,
          {
            kind: 'notify',
            dedupeKey: `notify:esc:${id}:msg:${eventId}`,
            dueAt: now,
            payload: {
              event: 'escalation.message',
              recipients: { userIds: [...others] },
              ticketId: row.ticket_id,
              escalationId: id,
              data: { userId: actor.userId, message: body, messageKind: kind },
            },
            maxAttempts: 5,
          },
          now,
        );
      return eventId;
    });
    return (await this.messages(null, id)).find((m) => m.id === eventId)!;
  }

  async messages(viewer: Principal | null, id: string): Promise<EscalationMessageView[]> {
    const row = await repo.findEscalation(this.db, id);
    if (!row) throw notFound('Escalation', id);
    await this.tickets.access.assertRead(viewer, row.ticket_id, this.db, 'Escalation', id);
    const rows = await repo.escalationMessages(this.db, row.ticket_id, id);
    const directory = await loadDirectory(this.db);
    return rows.map((r) => {
      const d = parseJson<{ messageKind?: EscalationMessageKind }>(r.data, {});
      return {
        id: r.id,
        kind: d.messageKind ?? 'info',
        body: r.body ?? '',
        author: r.author_id
          ? { id: r.author_id, name: directory.users[r.author_id]?.name ?? r.author_id }
          : null,
        createdAt: iso(Number(r.created_at)) as string,
      };
    });
  }

  private mustBeReceiver(actor: Principal, state: EscalationState, verb: string): void {
    const receiver = state.targets.some(
      (t) => t.receivers.includes(actor.userId) || t.acknowledgedBy === actor.userId,
    );
    if (!receiver && !can(actor.role, 'escalations.supervise'))
      throw forbidden(
        `This escalation is not addressed to you; only its receivers or a supervisor can ${verb} it.`,
      );
  }

  private async act(
    actor: Principal,
    id: string,
    verb: string,
    decide: (state: EscalationState, row: EscalationsTable) => EscalationEvent,
  ): Promise<EscalationView> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const row = await repo.findEscalation(tx, id, { lock: true });
      if (!row) throw notFound('Escalation', id);
      await this.tickets.access.assertRead(actor, row.ticket_id, tx, 'Escalation', id);
      const state = parseJson<EscalationState>(row.state, initialState());
      // A finished escalation answers 409 with its state, whoever (of those who see it) asks.
      if (isFinished(state))
        throw new AppError('conflict', `This escalation is already ${state.status}; it cannot be ${verb}.`, {
          status: state.status,
          stage: state.stage,
          levelIndex: state.levelIndex,
        });
      await this.tickets.access.assertWrite(actor, row.ticket_id, tx, 'Escalation', id);
      await this.apply(tx, row, decide(state, row), actor.userId, now);
    });
    return this.get(null, id);
  }

  // -------------------------------------------------------------------------------------
  // Timers (job handler)

  async onTimer(
    tx: Tx,
    job: ClaimedJob<{
      escalationId: string;
      kind: 'ack_timeout' | 'reminder_due';
      levelIndex: number;
      targetKey: string;
    }>,
    now: number,
  ): Promise<void> {
    const row = await repo.findEscalation(tx, job.payload.escalationId, { lock: true });
    if (!row) return;
    await this.apply(
      tx,
      row,
      { type: job.payload.kind, levelIndex: job.payload.levelIndex, targetKey: job.payload.targetKey },
      null,
      now,
    );
  }

  // -------------------------------------------------------------------------------------
  // Automatic escalation

  /** Ticket hooks: path conditions on create and change, ping-pong on team transfers. */
  hooks(): TicketHooks {
    return {
      afterCreate: (tx, ticket, ctx) => this.autoEscalate(tx, ticket, ctx, ''),
      afterMessage: async (tx, ticket, message, ctx) => {
        // The inquiry arrives just after the ticket: its body may satisfy keyword conditions.
        if (message.initial) {
          // An escalation its creation started said nothing had happened: now the inquiry is there.
          await this.refreshEmptyBackgrounds(tx, ticket);
          await this.autoEscalate(tx, ticket, ctx, message.body);
        }
      },
      afterUpdate: async (tx, _before, after, changes, ctx) => {
        if (changes.some((c) => MATCH_FIELDS.has(c.field))) await this.autoEscalate(tx, after, ctx);
        if (changes.some((c) => c.field === 'teamId')) await this.checkPingPong(tx, after, ctx);
      },
      // Many tickets at once (a bulk chunk, a batch of SLA breaches): as afterUpdate for each, with
      // the requesters' tiers that automatic paths match on read in one query.
      afterUpdateMany: async (tx, updates, ctx) => {
        const matching = updates.filter((u) => u.changes.some((c) => MATCH_FIELDS.has(c.field)));
        if (matching.length > 1 && (await this.paths.compiledPaths(tx)).autoPaths.length > 0)
          await this.prefetchTiers(tx, matching.flatMap((u) => (u.after.requesterId ? [u.after.requesterId] : [])));
        for (const u of updates) {
          if (u.changes.some((c) => MATCH_FIELDS.has(c.field))) await this.autoEscalate(tx, u.after, ctx);
          if (u.changes.some((c) => c.field === 'teamId')) await this.checkPingPong(tx, u.after, ctx);
        }
      },
    };
  }

  /**
   * The ticket's first message arrived after its creation had already escalated it (a path on
   * category or priority): the briefs the server wrote then say the ticket had no history, so
   * they are written again from the timeline that now holds the customer's inquiry.
   */
  private async refreshEmptyBackgrounds(tx: Tx, ticket: Ticket): Promise<void> {
    // Only automatic paths escalate a ticket at its creation: without any, there is nothing to refresh (no query on every new ticket).
    if ((await this.paths.compiledPaths(tx)).autoPaths.length === 0) return;
    const stale = (await repo.escalationsOfTicket(tx, ticket.id))
      .map((r) => ({ id: r.id, brief: parseJson<StoredBrief>(r.brief, {} as StoredBrief) }))
      .filter(({ brief }) => brief.backgroundByLang && isEmptySummary(brief.background));
    if (stale.length === 0) return;
    const lang = await this.languageOf(tx, ticket);
    for (const { id, brief } of stale) {
      const fresh = await this.completeBrief(tx, ticket, { ...brief, background: '' }, lang, await this.zoneFor(tx, lang));
      await repo.updateEscalationBrief(tx, id, json({ ...brief, background: fresh.background, backgroundByLang: fresh.backgroundByLang }));
      await this.searchIndex?.(tx, id);
    }
  }

  private async autoEscalate(tx: Tx, ticket: Ticket, ctx: ChangeContext, body?: string): Promise<void> {
    if (ticket.status === 'closed' || ticket.status === 'solved') return;
    // Most workspaces have few automatic paths: skip loading the ticket's context when none exists.
    const compiled = await this.paths.compiledPaths(tx);
    if (compiled.autoPaths.length === 0) return;
    // The body only matters to keyword conditions: without any, it is not read.
    const needsBody = compiled.autoPaths.some((p) => p.conditions.keywords.length > 0);
    const matchTicket = await this.matchTicketOf(tx, ticket, needsBody ? body : '');
    const matches = await this.paths.match(tx, matchTicket, { autoOnly: true }, compiled);
    if (!matches.length) return;
    const existing = new Set((await repo.escalationsOfTicket(tx, ticket.id)).map((e) => e.path_id));
    for (const { match, path } of matches) {
      if (existing.has(path.id)) continue;
      const origin: EscalationOrigin = { code: 'auto', path: path.name, facts: match.facts };
      const lang = await this.languageOf(tx, ticket);
      const brief = await this.completeBrief(
        tx,
        ticket,
        { ask: renderOrigin(origin, lang) },
        lang,
        await this.zoneFor(tx, lang),
      );
      await this.start(tx, ticket, { ...snapshotOf(path), origin }, 0, brief, null, 'auto', ctx.now);
    }
  }

  /** Called by the SLA module when a warning or breach action says "escalate". */
  async onSlaAction(tx: Tx, input: SlaTriggerInput): Promise<void> {
    const ticket = await this.tickets.load(tx, input.ticketId);
    if (ticket.status === 'closed') return;
    let path;
    if (input.pathId) {
      const row = await this.paths.find(tx, input.pathId);
      if (!row || row.active !== 1) return;
      path = pathOf(row);
    } else {
      path = (await this.paths.match(tx, await this.matchTicketOf(tx, ticket)))[0]?.path;
    }
    if (!path) return;
    const open = (await repo.escalationsOfTicket(tx, ticket.id)).filter(
      (e) => e.path_id === path.id && !['resolved', 'returned', 'cancelled'].includes(e.status),
    );
    if (open.length) return; // already escalated on this path: its own timers move it on
    const levelIndex = Math.min(input.levelIndex ?? 0, path.levels.length - 1);
    const origin: EscalationOrigin = {
      code: 'sla',
      path: path.name,
      clockKind: input.clockKind,
      event: input.event,
    };
    const lang = await this.languageOf(tx, ticket);
    const brief = await this.completeBrief(
      tx,
      ticket,
      { ask: renderOrigin(origin, lang) },
      lang,
      await this.zoneFor(tx, lang),
    );
    await this.start(tx, ticket, { ...snapshotOf(path), origin }, levelIndex, brief, null, 'sla', input.now);
  }

  /**
   * A major incident passed its resolution target (issue 17): escalates its anchor ticket along
   * the configured path, in the caller's transaction. Returns the escalation's id, or null when
   * the path is gone or inactive, the ticket is closed, or it is already open on that path.
   */
  async onIncidentTarget(tx: Tx, input: { ticketId: string; pathId: string; incident: { title: string; severity: string }; now: number }): Promise<string | null> {
    const ticket = await this.tickets.load(tx, input.ticketId);
    if (ticket.status === 'closed') return null;
    const row = await this.paths.find(tx, input.pathId);
    if (!row || row.active !== 1) return null;
    const path = pathOf(row);
    const open = (await repo.escalationsOfTicket(tx, ticket.id)).filter((e) => e.path_id === path.id && !['resolved', 'returned', 'cancelled'].includes(e.status));
    if (open.length) return null;
    const origin: EscalationOrigin = { code: 'incident', path: path.name, incident: input.incident.title, severity: input.incident.severity };
    const lang = await this.languageOf(tx, ticket);
    const brief = await this.completeBrief(tx, ticket, { ask: renderOrigin(origin, lang) }, lang, await this.zoneFor(tx, lang));
    return this.start(tx, ticket, { ...snapshotOf(path), origin }, 0, brief, null, 'incident', input.now);
  }

  private async checkPingPong(tx: Tx, ticket: Ticket, ctx: ChangeContext): Promise<void> {
    if (ticket.tags.includes('ping-pong')) return;
    const rows = await repo.teamChangesOf(tx, ticket.id);
    const changes: TeamChange[] = rows
      .map((r) => ({
        at: Number(r.created_at),
        d: parseJson<Record<string, unknown>>(r.data, {}),
        by: r.author_id,
      }))
      .filter((r) => r.d.field === 'teamId')
      .map((r) => ({
        atMs: r.at,
        fromTeamId: (r.d.from as string | null) ?? null,
        toTeamId: (r.d.to as string | null) ?? null,
        byUserId: r.by,
      }));
    const limit =
      (await getSetting<number>(tx, 'escalations.pingPongLimit')) ??
      this.options.pingPongLimit ??
      DEFAULT_PINGPONG_LIMIT;
    const directory = await loadDirectory(tx);
    const lang = await this.languageOf(tx, ticket);
    const result = detectPingPong(changes, directory, { limit, lang });
    if (!result.flagged || !result.routeTo) return;
    const system: ChangeContext = { actorId: null, authorType: 'system', now: ctx.now, automatic: true };
    await this.tickets.updateIn(tx, ticket.id, { tags: [...ticket.tags, 'ping-pong'] }, system);
    await this.tickets.appendEvent(
      tx,
      ticket.id,
      {
        kind: 'escalation.ping_pong_detected',
        visibility: 'internal',
        authorType: 'system',
        authorId: null,
        body: result.history,
        data: {
          transfers: result.transfers,
          bounces: result.bounces,
          limit,
          routeTo: result.routeTo,
          chain: result.chain,
        },
      },
      ctx.now,
    );
    const targets: Target[] = result.routeTo.supervisorIds.length
      ? result.routeTo.supervisorIds.map((userId) => ({ type: 'user', userId }))
      : [{ type: 'team', teamId: result.routeTo.teamId }];
    const teamName = directory.teams[result.routeTo.teamId]?.name ?? result.routeTo.teamId;
    const origin: EscalationOrigin = { code: 'pingpong', team: teamName, transfers: result.transfers, limit };
    const snapshot = directSnapshot(targets, 'hierarchical', 900, teamName, origin);
    const fresh = await this.tickets.load(tx, ticket.id);
    const bounceHistory = `${lang === 'ja' ? '移管の経緯' : 'Bounce history'}: ${result.history}`;
    const brief = await this.completeBrief(
      tx,
      fresh,
      { ask: renderOrigin(origin, lang), concern: bounceHistory },
      lang,
      await this.zoneFor(tx, lang),
    );
    brief.background = `${bounceHistory}\n\n${brief.background}`.slice(0, BRIEF_LIMITS.background);
    delete brief.backgroundByLang; // the bounce history is in one language only
    await this.start(tx, fresh, snapshot, 0, brief, null, 'pingpong', ctx.now);
  }

  // -------------------------------------------------------------------------------------
  // Helpers

  /**
   * The language of text the system writes on its own (an automatic brief): the customer's,
   * as the people handling the ticket work in it; Japanese when the ticket has no requester.
   */
  private async languageOf(ex: Executor, ticket: Ticket): Promise<SummaryLang> {
    const locale = ticket.requesterId ? await repo.customerLocale(ex, ticket.requesterId) : undefined;
    return locale === 'en' ? 'en' : 'ja';
  }

  private async checkTargets(ex: Executor, targets: Target[]): Promise<void> {
    const ids = await directoryIds(ex);
    const problems = targets.flatMap((t, i) => {
      const field = `target${targets.length > 1 ? `[${i}]` : ''}`;
      if (t.type === 'user' && !ids.userIds.has(t.userId))
        return [{ field: `${field}.userId`, message: `user ${t.userId} does not exist`, code: 'unknown_user' }];
      if (t.type === 'team' && !ids.teamIds.has(t.teamId))
        return [{ field: `${field}.teamId`, message: `team ${t.teamId} does not exist`, code: 'unknown_team' }];
      if (t.type === 'rotation' && !ids.rotationIds.has(t.rotationId))
        return [{ field: `${field}.rotationId`, message: `rotation ${t.rotationId} does not exist`, code: 'unknown_rotation' }];
      return [];
    });
    if (problems.length) throw invalid(problems);
  }

  /** The requester's tiers, read once per transaction (a ticket's creation matches paths twice). */
  private readonly tiersIn = new WeakMap<
    object,
    Map<string, Awaited<ReturnType<typeof repo.customerTiers>>>
  >();
  private async tiersOf(ex: Executor, customerId: string) {
    if (!ex.isTransaction) return repo.customerTiers(ex, customerId);
    let known = this.tiersIn.get(ex);
    if (!known) this.tiersIn.set(ex, (known = new Map()));
    if (!known.has(customerId)) known.set(customerId, await repo.customerTiers(ex, customerId));
    return known.get(customerId);
  }

  /** Reads the tiers of several customers into this transaction's cache (tiersOf) in one query. */
  private async prefetchTiers(tx: Tx, customerIds: string[]): Promise<void> {
    let known = this.tiersIn.get(tx);
    if (!known) this.tiersIn.set(tx, (known = new Map()));
    const missing = [...new Set(customerIds)].filter((id) => !known.has(id));
    if (missing.length === 0) return;
    const found = await repo.customerTiersOf(tx, missing);
    for (const id of missing) known.set(id, found.get(id));
  }

  private async matchTicketOf(ex: Executor, ticket: Ticket, body?: string): Promise<MatchTicket> {
    const tiers = ticket.requesterId ? await this.tiersOf(ex, ticket.requesterId) : undefined;
    return {
      category: ticket.category,
      product: ticket.product,
      tags: ticket.tags,
      priority: ticket.priority,
      channel: ticket.channel,
      customerTier: tiers ? effectiveTier(tiers.own, tiers.org ?? undefined) : null,
      temperature: ticket.temperature,
      subject: ticket.subject,
      body: body ?? (await repo.firstMessageBody(ex, ticket.id)),
    };
  }

  /** Fills what the agent left out: category and temperature from the ticket, the background from the timeline. */
  private async completeBrief(
    ex: Executor,
    ticket: Ticket,
    input: BriefInput,
    lang: SummaryLang,
    timeZone: string,
  ): Promise<StoredBrief> {
    const badLinks = unsafeBriefLinks(input.links ?? []);
    if (badLinks.length) throw invalid(badLinks, 'Brief links must be http, https or mailto links.');
    let background = input.background ?? '';
    let backgroundByLang: GeneratedBackground | undefined;
    if (!background.trim()) {
      const rows = await repo.recentTimeline(ex, ticket.id, 60);
      const events: SummaryEvent[] = rows.map((r) => ({
        atMs: Number(r.created_at),
        kind: r.kind === 'ticket.assigned' ? 'field.changed' : r.kind,
        authorType: r.author_type as SummaryEvent['authorType'],
        authorName: r.user_name ?? r.customer_name ?? null,
        visibility: r.visibility as SummaryEvent['visibility'],
        body: r.body,
        data: parseJson<Record<string, unknown>>(r.data, {}),
      }));
      const ids = events
        .flatMap((e) => (typeof e.data?.field === 'string' ? [e.data.from, e.data.to] : []))
        .filter((v): v is string => typeof v === 'string' && v !== '');
      const names = await repo.namesOfIds(ex, ids);
      // The other language's reader is not known: its times are in the workspace's zone.
      const otherZone = await this.zoneFor(ex, lang === 'ja' ? 'en' : 'ja');
      const summary = (l: SummaryLang) => summarizeTimeline(events, { lang: l, timeZone: l === lang ? timeZone : otherZone, maxTotalChars: BRIEF_LIMITS.background, names });
      // Written by the server, so the console shows it in the reader's language, not only the customer's.
      backgroundByLang = { ja: summary('ja'), en: summary('en') };
      background = backgroundByLang[lang];
    }
    return {
      category: input.category ?? ticket.category ?? '',
      ask: input.ask ?? '',
      concern: input.concern ?? '',
      tried: input.tried ?? '',
      environment: input.environment ?? '',
      background,
      customerTemperature: input.customerTemperature ?? ticket.temperature,
      impact: {
        scope: input.impact?.scope ?? 'this_customer',
        revenueRisk: input.impact?.revenueRisk ?? false,
        legalRisk: input.impact?.legalRisk ?? false,
        note: input.impact?.note ?? '',
      },
      links: input.links ?? [],
      ...(backgroundByLang && { backgroundByLang }),
    };
  }

  private async customerTickets(ex: Executor, ticket: Ticket, viewer: Principal) {
    if (!ticket.requesterId) return { open: [], recent: [] };
    const rows = await this.tickets.access.filter(
      viewer,
      await repo.ticketsOfCustomer(ex, ticket.requesterId, ticket.id, 20),
      (r) => r.id,
      ex,
    );
    const view = (r: (typeof rows)[number]) => ({
      id: r.id,
      number: r.number,
      subject: r.subject,
      status: r.status,
      priority: r.priority,
      createdAt: iso(r.created_at) as string,
      updatedAt: iso(r.updated_at) as string,
    });
    return {
      open: rows.filter((r) => r.status !== 'solved' && r.status !== 'closed').map(view),
      recent: rows.slice(0, 10).map(view),
    };
  }
}

/** A one-level snapshot for direct escalations (no path): reminders, no advance, admins as fallback. */
export const directSnapshot = (
  targets: Target[],
  kind: LevelKind,
  ackTimeoutSeconds: number,
  name: string,
  origin: EscalationOrigin,
): EscalationSnapshot => ({
  pathId: '',
  pathVersion: 0,
  pathName: name,
  origin,
  levels: [
    {
      name,
      kind,
      targets: targets.filter((t, i) => targets.findIndex((u) => targetKey(u) === targetKey(t)) === i),
      contact: { department: null, person: null, phone: null, email: null },
      ackTimeoutSeconds,
      calendarId: null,
      onTimeout: DIRECT_REMINDERS,
      requiredBriefFields: ['ask'],
    },
  ],
  fallbackUserIds: [],
  fallbackTeamId: null,
});

/** Times in a brief the system writes: Japan time for Japanese readers (no workspace zone setting exists yet). */
const zoneOf = (lang: SummaryLang): string => (lang === 'ja' ? 'Asia/Tokyo' : 'UTC');

/** Who a direct escalation reaches, by name (people's and teams' own names: no language). */
const targetNames = (targets: Target[], directory: Directory): string =>
  targets
    .map((t) =>
      t.type === 'user'
        ? (directory.users[t.userId]?.name ?? t.userId)
        : t.type === 'team'
          ? (directory.teams[t.teamId]?.name ?? t.teamId)
          : t.type === 'rotation'
            ? (directory.rotations[t.rotationId]?.name ?? t.rotationId)
            : t.role,
    )
    .join(', ')
    .slice(0, 200);

/** The function the SLA module calls (through the container) when an action says "escalate". */
export const createSlaEscalationTrigger =
  (service: EscalationsService) =>
  (tx: Tx, input: SlaTriggerInput): Promise<void> =>
    service.onSlaAction(tx, input);
