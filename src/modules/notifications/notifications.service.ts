/**
 * Notifications: fans an intent out to people and channels (in-app rows at once, one delivery
 * per external channel), then delivers with retries, grouping and per-recipient order, and
 * drops what stopped being relevant. Also the admin side: deliveries, webhooks, team channels,
 * edited templates; and the person's side: inbox and preferences.
 */
import type { Config } from '../../config/config.js';
import { inTransaction, json, parseJson, type Db, type Executor, type Tx } from '../../db/database.js';
import { lockKey } from '../../db/dialect.js';
import type { DeliveriesTable } from '../../db/schema.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import type { DeliveryResult } from '../../integrations/delivery.js';
import type { EscalationCardView, Temperature } from '../../integrations/escalation-card.js';
import { cardLabels, languageOf } from '../../integrations/escalation-card.js';
import type { SecretBox } from '../../integrations/secret-box.js';
import { ACKNOWLEDGE_ACTION_ID, escalationSlackMessage, lookupSlackMember, parseSlackInteraction, sendSlackMessage, verifySlackRequest, type SlackBlock, type SlackDestination, type SlackMember, type SlackMessage } from '../../integrations/slack.js';
import { mailDomainOf, ticketThreadIds, type Mailer } from '../../integrations/smtp.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, escalationTeamsMessage, sendTeamsMessage, type TeamsMessage } from '../../integrations/teams.js';
import { postWebhook } from '../../integrations/webhook.js';
import type { OutboundHttp } from '../../integrations/outbound-http.js';
import { NO_ALLOWANCES, urlRefusal } from '../../lib/outbound-address.js';
import { bringJobsForward, cancelJobsByPrefix, enqueueJob, enqueueJobs } from '../../jobs/jobs.repository.js';
import { Coalescer } from '../../lib/coalesce.js';
import type { ClaimedJob, ExternalOutcome } from '../../jobs/jobs.types.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { hashToken, newId, randomSecret } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import type { Principal } from '../auth/auth.types.js';
import { renderOrigin, type EscalationOrigin } from '../escalations/index.js';
import type { HeaderBag } from '../../integrations/delivery.js';
import { ticketRefVisibleCondition, type TicketAccess, type TicketHooks } from '../tickets/index.js';
import type { LiveEvents } from './live-events.js';
import {
  channelsFor,
  DEFAULT_PREFERENCES,
  DEFAULT_RETRY_WINDOW_MS,
  dropReasonOf,
  groupedDueAt,
  nextAttemptAt,
  type DropReason,
  normaliseIntent,
  type EscalationChaseFacts,
  passesQuietHours,
  quietHoursEnd,
  templateEventOf,
  PATH_REVIEW_EVENT,
} from './notifications.policy.js';
import * as repo from './notifications.repository.js';
import {
  DELIVER_JOB,
  DELIVER_MAX_ATTEMPTS,
  NOTIFY_JOB,
  type DeliveryChannel,
  type DeliveryItem,
  type NotificationPreferences,
  type QuietHours,
  type TeamChannelKind,
  type UserChannel,
} from './notifications.types.js';
import { compileTemplate, defaultTemplates, genericNotificationText, NOTIFICATION_EVENTS, renderNotification, type NotificationData, type NotificationEvent, type RenderedNotification, type SlaClock } from './templates/index.js';

export interface NotificationsDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'publicUrl' | 'slack' | 'notifyGroupSeconds'> & { mailFrom: string };
  secrets: SecretBox;
  mailer: Mailer;
  live: LiveEvents;
  /** Who may see which ticket: a reader's notifications of tickets they do not see are left out. */
  ticketAccess: TicketAccess;
  /** The console's acknowledgement (escalations service), used by Slack buttons. */
  acknowledge(actor: Principal, escalationId: string): Promise<unknown>;
  /** Records the Message-ID of an outgoing mail so replies thread back (intake-email). */
  recordOutgoingMessageId?(tx: Tx, ticketId: string, messageId: string, now: number): Promise<void>;
  /** Replies to customers share the delivery log and retries; the replies module sends them. */
  customerDeliveries?: {
    handles(d: DeliveriesTable): boolean;
    send(d: DeliveriesTable): Promise<DeliveryResult>;
  };
  /** How long a failing delivery is retried before it is dead (default 24 h; webhooks and team channels may set their own). */
  retryWindowMs?: number;
  /** How many deliveries to one receiver this node sends at once (default 8); order is kept per ticket. */
  receiverConcurrency?: number;
  /** Jitter source of the retry backoff (tests pin it). */
  random?: () => number;
  /** Guarded outbound HTTP (ESCALON_OUTBOUND_ALLOW); refuses non-public addresses without one. */
  outbound?: OutboundHttp;
  /** Webhook, team channel and template changes are audited in their transaction. */
  audit: AuditService;
}

/** Events about deliveries themselves: for administrators, never sent to webhooks (a dead receiver would be told of its own death). */
const DELIVERY_EVENTS_PREFIX = 'delivery.';
export const DELIVERY_DEAD_EVENT = 'delivery.dead';

/** Events posted to a team's chat channel (the ones a team acts on). */
const TEAM_EVENTS = new Set(['escalation.requested', 'escalation.reminder', 'escalation.advanced', 'escalation.fallback', 'sla.breached']);

type UserRow = Awaited<ReturnType<typeof repo.usersByIds>>[number];

/** A delivery as its deliver job reads it (repo.deliveryTurns). */
type TurnRow = Awaited<ReturnType<typeof repo.deliveryTurns>>[number];

/** One finished attempt (or drop) waiting for the group commit of outcomes. */
interface Outcome {
  d: DeliveriesTable;
  state: 'done' | 'dead' | 'failed' | 'dropped';
  response: string;
  attempt: { attempt: number; ok: boolean; started: number; duration: number } | null;
  more: { nextAttemptAt?: number | null; retryUntil?: number | null; dropReason?: DropReason };
}

/** A webhook delivery's subscription, as read with the delivery. */
interface WebhookTarget {
  id: string;
  url: string;
  secret: string;
  active: number;
  retryWindowMs: number | null;
}

export class NotificationsService {
  /** Sends in progress per receiver on this node, and who waits for a slot. */
  private readonly sending = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(private readonly d: NotificationsDeps) {}

  private get now(): number {
    return this.d.clock.now();
  }

  // ===================================================================== fan-out (notify job)

