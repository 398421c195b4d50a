/**
 * Use cases of raise a hand: raise, route in tiers (timers on the jobs table), claim
 * (exactly one winner), the live thread, outcomes (answered, call back promised, escalate),
 * the phone state a CTI reports, and the workspace configuration. Every transition is a row
 * in hand_events with its actor and instant, and a live event after commit.
 */
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction, json, parseJson } from '../../db/database.js';
import { cancelJobsByPrefix, enqueueJob } from '../../jobs/jobs.repository.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { getSetting, putSetting } from '../../lib/settings.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import type { Principal } from '../auth/index.js';
import type { BriefInput, EscalationsService } from '../escalations/index.js';
import { NOTIFY_JOB, type LiveEvents } from '../notifications/index.js';
import { directoryIds, loadDirectory } from '../oncall/index.js';
import type { Temperature } from '../paths/index.js';
import type { TicketsService } from '../tickets/index.js';
import type { IndexDocumentInput, SearchService } from '../search/index.js';
import * as repo from './hands.repository.js';
import { routeFrom, validateHandsConfig, type RoutingInput } from './hands.policy.js';
import { handsReport, type HandsReport } from './hands-report.policy.js';
import { presentHand, presentHandEvent, type CallView, type HandEventView, type HandNames, type HandView } from './hands.presenter.js';
import type { CallBody, CloseHandBody, EscalateHandBody, RaiseHandBody } from './hands.schema.js';
import { DEFAULT_HANDS_CONFIG, type HandState, type HandTier, type HandsConfig, type JoinMode, type RoutingResult } from './hands.types.js';
import type { HandsTable } from '../../db/schema.js';

export const HAND_TIER_JOB = 'hand.tier_timeout';
export const HANDS_CONFIG_KEY = 'hands.config';
/** Live events: a hand changed (ids: [handId]); someone types in its thread (ids: [handId, userId]). */
export const HAND_UPDATED_EVENT = 'hand.updated';
export const HAND_TYPING_EVENT = 'hand.typing';

const handKeyPrefix = (handId: string) => `hand:${handId}:`;
const SUPERVISING_ROLES = new Set(['supervisor', 'manager', 'admin']);

export interface HandListFilter {
  state?: HandState;
  teamId?: string;
  /** Only hands this operator raised. */
  mine?: boolean;
  limit?: number;
}

interface HandsDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  tickets: TicketsService;
  escalations: EscalationsService;
  live: LiveEvents;
  /** Hands are searchable (issue 19: type=escalation), written in the change's transaction. */
  search: Pick<SearchService, 'indexDocument' | 'registerSource'>;
}

/** The thread's lines a hand's search document holds (the answer is the hand's own column). */
const THREAD_KINDS = ['hand.message'];

/**
 * The search document of a hand: headed with its category and conclusion (ask, else concern);
 * the brief, the thread's lines and the answer are found too. Visible as the hand is (its
 * ticket's readers; without a ticket, see the search module's hand rule).
 */
export function handDocument(hand: HandsTable, lines: readonly (string | null)[]): IndexDocumentInput {
  const conclusion = hand.ask || hand.concern;
  return {
    kind: 'hand',
    id: hand.id,
    ticketId: hand.ticket_id,
    customerId: hand.customer_id,
    title: [hand.category, conclusion].filter(Boolean).join(': '),
    fields: [hand.ask, hand.concern, hand.tried, hand.environment, hand.background, ...lines, hand.answer],
    at: Number(hand.raised_at),
  };
}

/** The workspace's raise a hand configuration: the stored one over the defaults (the reports read the claim target from it). */
export async function loadHandsConfig(ex: Executor): Promise<HandsConfig> {
  const stored = await getSetting<Partial<HandsConfig>>(ex, HANDS_CONFIG_KEY);
  return { ...DEFAULT_HANDS_CONFIG, ...stored };
}

