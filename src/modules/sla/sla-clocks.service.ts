import { Type } from '@sinclair/typebox';
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction, json, parseJson } from '../../db/database.js';
import type { SlaClocksTable } from '../../db/schema.js';
import type { JobRunner } from '../../jobs/job-runner.js';
import {
  cancelJobsByPrefix,
  enqueueJob,
  enqueueJobs,
  type EnqueueInput,
} from '../../jobs/jobs.repository.js';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Principal } from '../auth/index.js';
import {
  compileCalendar,
  TWENTY_FOUR_SEVEN,
  type CalendarDefinition,
  type CalendarsService,
  type CompiledCalendar,
} from '../calendars/index.js';
import { effectiveTier } from '../customers/index.js';
import type {
  ChangeContext,
  MessageInfo,
  SlaClockSummary,
  Ticket,
  TicketHooks,
  TicketsService,
  UpdateTicketInput,
} from '../tickets/index.js';
import { presentClock } from './sla.presenter.js';
import {
  computeDue,
  pauseTiming,
  raisedPriority,
  remainingSeconds,
  resumeTiming,
  selectPolicy,
  warningInstants,
} from './sla.policy.js';
import * as repo from './sla.repository.js';
import type { SlaAction } from './sla.schema.js';
import { CLOCK_KINDS } from './sla.schema.js';
import type { SlaPoliciesService } from './sla-policies.service.js';
import type {
  ClockKind,
  ClockTiming,
  PolicySnapshot,
  SlaEscalationTrigger,
  SlaEvent,
  SlaPolicy,
  TicketFacts,
} from './sla.types.js';

/*
 * SLA clocks of tickets. The rules, stated once:
 *
 * - A policy is chosen when the ticket is created (the first active policy, by position,
 *   whose conditions match) and snapshotted with its calendars onto the ticket. Later edits of
 *   the policy or a calendar do not move running clocks; POST /tickets/{id}/sla/reapply does,
 *   and so does a person's change of a field policies match on (priority, category, product,
 *   channel, team, tags, requester) when it changes the policy or the priority's targets —
 *   never an SLA action's own change. Both carry the business time already consumed and are
 *   recorded on the timeline (sla.reapplied, with the cause).
 * - What counts as a response: a PUBLIC message by an AGENT (author type user) that is not
 *   automatic and is not the message that opened the ticket. Internal notes, automatic
 *   messages (auto-replies, notifications) and system messages never count.
 * - first_response starts at creation and stops at the first response. It is not paused by
 *   pause statuses: nobody has answered yet, so there is nothing the customer owes us.
 * - next_response starts at a public customer message (not the opening one) once the first
 *   response has been given, and stops at the next response. While it is already running, a
 *   further customer message does not restart it: it measures from the oldest unanswered one.
 * - resolution starts at creation and is met when the ticket becomes solved or closed. When a
 *   solved ticket is reopened the resolution clock resumes with the time it had consumed.
 * - Pause statuses (default pending, on_hold) pause resolution and next_response; the
 *   business time consumed before the pause is kept, and counting resumes on leaving them.
 * - Solving or closing the ticket also stops open first/next response clocks (met): nothing
 *   is waiting for an answer any more.
 * - A breached clock stays breached; it records met_at when it is finally satisfied.
 * - Timers: `sla:{clockId}:warn:{i}` and `sla:{clockId}:breach`, replaced when the due instant
 *   moves and cancelled when the clock stops. Handlers re-check that the clock is still running
 *   in the same cycle, so a warning is never sent for a target already met.
 */

/** Ticket fields SLA policies match on (see TicketFacts). */
const MATCHED_FIELDS = [
  'priority',
  'category',
  'product',
  'channel',
  'teamId',
  'tags',
  'requesterId',
] as const;

const TERMINAL = new Set(['solved', 'closed']);
const API_KIND: Record<ClockKind, 'firstResponse' | 'nextResponse' | 'resolution'> = {
  first_response: 'firstResponse',
  next_response: 'nextResponse',
  resolution: 'resolution',
};

const timing = (r: SlaClocksTable): ClockTiming => ({
  targetSeconds: Number(r.target_seconds),
  consumedMs: Number(r.consumed_ms),
  segmentStartedAt: r.segment_started_at === null ? null : Number(r.segment_started_at),
});
const withTiming = (r: SlaClocksTable, t: ClockTiming): SlaClocksTable => ({
  ...r,
  consumed_ms: t.consumedMs,
  segment_started_at: t.segmentStartedAt,
});
/** A clock whose current cycle still waits for its target (a breached one too, until met). */
const isOpen = (r: SlaClocksTable) =>
  r.state === 'running' || r.state === 'paused' || (r.state === 'breached' && r.met_at === null);
const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export const WarningPayload = Type.Object({
  clockId: Type.String(),
  cycle: Type.Integer(),
  index: Type.Integer(),
});
export const BreachPayload = Type.Object({ clockId: Type.String(), cycle: Type.Integer() });

/** New clocks and their timers, written together at the end of `apply`. */
interface NewClocks {
  clocks: SlaClocksTable[];
  timers: (EnqueueInput & { dedupeKey: string })[];
}