  /** The `notify` job: runs inside the job's transaction, so everything it writes is exactly-once. */
  async fanOut(tx: Tx, job: ClaimedJob, now: number): Promise<void> {
    const intent = normaliseIntent(job.payload, job.dueAt);
    // The ticket is read when people or a team channel may hear of it (roles, quiet hours,
    // texts); an event only webhook subscribers hear of does not need it.
    const forPeople = intent.userIds.length > 0 || intent.roles.length > 0 || (templateEventOf(intent.event) !== null && TEAM_EVENTS.has(intent.event));
    const ticket = intent.ticketId && forPeople ? await repo.ticketFacts(tx, intent.ticketId) : undefined;
    if (intent.escalationId)
      await this.d.live.publish(tx, { type: 'escalation.updated', ids: [intent.escalationId], ...(intent.ticketId && { ticketIds: [intent.ticketId] }) });
    // People are reminded only while it is useful; a reminder that is not is recorded as a
    // dropped delivery with its reason, in this transaction (so the drop is never lost).
    const dropReason = dropReasonOf(intent, await this.factsOf(tx, intent), now);

    const ids = new Set(intent.userIds);
    if (ticket) {
      for (const role of intent.roles) {
        if (role === 'assignee' && ticket.assignee_id) ids.add(ticket.assignee_id);
        if (role === 'team' && ticket.team_id) for (const id of await repo.teamMemberIds(tx, ticket.team_id)) ids.add(id);
        if (role === 'team_manager' && ticket.team_id) for (const id of await repo.teamMemberIds(tx, ticket.team_id, ['manager'])) ids.add(id);
      }
    }
    // Nobody hears of a ticket they may not see (a restricted team's, ticket-access.policy).
    const readers = intent.ticketId && ids.size ? await this.d.ticketAccess.readersAmong(intent.ticketId, [...ids], tx) : ids;
    const users = (await repo.usersByIds(tx, [...ids])).filter((u) => u.active === 1 && readers.has(u.id));
    const prefs = await this.preferencesMap(tx, users.map((u) => u.id));
    const item: DeliveryItem = { event: intent.event, ticketId: intent.ticketId, escalationId: intent.escalationId, clockId: intent.clockId, clockKind: intent.clockKind, dueAtMs: intent.dueAtMs, at: intent.at, data: intent.data };
    const external = templateEventOf(intent.event) !== null;
    const urgentOrBreach = passesQuietHours(intent.event, ticket?.priority ?? null);
    const notified: string[] = [];

    for (const user of users) {
      const p = prefs.get(user.id) ?? DEFAULT_PREFERENCES;
      const channels = channelsFor(intent.event, p);
      if (dropReason) {
        for (const ch of channels) {
          if (ch !== 'in_app' && !external) continue;
          await this.recordDrop(
            tx,
            {
              channel: ch,
              recipientKey: `user:${user.id}:${ch}`,
              userId: user.id,
              ticketId: intent.ticketId,
              item,
              reason: dropReason,
            },
            now,
          );
        }
        continue;
      }
      if (channels.includes('in_app')) {
        const message =
          intent.event === DELIVERY_DEAD_EVENT
            ? deadDeliveryMessage(user.locale, intent.data)
            : intent.event === AVAILABILITY_CHANGED_EVENT
              ? availabilityChangedMessage(user.locale, intent.data)
              : await this.renderFor(tx, [item], user.locale, user.time_zone, user.name);
        const id = newId();
        await repo.insertNotification(tx, {
          id,
          user_id: user.id,
          event: intent.event,
          ticket_id: intent.ticketId,
          escalation_id: intent.escalationId,
          title: message.subject,
          body: message.text,
          data: json({ ...intent.data, ...(ticket && { ticketNumber: ticket.number }), clockKind: intent.clockKind }),
          read_at: null,
          created_at: now,
        });
        notified.push(user.id);
      }
      if (!external) continue;
      const quietEnd = urgentOrBreach ? null : quietHoursEnd(now, user.time_zone, p.quietHours);
      for (const ch of ['email', 'slack'] as const) {
        if (!channels.includes(ch)) continue;
        if (ch === 'slack' && !(p.slackUserId && this.d.config.slack.botToken)) continue;
        // Incident notices are not about one ticket: each goes on its own, never into a ticket digest.
        await this.queueDelivery(tx, { channel: ch, recipientKey: `user:${user.id}:${ch}`, userId: user.id, ticketId: intent.ticketId, item, grouped: !intent.event.startsWith('incident.'), notBefore: quietEnd }, now);
      }
    }
    if (notified.length) await this.d.live.publish(tx, { type: 'notification.created', ids: intent.ticketId ? [intent.ticketId] : [], userIds: notified });

    // A team's chat channel hears what the team must act on.
    if (external && TEAM_EVENTS.has(intent.event)) {
      const teamIds = new Set<string>(intent.escalationId ? await repo.escalationTeamIds(tx, intent.escalationId) : []);
      if (ticket?.team_id && (!intent.escalationId || teamIds.size === 0)) teamIds.add(ticket.team_id);
      for (const c of await repo.teamChannels(tx, [...teamIds])) {
        const channel: DeliveryChannel = c.kind === 'teams_webhook' ? 'teams' : 'slack';
        if (dropReason) {
          await this.recordDrop(
            tx,
            {
              channel,
              recipientKey: `team:${c.team_id}:${c.id}`,
              userId: null,
              ticketId: intent.ticketId,
              item,
              reason: dropReason,
            },
            now,
          );
          continue;
        }
        await this.queueDelivery(
          tx,
          {
            channel,
            recipientKey: `team:${c.team_id}:${c.id}`,
            userId: null,
            ticketId: intent.ticketId,
            item,
            grouped: true,
            notBefore: null,
          },
          now,
        );
      }
    }
    // Webhook subscribers get every event they subscribed to, one delivery each, in order per
    // ticket, with when it happened: an event stream, never dropped as stale.
    if (intent.event.startsWith(DELIVERY_EVENTS_PREFIX)) return;
    for (const s of await this.activeSubscriptions(tx)) {
      const events = parseJson<string[]>(s.events, []);
      if (!events.includes('*') && !events.includes(intent.event) && !events.includes(`${intent.event.split('.')[0]}.*`)) continue;
      await this.queueDelivery(tx, { channel: 'webhook', recipientKey: `webhook:${s.id}`, userId: null, ticketId: intent.ticketId, item, grouped: false, notBefore: null }, now);
    }
  }

  /**
   * The active webhook subscriptions, read once per transaction: a batch of fan-outs (one
   * transaction, each job in its savepoint) shares one read instead of one per event.
   */
  private readonly subscriptionsByTx = new WeakMap<Tx, ReturnType<typeof repo.webhookSubscriptions>>();

  private activeSubscriptions(tx: Tx): ReturnType<typeof repo.webhookSubscriptions> {
    let subs = this.subscriptionsByTx.get(tx);
    if (!subs) {
      this.subscriptionsByTx.set(tx, (subs = repo.webhookSubscriptions(tx, true)));
      // A failed read (its savepoint rolled back) is not kept for the batch's other jobs.
      subs.catch(() => this.subscriptionsByTx.delete(tx));
    }
    return subs;
  }

  /**
   * One delivery row and its job; or, within the grouping window, the item joins the person's
   * open digest for this ticket (not yet being sent, and not due later than this item may go).
   */
  private async queueDelivery(
    tx: Tx,
    q: { channel: DeliveryChannel; recipientKey: string; userId: string | null; ticketId: string | null; item: DeliveryItem; grouped: boolean; notBefore: number | null },
    now: number,
  ): Promise<string> {
    let scheduled = Math.max(now, q.notBefore ?? now);
    const groupKey = q.grouped && q.ticketId ? `${q.recipientKey}:${q.ticketId}` : null;
    if (groupKey) {
      await lockKey(tx, `group:${groupKey}`);
      const last = await repo.lastInGroup(tx, groupKey);
      scheduled = Math.max(scheduled, groupedDueAt(now, last ? Number(last.created_at) : null, this.d.config.notifyGroupSeconds * 1000));
      if (last && last.sealed === 0 && last.state === 'pending' && Number(last.scheduled_at) <= scheduled) {
        const items = [...parseJson<DeliveryItem[]>(last.items, []), q.item];
        if (await repo.appendToOpenDelivery(tx, last.id, json(items), 'digest', now)) return last.id;
      }
    }
    const id = newId();
    const row: DeliveriesTable = {
      id,
      channel: q.channel,
      recipient_key: q.recipientKey,
      user_id: q.userId,
      ticket_id: q.ticketId,
      group_key: groupKey,
      event: q.item.event,
      items: json([q.item]),
      state: 'pending',
      // Only a digest stays open for more items; anything else is sealed from the start.
      sealed: groupKey ? 0 : 1,
      attempts: 0,
      last_response: null,
      scheduled_at: scheduled,
      delivered_at: null,
      created_at: now,
      updated_at: now,
    };
    // A set-wise fan-out writes its webhook deliveries together at its end, in the order queued
    // (a webhook's deliveries are all written this way, so their sequence order is the queue's).
    const deferred = this.deferredByTx.get(tx);
    if (deferred && q.channel === 'webhook') {
      deferred.push(row);
      return id;
    }
    // The ticket's order lock before the row takes its sequence number: two fan-outs of one
    // ticket on different nodes then commit in sequence order, so a later delivery can never be
    // sent while an earlier one is still uncommitted (invisible to its turn check).
    if (q.ticketId) await lockKey(tx, orderLock({ recipient_key: q.recipientKey, ticket_id: q.ticketId, id }));
    await repo.insertDelivery(tx, row);
    await enqueueJob(tx, deliverJob(row), now);
    return id;
  }

  /** Set-wise fan-outs in progress (fanOutMany): their webhook deliveries, by transaction. */
  private readonly deferredByTx = new WeakMap<Tx, DeliveriesTable[]>();

  /**
   * Several `notify` jobs in one transaction (the runner's set-wise batch, already fenced): each
   * fanned out as by fanOut, in the order given, except that the webhook deliveries are written
   * together at the end: their order locks in one statement (sorted), the rows in one (taking
   * their sequence numbers in queue order, under the locks, as queueDelivery does one by one),
   * their jobs in one. Everything commits with the jobs' done marks, exactly once.
   */
  async fanOutMany(tx: Tx, jobs: ClaimedJob[], now: number): Promise<void> {
    const deferred: DeliveriesTable[] = [];
    this.deferredByTx.set(tx, deferred);
    try {
      for (const job of jobs) await this.fanOut(tx, job, now);
    } finally {
      this.deferredByTx.delete(tx);
    }
    if (deferred.length === 0) return;
    await repo.lockKeys(tx, deferred.filter((d) => d.ticket_id).map(orderLock));
    for (let i = 0; i < deferred.length; i += WRITE_CHUNK) {
      const chunk = deferred.slice(i, i + WRITE_CHUNK);
      await repo.insertDeliveries(tx, chunk);
      await enqueueJobs(tx, chunk.map(deliverJob), now);
    }
  }

  /** A reminder not sent because it stopped being useful: a delivery row that says why. */
  private async recordDrop(
    tx: Tx,
    q: {
      channel: string;
      recipientKey: string;
      userId: string | null;
      ticketId: string | null;
      item: DeliveryItem;
      reason: DropReason;
    },
    now: number,
  ): Promise<void> {
    await repo.insertDelivery(tx, {
      id: newId(),
      channel: q.channel,
      recipient_key: q.recipientKey,
      user_id: q.userId,
      ticket_id: q.ticketId,
      group_key: null,
      event: q.item.event,
      items: json([q.item]),
      state: 'dropped',
      sealed: 1,
      attempts: 0,
      last_response: `dropped: ${q.reason}`,
      drop_reason: q.reason,
      scheduled_at: now,
      delivered_at: null,
      created_at: now,
      updated_at: now,
    });
  }

  private async factsOf(
    ex: Executor,
    item: { escalationId: string | null; clockId: string | null },
  ): Promise<EscalationChaseFacts> {
    const e = item.escalationId ? await repo.escalationFacts(ex, item.escalationId) : undefined;
    const state = e ? parseJson<{ levelIndex?: number; targets?: { key: string; phase: string }[] }>(e.state, {}) : {};
    const clockState = item.clockId ? await repo.clockState(ex, item.clockId) : null;
    return {
      escalationStatus: e?.status ?? null,
      levelIndex: typeof state.levelIndex === 'number' ? state.levelIndex : null,
      targetPhases: state.targets ? Object.fromEntries(state.targets.map((t) => [t.key, t.phase])) : null,
      clockState,
    };
  }