export class HandsService {
  constructor(private readonly d: HandsDeps) {
    d.search.registerSource({
      kind: 'hand',
      page: async (ex, afterId, limit) => {
        const rows = await ex.selectFrom('hands').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
        const events = rows.length
          ? await ex.selectFrom('hand_events').select(['hand_id', 'body']).where('hand_id', 'in', rows.map((r) => r.id)).where('kind', 'in', THREAD_KINDS).orderBy('created_at').orderBy('id').execute()
          : [];
        return { docs: rows.map((r) => handDocument(r, events.filter((e) => e.hand_id === r.id && e.body).map((e) => e.body))), last: rows.at(-1)?.id ?? null };
      },
    });
  }

  /** Rebuilds the hand's search document from what is stored now (after a change, an erasure). */
  async indexHand(ex: Executor, id: string): Promise<void> {
    const hand = await repo.findHand(ex, id);
    if (!hand) return;
    const lines = (await repo.handEvents(ex, id)).filter((e) => THREAD_KINDS.includes(e.kind) && e.body).map((e) => e.body);
    await this.d.search.indexDocument(ex, handDocument(hand, lines));
  }

  /** The hands an erasure scrubbed (the customer's, or on their tickets) are indexed again from the scrubbed rows. */
  async reindexErased(ex: Executor, customerId: string, ticketIds: readonly string[]): Promise<void> {
    const ids = [...new Set(ticketIds)];
    const rows = await ex
      .selectFrom('hands')
      .select('id')
      .where((eb) => (ids.length ? eb.or([eb('customer_id', '=', customerId), eb('ticket_id', 'in', ids)]) : eb('customer_id', '=', customerId)))
      .execute();
    for (const r of rows) await this.indexHand(ex, r.id);
  }

  private get db(): Db {
    return this.d.db;
  }

  // ------------------------------------------------------------------ configuration

  config(ex: Executor = this.db): Promise<HandsConfig> {
    return loadHandsConfig(ex);
  }

  async updateConfig(actor: AuditActor | null, next: HandsConfig): Promise<HandsConfig> {
    return inTransaction(this.db, async (tx) => {
      const ids = await directoryIds(tx);
      const problems = validateHandsConfig(next, ids);
      if (problems.length) throw invalid(problems);
      const before = await this.config(tx);
      await putSetting(tx, HANDS_CONFIG_KEY, next);
      await this.d.audit.change(tx, actor, 'hands.config_changed', { type: 'settings', id: HANDS_CONFIG_KEY }, before, next);
      return next;
    });
  }

  // ------------------------------------------------------------------ raising