export class SlaClocksService {
  private readonly compiled = new Map<string, CompiledCalendar>();
  private escalate: SlaEscalationTrigger;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly policies: SlaPoliciesService,
    private readonly calendars: CalendarsService,
  ) {
    // Until the escalation engine plugs in, an `escalate` action leaves a note on the timeline.
    this.escalate = async (tx, i) => {
      await this.tickets.appendEvent(
        tx,
        i.ticketId,
        {
          kind: 'sla.escalation_requested',
          visibility: 'internal',
          authorType: 'system',
          authorId: null,
          data: {
            clockKind: i.clockKind,
            event: i.event,
            pathId: i.pathId ?? null,
            levelIndex: i.levelIndex ?? null,
          },
        },
        i.now,
      );
    };
  }

  /** The escalation engine registers how an `escalate` action reaches it; returns the previous one. */
  setEscalationTrigger(fn: SlaEscalationTrigger): SlaEscalationTrigger {
    const previous = this.escalate;
    this.escalate = fn;
    return previous;
  }

  /** The policies read once for a bulk chunk's transaction (afterUpdateMany). */
  private readonly chunkPolicies = new WeakMap<Tx, readonly SlaPolicy[]>();
  private activePolicies(tx: Tx): Promise<readonly SlaPolicy[]> {
    const cached = this.chunkPolicies.get(tx);
    return cached ? Promise.resolve(cached) : this.policies.active(tx);
  }

  hooks(): TicketHooks {
    return {
      afterCreate: (tx, ticket, ctx) => this.onCreated(tx, ticket, ctx),
      afterUpdate: (tx, before, after, _changes, ctx) => this.onUpdated(tx, before, after, ctx),
      // A bulk action's chunk: the active policies are read once for all its tickets.
      afterUpdateMany: async (tx, updates, ctx) => {
        // An SLA action's own change (a breach's tag) moves no clock unless it changes the status.
        const moving = ctx.bySlaAction ? updates.filter((u) => u.before.status !== u.after.status) : updates;
        if (moving.length === 0) return;
        this.chunkPolicies.set(tx, await this.policies.active(tx));
        // The applied policies of the tickets whose status alone moves are read in one query.
        await this.prefetchSnapshots(tx, updates.filter((u) => u.before.status !== u.after.status && !MATCHED_FIELDS.some((f) => JSON.stringify(u.before[f]) !== JSON.stringify(u.after[f]))).map((u) => u.after.id));
        try {
          for (const u of moving) await this.onUpdated(tx, u.before, u.after, ctx);
        } finally {
          this.chunkPolicies.delete(tx);
          this.prefetched.delete(tx);
        }
      },
      afterMessage: (tx, ticket, message, ctx) => this.onMessage(tx, ticket, message, ctx),
      // A fan-out's batch of replies: the applied policies of its tickets are read in one query.
      afterMessages: async (tx, messages, ctx) => {
        await this.prefetchSnapshots(tx, messages.filter((a) => !a.message.initial).map((a) => a.ticket.id));
        try {
          for (const a of messages) await this.onMessage(tx, a.ticket, a.message, ctx);
        } finally {
          this.prefetched.delete(tx);
        }
      },
    };
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register<{ clockId: string; cycle: number; index: number }>('sla.warning', {
      mode: 'transactional',
      schema: WarningPayload,
      handle: (tx, job, now) => this.fireWarning(tx, job.payload, job.dueAt, now),
    });
    jobs.register<{ clockId: string; cycle: number }>('sla.breach', {
      mode: 'transactional',
      schema: BreachPayload,
      handle: (tx, job, now) => this.fireBreach(tx, job.payload, now),
      handleMany: (tx, batch, now) => this.fireBreaches(tx, batch.map((j) => j.payload), now),
    });
  }

  /** Every current clock of a ticket, with business seconds remaining computed now. */
  async clocksFor(ticketId: string, ex: Executor = this.db): Promise<SlaClockSummary[]> {
    const rows = await repo.currentClocks(ex, ticketId);
    if (rows.length === 0) return [];
    const sla = await repo.findTicketSla(ex, ticketId);
    const now = this.clock.now();
    const order = (k: string) => CLOCK_KINDS.indexOf(k as ClockKind);
    return rows
      .sort((a, b) => order(a.kind) - order(b.kind))
      .map((r) =>
        presentClock(r, sla?.policy_name ?? null, remainingSeconds(this.cal(r.calendar), timing(r), now)),
      );
  }

  /** Re-chooses the policy for the ticket as it is now; consumed business time is carried over. */
  async reapply(actor: Principal | null, ticketId: string): Promise<SlaClockSummary[]> {
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      await this.tickets.access.assertWrite(actor, ticketId, tx);
      const ticket = await this.tickets.load(tx, ticketId);
      await this.reapplyIn(tx, ticket, { actorId: actor?.userId ?? null, now, cause: 'manual', fields: [] });
      return this.clocksFor(ticketId, tx);
    });
  }

  /**
   * Supersedes the current clocks with those of the policy chosen for the ticket as it is now,
   * carrying consumed business time, and records why (an explicit re-apply, or a change of the
   * fields policies match on) as sla.reapplied.
   */
  private async reapplyIn(
    tx: Tx,
    ticket: Ticket,
    c: { actorId: string | null; now: number; cause: 'manual' | 'fields'; fields: string[] },
  ): Promise<void> {
    const { now } = c;
    const ticketId = ticket.id;
    const before = await repo.currentClocks(tx, ticketId, true);
    const old = await repo.findTicketSla(tx, ticketId);
    const policy = selectPolicy(await this.activePolicies(tx), await this.facts(tx, ticket));
    const carried = new Map<ClockKind, SlaClocksTable>();
    for (const r of before) {
      carried.set(r.kind as ClockKind, withTiming(r, pauseTiming(this.cal(r.calendar), timing(r), now)));
      await repo.updateClock(tx, r.id, { superseded_at: now, updated_at: now });
      await cancelJobsByPrefix(tx, `sla:${r.id}:`, now);
    }
    const after = policy ? await this.apply(tx, ticket, policy, now, carried) : [];
    if (!policy) await repo.deleteTicketSla(tx, ticketId);
    await this.tickets.appendEvent(
      tx,
      ticketId,
      {
        kind: 'sla.reapplied',
        visibility: 'internal',
        authorType: c.actorId ? 'user' : 'system',
        authorId: c.actorId,
        data: {
          cause: c.cause,
          ...(c.fields.length && { fields: c.fields }),
          from: old
            ? {
                policyId: old.policy_id,
                policyName: old.policy_name,
                policyVersion: Number(old.policy_version),
              }
            : null,
          to: policy ? { policyId: policy.id, policyName: policy.name, policyVersion: policy.version } : null,
          clocks: CLOCK_KINDS.map((kind) => ({
            kind,
            dueBefore: iso(before.find((r) => r.kind === kind)?.due_at ?? null),
            dueAfter: iso(after.find((r) => r.kind === kind)?.due_at ?? null),
          })).filter((x) => before.some((r) => r.kind === x.kind) || after.some((r) => r.kind === x.kind)),
        },
      },
      now,
    );
  }

  /**
   * A person changed a field that policies match on (priority, category, product, channel,
   * team, tags, requester): the policy is chosen again, and when that changes the targets (a
   * different policy or version, or another priority's targets) the clocks follow, keeping the
   * time consumed. SLA actions' own changes (raise priority on breach) never do this.
   */
  private async onMatchedFieldsChanged(
    tx: Tx,
    before: Ticket,
    after: Ticket,
    ctx: ChangeContext,
  ): Promise<boolean> {
    if (ctx.bySlaAction || TERMINAL.has(after.status)) return false;
    const fields = MATCHED_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
    if (!fields.length) return false;
    const old = await repo.findTicketSla(tx, after.id);
    const policy = selectPolicy(await this.activePolicies(tx), await this.facts(tx, after));
    const samePolicy = old
      ? policy !== null && old.policy_id === policy.id && Number(old.policy_version) === policy.version
      : policy === null;
    if (samePolicy && before.priority === after.priority) return false;
    await this.reapplyIn(tx, after, {
      actorId: ctx.authorType === 'user' ? ctx.actorId : null,
      now: ctx.now,
      cause: 'fields',
      fields,
    });
    return true;
  }

  // ---- ticket hooks (inside the change's transaction) -------------------------------------

  private async onCreated(tx: Tx, ticket: Ticket, ctx: ChangeContext): Promise<void> {
    const policy = selectPolicy(await this.activePolicies(tx), await this.facts(tx, ticket));
    if (!policy) return;
    const clocks = await this.apply(tx, ticket, policy, ctx.now, new Map(), true);
    await this.tickets.appendEvent(
      tx,
      ticket.id,
      {
        kind: 'sla.policy_applied',
        visibility: 'internal',
        authorType: 'system',
        authorId: null,
        data: {
          policyId: policy.id,
          policyName: policy.name,
          policyVersion: policy.version,
          clocks: clocks.map((c) => ({
            kind: c.kind,
            targetSeconds: Number(c.target_seconds),
            dueAt: iso(c.due_at),
          })),
        },
      },
      ctx.now,
    );
  }

  private async onUpdated(tx: Tx, before: Ticket, after: Ticket, ctx: ChangeContext): Promise<void> {
    if (await this.onMatchedFieldsChanged(tx, before, after, ctx)) return; // the new clocks start from the current status
    if (before.status === after.status) return;
    const snap = await this.snapshotOf(tx, after.id);
    if (!snap) return;
    const now = ctx.now;
    const held = await repo.isHeld(tx, after.id);
    for (const r of await repo.currentClocks(tx, after.id, true)) {
      const cal = this.cal(r.calendar);
      if (TERMINAL.has(after.status)) {
        if (isOpen(r)) await this.close(tx, r, snap, now);
        continue;
      }
      let row = r;
      if (r.kind === 'resolution' && TERMINAL.has(before.status) && r.met_at !== null) {
        // Reopened: the resolution clock resumes with the time it had consumed.
        row = { ...r, met_at: null, state: r.state === 'breached' ? 'breached' : 'paused' };
      }
      if (!isOpen(row)) continue;
      const counting = this.counts(row.kind as ClockKind, after.status, snap, held);
      const t = counting ? resumeTiming(timing(row), now) : pauseTiming(cal, timing(row), now);
      const state = row.state === 'breached' ? 'breached' : counting ? 'running' : 'paused';
      if (row === r && t.segmentStartedAt === timing(r).segmentStartedAt && state === r.state) continue;
      await this.save(tx, { ...withTiming(row, t), state }, snap, now);
    }
  }

  private async onMessage(tx: Tx, ticket: Ticket, m: MessageInfo, ctx: ChangeContext): Promise<void> {
    if (m.initial) return; // the inquiry that opens the ticket is neither a response nor a follow-up
    const isResponse = m.authorType === 'user' && m.visibility === 'public' && !m.automatic;
    const isCustomerMessage = m.authorType === 'customer' && m.visibility === 'public';
    if (!isResponse && !isCustomerMessage) return;
    const snap = await this.snapshotOf(tx, ticket.id);
    if (!snap) return;
    const clocks = await repo.currentClocks(tx, ticket.id, true);
    const now = ctx.now;
    if (isResponse) {
      for (const r of clocks) if (r.kind !== 'resolution' && isOpen(r)) await this.close(tx, r, snap, now);
      return;
    }
    const first = clocks.find((r) => r.kind === 'first_response');
    if (first && first.met_at === null) return; // still waiting for the first response, which covers this
    const next = clocks.find((r) => r.kind === 'next_response');
    if (next && isOpen(next)) return; // measured from the oldest unanswered message
    const target = snap.targets.next_response;
    if (!target || TERMINAL.has(ticket.status)) return;
    const counting = this.counts('next_response', ticket.status, snap, await repo.isHeld(tx, ticket.id));
    const fresh: SlaClocksTable = {
      ...(next ?? this.newClock(ticket.id, 'next_response', snap, now)),
      cycle: next ? next.cycle + 1 : 1,
      state: counting ? 'running' : 'paused',
      started_at: now,
      consumed_ms: 0,
      segment_started_at: counting ? now : null,
      met_at: null,
      breached_at: null,
    };
    await this.save(tx, fresh, snap, now, !next);
  }

  /**
   * Holds every open clock of the tickets while `source` (e.g. `incident:<id>`) owns them: the
   * business time consumed so far is kept and their timers are cancelled. Several holds may
   * stack; the clocks count again when the last one is released.
   */
  async hold(tx: Tx, ticketIds: string[], source: string, now: number): Promise<void> {
    for (const ticketId of ticketIds) {
      const wasHeld = await repo.isHeld(tx, ticketId);
      await repo.insertHold(tx, { ticket_id: ticketId, source, created_at: now });
      if (!wasHeld) await this.recount(tx, ticketId, now);
    }
  }

  /** Releases the holds of `source`; a ticket with no hold left counts again from `now`. */
  async release(tx: Tx, ticketIds: string[], source: string, now: number): Promise<void> {
    if (ticketIds.length === 1) {
      const ticketId = ticketIds[0]!;
      if ((await repo.deleteHold(tx, ticketId, source)) && !(await repo.isHeld(tx, ticketId))) await this.recount(tx, ticketId, now);
      return;
    }
    // A fan-out's batch: the holds go and the tickets still held are found in one statement each.
    const released = await repo.deleteHolds(tx, ticketIds, source);
    const still = await repo.heldAmong(tx, released);
    const free = released.filter((id) => !still.has(id));
    await this.prefetchSnapshots(tx, free);
    try {
      for (const ticketId of free) await this.recount(tx, ticketId, now);
    } finally {
      this.prefetched.delete(tx);
    }
  }

  /** Pauses or resumes a ticket's open clocks to match its status and holds. */
  private async recount(tx: Tx, ticketId: string, now: number): Promise<void> {
    const snap = await this.snapshotOf(tx, ticketId);
    if (!snap) return;
    const ticket = await this.tickets.load(tx, ticketId);
    const held = await repo.isHeld(tx, ticketId);
    for (const r of await repo.currentClocks(tx, ticketId, true)) {
      if (!isOpen(r)) continue;
      const counting = this.counts(r.kind as ClockKind, ticket.status, snap, held);
      const t = counting ? resumeTiming(timing(r), now) : pauseTiming(this.cal(r.calendar), timing(r), now);
      const state = r.state === 'breached' ? 'breached' : counting ? 'running' : 'paused';
      if (t.segmentStartedAt === timing(r).segmentStartedAt && state === r.state) continue;
      await this.save(tx, { ...withTiming(r, t), state }, snap, now);
    }
  }

  // ---- timers ----------------------------------------------------------------------------

  private async fireWarning(
    tx: Tx,
    p: { clockId: string; cycle: number; index: number },
    warnAt: number,
    now: number,
  ): Promise<void> {
    const r = await repo.findClock(tx, p.clockId, true);
    // Not relevant any more: met, paused (its timers are rescheduled on resume), breached, or re-applied.
    if (!r || r.superseded_at !== null || r.cycle !== p.cycle) return;
    // After downtime a warning may come due with (or after) its breach: warning then is noise, so it is recorded as skipped.
    const stale =
      r.state === 'breached' || (r.state === 'running' && r.due_at !== null && now >= Number(r.due_at));
    if (r.state !== 'running' && !stale) return;
    const snap = await this.snapshotOf(tx, r.ticket_id);
    if (!snap) return;
    const rule = snap.warnings[r.kind as ClockKind]?.[p.index] ?? null;
    const common = { clockId: r.id, clockKind: r.kind, policyId: r.policy_id, warning: rule, warnAt: iso(warnAt), dueAt: iso(r.due_at) };
    await this.tickets.appendEvent(
      tx,
      r.ticket_id,
      {
        kind: stale ? 'sla.warning_skipped' : 'sla.warning',
        visibility: 'internal',
        authorType: 'system',
        authorId: null,
        data: stale ? { ...common, checkedAt: iso(now), reason: 'breach_already_due' } : { ...common, firedAt: iso(now) },
      },
      now,
    );
    // A stale warning still happened: webhook subscribers get it (an event stream); the
    // notifications module records it as superseded for the people it would have reminded.
    // Its other actions (tags, priority) are noise once the breach is due.
    const actions = snap.actions.onWarning ?? [];
    await this.runActions(tx, r, snap, 'warning', `warn:${p.index}`, stale ? actions.filter((a) => a.type === 'notify') : actions, now);
  }

  private async fireBreach(tx: Tx, p: { clockId: string; cycle: number }, now: number): Promise<void> {
    const r = await repo.findClock(tx, p.clockId, true);
    if (
      !r ||
      r.superseded_at !== null ||
      r.cycle !== p.cycle ||
      r.state !== 'running' ||
      r.due_at === null ||
      now < Number(r.due_at)
    )
      return;
    const snap = await this.snapshotOf(tx, r.ticket_id);
    if (!snap) return;
    await repo.updateClock(tx, r.id, { state: 'breached', breached_at: r.due_at, updated_at: now });
    await this.tickets.appendEvent(
      tx,
      r.ticket_id,
      {
        kind: 'sla.breached',
        visibility: 'internal',
        authorType: 'system',
        authorId: null,
        data: {
          clockId: r.id,
          clockKind: r.kind,
          policyId: r.policy_id,
          targetSeconds: Number(r.target_seconds),
          dueAt: iso(r.due_at),
          firedAt: iso(now),
        },
      },
      now,
    );
    await this.runActions(tx, r, snap, 'breach', 'breach', snap.actions.onBreach ?? [], now);
  }

  /**
   * Many breach timers at once (a burst due at the same instant), set-wise, with the effects
   * fireBreach has for each: the clocks are read (and locked) in one query and marked breached
   * in one UPDATE, their sla.breached events written in one INSERT, the notify jobs of their
   * actions in one INSERT, and the ticket changes of their actions (add a tag, raise the
   * priority, set a field) folded per ticket and written as one change of many tickets. Then
   * `escalate` actions, clock by clock. Any AppError (a rule that cannot apply, which fireBreach
   * records as sla.action_failed) is thrown instead: the runner then splits the batch, down to
   * a few jobs run one by one, so the failing clock gets fireBreach's record of it.
   */
  private async fireBreaches(tx: Tx, ps: { clockId: string; cycle: number }[], now: number): Promise<void> {
    const byId = new Map((await repo.findClocks(tx, ps.map((p) => p.clockId), true)).map((r) => [r.id, r]));
    const due = ps
      .map((p) => ({ p, r: byId.get(p.clockId) }))
      .filter(
        (x): x is { p: { clockId: string; cycle: number }; r: SlaClocksTable } =>
          !!x.r &&
          x.r.superseded_at === null &&
          x.r.cycle === x.p.cycle &&
          x.r.state === 'running' &&
          x.r.due_at !== null &&
          now >= Number(x.r.due_at),
      );
    if (due.length === 0) return;
    const snaps = new Map(
      (await repo.findTicketSlas(tx, [...new Set(due.map((x) => x.r.ticket_id))])).map((t) => [
        t.ticket_id,
        parseJson<PolicySnapshot | null>(t.snapshot, null),
      ]),
    );
    const fired = due.flatMap(({ r }) => {
      const snap = snaps.get(r.ticket_id);
      return snap ? [{ r, snap }] : [];
    });
    if (fired.length === 0) return;
    await repo.breachClocks(tx, fired.map((x) => x.r.id), now);
    await this.tickets.appendEvents(
      tx,
      fired.map(({ r }) => ({
        ticketId: r.ticket_id,
        e: {
          kind: 'sla.breached',
          visibility: 'internal' as const,
          authorType: 'system' as const,
          authorId: null,
          data: {
            clockId: r.id,
            clockKind: r.kind,
            policyId: r.policy_id,
            targetSeconds: Number(r.target_seconds),
            dueAt: iso(r.due_at),
            firedAt: iso(now),
          },
        },
      })),
      now,
    );
    // The actions, as runActions does them, set-wise.
    const notify: (EnqueueInput & { dedupeKey: string })[] = [];
    const changes = new Map<string, SlaAction[]>();
    const escalations: { r: SlaClocksTable; a: Extract<SlaAction, { type: 'escalate' }> }[] = [];
    for (const { r, snap } of fired) {
      const kind = r.kind as ClockKind;
      for (const [i, a] of (snap.actions.onBreach ?? []).entries()) {
        if (a.clockKinds && !a.clockKinds.includes(kind)) continue;
        if (a.type === 'notify') notify.push(this.notifyJob(r, 'breach', 'breach', i, a, now));
        else if (a.type === 'escalate') escalations.push({ r, a });
        else changes.set(r.ticket_id, [...(changes.get(r.ticket_id) ?? []), a]);
      }
    }
    await enqueueJobs(tx, notify, now);
    if (changes.size > 0) {
      const tickets = await this.tickets.loadMany(tx, [...changes.keys()]);
      const items: { id: string; input: UpdateTicketInput }[] = [];
      for (const [ticketId, actions] of changes) {
        const t = tickets.get(ticketId);
        if (!t) continue;
        // Each action sees the ticket as the earlier ones left it (as one by one).
        const input: UpdateTicketInput = {};
        for (const a of actions) {
          const cur = { ...t, ...input } as Ticket;
          if (a.type === 'raise_priority') {
            const to = raisedPriority(cur.priority, a.to);
            if (to !== cur.priority) input.priority = to as Ticket['priority'];
          } else if (a.type === 'add_tag') {
            if (!cur.tags.includes(a.tag.toLowerCase())) input.tags = [...cur.tags, a.tag];
          } else if (a.type === 'set_field') {
            Object.assign(input, { [a.field]: a.value });
          }
        }
        if (Object.keys(input).length > 0) items.push({ id: ticketId, input });
      }
      const ctx: ChangeContext = { actorId: null, authorType: 'system', now, bySlaAction: true };
      await this.tickets.updateManyIn(tx, items, ctx, tickets);
    }
    for (const { r, a } of escalations)
      await this.escalate(tx, {
        ticketId: r.ticket_id,
        clockKind: r.kind as ClockKind,
        event: 'breach',
        pathId: a.pathId,
        levelIndex: a.levelIndex,
        now,
      });
  }

  /** The notify job an SLA action queues (delivered by the notifications module). */
  private notifyJob(
    r: SlaClocksTable,
    event: SlaEvent,
    key: string,
    i: number,
    a: Extract<SlaAction, { type: 'notify' }>,
    now: number,
  ): EnqueueInput & { dedupeKey: string } {
    return {
      kind: 'notify',
      payload: {
        event: event === 'warning' ? 'sla.warning' : 'sla.breached',
        ticketId: r.ticket_id,
        clockId: r.id,
        clockKind: r.kind,
        dueAt: iso(r.due_at),
        recipients: a.recipients,
        userIds: a.userIds ?? [],
      },
      dueAt: now,
      dedupeKey: `notify:sla:${r.id}:${r.cycle}:${key}:${i}`,
    };
  }

  private async runActions(
    tx: Tx,
    r: SlaClocksTable,
    snap: PolicySnapshot,
    event: SlaEvent,
    key: string,
    actions: SlaAction[],
    now: number,
  ): Promise<void> {
    const ctx: ChangeContext = { actorId: null, authorType: 'system', now, bySlaAction: true };
    const kind = r.kind as ClockKind;
    for (const [i, a] of actions.entries()) {
      if (a.clockKinds && !a.clockKinds.includes(kind)) continue;
      try {
        if (a.type === 'notify') {
          // The intent is queued now, in this transaction; the notifications module delivers it.
          await enqueueJob(tx, this.notifyJob(r, event, key, i, a, now), now);
        } else if (a.type === 'escalate') {
          await this.escalate(tx, {
            ticketId: r.ticket_id,
            clockKind: kind,
            event,
            pathId: a.pathId,
            levelIndex: a.levelIndex,
            now,
          });
        } else {
          const t = await this.tickets.load(tx, r.ticket_id);
          if (a.type === 'raise_priority') {
            const to = raisedPriority(t.priority, a.to);
            if (to !== t.priority)
              await this.tickets.updateIn(tx, t.id, { priority: to as Ticket['priority'] }, ctx);
          } else if (a.type === 'add_tag') {
            if (!t.tags.includes(a.tag.toLowerCase()))
              await this.tickets.updateIn(tx, t.id, { tags: [...t.tags, a.tag] }, ctx);
          } else if (a.type === 'set_field') {
            await this.tickets.updateIn(tx, t.id, { [a.field]: a.value }, ctx);
          }
        }
      } catch (err) {
        // A rule that cannot apply (ticket closed, user deactivated…) must not undo the breach itself.
        if (!(err instanceof AppError)) throw err;
        await this.tickets.appendEvent(
          tx,
          r.ticket_id,
          {
            kind: 'sla.action_failed',
            visibility: 'internal',
            authorType: 'system',
            authorId: null,
            data: { clockKind: kind, event, action: a, message: err.message },
          },
          now,
        );
      }
    }
  }

  /**
   * What would happen to a hypothetical ticket arriving at `arrivalMs` if nobody answered: the
   * policy that applies, and each clock's warning and breach instants with their actions (the
   * escalation simulator uses it). Next response is not predicted: it starts with the first
   * customer follow-up.
   */
  async preview(facts: TicketFacts, arrivalMs: number) {
    const policy = selectPolicy(await this.policies.active(this.db), facts);
    if (!policy) return null;
    const snap = await this.snapshot(this.db, policy, facts.priority);
    const forKind = (kind: ClockKind, actions: SlaAction[] | undefined) =>
      (actions ?? []).filter((a) => !a.clockKinds || a.clockKinds.includes(kind));
    const clocks = [];
    for (const kind of CLOCK_KINDS) {
      const target = snap.targets[kind];
      if (!target || kind === 'next_response') continue;
      const cal = this.cal(target.calendar ? JSON.stringify(target.calendar) : null);
      const t: ClockTiming = { targetSeconds: target.seconds, consumedMs: 0, segmentStartedAt: arrivalMs };
      const dueAt = computeDue(cal, t);
      if (dueAt === null) continue;
      clocks.push({
        kind,
        dueAt,
        warnings: warningInstants(cal, t, snap.warnings[kind] ?? []),
        onWarning: forKind(kind, snap.actions.onWarning),
        onBreach: forKind(kind, snap.actions.onBreach),
      });
    }
    return { policyId: policy.id, policyName: policy.name, clocks };
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Snapshots the policy for the ticket's priority and starts its clocks (or carries old ones). */
  private async apply(
    tx: Tx,
    ticket: Ticket,
    policy: SlaPolicy,
    now: number,
    carried: Map<ClockKind, SlaClocksTable>,
    fresh = false,
  ): Promise<SlaClocksTable[]> {
    const snap = await this.snapshot(tx, policy, ticket.priority);
    await repo.replaceTicketSla(
      tx,
      {
        ticket_id: ticket.id,
        policy_id: policy.id,
        policy_name: policy.name,
        policy_version: policy.version,
        snapshot: json(snap),
        applied_at: now,
      },
      fresh,
    );
    const out: SlaClocksTable[] = [];
    // A ticket created in this transaction has no hold yet (incidents hold existing tickets).
    const held = fresh ? false : await repo.isHeld(tx, ticket.id);
    // The new clocks in one statement and all their timers in another.
    const batch: NewClocks = { clocks: [], timers: [] };
    for (const kind of CLOCK_KINDS) {
      if (!snap.targets[kind]) continue;
      const old = carried.get(kind);
      if (kind === 'next_response' && !old) continue; // starts with the first customer follow-up
      const row = this.newClock(ticket.id, kind, snap, now);
      if (TERMINAL.has(ticket.status) && !old) {
        out.push(
          await this.save(
            tx,
            { ...row, state: 'met', segment_started_at: null, met_at: now },
            snap,
            now,
            true,
            batch,
          ),
        );
        continue;
      }
      if (old) {
        Object.assign(row, {
          cycle: old.cycle,
          started_at: old.started_at,
          consumed_ms: old.consumed_ms,
          met_at: old.met_at,
          breached_at: old.breached_at,
        });
        if (!isOpen(old)) {
          out.push(
            await this.save(tx, { ...row, state: old.state, segment_started_at: null }, snap, now, true, batch),
          );
          continue;
        }
      }
      const counting = this.counts(kind, ticket.status, snap, held);
      const stillBreached =
        old?.state === 'breached' && Number(row.consumed_ms) >= Number(row.target_seconds) * 1000;
      const state = stillBreached ? 'breached' : counting ? 'running' : 'paused';
      out.push(
        await this.save(
          tx,
          {
            ...row,
            state,
            breached_at: stillBreached ? old!.breached_at : null,
            due_at: stillBreached ? old!.due_at : null,
            segment_started_at: counting ? now : null,
          },
          snap,
          now,
          true,
          batch,
        ),
      );
    }
    if (batch.clocks.length) await repo.insertClocks(tx, batch.clocks);
    await enqueueJobs(tx, batch.timers, now, { replace: true });
    return out;
  }

  private newClock(ticketId: string, kind: ClockKind, snap: PolicySnapshot, now: number): SlaClocksTable {
    const target = snap.targets[kind]!;
    return {
      id: newId(),
      ticket_id: ticketId,
      kind,
      policy_id: snap.policyId,
      target_seconds: target.seconds,
      calendar_id: target.calendarId,
      calendar: target.calendar ? JSON.stringify(target.calendar) : null,
      cycle: 1,
      state: 'running',
      started_at: now,
      consumed_ms: 0,
      segment_started_at: now,
      due_at: null,
      met_at: null,
      breached_at: null,
      superseded_at: null,
      created_at: now,
      updated_at: now,
    };
  }

  /** Stops an open clock at `now`: met (or, if it had breached, breached and now satisfied). */
  private async close(tx: Tx, r: SlaClocksTable, snap: PolicySnapshot, now: number): Promise<void> {
    const t = pauseTiming(this.cal(r.calendar), timing(r), now);
    await this.save(
      tx,
      { ...withTiming(r, t), state: r.state === 'breached' ? 'breached' : 'met', met_at: now },
      snap,
      now,
    );
  }

  /** Writes a clock with its due instant recomputed, and replaces (or cancels) its timers. */
  private async save(
    tx: Tx,
    r: SlaClocksTable,
    snap: PolicySnapshot,
    now: number,
    insert = false,
    batch?: NewClocks,
  ): Promise<SlaClocksTable> {
    const cal = this.cal(r.calendar);
    const row: SlaClocksTable = {
      ...r,
      due_at: r.state === 'running' ? computeDue(cal, timing(r)) : r.state === 'breached' ? r.due_at : null,
      updated_at: now,
    };
    if (batch) batch.clocks.push(row);
    else if (insert) await repo.insertClock(tx, row);
    else await repo.updateClock(tx, row.id, row);
    // A new clock has no timers yet; a changed one replaces (or cancels) those it had.
    if (!insert) await cancelJobsByPrefix(tx, `sla:${row.id}:`, now);
    if (row.state === 'running' && row.due_at !== null) {
      // The warnings and the breach in one statement.
      const timers: (EnqueueInput & { dedupeKey: string })[] = warningInstants(
        cal,
        timing(row),
        snap.warnings[row.kind as ClockKind] ?? [],
      ).map((w) => ({
        kind: 'sla.warning',
        payload: { clockId: row.id, cycle: row.cycle, index: w.index },
        dueAt: w.at,
        dedupeKey: `sla:${row.id}:warn:${w.index}`,
      }));
      timers.push({
        kind: 'sla.breach',
        payload: { clockId: row.id, cycle: row.cycle },
        dueAt: Number(row.due_at),
        dedupeKey: `sla:${row.id}:breach`,
      });
      if (batch) batch.timers.push(...timers);
      else await enqueueJobs(tx, timers, now, { replace: true });
    }
    return row;
  }

  /**
   * Whether a clock counts in a status: first response always; the others not in pause
   * statuses; none while the ticket is held (a major incident under the pause rule).
   */
  private counts(kind: ClockKind, status: string, snap: PolicySnapshot, held = false): boolean {
    if (TERMINAL.has(status) || held) return false;
    return kind === 'first_response' || !snap.pauseStatuses.includes(status);
  }

  private async snapshot(ex: Executor, policy: SlaPolicy, priority: string): Promise<PolicySnapshot> {
    const pt = policy.targets[priority as keyof SlaPolicy['targets']] ?? {};
    const ids = Object.values(pt)
      .map((t) => t?.calendarId)
      .filter((x): x is string => !!x);
    const defs = await this.calendars.definitions(ex, ids);
    const targets: PolicySnapshot['targets'] = {};
    const warnings: PolicySnapshot['warnings'] = {};
    for (const kind of CLOCK_KINDS) {
      const t = pt[API_KIND[kind]];
      if (t)
        targets[kind] = {
          seconds: t.seconds,
          calendarId: t.calendarId,
          calendar: t.calendarId ? (defs.get(t.calendarId) ?? null) : null,
        };
      const w = policy.warnings[API_KIND[kind]];
      if (w?.length) warnings[kind] = w;
    }
    return {
      policyId: policy.id,
      policyName: policy.name,
      policyVersion: policy.version,
      pauseStatuses: policy.pauseStatuses,
      targets,
      warnings,
      actions: policy.actions,
    };
  }

  /**
   * Applied policies read ahead for a batch (prefetchSnapshots): each is taken once, by the
   * first snapshotOf of its ticket in the batch's hook; any later read goes to the database.
   */
  private readonly prefetched = new WeakMap<Executor, Map<string, PolicySnapshot | null>>();

  private async prefetchSnapshots(tx: Tx, ticketIds: string[]): Promise<void> {
    if (ticketIds.length < 2) return;
    const found = new Map((await repo.findTicketSlas(tx, ticketIds)).map((r) => [r.ticket_id, parseJson<PolicySnapshot | null>(r.snapshot, null)]));
    this.prefetched.set(tx, new Map(ticketIds.map((id) => [id, found.get(id) ?? null])));
  }

  private async snapshotOf(ex: Executor, ticketId: string): Promise<PolicySnapshot | null> {
    const ahead = this.prefetched.get(ex);
    if (ahead?.has(ticketId)) {
      const snap = ahead.get(ticketId)!;
      ahead.delete(ticketId);
      return snap;
    }
    const r = await repo.findTicketSla(ex, ticketId);
    return r ? parseJson<PolicySnapshot | null>(r.snapshot, null) : null;
  }

  private async facts(ex: Executor, t: Ticket): Promise<TicketFacts> {
    let customerTier: string | null = null;
    if (t.requesterId) {
      const c = await repo.customerTiers(ex, t.requesterId);
      if (c) customerTier = effectiveTier(c.own, c.org ?? undefined);
    }
    return {
      priority: t.priority,
      category: t.category,
      product: t.product,
      channel: t.channel,
      teamId: t.teamId,
      customerTier,
      tags: t.tags,
    };
  }

  /** Compiled calendars by their snapshot text (shared by every clock that uses the same one). */
  private cal(text: string | null): CompiledCalendar {
    if (!text) return TWENTY_FOUR_SEVEN;
    let c = this.compiled.get(text);
    if (!c) {
      if (this.compiled.size > 256) this.compiled.clear();
      c = compileCalendar(JSON.parse(text) as CalendarDefinition);
      this.compiled.set(text, c);
    }
    return c;
  }
}