  // ===================================================================== delivery (deliver job)

  /**
   * The `deliver` job: one attempt to send one delivery, logged with the channel's response.
   * Order is kept per recipient and ticket (by sequence number): a later delivery of the same
   * ticket waits (queued, no attempt spent) until the earlier one is done, dropped or dead,
   * while other tickets' deliveries to the same receiver go in parallel (a few at a time per
   * receiver). A failure is retried by time, over the retry window, then dead.
   */
  async deliver(job: ClaimedJob<{ deliveryId: string }>, sink?: Outcome[]): Promise<ExternalOutcome> {
    const id = job.payload.deliveryId;
    const decided = await this.decide(id);
    if (!decided) return { ok: true, response: 'nothing to send' };
    const turn = decided.d;

    const all = parseJson<DeliveryItem[]>(turn.items, []);
    const items: DeliveryItem[] = [];
    let dropReason: DropReason | null = null;
    // Webhooks are an event stream: every event goes. People's reminders go while useful.
    if (turn.channel === 'webhook') items.push(...all);
    else
      for (const item of all) {
        const why = dropReasonOf(item, await this.factsOf(this.d.db, item), this.now);
        if (why === null) items.push(item);
        else dropReason ??= why;
      }
    if (items.length === 0) {
      await this.finish(turn, 'dropped', `dropped: ${dropReason ?? 'empty'}`, null, {
        dropReason: dropReason ?? 'finished',
      }, sink);
      return { ok: true, response: `dropped: ${dropReason ?? 'empty'}` };
    }

    const started = this.now;
    let result: DeliveryResult;
    const releaseSlot = await this.slotFor(turn.recipient_key);
    try {
      result = await this.send(turn, items, decided.webhook);
    } catch (err) {
      // A delivery that cannot even be composed (a deleted team channel, a user without an
      // address) will not improve by waiting.
      result = { ok: false, retryable: false, response: err instanceof Error ? err.message : String(err) };
    } finally {
      releaseSlot();
    }
    const attempt = turn.attempts + 1;
    const now = this.now;
    let next: number | null = null;
    let retryUntil: number | null = null;
    if (!result.ok && result.retryable) {
      retryUntil =
        turn.retry_until ??
        Number(turn.scheduled_at) +
          (decided.webhook
            ? Number(decided.webhook.retryWindowMs ?? this.d.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS)
            : await this.retryWindowOf(turn));
      next = nextAttemptAt(now, attempt, retryUntil, result.retryAfterMs, this.d.random);
    }
    const state = result.ok ? 'done' : next === null ? 'dead' : 'failed';
    await this.finish(
      turn,
      state,
      result.response,
      { attempt, ok: result.ok, started, duration: now - started },
      { nextAttemptAt: next, retryUntil },
      sink,
    );
    if (result.ok) return { ok: true, response: result.response };
    if (next !== null) return { ok: false, retryable: true, response: result.response, retryAt: next };
    return { ok: false, retryable: false, response: result.response };
  }

  /**
   * A batch of `deliver` jobs (the runner's set-wise batch): each one as by deliver, side by side
   * (their turns read in one query, the sends bounded per receiver by the same slots, per-ticket
   * order kept by the same turn check), and their outcomes written together at the end in one
   * transaction, instead of group commits as they come. A delivery whose own work failed (a
   * read) comes back as a retryable failure of its job alone; the others keep their outcomes.
   */
  async deliverMany(jobs: ClaimedJob<{ deliveryId: string }>[]): Promise<ExternalOutcome[]> {
    const sink: Outcome[] = [];
    const results = await Promise.all(
      jobs.map((job) =>
        this.deliver(job, sink).catch((err: unknown): ExternalOutcome => {
          this.d.logger.warn({ err, id: job.payload.deliveryId }, 'a delivery of a batch failed');
          return { ok: false, retryable: true, response: err instanceof Error ? err.message : String(err) };
        }),
      ),
    );
    await this.writeOutcomeBatch(sink);
    return results;
  }

  /** Turn reads of deliveries whose jobs started together: one query for all of them. */
  private readonly turns = new Coalescer<string, TurnRow | undefined>(async (ids) => {
    const rows = await repo.deliveryTurns(this.d.db, ids, this.now);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  });

  /**
   * Whether a delivery goes now, and what to send it with. The common case (its turn, sealed)
   * is one read shared with the deliveries started at the same moment, without a lock: "no
   * earlier delivery of this ticket is on its way" stays true once read, since a later fan-out
   * of the ticket commits after this row (it takes the order lock before its sequence number).
   * A delivery that must wait (queued) or be sealed (a digest) is decided again under the
   * ticket's order lock, so its queued mark and the earlier one's finish are serialised.
   */
  private async decide(id: string): Promise<{ d: DeliveriesTable; webhook: WebhookTarget | null } | null> {
    const read = (r: TurnRow | undefined, locked: boolean) => {
      if (!r) return { go: false as const };
      const { blocked, webhook_id, webhook_url, webhook_secret, webhook_active, webhook_retry_window_ms, ...d } = r;
      if (d.state !== 'pending' && d.state !== 'failed') return { go: false as const };
      const mustWait = Boolean(d.ticket_id) && Boolean(blocked);
      if (!locked && (mustWait || d.sealed === 0)) return { go: 'recheck' as const };
      const webhook: WebhookTarget | null =
        webhook_id === null
          ? null
          : { id: webhook_id, url: webhook_url!, secret: webhook_secret!, active: Number(webhook_active), retryWindowMs: webhook_retry_window_ms ?? null };
      return { go: true as const, mustWait, d: d as DeliveriesTable, webhook };
    };
    const first = read(await this.turns.add(id), false);
    if (first.go === false) return null;
    if (first.go === true) return { d: first.d, webhook: first.webhook };
    return inTransaction(this.d.db, async (tx) => {
      // The order lock first (by id, one statement), then the row as it is under the lock.
      await repo.lockDeliveryOrder(tx, id);
      const again = read(await repo.deliveryTurn(tx, id, this.now), true);
      if (again.go !== true) return null;
      if (again.mustWait) {
        await repo.updateDelivery(tx, id, { state: 'queued', next_attempt_at: null, updated_at: this.now });
        return null;
      }
      if (again.d.sealed === 0) await repo.updateDelivery(tx, id, { sealed: 1, updated_at: this.now });
      return { d: again.d, webhook: again.webhook };
    });
  }

  /** The retry window of a delivery's receiver: its own setting, else the default. */
  private async retryWindowOf(d: DeliveriesTable): Promise<number> {
    const fallback = this.d.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS;
    if (d.channel === 'webhook')
      return Number(
        (await repo.findWebhook(this.d.db, d.recipient_key.slice('webhook:'.length)))?.retry_window_ms ??
          fallback,
      );
    if (d.recipient_key.startsWith('team:'))
      return Number(
        (await repo.findTeamChannel(this.d.db, d.recipient_key.split(':')[2] ?? ''))?.retry_window_ms ??
          fallback,
      );
    return fallback;
  }

  /** Opened secrets by sealed value and context (a rotated secret is another sealed value). */
  private readonly opened = new Map<string, string>();

  private openSecret(sealed: string, context: string): string {
    const key = `${context}\n${sealed}`;
    let plain = this.opened.get(key);
    if (plain === undefined) {
      plain = this.d.secrets.open(sealed, context);
      if (this.opened.size >= 1000) this.opened.clear();
      this.opened.set(key, plain);
    }
    return plain;
  }

  /** Waits for one of this node's sending slots for a receiver; resolves to its release. */
  private async slotFor(recipientKey: string): Promise<() => void> {
    const limit = Math.max(1, this.d.receiverConcurrency ?? 8);
    let s = this.sending.get(recipientKey);
    if (!s) this.sending.set(recipientKey, (s = { active: 0, waiting: [] }));
    const slots = s;
    if (slots.active >= limit) await new Promise<void>((resolve) => slots.waiting.push(resolve));
    else slots.active++;
    return () => {
      const wake = slots.waiting.shift();
      if (wake)
        wake(); // the slot passes straight to the next waiter
      else if (--slots.active === 0) this.sending.delete(recipientKey);
    };
  }

  /**
   * Records an outcome. A finished delivery (done, dropped, dead) lets the next queued one of
   * the same ticket go; a dead one alerts the administrators; a success after failures tells
   * the receiver is back, so its other waiting retries are brought forward instead of waiting
   * out their backoff.
   */
  private finish(
    d: DeliveriesTable,
    state: 'done' | 'dead' | 'failed' | 'dropped',
    response: string,
    attempt: { attempt: number; ok: boolean; started: number; duration: number } | null,
    more: { nextAttemptAt?: number | null; retryUntil?: number | null; dropReason?: DropReason } = {},
    /** A batch's outcomes, written together when the batch ends (deliverMany); else a group commit. */
    sink?: Outcome[],
  ): Promise<void> {
    if (sink) {
      sink.push({ d, state, response, attempt, more });
      return Promise.resolve();
    }
    return this.outcomes.add({ d, state, response, attempt, more });
  }

  /**
   * Outcomes of deliveries that finished together, in one transaction (a group commit): the
   * order locks in one statement, the attempt log in one, the deliveries' new states grouped by
   * equal values, the next queued delivery of each ticket released in one, their jobs in one.
   * A batch that fails is written again one outcome per transaction, so one bad row neither
   * undoes nor blocks the others.
   */
  private readonly outcomes = new Coalescer<Outcome, void>(async (batch) => {
    await this.writeOutcomeBatch(batch);
    return batch.map(() => undefined);
  });