  async raise(actor: Principal, input: RaiseHandBody): Promise<HandView> {
    const ask = (input.ask ?? '').trim();
    const concern = (input.concern ?? '').trim();
    if (!ask && !concern)
      throw invalid([{ field: 'ask', message: 'say first what the supervisor must decide (ask) or what worries you (concern)', code: 'hand_conclusion_missing' }]);
    const now = this.d.clock.now();
    const id = newId();
    await inTransaction(this.db, async (tx) => {
      let ticket: { id: string; teamId: string | null; customerId: string | null } | null = null;
      if (input.ticketId) {
        await this.d.tickets.access.assertRead(actor, input.ticketId, tx);
        const t = await this.d.tickets.load(tx, input.ticketId);
        ticket = { id: t.id, teamId: t.teamId, customerId: t.requesterId };
      }
      const presence = await repo.findPresence(tx, actor.userId);
      const onCall = presence?.on_call === 1;
      const callId = input.callId ?? (onCall ? presence?.call_id : null) ?? null;
      const callerNumber = input.callerNumber ?? (onCall ? presence?.caller_number : null) ?? null;
      const customerId = ticket?.customerId ?? (callerNumber ? await repo.customerByPhone(tx, callerNumber) : null);
      const config = await this.config(tx);
      const directory = await loadDirectory(tx);
      if (input.teamId && !directory.teams[input.teamId]) throw invalid([{ field: 'teamId', message: `team ${input.teamId} does not exist`, code: 'hands_unknown_team', params: { id: input.teamId } }]);
      // The operator's team (its leader is alerted first): the one named, else the ticket's team
      // when the operator works in it, else the operator's first team.
      const ownTeams = Object.values(directory.teams).filter((t) => t.memberIds.includes(actor.userId)).map((t) => t.id).sort();
      const teamId = input.teamId ?? (ticket?.teamId && ownTeams.includes(ticket.teamId) ? ticket.teamId : (ownTeams[0] ?? null));
      const routingInput = await this.routingInput(tx, actor.userId, teamId, config);
      const routing = routeFrom(config.tiers, 0, routingInput, now);
      const row: HandsTable = {
        id,
        state: 'open',
        operator_id: actor.userId,
        team_id: teamId,
        ticket_id: ticket?.id ?? null,
        customer_id: customerId,
        call_id: callId,
        caller_number: callerNumber,
        category: input.category.trim(),
        ask,
        concern,
        tried: (input.tried ?? '').trim(),
        environment: (input.environment ?? '').trim(),
        background: (input.background ?? '').trim(),
        temperature: input.temperature ?? null,
        tiers: json(config.tiers),
        tier_index: routing.tierIndex,
        alerted: json(routing.alerted),
        next_tier_at: routing.nextTierAt,
        exhausted_at: routing.exhausted ? now : null,
        claimed_by: null,
        claimed_at: null,
        joined_call_mode: null,
        joined_call_at: null,
        outcome: null,
        answer: null,
        callback_due_at: null,
        escalation_id: null,
        closed_by: null,
        closed_at: null,
        raised_at: now,
        updated_at: now,
      };
      await repo.insertHand(tx, row);
      await this.event(tx, id, 'hand.raised', actor.userId, null, { category: row.category, ask, concern, temperature: row.temperature, ticketId: row.ticket_id, callId }, now);
      await this.afterRouting(tx, row, routing, now);
      if (row.ticket_id)
        await this.d.tickets.appendEvent(tx, row.ticket_id, { kind: 'hand.raised', visibility: 'internal', authorType: 'user', authorId: actor.userId, data: { handId: id, category: row.category, ask, concern } }, now);
      await this.d.search.indexDocument(tx, handDocument(row, []));
      await this.announce(tx, row);
    });
    return this.get(actor, id);
  }

  /** What routing reads now: the directory, roles, presence and hands in hand per supervisor. */
  private async routingInput(ex: Executor, operatorId: string, teamId: string | null, config: HandsConfig): Promise<RoutingInput> {
    const [directory, roles, presence, activeHands] = await Promise.all([loadDirectory(ex), repo.activeRoles(ex), repo.allPresence(ex), repo.activeHandCounts(ex)]);
    return {
      directory,
      people: {
        roles,
        presence: Object.fromEntries(presence.map((p) => [p.user_id, { availableForHands: p.available_for_hands === 1, onCall: p.on_call === 1 }])),
        activeHands,
      },
      maxPerSupervisor: config.maxPerSupervisor,
      operatorId,
      teamId,
    };
  }

  /** Records the tiers passed, schedules the next timeout or alerts the managers. */
  private async afterRouting(tx: Tx, hand: HandsTable, routing: RoutingResult, now: number): Promise<void> {
    for (const t of routing.tiers) await this.event(tx, hand.id, 'hand.alerted', null, null, { tierIndex: t.tierIndex, alerted: t.alerted, skipped: t.skipped }, now);
    if (routing.nextTierAt !== null)
      await enqueueJob(tx, { kind: HAND_TIER_JOB, dedupeKey: `${handKeyPrefix(hand.id)}tier:${routing.tierIndex}`, dueAt: routing.nextTierAt, payload: { handId: hand.id, tierIndex: routing.tierIndex } }, now, { replace: true });
    if (routing.exhausted) {
      await this.event(tx, hand.id, 'hand.exhausted', null, null, { tierIndex: routing.tierIndex }, now);
      const roles = await repo.activeRoles(tx);
      const managers = Object.keys(roles).filter((id) => roles[id] === 'manager');
      if (managers.length)
        await enqueueJob(tx, { kind: NOTIFY_JOB, dedupeKey: `notify:${handKeyPrefix(hand.id)}exhausted`, dueAt: now, payload: { event: 'hand.unclaimed', recipients: { userIds: managers }, ticketId: hand.ticket_id, data: { handId: hand.id, category: hand.category, ask: hand.ask || hand.concern } }, maxAttempts: 5 }, now);
    }
  }