  private async writeOutcomeBatch(batch: Outcome[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await inTransaction(this.d.db, (tx) => this.writeOutcomes(tx, batch));
    } catch (err) {
      if (batch.length === 1) throw err;
      this.d.logger.debug({ err, outcomes: batch.length }, 'a batch of delivery outcomes failed; writing them one by one');
      const results = await Promise.allSettled(batch.map((o) => inTransaction(this.d.db, (tx) => this.writeOutcomes(tx, [o]))));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
  }

  private async writeOutcomes(tx: Tx, batch: Outcome[]): Promise<void> {
    const now = this.now;
    await repo.lockKeys(tx, batch.map((o) => orderLock(o.d)));
    await repo.insertAttempts(
      tx,
      batch.flatMap(({ d, attempt, response }) =>
        attempt
          ? [{ id: newId(), delivery_id: d.id, attempt: attempt.attempt, ok: attempt.ok ? 1 : 0, response: response.slice(0, 2000), started_at: attempt.started, duration_ms: attempt.duration }]
          : [],
      ),
    );
    // Most outcomes of a batch set the same values (done, first attempt, the same answer): one
    // statement per distinct set.
    const groups = new Map<string, { set: Partial<DeliveriesTable>; ids: string[] }>();
    for (const { d, state, response, attempt, more } of batch) {
      const set: Partial<DeliveriesTable> = {
        state,
        attempts: attempt ? attempt.attempt : d.attempts,
        last_response: response.slice(0, 2000),
        next_attempt_at: state === 'failed' ? (more.nextAttemptAt ?? null) : null,
        ...(more.retryUntil != null && { retry_until: more.retryUntil }),
        ...(more.dropReason && { drop_reason: more.dropReason }),
        updated_at: now,
        ...(state === 'done' && { delivered_at: now }),
      };
      const key = JSON.stringify(set);
      const g = groups.get(key);
      if (g) g.ids.push(d.id);
      else groups.set(key, { set, ids: [d.id] });
    }
    for (const g of groups.values()) await repo.updateDeliveries(tx, g.ids, g.set);
    // A finished delivery (done, dropped, dead) lets the next queued one of its ticket go.
    const released = await repo.releaseNextQueuedOf(
      tx,
      batch.filter((o) => o.state !== 'failed' && o.d.ticket_id).map((o) => ({ recipientKey: o.d.recipient_key, ticketId: o.d.ticket_id! })),
      now,
    );
    await enqueueJobs(
      tx,
      released.map((next) => ({ kind: DELIVER_JOB, payload: { deliveryId: next }, dueAt: now, dedupeKey: `deliver:${next}:${newId()}`, maxAttempts: DELIVER_MAX_ATTEMPTS })),
      now,
    );
    for (const o of batch) if (o.state === 'dead') await this.alertAdmins(tx, o.d, o.response, now);
    // A success after failures tells the receiver is back: its other waiting retries are
    // brought forward instead of waiting out their backoff.
    const back = new Set(batch.filter((o) => o.state === 'done' && o.d.attempts > 0).map((o) => o.d.recipient_key));
    for (const recipientKey of back) {
      for (const id of await repo.waitingRetries(tx, recipientKey, now, 50)) {
        await repo.updateDelivery(tx, id, { next_attempt_at: now, updated_at: now });
        await bringJobsForward(tx, `deliver:${id}`, now);
      }
    }
  }

  /** A delivery that will not be sent any more: every active administrator is told in-app. */
  private async alertAdmins(tx: Tx, d: DeliveriesTable, response: string, now: number): Promise<void> {
    const admins = await repo.activeAdminIds(tx);
    if (admins.length === 0) return;
    await enqueueJob(
      tx,
      {
        kind: NOTIFY_JOB,
        payload: {
          event: DELIVERY_DEAD_EVENT,
          ticketId: d.ticket_id,
          userIds: admins,
          data: {
            deliveryId: d.id,
            channel: d.channel,
            recipientKey: d.recipient_key,
            event: d.event,
            attempts: d.attempts + 1,
            lastResponse: response.slice(0, 300),
          },
        },
        dueAt: now,
        dedupeKey: `notify:delivery-dead:${d.id}:${now}`,
      },
      now,
    );
  }

  /**
   * Sends one delivery. A webhook's subscription comes with it (read with the delivery under
   * its order lock); its signing secret is opened once per sealed value, not per delivery.
   */
  private async send(d: DeliveriesTable, items: DeliveryItem[], webhook: WebhookTarget | null): Promise<DeliveryResult> {
    const now = this.now;
    if (this.d.customerDeliveries?.handles(d)) return this.d.customerDeliveries.send(d);
    if (d.channel === 'webhook') {
      const sub = webhook;
      if (!sub || sub.active !== 1) return { ok: false, retryable: false, response: 'webhook subscription removed or inactive' };
      const item = items[0]!;
      const secret = this.openSecret(sub.secret, `webhook_subscriptions.${sub.id}`);
      const data = { ticketId: item.ticketId, escalationId: item.escalationId, clockId: item.clockId, clockKind: item.clockKind, dueAt: item.dueAtMs === null ? null : new Date(item.dueAtMs).toISOString(), ...item.data };
      return postWebhook(sub.url, { id: d.id, event: item.event, occurredAt: new Date(item.at).toISOString(), data }, secret, now, { outbound: this.d.outbound });
    }
    if (d.recipient_key.startsWith('team:')) {
      const channelId = d.recipient_key.split(':')[2]!;
      const row = await repo.findTeamChannel(this.d.db, channelId);
      if (!row) return { ok: false, retryable: false, response: 'team channel removed' };
      const cfg = JSON.parse(this.d.secrets.open(row.config, `team_channels.${row.id}`)) as TeamChannelConfig;
      const locale = cfg.locale ?? 'en';
      const timeZone = cfg.timeZone ?? 'UTC';
      if (row.kind === 'teams_webhook') return sendTeamsMessage(cfg.url!, await this.teamsMessage(items, locale, timeZone), now, { outbound: this.d.outbound });
      const dest: SlackDestination = row.kind === 'slack_webhook' ? { mode: 'webhook', webhookUrl: cfg.url! } : { mode: 'bot', token: cfg.token!, channel: cfg.channel!, apiBaseUrl: this.d.config.slack.apiUrl };
      return sendSlackMessage(dest, await this.slackMessage(items, locale, timeZone), now, { outbound: this.d.outbound });
    }
    const [user] = await repo.usersByIds(this.d.db, [d.user_id ?? '']);
    if (!user) return { ok: false, retryable: false, response: 'recipient no longer exists' };
    if (d.channel === 'slack') {
      const prefs = (await this.preferencesMap(this.d.db, [user.id])).get(user.id);
      const token = this.d.config.slack.botToken;
      if (!prefs?.slackUserId || !token) return { ok: false, retryable: false, response: 'no Slack id linked or no bot token configured' };
      return sendSlackMessage({ mode: 'bot', token, channel: prefs.slackUserId, apiBaseUrl: this.d.config.slack.apiUrl }, await this.slackMessage(items, user.locale, user.time_zone), now, { outbound: this.d.outbound });
    }
    return this.sendMail(d, user, items);
  }

  private async sendMail(d: DeliveriesTable, user: UserRow, items: DeliveryItem[]): Promise<DeliveryResult> {
    const message = await this.renderFor(this.d.db, items, user.locale, user.time_zone, user.name);
    const domain = mailDomainOf(this.d.config.mailFrom);
    const thread = d.ticket_id ? ticketThreadIds(d.ticket_id, d.id, domain) : { messageId: `<notification.${d.id}@${domain}>`, inReplyTo: undefined, references: undefined };
    const record = this.d.recordOutgoingMessageId;
    if (d.ticket_id && record) {
      await inTransaction(this.d.db, (tx) => record(tx, d.ticket_id!, thread.messageId, this.now)).catch((err: unknown) => this.d.logger.warn({ err }, 'could not record an outgoing Message-ID'));
    }
    return this.d.mailer.send({
      to: user.email,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: thread.messageId,
      ...(thread.inReplyTo && { inReplyTo: thread.inReplyTo }),
      ...(thread.references && { references: thread.references }),
      headers: { 'X-Escalon-Delivery': d.id },
    });
  }

  /**
   * Slack: one chasing item becomes the escalation card; a digest leads with its summary and
   * still carries, for each escalation it chases, the card with the ask, the temperature, the
   * deadline and the Acknowledge button.
   */
  private async slackMessage(items: DeliveryItem[], locale: string, timeZone: string): Promise<SlackMessage> {
    const views = await this.chaseCards(items, locale, timeZone);
    if (items.length === 1 && views[0]) return escalationSlackMessage(views[0]);
    const m = await this.renderFor(this.d.db, items, locale, timeZone, '');
    const summary = `*${m.subject}*\n${m.text}`;
    if (!views.length) return { text: summary };
    const blocks: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: truncate(summary, 2900) } }];
    for (const v of views) blocks.push({ type: 'divider' }, ...(escalationSlackMessage(v).blocks ?? []));
    return { text: m.subject, blocks };
  }

  private async teamsMessage(items: DeliveryItem[], locale: string, timeZone: string): Promise<TeamsMessage> {
    const views = await this.chaseCards(items, locale, timeZone);
    if (items.length === 1 && views[0]) return escalationTeamsMessage(views[0]);
    const m = await this.renderFor(this.d.db, items, locale, timeZone, '');
    const content = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: m.subject, weight: 'Bolder', size: 'Medium', wrap: true },
        { type: 'TextBlock', text: m.text, wrap: true },
      ],
    };
    const cards = views.flatMap((v) => escalationTeamsMessage(v).attachments);
    return { type: 'message', summary: m.subject, attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content }, ...cards] };
  }

  /** Cards for the escalations these items still chase, newest first, one per escalation. */
  private async chaseCards(items: DeliveryItem[], locale: string, timeZone: string): Promise<EscalationCardView[]> {
    const seen = new Set<string>();
    const views: EscalationCardView[] = [];
    for (const item of [...items].reverse()) {
      if (!item.escalationId || seen.has(item.escalationId) || views.length >= 5) continue;
      const view = await this.cardView(item, locale, timeZone);
      if (!view) continue;
      seen.add(item.escalationId);
      views.push(view);
    }
    return views;
  }

  /** The chat card for an escalation that still asks for something (conclusion first). */
  private async cardView(item: DeliveryItem, locale: string, timeZone: string): Promise<EscalationCardView | null> {
    if (!item.escalationId || !['escalation.requested', 'escalation.reminder', 'escalation.advanced', 'escalation.fallback'].includes(item.event)) return null;
    const data = await this.dataFor(this.d.db, [item], '', timeZone, locale);
    if (!data.escalation) return null;
    const e = data.escalation;
    return {
      escalationId: e.id,
      ask: e.ask,
      temperature: e.temperature,
      ...(e.dueAtMs !== undefined && { dueAtMs: e.dueAtMs }),
      ...(e.category && { category: e.category }),
      ...(e.level && { level: e.level }),
      ticket: { number: data.ticket.number, subject: data.ticket.subject },
      url: e.url,
      locale,
      timeZone,
    };
  }

  /** Subject, text and HTML in the reader's language; edited templates first. Never throws. */
  private async renderFor(ex: Executor, items: DeliveryItem[], locale: string, timeZone: string, name: string): Promise<RenderedNotification> {
    const event = (items.length > 1 ? 'digest' : templateEventOf(items[0]!.event)) as NotificationEvent | null;
    const data = await this.dataFor(ex, items, name, timeZone, locale);
    if (event) {
      try {
        const o = await repo.templateOverride(ex, event, languageOf(locale));
        return renderNotification(event, locale, data, o ? { subject: o.subject, text: o.text, html: o.html } : {});
      } catch (err) {
        this.d.logger.warn({ err, event }, 'notification could not be rendered; sending the plain form');
      }
    }
    const item = items[0]!;
    // Never a raw event name: a localised generic line, the ticket and its link.
    const generic = genericNotificationText(locale, item.event.startsWith('escalation.') ? 'escalation' : 'other');
    const subject = `[#${data.ticket.number}] ${generic}${data.ticket.subject ? ` · ${data.ticket.subject}` : ''}`;
    const text = `${generic}\n${data.ticket.url}`;
    return { subject, text, html: `<p>${escapeHtml(generic)}</p><p><a href="${escapeHtml(data.ticket.url)}">${escapeHtml(data.ticket.url)}</a></p>` };
  }

  private async dataFor(ex: Executor, items: DeliveryItem[], name: string, timeZone: string, locale: string): Promise<NotificationData> {
    const base = this.d.config.publicUrl;
    const first = items[0]!;
    const t = first.ticketId ? await repo.ticketFacts(ex, first.ticketId) : undefined;
    const data: NotificationData = {
      recipient: { name, timeZone },
      ticket: t ? { number: t.number, subject: t.subject, url: `${base}/tickets/${t.id}` } : { number: '-', subject: '', url: base },
      settingsUrl: `${base}/settings/notifications`,
    };
    const actor = typeof first.data.actorName === 'string' ? first.data.actorName : undefined;
    if (actor) data.actorName = actor;
    // Outcomes of an escalation carry who acted (acknowledged, returned, resolved) as a user id.
    else if (typeof first.data.userId === 'string' && first.event.startsWith('escalation.')) {
      const [u] = await repo.usersByIds(ex, [first.data.userId]);
      if (u) data.actorName = u.name;
    }
    if (first.escalationId) {
      const e = await repo.escalationFacts(ex, first.escalationId);
      if (e) {
        const brief = parseJson<{ ask?: string; customerTemperature?: Temperature; category?: string }>(e.brief, {});
        const snapshot = parseJson<{ levels?: { name?: string }[]; origin?: EscalationOrigin }>(e.snapshot, {});
        const level = snapshot.levels?.[e.level_index]?.name;
        // The system wrote the ask of automatic, SLA and ping-pong escalations: say it in the reader's language.
        const systemAsk = snapshot.origin && snapshot.origin.code !== 'direct' ? renderOrigin(snapshot.origin, languageOf(locale)) : undefined;
        data.escalation = {
          id: e.id,
          ask: systemAsk ?? brief.ask ?? '',
          temperature: brief.customerTemperature ?? ((t?.temperature as Temperature | undefined) ?? 'calm'),
          ...(e.ack_due_at !== null && { dueAtMs: Number(e.ack_due_at) }),
          ...(level && { level }),
          ...(brief.category && { category: brief.category }),
          ...(typeof first.data.reason === 'string' && { reason: first.data.reason }),
          ...(typeof first.data.targetName === 'string' && { targetName: first.data.targetName }),
          ...(typeof first.data.text === 'string' && first.data.text && { returnText: first.data.text }),
          ...(typeof first.data.answer === 'string' && first.data.answer && { answer: first.data.answer }),
          ...(typeof first.data.message === 'string' && first.data.message && { message: first.data.message, isQuestion: first.data.messageKind === 'question' }),
          ...(first.data.forRequester === true && { forRequester: true }),
          url: `${base}/escalations/${e.id}`,
        };
      }
    }
    if (first.event === PATH_REVIEW_EVENT && typeof first.data.pathId === 'string') {
      const d = first.data;
      const ms = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN);
      const due = ms(d.reviewDueAt);
      const last = ms(d.lastReviewedAt);
      const id = encodeURIComponent(d.pathId as string);
      data.path = {
        id: d.pathId as string,
        name: typeof d.pathName === 'string' ? d.pathName : '',
        url: `${base}/admin/paths/${id}`,
        reviewUrl: `${base}/reports/paths/${id}`,
        dueAtMs: Number.isFinite(due) ? due : first.at,
        ...(Number.isFinite(last) && { lastReviewedAtMs: last }),
      };
    }
    if (first.event.startsWith('incident.') && typeof first.data.incidentId === 'string') {
      const d = first.data;
      const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
      const ms = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? (Number.isFinite(Number(v)) ? Number(v) : Date.parse(String(v))) : NaN);
      const ja = languageOf(locale) === 'ja';
      const body = ja ? (str(d.bodyJa) ?? str(d.bodyEn)) : (str(d.bodyEn) ?? str(d.bodyJa));
      const next = ms(d.nextUpdateAt);
      const due = ms(d.dueAt);
      data.incident = {
        id: String(d.incidentId),
        title: str(d.incidentTitle) ?? '',
        severity: str(d.severity) ?? '',
        url: `${base}/incidents/${d.incidentId}`,
        ...(str(d.state) && { state: str(d.state) }),
        ...(body && { body }),
        ...(d.audience === 'internal' && { internal: true }),
        ...(Number.isFinite(next) && { nextUpdateAtMs: next }),
        ...(str(d.role) && { role: str(d.role) }),
        ...(str(d.personName) && { personName: str(d.personName) }),
        ...(Number.isFinite(due) && { dueAtMs: due }),
        ...(typeof d.escalationId === 'string' && { escalated: true }),
      };
    }
    if (first.event === HELD_MAIL_EVENT && t) {
      const d = first.data;
      const inboundId = typeof d.inboundId === 'string' ? d.inboundId : '';
      data.held = {
        from: typeof d.from === 'string' ? d.from : '',
        subject: typeof d.subject === 'string' ? d.subject : '',
        reason: d.reason === 'dns_temperror' ? 'dns_temperror' : 'dmarc_fail',
        fromDomain: typeof d.fromDomain === 'string' ? d.fromDomain : null,
        // The console scrolls to the held message on the ticket (Timeline: id held-<inboundId>).
        url: `${base}/tickets/${t.id}${inboundId ? `#held-${encodeURIComponent(inboundId)}` : ''}`,
      };
    }
        if (first.clockKind && first.dueAtMs !== null) data.sla = { clock: first.clockKind as SlaClock, dueAtMs: first.dueAtMs };
    if (items.length > 1) {
      data.items = items.map((i) => ({ event: (templateEventOf(i.event) ?? 'escalation.requested') as never, atMs: i.at }));
    }
    return data;
  }

  // ===================================================================== people: inbox and preferences

  /** The reader's notifications, but of tickets they do not see (any more), as lists and counts. */
  async listMine(reader: Principal, f: { unread?: boolean; limit: number; cursor?: string }) {
    const userId = reader.userId;
    const visible = ticketRefVisibleCondition(await this.d.ticketAccess.scope(reader), 'notifications.ticket_id');
    const rows = await repo.listNotifications(this.d.db, userId, { ...(f.unread === true && { unread: true }), ...(f.unread === false && { read: true }), limit: f.limit, after: decodeCursor(f.cursor), visible });
    const page = toPage(rows, f.limit, (r) => ({ v: null, id: r.id }));
    return { ...page, unread: await repo.countUnread(this.d.db, userId, visible) };
  }

  async markRead(userId: string, id: string) {
    const n = await repo.findNotification(this.d.db, id);
    if (!n || n.user_id !== userId) throw notFound('Notification', id);
    await inTransaction(this.d.db, async (tx) => {
      await repo.markRead(tx, userId, [id], this.now);
      await this.d.live.publish(tx, { type: 'notification.read', ids: [id], userIds: [userId] });
    });
    return (await repo.findNotification(this.d.db, id))!;
  }

  async markAllRead(userId: string): Promise<{ updated: number }> {
    return inTransaction(this.d.db, async (tx) => {
      const updated = await repo.markRead(tx, userId, 'all', this.now);
      await this.d.live.publish(tx, { type: 'notification.read', ids: [], userIds: [userId] });
      return { updated };
    });
  }

  /** The person's own view: their Slack id as entered, and whether it is verified. */
  async preferences(userId: string): Promise<NotificationPreferences> {
    const [r] = await repo.preferencesOf(this.d.db, [userId]);
    if (!r) return { ...DEFAULT_PREFERENCES, slackVerified: false };
    return { channels: parseJson(r.channels, {}), quietHours: parseJson<QuietHours | null>(r.quiet_hours, null), slackUserId: r.slack_user_id, slackVerified: r.slack_user_id !== null && r.slack_verified_at != null };
  }

  /**
   * A Slack member id is linked by verification, not first come first served: Slack's
   * users.info must show the member's confirmed email to be this person's Escalon email.
   * Otherwise anyone could enter a colleague's id and press Acknowledge as them.
   */
  async setPreferences(userId: string, input: { channels?: Record<string, UserChannel[]>; quietHours?: QuietHours | null; slackUserId?: string | null }): Promise<NotificationPreferences> {
    const current = await this.preferences(userId);
    const next: NotificationPreferences = {
      channels: input.channels ?? current.channels,
      quietHours: input.quietHours === undefined ? current.quietHours : input.quietHours,
      slackUserId: input.slackUserId === undefined ? current.slackUserId : input.slackUserId,
    };
    let verifiedAt: number | null = next.slackUserId && next.slackUserId === current.slackUserId && current.slackVerified ? this.now : null;
    if (next.slackUserId && verifiedAt === null) {
      const [user] = await repo.usersByIds(this.d.db, [userId]);
      const member = await this.slackMember(next.slackUserId);
      const problem = (code: string, message: string) => invalid([{ field: 'slackUserId', code, message }]);
      if (!member || member.deleted) throw problem('slack_member_unknown', 'is not a member of the Slack workspace');
      if (!member.email || !member.emailConfirmed || member.email !== user?.email.toLowerCase()) {
        throw problem('slack_email_mismatch', "belongs to a Slack account whose confirmed email is not your Escalon email");
      }
      const holder = await repo.userIdByVerifiedSlackId(this.d.db, next.slackUserId);
      if (holder && holder !== userId) throw problem('slack_linked_elsewhere', 'is linked to another Escalon user');
      verifiedAt = this.now;
    }
    await inTransaction(this.d.db, async (tx) => {
      if (next.slackUserId && verifiedAt !== null) await repo.linkSlackId(tx, userId, next.slackUserId, verifiedAt);
      await repo.upsertPreferences(tx, { user_id: userId, channels: json(next.channels), quiet_hours: next.quietHours ? json(next.quietHours) : null, slack_user_id: next.slackUserId, slack_verified_at: next.slackUserId ? verifiedAt : null, updated_at: this.now });
    });
    return { ...next, slackVerified: next.slackUserId !== null };
  }

  /** users.info through the bot token; without one nobody can be verified. */
  private async slackMember(slackUserId: string): Promise<SlackMember | null> {
    const token = this.d.config.slack.botToken;
    if (!token) throw invalid([{ field: 'slackUserId', code: 'slack_not_configured', message: 'cannot be verified: Escalon has no Slack bot token (ESCALON_SLACK_BOT_TOKEN)' }]);
    return lookupSlackMember(this.d.config.slack.apiUrl, token, slackUserId, { outbound: this.d.outbound });
  }

  /** For sending and for buttons: only verified Slack ids count. */
  private async preferencesMap(ex: Executor, userIds: string[]): Promise<Map<string, NotificationPreferences>> {
    const rows = await repo.preferencesOf(ex, userIds);
    return new Map(
      rows.map((r) => [r.user_id, { channels: parseJson(r.channels, {}), quietHours: parseJson<QuietHours | null>(r.quiet_hours, null), slackUserId: r.slack_verified_at != null ? r.slack_user_id : null }]),
    );
  }

  // ===================================================================== admin: deliveries

  async listDeliveries(f: { state?: string; channel?: string; limit: number; cursor?: string }) {
    const rows = await repo.listDeliveries(this.d.db, { ...f, after: decodeCursor(f.cursor) });
    return toPage(rows, f.limit, (r) => ({ v: null, id: r.id }));
  }

  async getDelivery(id: string) {
    const d = await repo.findDelivery(this.d.db, id);
    if (!d) throw notFound('Delivery', id);
    return { delivery: d, attempts: await repo.attemptsOf(this.d.db, [id]) };
  }

  /** Sends a failed or dead delivery again now, with a fresh allowance of attempts. */
  async retryDelivery(id: string) {
    const now = this.now;
    await inTransaction(this.d.db, async (tx) => {
      const d = await repo.findDelivery(tx, id);
      if (!d) throw notFound('Delivery', id);
      if (d.state !== 'failed' && d.state !== 'dead') throw new AppError('conflict', `Only failed or dead deliveries can be retried; this one is ${d.state}.`, { state: d.state });
      await cancelJobsByPrefix(tx, `deliver:${id}`, now);
      // A fresh retry window from now, as if it had just been queued.
      await repo.updateDelivery(tx, id, {
        state: 'pending',
        scheduled_at: Math.min(Number(d.scheduled_at), now),
        retry_until: null,
        next_attempt_at: null,
        updated_at: now,
      });
      await enqueueJob(
        tx,
        {
          kind: DELIVER_JOB,
          payload: { deliveryId: id },
          dueAt: now,
          dedupeKey: `deliver:${id}:${newId()}`,
          maxAttempts: DELIVER_MAX_ATTEMPTS,
        },
        now,
      );
    });
    return this.getDelivery(id);
  }

  // ===================================================================== admin: webhooks

  listWebhooks() {
    return repo.webhookSubscriptions(this.d.db);
  }

  async createWebhook(input: { url: string; events: string[]; active?: boolean; retryWindowHours?: number | null }, actor?: AuditActor | null) {
    checkUrl(input.url, 'url', this.d.outbound);
    const id = newId();
    const secret = `whsec_${randomSecret(32)}`;
    const now = this.now;
    const row = await inTransaction(this.d.db, async (tx) => {
      await tx
        .insertInto('webhook_subscriptions')
        .values({ id, url: input.url, events: json([...new Set(input.events)]), secret: this.d.secrets.seal(secret, `webhook_subscriptions.${id}`), active: input.active === false ? 0 : 1, retry_window_ms: input.retryWindowHours ? input.retryWindowHours * 3600_000 : null, created_at: now, updated_at: now })
        .execute();
      const created = (await repo.findWebhook(tx, id))!;
      await this.d.audit.change(tx, actor, 'webhook.created', { type: 'webhook', id }, null, webhookAudit(created));
      return created;
    });
    return { row, secret };
  }

  async updateWebhook(id: string, input: { url?: string; events?: string[]; active?: boolean; rotateSecret?: boolean; retryWindowHours?: number | null }, actor?: AuditActor | null) {
    const row = await repo.findWebhook(this.d.db, id);
    if (!row) throw notFound('Webhook subscription', id);
    if (input.url) checkUrl(input.url, 'url', this.d.outbound);
    const secret = input.rotateSecret ? `whsec_${randomSecret(32)}` : undefined;
    await inTransaction(this.d.db, async (tx) => {
      const before = (await repo.findWebhook(tx, id)) ?? row;
      await tx
        .updateTable('webhook_subscriptions')
        .set({
          ...(input.url && { url: input.url }),
          ...(input.events && { events: json([...new Set(input.events)]) }),
          ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
          ...(input.retryWindowHours !== undefined && { retry_window_ms: input.retryWindowHours ? input.retryWindowHours * 3600_000 : null }),
          ...(secret && { secret: this.d.secrets.seal(secret, `webhook_subscriptions.${id}`) }),
          updated_at: this.now,
        })
        .where('id', '=', id)
        .execute();
      await this.d.audit.change(tx, actor, 'webhook.updated', { type: 'webhook', id }, webhookAudit(before), { ...webhookAudit((await repo.findWebhook(tx, id))!), ...(secret && { secretRotated: true }) });
    });
    return { row: (await repo.findWebhook(this.d.db, id))!, secret };
  }

  async deleteWebhook(id: string, actor?: AuditActor | null): Promise<void> {
    await inTransaction(this.d.db, async (tx) => {
      const before = await repo.findWebhook(tx, id);
      const r = await tx.updateTable('webhook_subscriptions').set({ active: 0, updated_at: this.now }).where('id', '=', id).executeTakeFirst();
      if (!before || Number(r.numUpdatedRows) === 0) throw notFound('Webhook subscription', id);
      // Kept (inactive) so the delivery log still names it; pending deliveries die as "inactive".
      await tx.deleteFrom('webhook_subscriptions').where('id', '=', id).where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries').select('id').where('recipient_key', '=', `webhook:${id}`)))).execute();
      await this.d.audit.change(tx, actor, 'webhook.deleted', { type: 'webhook', id }, webhookAudit(before), null);
    });
  }

  // ===================================================================== admin: team channels

  listTeamChannels() {
    return repo.teamChannels(this.d.db);
  }

  async createTeamChannel(input: { teamId: string; kind: TeamChannelKind; label?: string; config: TeamChannelConfig }, actor?: AuditActor | null) {
    const team = await this.d.db.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst();
    if (!team) throw invalid([{ field: 'teamId', message: 'no such team', code: 'unknown_team' }]);
    const c = input.config;
    if (input.kind === 'slack_bot') {
      if (!c.token || !c.channel) throw invalid([{ field: 'config', message: 'slack_bot needs token and channel', code: 'slack_bot_config_needed' }]);
    } else {
      if (!c.url) throw invalid([{ field: 'config.url', message: `${input.kind} needs the webhook url`, code: 'webhook_url_needed' }]);
      checkUrl(c.url, 'config.url', this.d.outbound);
    }
    const id = newId();
    const now = this.now;
    return inTransaction(this.d.db, async (tx) => {
      await tx
        .insertInto('team_channels')
        .values({ id, team_id: input.teamId, kind: input.kind, label: input.label ?? input.kind, config: this.d.secrets.seal(JSON.stringify(c), `team_channels.${id}`), created_at: now, updated_at: now })
        .execute();
      const created = (await repo.findTeamChannel(tx, id))!;
      // The URL or token is the channel's secret: only where it points is kept.
      await this.d.audit.change(tx, actor, 'team_channel.created', { type: 'team_channel', id }, null, channelAudit(created, c));
      return created;
    });
  }

  async deleteTeamChannel(id: string, actor?: AuditActor | null): Promise<void> {
    await inTransaction(this.d.db, async (tx) => {
      const before = await repo.findTeamChannel(tx, id);
      if (!before) throw notFound('Team channel', id);
      await tx.deleteFrom('team_channels').where('id', '=', id).execute();
      await this.d.audit.change(tx, actor, 'team_channel.deleted', { type: 'team_channel', id }, channelAudit(before, null), null);
    });
  }

  // ===================================================================== admin: templates

  listTemplates() {
    return repo.templateOverrides(this.d.db);
  }

  /** Saves an edited template after compiling it and rendering it once: errors surface now, with the line. */
  async putTemplate(actorId: string, event: string, locale: string, input: { subject: string; text: string; html: string }, actor?: AuditActor | null) {
    if (!(NOTIFICATION_EVENTS as readonly string[]).includes(event)) throw notFound('Notification event', event);
    if (locale !== 'ja' && locale !== 'en') throw invalid([{ field: 'locale', message: 'must be ja or en', code: 'unsupported_locale' }]);
    compileTemplate(input.subject, 'text', 'subject');
    compileTemplate(input.text, 'text', 'text');
    compileTemplate(input.html, 'html', 'html');
    try {
      renderNotification(event as NotificationEvent, locale, sampleData(event as NotificationEvent), input);
    } catch (err) {
      throw invalid([{ field: 'template', message: `does not render: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`, code: 'template_does_not_render' }]);
    }
    return inTransaction(this.d.db, async (tx) => {
      const before = await repo.templateOverride(tx, event, locale);
      await repo.putTemplate(tx, { event, language: locale, ...input, updated_by: actorId, updated_at: this.now });
      const after = (await repo.templateOverride(tx, event, locale))!;
      await this.d.audit.change(tx, actor ?? { userId: actorId }, 'template.updated', { type: 'template', id: `${event}/${locale}` }, before ? templateAudit(before) : null, templateAudit(after));
      return after;
    });
  }

  async deleteTemplate(event: string, locale: string, actor?: AuditActor | null): Promise<void> {
    await inTransaction(this.d.db, async (tx) => {
      const before = await repo.templateOverride(tx, event, locale);
      await tx.deleteFrom('notification_templates').where('event', '=', event).where('language', '=', locale).execute();
      if (before) await this.d.audit.change(tx, actor, 'template.reset', { type: 'template', id: `${event}/${locale}` }, templateAudit(before), null);
    });
  }

  defaultTemplate(event: string, locale: string) {
    if (!(NOTIFICATION_EVENTS as readonly string[]).includes(event)) throw notFound('Notification event', event);
    return defaultTemplates[event as NotificationEvent][languageOf(locale)];
  }

  // ===================================================================== Slack interactivity

  /**
   * An Acknowledge button pressed in Slack: verified (signature and a fresh timestamp) before
   * anything else, then the same acknowledgement as in the console, by the Escalon user whose
   * preferences name this Slack user.
   */
  /**
   * The Slack slash command (`/escalon link`): answers the member, privately, with a one-time
   * link (15 minutes) to open while signed in to Escalon. The link carries a random token in its
   * fragment (never sent to servers or kept in access logs); only its hash is stored.
   */
  async slackCommand(rawBody: string, headers: HeaderBag): Promise<{ text: string }> {
    const secret = this.d.config.slack.signingSecret;
    if (!secret || !verifySlackRequest(secret, headers, rawBody, this.now)) {
      throw new AppError('unauthenticated', 'The Slack request signature or timestamp is not valid.');
    }
    const form = new URLSearchParams(rawBody);
    const slackUserId = form.get('user_id') ?? '';
    if (!/^[UW][A-Z0-9]{2,30}$/.test(slackUserId)) throw new AppError('bad_request', 'Not a Slack command: no user_id.');
    const word = (form.get('text') ?? '').trim().toLowerCase();
    if (word !== '' && word !== 'link') return { text: 'Escalon: `/escalon link` で Slack アカウントを連携します。 / `/escalon link` links your Slack account.' };
    const token = randomSecret();
    const now = this.now;
    await inTransaction(this.d.db, (tx) =>
      repo.insertSlackLinkToken(tx, { token_hash: hashToken(token), slack_user_id: slackUserId, slack_team_id: form.get('team_id'), expires_at: now + SLACK_LINK_TTL_MS, created_at: now }),
    );
    const url = `${this.d.config.publicUrl}/settings/slack-link#t=${token}`;
    // Nobody is known yet, so no language either: both.
    return { text: `Escalon にサインインした状態でこのリンクを開き、Slack アカウントとの連携を確認してください（15分間・1回限り有効）。\nOpen this link while signed in to Escalon to confirm linking your Slack account (valid once, for 15 minutes):\n<${url}|${url}>` };
  }

  /**
   * The signed-in person confirms a one-time link from the slash command: the Slack member it was
   * issued to becomes their verified Slack id. Used, expired or unknown links answer link_expired.
   */
  async confirmSlackLink(actor: AuditActor, token: string): Promise<NotificationPreferences> {
    const userId = actor.userId;
    await inTransaction(this.d.db, async (tx) => {
      const now = this.now;
      const slackUserId = await repo.takeSlackLinkToken(tx, hashToken(token), now);
      if (!slackUserId) throw new AppError('link_expired', 'This Slack link was already used or has expired; run /escalon link in Slack again.');
      const holder = await repo.userIdByVerifiedSlackId(tx, slackUserId);
      if (holder && holder !== userId) throw invalid([{ field: 'token', code: 'slack_linked_elsewhere', message: 'the Slack account is linked to another Escalon user' }]);
      await repo.linkSlackId(tx, userId, slackUserId, now);
      await this.d.audit.record(tx, { actorId: userId, action: 'user.slack_linked', targetType: 'user', targetId: userId, ip: actor.ip ?? null, data: { slackUserId, via: 'one_time_link' } });
    });
    return this.preferences(userId);
  }

  async slackInteraction(rawBody: string, headers: HeaderBag): Promise<{ text: string; acknowledged: boolean }> {
    const secret = this.d.config.slack.signingSecret;
    if (!secret || !verifySlackRequest(secret, headers, rawBody, this.now)) {
      throw new AppError('unauthenticated', 'The Slack request signature or timestamp is not valid.');
    }
    const interaction = parseSlackInteraction(rawBody);
    if (interaction.actionId !== ACKNOWLEDGE_ACTION_ID) return { text: 'OK', acknowledged: false };
    const userId = (await repo.userIdByVerifiedSlackId(this.d.db, interaction.userId)) ?? (await this.linkSlackByEmail(interaction.userId));
    const [user] = userId ? await repo.usersByIds(this.d.db, [userId]) : [];
    // Nobody is known yet, so no language either: say it in both.
    if (!user || user.active !== 1) return { text: 'Escalon の通知設定で Slack アカウントを連携してください。 / Link your Slack account in your Escalon notification settings first.', acknowledged: false };
    const actor: Principal = { userId: user.id, role: user.role as Principal['role'], locale: languageOf(user.locale), timeZone: user.time_zone, name: user.name, email: user.email, via: 'token' };
    try {
      await this.d.acknowledge(actor, interaction.value);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return { text: err.message, acknowledged: false };
      throw err;
    }
    return { text: `${cardLabels(user.locale).acknowledgedBy} ${user.name}`, acknowledged: true };
  }

  /**
   * A button press from a Slack member not linked yet: Slack's users.info says who they are;
   * the Escalon user with that confirmed email (active) is linked, verified. Nobody else.
   */
  private async linkSlackByEmail(slackUserId: string): Promise<string | null> {
    const token = this.d.config.slack.botToken;
    if (!token) return null;
    const member = await lookupSlackMember(this.d.config.slack.apiUrl, token, slackUserId, { outbound: this.d.outbound });
    if (!member || member.deleted || !member.email || !member.emailConfirmed) return null;
    const userId = await repo.activeUserIdByEmail(this.d.db, member.email);
    if (!userId) return null;
    await inTransaction(this.d.db, (tx) => repo.linkSlackId(tx, userId, slackUserId, this.now));
    return userId;
  }

  // ===================================================================== live updates

  /** Ticket changes announced to the console after they commit. */
  ticketHooks(): TicketHooks {
    const live = this.d.live;
    const announced = (kind: string) =>
      kind !== 'message.added' && kind !== 'field.changed' && kind !== 'ticket.assigned' && kind !== 'ticket.created';
    return {
      afterCreate: (tx, ticket) => live.publish(tx, { type: 'ticket.created', ids: [ticket.id] }),
      afterUpdate: (tx, _before, after) => live.publish(tx, { type: 'ticket.updated', ids: [after.id] }),
      // A bulk action's chunk: one announcement (an event carries at most 50 ids).
      afterUpdateMany: async (tx, updates) => {
        for (let i = 0; i < updates.length; i += 50) await live.publish(tx, { type: 'ticket.updated', ids: updates.slice(i, i + 50).map((u) => u.after.id) });
      },
      afterMessage: (tx, ticket) => live.publish(tx, { type: 'ticket.message', ids: [ticket.id] }),
      // A fan-out's batch of replies: one announcement per 50 tickets.
      afterMessages: async (tx, messages) => {
        for (let i = 0; i < messages.length; i += 50) await live.publish(tx, { type: 'ticket.message', ids: messages.slice(i, i + 50).map((m) => m.ticket.id) });
      },
      // Events other modules append without a field change (SLA warnings and breaches,
      // escalation steps, calls, bounces) still refresh open ticket pages.
      afterEvent: async (ex, ticketId, kind) => {
        if (announced(kind)) await live.publish(ex, { type: 'ticket.updated', ids: [ticketId] });
      },
      // Many events at once (a batch of SLA breaches): one announcement per 50 tickets.
      afterEvents: async (ex, events) => {
        const ids = [...new Set(events.filter((e) => announced(e.kind)).map((e) => e.ticketId))];
        for (let i = 0; i < ids.length; i += 50) await live.publish(ex, { type: 'ticket.updated', ids: ids.slice(i, i + 50) });
      },
    };
  }
}

export interface TeamChannelConfig {
  url?: string;
  token?: string;
  channel?: string;
  locale?: string;
  timeZone?: string;
}

/** What the audit log keeps of a subscription (never its signing secret). */
const webhookAudit = (r: { url: string; events: string; active: number; retry_window_ms?: number | null }) => ({
  url: r.url,
  events: parseJson<string[]>(r.events, []),
  active: r.active === 1,
  retryWindowHours: r.retry_window_ms == null ? null : Number(r.retry_window_ms) / 3600_000,
});

/** A team channel in the audit log: its team, kind and label, and the host a webhook URL points at. */
const channelAudit = (r: { team_id: string; kind: string; label: string }, c: TeamChannelConfig | null) => ({
  teamId: r.team_id,
  kind: r.kind,
  label: r.label,
  ...(c?.url && { host: safeHost(c.url) }),
  ...(c?.channel && { channel: c.channel }),
});
const safeHost = (url: string): string | null => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};

const templateAudit = (r: { subject: string; text: string; html: string }) => ({ subject: r.subject, text: r.text, html: r.html });

function checkUrl(url: string, field: string, outbound: OutboundHttp | undefined): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid([{ field, message: 'is not a URL', code: 'invalid_url' }]);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid([{ field, message: 'must be an http(s) URL', code: 'http_url_required' }]);
  // The literal host now; every resolved address again when connecting (outbound-http.ts).
  const refusal = urlRefusal(outbound?.policy ?? NO_ALLOWANCES, url);
  if (refusal) throw invalid([{ field, message: refusal, code: 'outbound_address_refused' }]);
}