  /** The tier timer: the next tier is alerted too (once, fenced by the job's claim). */
  async tierTimeout(tx: Tx, payload: { handId: string; tierIndex: number }, now: number): Promise<void> {
    const hand = await repo.findHand(tx, payload.handId, { lock: true });
    // Claimed, closed or already moved on: nothing to do.
    if (!hand || hand.state !== 'open' || hand.tier_index !== payload.tierIndex || hand.exhausted_at !== null) return;
    const tiers = parseJson<HandTier[]>(hand.tiers, []);
    const config = await this.config(tx);
    const input = await this.routingInput(tx, hand.operator_id, hand.team_id, config);
    const routing = routeFrom(tiers, payload.tierIndex + 1, input, now, parseJson<string[]>(hand.alerted, []));
    const patch = { tier_index: routing.tierIndex, alerted: json(routing.alerted), next_tier_at: routing.nextTierAt, exhausted_at: routing.exhausted ? now : null, updated_at: now };
    if (!(await repo.updateHandIf(tx, hand.id, ['open'], patch))) return;
    await this.afterRouting(tx, { ...hand, ...patch }, routing, now);
    await this.announce(tx, hand);
  }

  // ------------------------------------------------------------------ claiming and the thread

  /** Exactly one supervisor wins; the others get 409 hand_already_claimed naming who did. */
  async claim(actor: Principal, id: string): Promise<HandView> {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const hand = await this.visible(tx, actor, id);
      if (hand.operator_id === actor.userId) throw conflict('You raised this hand; a supervisor claims it.', { reason: 'own_hand' });
      const won = await repo.updateHandIf(tx, id, ['open'], { state: 'claimed', claimed_by: actor.userId, claimed_at: now, next_tier_at: null, updated_at: now });
      if (!won) {
        const current = (await repo.findHand(tx, id))!;
        if (current.claimed_by) {
          const [who] = await repo.userFacts(tx, [current.claimed_by]);
          throw new AppError('hand_already_claimed', `${who?.name ?? 'Another supervisor'} claimed this hand first.`, {
            claimedBy: { id: current.claimed_by, name: who?.name ?? current.claimed_by },
            claimedAt: new Date(Number(current.claimed_at)).toISOString(),
            state: current.state,
          });
        }
        throw conflict('This hand is no longer open.', { state: current.state, outcome: current.outcome });
      }
      await cancelJobsByPrefix(tx, handKeyPrefix(id), now);
      await this.event(tx, id, 'hand.claimed', actor.userId, null, { secondsToClaim: Math.round((now - Number(hand.raised_at)) / 1000) }, now);
      await this.announce(tx, hand);
    });
    return this.get(actor, id);
  }

  async addMessage(actor: Principal, id: string, body: string): Promise<HandEventView> {
    const now = this.d.clock.now();
    const eventId = await inTransaction(this.db, async (tx) => {
      const hand = await this.participant(tx, actor, id);
      if (hand.state === 'closed') throw conflict('The hand is closed.', { state: hand.state, outcome: hand.outcome });
      const eid = await this.event(tx, id, 'hand.message', actor.userId, body.trim(), {}, now);
      await repo.updateHandIf(tx, id, ['open', 'claimed'], { updated_at: now });
      await this.indexHand(tx, id);
      await this.announce(tx, hand);
      return eid;
    });
    const row = (await repo.handEvents(this.db, id)).find((e) => e.id === eventId)!;
    return presentHandEvent(row, await this.names(this.db, [], [row.actor_id ?? ''], []));
  }

  /** Someone types in the thread: the other side hears it (not stored, not a transition). */
  async typing(actor: Principal, id: string): Promise<void> {
    const hand = await this.participant(this.db, actor, id);
    if (hand.state === 'closed') return;
    const others = [hand.operator_id, hand.claimed_by].filter((u): u is string => !!u && u !== actor.userId);
    if (others.length) await this.d.live.publish(this.db, { type: HAND_TYPING_EVENT, ids: [id, actor.userId], userIds: others });
  }

  async joinCall(actor: Principal, id: string, mode: JoinMode): Promise<HandView> {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const hand = await this.visible(tx, actor, id);
      if (hand.claimed_by !== actor.userId) throw forbidden('Only the supervisor who claimed the hand joins its call.');
      if (!(await repo.updateHandIf(tx, id, ['claimed'], { joined_call_mode: mode, joined_call_at: now, updated_at: now }))) throw conflict('The hand is not claimed any more.', { state: hand.state });
      await this.event(tx, id, 'hand.joined_call', actor.userId, null, { mode, callId: hand.call_id }, now);
      await this.announce(tx, hand);
    });
    return this.get(actor, id);
  }

  // ------------------------------------------------------------------ outcomes

  async close(actor: Principal, id: string, input: CloseHandBody): Promise<HandView> {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const hand = await this.participant(tx, actor, id);
      const answer = (input.answer ?? '').trim();
      let dueAt: number | null = null;
      if (input.outcome === 'resolved_self') {
        if (hand.operator_id !== actor.userId) throw forbidden('Only the operator who raised the hand marks it resolved themself.');
      } else {
        if (hand.state !== 'claimed') throw conflict('A supervisor claims the hand before it is answered.', { state: hand.state });
        if (input.outcome === 'answered' && !answer) throw invalid([{ field: 'answer', message: 'keep the answer line', code: 'hand_answer_missing' }]);
        if (input.outcome === 'callback') {
          if (!hand.ticket_id) throw conflict('A call back is promised on a ticket: link the hand to the ticket first.', { reason: 'no_ticket' });
          dueAt = input.callbackDueAt ? Date.parse(input.callbackDueAt) : NaN;
          if (!Number.isFinite(dueAt) || dueAt <= now) throw invalid([{ field: 'callbackDueAt', message: 'when the customer is called back, in the future', code: 'hand_callback_due' }]);
        }
      }
      await this.finish(tx, hand, actor.userId, input.outcome, { answer: answer || null, callback_due_at: dueAt }, now);
      await this.event(tx, id, 'hand.closed', actor.userId, answer || null, { outcome: input.outcome, ...(dueAt !== null && { callbackDueAt: new Date(dueAt).toISOString() }) }, now);
      await this.indexHand(tx, id);
      if (hand.ticket_id && input.outcome === 'answered')
        await this.d.tickets.appendEvent(tx, hand.ticket_id, { kind: 'hand.answered', visibility: 'internal', authorType: 'user', authorId: actor.userId, body: answer, data: { handId: id, ask: hand.ask || hand.concern } }, now);
      if (hand.ticket_id && dueAt !== null) {
        // The follow-up: a timeline entry with its due time, and a reminder to the operator then.
        await this.d.tickets.appendEvent(tx, hand.ticket_id, { kind: 'hand.callback_promised', visibility: 'internal', authorType: 'user', authorId: actor.userId, body: answer || null, data: { handId: id, dueAt: new Date(dueAt).toISOString(), operatorId: hand.operator_id } }, now);
        await enqueueJob(tx, { kind: NOTIFY_JOB, dedupeKey: `notify:${handKeyPrefix(id)}callback`, dueAt, payload: { event: 'hand.callback_due', recipients: { userIds: [hand.operator_id] }, ticketId: hand.ticket_id, data: { handId: id, note: answer } }, maxAttempts: 5 }, now);
      }
    });
    return this.get(actor, id);
  }

  async cancel(actor: Principal, id: string): Promise<HandView> {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const hand = await this.visible(tx, actor, id);
      if (hand.operator_id !== actor.userId && actor.role !== 'admin') throw forbidden('Only the operator who raised the hand cancels it.');
      await this.finish(tx, hand, actor.userId, 'cancelled', {}, now);
      await this.event(tx, id, 'hand.cancelled', actor.userId, null, {}, now);
    });
    return this.get(actor, id);
  }

  /** Turns the hand into an escalation of its ticket, the brief taken from the hand. */
  async escalate(actor: Principal, id: string, input: EscalateHandBody): Promise<HandView> {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const hand = await this.participant(tx, actor, id);
      if (hand.state === 'closed') throw conflict('The hand is closed.', { state: hand.state, outcome: hand.outcome });
      if (!hand.ticket_id) throw conflict('An escalation is about a ticket: link the hand to the ticket first.', { reason: 'no_ticket' });
      const thread = (await repo.handEvents(tx, id)).filter((e) => e.kind === 'hand.message' && e.body);
      const names = await this.names(tx, [], thread.map((e) => e.actor_id ?? ''), []);
      const lines = thread.map((e) => `${names.users.get(e.actor_id ?? '') ?? ''}: ${e.body}`);
      const brief: BriefInput = {
        category: hand.category,
        ask: hand.ask,
        concern: hand.concern,
        tried: hand.tried,
        environment: hand.environment,
        ...(hand.background || lines.length ? { background: [hand.background, ...(lines.length ? ['', ...lines] : [])].join('\n').trim() } : {}),
        ...(hand.temperature && { customerTemperature: hand.temperature as Temperature }),
      };
      const escalationId = await this.d.escalations.escalateIn(tx, actor, hand.ticket_id, { ...input, brief }, now);
      await this.finish(tx, hand, actor.userId, 'escalated', { escalation_id: escalationId }, now);
      await this.event(tx, id, 'hand.escalated', actor.userId, null, { escalationId }, now);
    });
    return this.get(actor, id);
  }

  /** Closes the hand (conditional on it being open or claimed), cancels its timers, announces. */
  private async finish(tx: Tx, hand: HandsTable, actorId: string, outcome: string, extra: Partial<HandsTable>, now: number): Promise<void> {
    const ok = await repo.updateHandIf(tx, hand.id, ['open', 'claimed'], { ...extra, state: 'closed', outcome, closed_by: actorId, closed_at: now, next_tier_at: null, updated_at: now });
    if (!ok) {
      const current = (await repo.findHand(tx, hand.id))!;
      throw conflict('The hand is already closed.', { state: current.state, outcome: current.outcome });
    }
    await cancelJobsByPrefix(tx, handKeyPrefix(hand.id), now);
    await this.announce(tx, hand);
  }

  // ------------------------------------------------------------------ reading

  async list(actor: Principal, f: HandListFilter): Promise<{ items: HandView[] }> {
    const supervising = SUPERVISING_ROLES.has(actor.role);
    const rows = await repo.listHands(this.db, {
      ...(f.state && { states: [f.state] }),
      ...(f.teamId && { teamId: f.teamId }),
      ...((f.mine || !supervising) && { operatorId: actor.userId }),
      limit: f.limit ?? 100,
    });
    const visible = await this.d.tickets.access.filter(actor, rows, (r) => r.ticket_id);
    const names = await this.namesOf(this.db, visible);
    return { items: visible.map((r) => presentHand(r, names)) };
  }

  async get(actor: Principal, id: string): Promise<HandView> {
    const hand = await this.visible(this.db, actor, id);
    return presentHand(hand, await this.namesOf(this.db, [hand]));
  }

  async detail(actor: Principal, id: string): Promise<{ hand: HandView; events: HandEventView[] }> {
    const hand = await this.visible(this.db, actor, id);
    const events = await repo.handEvents(this.db, id);
    const names = await this.namesOf(this.db, [hand], events.map((e) => e.actor_id ?? ''));
    return { hand: presentHand(hand, names), events: events.map((e) => presentHandEvent(e, names)) };
  }

  /** The hand if the actor may see it (its operator, supervisors, managers, admins; and its ticket's readers), else 404. */
  private async visible(ex: Executor, actor: Principal, id: string): Promise<HandsTable> {
    const hand = await repo.findHand(ex, id, { lock: ex.isTransaction });
    const mayOpen = hand && (hand.operator_id === actor.userId || hand.claimed_by === actor.userId || SUPERVISING_ROLES.has(actor.role));
    if (!hand || !mayOpen) throw notFound('Hand', id);
    if (hand.ticket_id && !(await this.d.tickets.access.visibleIds(actor, [hand.ticket_id], ex)).has(hand.ticket_id)) throw notFound('Hand', id);
    return hand;
  }

  /** The hand if the actor takes part in it (the operator, the claiming supervisor, an admin). */
  private async participant(ex: Executor, actor: Principal, id: string): Promise<HandsTable> {
    const hand = await this.visible(ex, actor, id);
    if (hand.operator_id !== actor.userId && hand.claimed_by !== actor.userId && actor.role !== 'admin')
      throw forbidden(hand.claimed_by ? 'Only the operator and the supervisor who claimed the hand take part in it.' : 'Claim the hand first.');
    return hand;
  }

  private async namesOf(ex: Executor, hands: HandsTable[], extraUsers: string[] = []): Promise<HandNames> {
    const users = hands.flatMap((h) => [h.operator_id, h.claimed_by ?? '', h.closed_by ?? '', ...parseJson<string[]>(h.alerted, [])]);
    return this.names(ex, hands.map((h) => h.team_id ?? '').filter(Boolean), [...users, ...extraUsers], hands.map((h) => h.ticket_id ?? '').filter(Boolean));
  }

  private async names(ex: Executor, teamIds: string[], userIds: string[], ticketIds: string[]): Promise<HandNames> {
    const [users, teams, tickets] = await Promise.all([repo.userFacts(ex, userIds.filter(Boolean)), repo.teamNames(ex, teamIds), repo.ticketFacts(ex, ticketIds)]);
    return { users: new Map(users.map((u) => [u.id, u.name])), teams: new Map(teams.map((t) => [t.id, t.name])), ticketNumbers: new Map(tickets.map((t) => [t.id, t.number])) };
  }

  /** Time to claim and to answer, outcomes and hold time of hands raised in [from, to), hours in `timeZone`. */
  async report(actor: Principal, from: number, to: number): Promise<HandsReport & { from: string; to: string; claimTargetSeconds: number; names: Record<string, string> }> {
    if (!(to > from)) throw invalid([{ field: 'to', message: 'the end of the period is after its start', code: 'report_period' }]);
    const config = await this.config();
    const rows = await this.d.tickets.access.filter(actor, await repo.handsRaisedBetween(this.db, from, to), (r) => r.ticket_id);
    const hourFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: actor.timeZone || 'UTC' });
    const clockHourFormat = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', timeZone: actor.timeZone || 'UTC' });
    const report = handsReport(
      rows.map((h) => ({ teamId: h.team_id, operatorId: h.operator_id, claimedBy: h.claimed_by, category: h.category, raisedAt: Number(h.raised_at), claimedAt: h.claimed_at === null ? null : Number(h.claimed_at), closedAt: h.closed_at === null ? null : Number(h.closed_at), exhausted: h.exhausted_at !== null, outcome: h.outcome })),
      { claimTargetSeconds: config.claimTargetSeconds, hourOf: (ms) => Number(hourFormat.format(ms)) % 24, clockHourOf: (ms) => clockHourFormat.format(ms), now: this.d.clock.now() },
    );
    const names = await this.names(this.db, rows.map((r) => r.team_id ?? '').filter(Boolean), rows.flatMap((r) => [r.operator_id, r.claimed_by ?? '']), []);
    return { ...report, from: new Date(from).toISOString(), to: new Date(to).toISOString(), claimTargetSeconds: config.claimTargetSeconds, names: Object.fromEntries([...names.users, ...names.teams]) };
  }

  // ------------------------------------------------------------------ presence and phone state

  async callState(userId: string): Promise<CallView> {
    const p = await repo.findPresence(this.db, userId);
    const onCall = p?.on_call === 1;
    return {
      userId,
      onCall,
      callId: onCall ? (p?.call_id ?? null) : null,
      callerNumber: onCall ? (p?.caller_number ?? null) : null,
      since: onCall && p?.call_started_at ? new Date(Number(p.call_started_at)).toISOString() : null,
      customerId: onCall && p?.caller_number ? await repo.customerByPhone(this.db, p.caller_number) : null,
      availableForHands: p ? p.available_for_hands === 1 : true,
    };
  }

  /** On a call / off a call (the operator's console, or a CTI/PBX with an integration token). */
  async setCall(userId: string, input: CallBody): Promise<CallView> {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const [user] = await repo.userFacts(tx, [userId]);
      if (!user) throw notFound('User', userId);
      const p = await repo.findPresence(tx, userId);
      const sameCall = p?.on_call === 1 && (input.callId ?? null) === p.call_id;
      await repo.putPresence(tx, {
        user_id: userId,
        available_for_hands: p ? p.available_for_hands : 1,
        on_call: input.onCall ? 1 : 0,
        call_id: input.onCall ? (input.callId ?? null) : null,
        caller_number: input.onCall ? (input.callerNumber ?? null) : null,
        call_started_at: input.onCall ? (sameCall ? p!.call_started_at : now) : null,
        updated_at: now,
      });
      await this.d.live.publish(tx, { type: HAND_UPDATED_EVENT, ids: [] });
    });
    return this.callState(userId);
  }

  async setAvailability(userId: string, available: boolean): Promise<CallView> {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const p = await repo.findPresence(tx, userId);
      await repo.putPresence(tx, {
        user_id: userId,
        available_for_hands: available ? 1 : 0,
        on_call: p?.on_call ?? 0,
        call_id: p?.call_id ?? null,
        caller_number: p?.caller_number ?? null,
        call_started_at: p?.call_started_at ?? null,
        updated_at: now,
      });
      await this.d.live.publish(tx, { type: HAND_UPDATED_EVENT, ids: [] });
    });
    return this.callState(userId);
  }

  async floor() {
    const [sups, onCall, active] = await Promise.all([repo.floorSupervisors(this.db), repo.peopleOnCall(this.db), repo.activeHandCounts(this.db)]);
    return {
      supervisors: sups.map((s) => ({ id: s.id, name: s.name, role: s.role, availability: s.availability, availableForHands: s.available_for_hands !== 0, onCall: s.on_call === 1, activeHands: active[s.id] ?? 0 })),
      onCall: onCall.map((p) => ({ id: p.id, name: p.name, role: p.role, since: p.call_started_at ? new Date(Number(p.call_started_at)).toISOString() : null })),
    };
  }

  // ------------------------------------------------------------------ helpers

  private async event(tx: Tx, handId: string, kind: string, actorId: string | null, body: string | null, data: Record<string, unknown>, now: number): Promise<string> {
    const id = newId();
    await repo.insertHandEvent(tx, { id, hand_id: handId, kind, actor_id: actorId, body, data: json(data), created_at: now });
    return id;
  }

  private announce(ex: Executor, hand: Pick<HandsTable, 'id' | 'ticket_id'>): Promise<void> {
    return this.d.live.publish(ex, { type: HAND_UPDATED_EVENT, ids: [hand.id], ...(hand.ticket_id && { ticketIds: [hand.ticket_id] }) });
  }
}