const truncate = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Every field a template may use, so a trial render at save time exercises them all. */
function sampleData(event: NotificationEvent): NotificationData {
  const at = Date.UTC(2026, 0, 5, 1, 0, 0);
  return {
    recipient: { name: 'Sample', timeZone: 'Asia/Tokyo' },
    ticket: { number: 1042, subject: 'Sample ticket', url: 'https://escalon.example/tickets/1' },
    escalation: { id: 'e', ask: 'Approve the refund', temperature: 'upset', dueAtMs: at, level: 'L2', category: 'billing', by: 'Agent', reason: 'timeout', url: 'https://escalon.example/escalations/e', acknowledgeUrl: 'https://escalon.example/escalations/e/ack' },
    sla: { clock: 'first_response', dueAtMs: at, assigneeName: 'Agent' },
    actorName: 'Agent',
    ...(event === 'email.held' && { held: { from: 'customer@example.com', subject: 'Re: Sample ticket', reason: 'dmarc_fail' as const, fromDomain: 'example.com', url: 'https://escalon.example/tickets/1#held-i' } }),
    ...(event === 'escalation_path.review_due' && { path: { id: 'p', name: 'Billing disputes', url: 'https://escalon.example/admin/paths/p', reviewUrl: 'https://escalon.example/reports/paths/p', dueAtMs: at, lastReviewedAtMs: at - 90 * 86_400_000 } }),
    ...(event === 'digest' && { items: [{ event: 'escalation.requested', atMs: at }, { event: 'escalation.reminder', atMs: at + 60_000 }] }),
    settingsUrl: 'https://escalon.example/settings',
  };
}

/** The deliver job of a new delivery row. */
const deliverJob = (d: DeliveriesTable) => ({
  kind: DELIVER_JOB,
  payload: { deliveryId: d.id },
  dueAt: Number(d.scheduled_at),
  dedupeKey: `deliver:${d.id}`,
  maxAttempts: DELIVER_MAX_ATTEMPTS,
});

/** Rows per multi-row INSERT (well within either database's limit on bound values). */
const WRITE_CHUNK = 500;

/** Deliveries of one recipient and ticket keep their order: their decisions are serialised. */
const orderLock = (d: Pick<DeliveriesTable, 'recipient_key' | 'ticket_id' | 'id'>): string =>
  `delivery-order:${d.recipient_key}:${d.ticket_id ?? d.id}`;

/** How long a one-time Slack link stays valid. */
const SLACK_LINK_TTL_MS = 15 * 60_000;

/** A reply held as unverified (intake-email): its facts are in the intent's data. */
const HELD_MAIL_EVENT = 'email.held';

/** Someone else set this person's availability or delegate (users module, issue 14). */
const AVAILABILITY_CHANGED_EVENT = 'user.availability_changed';

/** "Who changed what" of an availability change, in the person's language. */
function availabilityChangedMessage(locale: string, data: Record<string, unknown>): { subject: string; text: string } {
  type Side = { availability?: string; delegateName?: string | null; delegateUserId?: string | null; outOfOffice?: unknown[] };
  const before = (data.before ?? {}) as Side;
  const after = (data.after ?? {}) as Side;
  const who = typeof data.actorName === 'string' ? data.actorName : '';
  const ja = languageOf(locale) === 'ja';
  const status: Record<string, [string, string]> = { available: ['対応可能', 'available'], busy: ['取込中', 'busy'], away: ['離席', 'away'], off: ['不在', 'off'] };
  const st = (v: string | undefined) => (v ? (status[v]?.[ja ? 0 : 1] ?? v) : '—');
  const none = ja ? 'なし' : 'none';
  const lines: string[] = [];
  if (before.availability !== after.availability) lines.push(ja ? `状態: ${st(before.availability)} → ${st(after.availability)}` : `Status: ${st(before.availability)} → ${st(after.availability)}`);
  if (before.delegateUserId !== after.delegateUserId) lines.push(ja ? `代理: ${before.delegateName ?? none} → ${after.delegateName ?? none}` : `Delegate: ${before.delegateName ?? none} → ${after.delegateName ?? none}`);
  if (JSON.stringify(before.outOfOffice ?? []) !== JSON.stringify(after.outOfOffice ?? [])) lines.push(ja ? '不在期間が変更されました。' : 'Your out-of-office windows changed.');
  return ja
    ? { subject: `${who} さんがあなたの対応状況を変更しました`, text: `${lines.join('\n')}\n設定画面で確認できます。` }
    : { subject: `${who} changed your availability`, text: `${lines.join('\n')}\nYou can check it in Settings.` };
}

/** The administrators' in-app alert for a dead delivery, in their language. */
function deadDeliveryMessage(
  locale: string,
  data: Record<string, unknown>,
): { subject: string; text: string } {
  const channel = typeof data.channel === 'string' ? data.channel : '';
  const to = typeof data.recipientKey === 'string' ? data.recipientKey : '';
  const last = typeof data.lastResponse === 'string' ? data.lastResponse : '';
  if (languageOf(locale) === 'ja') {
    return {
      subject: `通知を配信できませんでした（${channel}）`,
      text: `再試行期間が終わっても ${to} に届きませんでした。最後の応答: ${last}\n「配信」画面から再送できます。`,
    };
  }
  return {
    subject: `A notification could not be delivered (${channel})`,
    text: `It did not reach ${to} within its retry window. Last response: ${last}\nYou can send it again from Deliveries.`,
  };
}
