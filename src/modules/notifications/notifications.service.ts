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
import { ACKNOWLEDGE_ACTION_ID, escalationSlackMessage, parseSlackInteraction, sendSlackMessage, verifySlackRequest, type SlackBlock, type SlackDestination, type SlackMessage } from '../../integrations/slack.js';
import { mailDomainOf, ticketThreadIds, type Mailer } from '../../integrations/smtp.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, escalationTeamsMessage, sendTeamsMessage, type TeamsMessage } from '../../integrations/teams.js';
import { postWebhook } from '../../integrations/webhook.js';
import { cancelJobsByPrefix, enqueueJob } from '../../jobs/jobs.repository.js';
import type { ClaimedJob, ExternalOutcome } from '../../jobs/jobs.types.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import type { Principal } from '../auth/auth.types.js';
import { renderOrigin, type EscalationOrigin } from '../escalations/index.js';
import type { HeaderBag } from '../../integrations/delivery.js';
import type { TicketHooks } from '../tickets/index.js';
import type { LiveEvents } from './live-events.js';
import {
  channelsFor,
  DEFAULT_PREFERENCES,
  groupedDueAt,
  isStillRelevant,
  normaliseIntent,
  type EscalationChaseFacts,
  passesQuietHours,
  quietHoursEnd,
  templateEventOf,
} from './notifications.policy.js';
import * as repo from './notifications.repository.js';
import {
  DELIVER_JOB,
  DELIVER_MAX_ATTEMPTS,
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
  /** The console's acknowledgement (escalations service), used by Slack buttons. */
  acknowledge(actor: Principal, escalationId: string): Promise<unknown>;
  /** Records the Message-ID of an outgoing mail so replies thread back (intake-email). */
  recordOutgoingMessageId?(tx: Tx, ticketId: string, messageId: string, now: number): Promise<void>;
  /** Replies to customers share the delivery log and retries; the replies module sends them. */
  customerDeliveries?: { handles(d: DeliveriesTable): boolean; send(d: DeliveriesTable): Promise<DeliveryResult> };
}

/** Events posted to a team's chat channel (the ones a team acts on). */
const TEAM_EVENTS = new Set(['escalation.requested', 'escalation.reminder', 'escalation.advanced', 'escalation.fallback', 'sla.breached']);

type UserRow = Awaited<ReturnType<typeof repo.usersByIds>>[number];

export class NotificationsService {
  constructor(private readonly d: NotificationsDeps) {}

  private get now(): number {
    return this.d.clock.now();
  }

  // ===================================================================== fan-out (notify job)

  /** The `notify` job: runs inside the job's transaction, so everything it writes is exactly-once. */
  async fanOut(tx: Tx, job: ClaimedJob, now: number): Promise<void> {
    const intent = normaliseIntent(job.payload, job.dueAt);
    const ticket = intent.ticketId ? await repo.ticketFacts(tx, intent.ticketId) : undefined;
    if (intent.escalationId) await this.d.live.publish(tx, { type: 'escalation.updated', ids: [intent.escalationId] });
    if (!isStillRelevant(intent, await this.factsOf(tx, intent))) return;

    const ids = new Set(intent.userIds);
    if (ticket) {
      for (const role of intent.roles) {
        if (role === 'assignee' && ticket.assignee_id) ids.add(ticket.assignee_id);
        if (role === 'team' && ticket.team_id) for (const id of await repo.teamMemberIds(tx, ticket.team_id)) ids.add(id);
        if (role === 'team_manager' && ticket.team_id) for (const id of await repo.teamMemberIds(tx, ticket.team_id, ['manager'])) ids.add(id);
      }
    }
    const users = (await repo.usersByIds(tx, [...ids])).filter((u) => u.active === 1);
    const prefs = await this.preferencesMap(tx, users.map((u) => u.id));
    const item: DeliveryItem = { event: intent.event, ticketId: intent.ticketId, escalationId: intent.escalationId, clockId: intent.clockId, clockKind: intent.clockKind, dueAtMs: intent.dueAtMs, at: intent.at, data: intent.data };
    const external = templateEventOf(intent.event) !== null;
    const urgentOrBreach = passesQuietHours(intent.event, ticket?.priority ?? null);
    const notified: string[] = [];

    for (const user of users) {
      const p = prefs.get(user.id) ?? DEFAULT_PREFERENCES;
      const channels = channelsFor(intent.event, p);
      if (channels.includes('in_app')) {
        const message = await this.renderFor(tx, [item], user.locale, user.time_zone, user.name);
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
        await this.queueDelivery(tx, { channel: ch, recipientKey: `user:${user.id}:${ch}`, userId: user.id, ticketId: intent.ticketId, item, grouped: true, notBefore: quietEnd }, now);
      }
    }
    if (notified.length) await this.d.live.publish(tx, { type: 'notification.created', ids: intent.ticketId ? [intent.ticketId] : [], userIds: notified });

    // A team's chat channel hears what the team must act on.
    if (external && TEAM_EVENTS.has(intent.event)) {
      const teamIds = new Set<string>(intent.escalationId ? await repo.escalationTeamIds(tx, intent.escalationId) : []);
      if (ticket?.team_id && (!intent.escalationId || teamIds.size === 0)) teamIds.add(ticket.team_id);
      for (const c of await repo.teamChannels(tx, [...teamIds])) {
        const channel: DeliveryChannel = c.kind === 'teams_webhook' ? 'teams' : 'slack';
        await this.queueDelivery(tx, { channel, recipientKey: `team:${c.team_id}:${c.id}`, userId: null, ticketId: intent.ticketId, item, grouped: true, notBefore: null }, now);
      }
    }
    // Webhook subscribers get every event they subscribed to, one delivery each, in order.
    for (const s of await repo.webhookSubscriptions(tx, true)) {
      const events = parseJson<string[]>(s.events, []);
      if (!events.includes('*') && !events.includes(intent.event) && !events.includes(`${intent.event.split('.')[0]}.*`)) continue;
      await this.queueDelivery(tx, { channel: 'webhook', recipientKey: `webhook:${s.id}`, userId: null, ticketId: intent.ticketId, item, grouped: false, notBefore: null }, now);
    }
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
    await repo.insertDelivery(tx, {
      id,
      channel: q.channel,
      recipient_key: q.recipientKey,
      user_id: q.userId,
      ticket_id: q.ticketId,
      group_key: groupKey,
      event: q.item.event,
      items: json([q.item]),
      state: 'pending',
      sealed: 0,
      attempts: 0,
      last_response: null,
      scheduled_at: scheduled,
      delivered_at: null,
      created_at: now,
      updated_at: now,
    });
    await enqueueJob(tx, { kind: DELIVER_JOB, payload: { deliveryId: id }, dueAt: scheduled, dedupeKey: `deliver:${id}`, maxAttempts: DELIVER_MAX_ATTEMPTS }, now);
    return id;
  }

  private async factsOf(ex: Executor, item: { escalationId: string | null; clockId: string | null }): Promise<EscalationChaseFacts> {
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

  /** The `deliver` job: one attempt to send one delivery, logged with the channel's response. */
  async deliver(job: ClaimedJob<{ deliveryId: string }>): Promise<ExternalOutcome> {
    const id = job.payload.deliveryId;
    const turn = await inTransaction(this.d.db, async (tx) => {
      const first = await repo.findDelivery(tx, id);
      if (!first) return null;
      await lockKey(tx, `recipient:${first.recipient_key}`);
      const d = (await repo.findDelivery(tx, id))!;
      if (d.state !== 'pending' && d.state !== 'failed') return null;
      // Order per recipient: an earlier message still on its way goes first; this one waits
      // (no attempt spent) and is released when that one is done or dead.
      if (await repo.earlierInFlight(tx, d)) {
        await repo.updateDelivery(tx, id, { state: 'queued', updated_at: this.now });
        return null;
      }
      if (d.sealed === 0) await repo.updateDelivery(tx, id, { sealed: 1, updated_at: this.now });
      return d;
    });
    if (!turn) return { ok: true, response: 'nothing to send' };

    const items: DeliveryItem[] = [];
    for (const item of parseJson<DeliveryItem[]>(turn.items, [])) if (isStillRelevant(item, await this.factsOf(this.d.db, item))) items.push(item);
    if (items.length === 0) {
      await this.finish(turn, 'dropped', 'no longer relevant (acknowledged, finished or met)', null);
      return { ok: true, response: 'dropped: no longer relevant' };
    }

    const started = this.now;
    let result: DeliveryResult;
    try {
      result = await this.send(turn, items);
    } catch (err) {
      // A delivery that cannot even be composed (a deleted team channel, a user without an
      // address) will not improve by waiting.
      result = { ok: false, retryable: false, response: err instanceof Error ? err.message : String(err) };
    }
    const attempt = turn.attempts + 1;
    const state = result.ok ? 'done' : !result.retryable || job.attempts >= job.maxAttempts ? 'dead' : 'failed';
    await this.finish(turn, state, result.response, { attempt, ok: result.ok, started, duration: this.now - started });
    if (result.ok) return { ok: true, response: result.response };
    return { ok: false, retryable: result.retryable, response: result.response, ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }) };
  }

  /** Records an outcome; a finished delivery lets the next queued one to the same recipient go. */
  private async finish(d: DeliveriesTable, state: 'done' | 'dead' | 'failed' | 'dropped', response: string, attempt: { attempt: number; ok: boolean; started: number; duration: number } | null): Promise<void> {
    const now = this.now;
    await inTransaction(this.d.db, async (tx) => {
      await lockKey(tx, `recipient:${d.recipient_key}`);
      if (attempt) await repo.insertAttempt(tx, { id: newId(), delivery_id: d.id, attempt: attempt.attempt, ok: attempt.ok ? 1 : 0, response: response.slice(0, 2000), started_at: attempt.started, duration_ms: attempt.duration });
      await repo.updateDelivery(tx, d.id, {
        state,
        attempts: attempt ? attempt.attempt : d.attempts,
        last_response: response.slice(0, 2000),
        updated_at: now,
        ...(state === 'done' && { delivered_at: now }),
      });
      if (state !== 'failed') await this.releaseNext(tx, d.recipient_key, now);
    });
  }

  private async releaseNext(tx: Tx, recipientKey: string, now: number): Promise<void> {
    const next = await repo.nextQueued(tx, recipientKey);
    if (!next) return;
    await repo.updateDelivery(tx, next.id, { state: 'pending', updated_at: now });
    await enqueueJob(tx, { kind: DELIVER_JOB, payload: { deliveryId: next.id }, dueAt: now, dedupeKey: `deliver:${next.id}:${newId()}`, maxAttempts: Math.max(1, DELIVER_MAX_ATTEMPTS - next.attempts) }, now);
  }

  private async send(d: DeliveriesTable, items: DeliveryItem[]): Promise<DeliveryResult> {
    const now = this.now;
    if (this.d.customerDeliveries?.handles(d)) return this.d.customerDeliveries.send(d);
    if (d.channel === 'webhook') {
      const sub = await repo.findWebhook(this.d.db, d.recipient_key.slice('webhook:'.length));
      if (!sub || sub.active !== 1) return { ok: false, retryable: false, response: 'webhook subscription removed or inactive' };
      const item = items[0]!;
      const secret = this.d.secrets.open(sub.secret, `webhook_subscriptions.${sub.id}`);
      const data = { ticketId: item.ticketId, escalationId: item.escalationId, clockId: item.clockId, clockKind: item.clockKind, dueAt: item.dueAtMs === null ? null : new Date(item.dueAtMs).toISOString(), ...item.data };
      return postWebhook(sub.url, { id: d.id, event: item.event, occurredAt: new Date(item.at).toISOString(), data }, secret, now);
    }
    if (d.recipient_key.startsWith('team:')) {
      const channelId = d.recipient_key.split(':')[2]!;
      const row = await repo.findTeamChannel(this.d.db, channelId);
      if (!row) return { ok: false, retryable: false, response: 'team channel removed' };
      const cfg = JSON.parse(this.d.secrets.open(row.config, `team_channels.${row.id}`)) as TeamChannelConfig;
      const locale = cfg.locale ?? 'en';
      const timeZone = cfg.timeZone ?? 'UTC';
      if (row.kind === 'teams_webhook') return sendTeamsMessage(cfg.url!, await this.teamsMessage(items, locale, timeZone), now);
      const dest: SlackDestination = row.kind === 'slack_webhook' ? { mode: 'webhook', webhookUrl: cfg.url! } : { mode: 'bot', token: cfg.token!, channel: cfg.channel!, apiBaseUrl: this.d.config.slack.apiUrl };
      return sendSlackMessage(dest, await this.slackMessage(items, locale, timeZone), now);
    }
    const [user] = await repo.usersByIds(this.d.db, [d.user_id ?? '']);
    if (!user) return { ok: false, retryable: false, response: 'recipient no longer exists' };
    if (d.channel === 'slack') {
      const prefs = (await this.preferencesMap(this.d.db, [user.id])).get(user.id);
      const token = this.d.config.slack.botToken;
      if (!prefs?.slackUserId || !token) return { ok: false, retryable: false, response: 'no Slack id linked or no bot token configured' };
      return sendSlackMessage({ mode: 'bot', token, channel: prefs.slackUserId, apiBaseUrl: this.d.config.slack.apiUrl }, await this.slackMessage(items, user.locale, user.time_zone), now);
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
    if (first.clockKind && first.dueAtMs !== null) data.sla = { clock: first.clockKind as SlaClock, dueAtMs: first.dueAtMs };
    if (items.length > 1) {
      data.items = items.map((i) => ({ event: (templateEventOf(i.event) ?? 'escalation.requested') as never, atMs: i.at }));
    }
    return data;
  }

  // ===================================================================== people: inbox and preferences

  async listMine(userId: string, f: { unread?: boolean; limit: number; cursor?: string }) {
    const rows = await repo.listNotifications(this.d.db, userId, { ...(f.unread === true && { unread: true }), ...(f.unread === false && { read: true }), limit: f.limit, after: decodeCursor(f.cursor) });
    const page = toPage(rows, f.limit, (r) => ({ v: null, id: r.id }));
    return { ...page, unread: await repo.countUnread(this.d.db, userId) };
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

  async preferences(userId: string): Promise<NotificationPreferences> {
    return (await this.preferencesMap(this.d.db, [userId])).get(userId) ?? DEFAULT_PREFERENCES;
  }

  async setPreferences(userId: string, input: { channels?: Record<string, UserChannel[]>; quietHours?: QuietHours | null; slackUserId?: string | null }): Promise<NotificationPreferences> {
    const current = await this.preferences(userId);
    const next: NotificationPreferences = {
      channels: input.channels ?? current.channels,
      quietHours: input.quietHours === undefined ? current.quietHours : input.quietHours,
      slackUserId: input.slackUserId === undefined ? current.slackUserId : input.slackUserId,
    };
    if (next.slackUserId) {
      const holder = await repo.userIdBySlackId(this.d.db, next.slackUserId);
      if (holder && holder !== userId) throw invalid([{ field: 'slackUserId', message: 'is linked to another Escalon user' }]);
    }
    await repo.upsertPreferences(this.d.db, { user_id: userId, channels: json(next.channels), quiet_hours: next.quietHours ? json(next.quietHours) : null, slack_user_id: next.slackUserId, updated_at: this.now });
    return next;
  }

  private async preferencesMap(ex: Executor, userIds: string[]): Promise<Map<string, NotificationPreferences>> {
    const rows = await repo.preferencesOf(ex, userIds);
    return new Map(rows.map((r) => [r.user_id, { channels: parseJson(r.channels, {}), quietHours: parseJson<QuietHours | null>(r.quiet_hours, null), slackUserId: r.slack_user_id }]));
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
      await repo.updateDelivery(tx, id, { state: 'pending', scheduled_at: Math.min(Number(d.scheduled_at), now), updated_at: now });
      await enqueueJob(tx, { kind: DELIVER_JOB, payload: { deliveryId: id }, dueAt: now, dedupeKey: `deliver:${id}:${newId()}`, maxAttempts: DELIVER_MAX_ATTEMPTS }, now);
    });
    return this.getDelivery(id);
  }

  // ===================================================================== admin: webhooks

  listWebhooks() {
    return repo.webhookSubscriptions(this.d.db);
  }

  async createWebhook(input: { url: string; events: string[]; active?: boolean }) {
    checkUrl(input.url, 'url');
    const id = newId();
    const secret = `whsec_${randomSecret(32)}`;
    const now = this.now;
    await this.d.db
      .insertInto('webhook_subscriptions')
      .values({ id, url: input.url, events: json([...new Set(input.events)]), secret: this.d.secrets.seal(secret, `webhook_subscriptions.${id}`), active: input.active === false ? 0 : 1, created_at: now, updated_at: now })
      .execute();
    return { row: (await repo.findWebhook(this.d.db, id))!, secret };
  }

  async updateWebhook(id: string, input: { url?: string; events?: string[]; active?: boolean; rotateSecret?: boolean }) {
    const row = await repo.findWebhook(this.d.db, id);
    if (!row) throw notFound('Webhook subscription', id);
    if (input.url) checkUrl(input.url, 'url');
    const secret = input.rotateSecret ? `whsec_${randomSecret(32)}` : undefined;
    await this.d.db
      .updateTable('webhook_subscriptions')
      .set({
        ...(input.url && { url: input.url }),
        ...(input.events && { events: json([...new Set(input.events)]) }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        ...(secret && { secret: this.d.secrets.seal(secret, `webhook_subscriptions.${id}`) }),
        updated_at: this.now,
      })
      .where('id', '=', id)
      .execute();
    return { row: (await repo.findWebhook(this.d.db, id))!, secret };
  }

  async deleteWebhook(id: string): Promise<void> {
    const r = await this.d.db.updateTable('webhook_subscriptions').set({ active: 0, updated_at: this.now }).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('Webhook subscription', id);
    // Kept (inactive) so the delivery log still names it; pending deliveries die as "inactive".
    await this.d.db.deleteFrom('webhook_subscriptions').where('id', '=', id).where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries').select('id').where('recipient_key', '=', `webhook:${id}`)))).execute();
  }

  // ===================================================================== admin: team channels

  listTeamChannels() {
    return repo.teamChannels(this.d.db);
  }

  async createTeamChannel(input: { teamId: string; kind: TeamChannelKind; label?: string; config: TeamChannelConfig }) {
    const team = await this.d.db.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst();
    if (!team) throw invalid([{ field: 'teamId', message: 'no such team' }]);
    const c = input.config;
    if (input.kind === 'slack_bot') {
      if (!c.token || !c.channel) throw invalid([{ field: 'config', message: 'slack_bot needs token and channel' }]);
    } else {
      if (!c.url) throw invalid([{ field: 'config.url', message: `${input.kind} needs the webhook url` }]);
      checkUrl(c.url, 'config.url');
    }
    const id = newId();
    const now = this.now;
    await this.d.db
      .insertInto('team_channels')
      .values({ id, team_id: input.teamId, kind: input.kind, label: input.label ?? input.kind, config: this.d.secrets.seal(JSON.stringify(c), `team_channels.${id}`), created_at: now, updated_at: now })
      .execute();
    return (await repo.findTeamChannel(this.d.db, id))!;
  }

  async deleteTeamChannel(id: string): Promise<void> {
    const r = await this.d.db.deleteFrom('team_channels').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('Team channel', id);
  }

  // ===================================================================== admin: templates

  listTemplates() {
    return repo.templateOverrides(this.d.db);
  }

  /** Saves an edited template after compiling it and rendering it once: errors surface now, with the line. */
  async putTemplate(actorId: string, event: string, locale: string, input: { subject: string; text: string; html: string }) {
    if (!(NOTIFICATION_EVENTS as readonly string[]).includes(event)) throw notFound('Notification event', event);
    if (locale !== 'ja' && locale !== 'en') throw invalid([{ field: 'locale', message: 'must be ja or en' }]);
    compileTemplate(input.subject, 'text', 'subject');
    compileTemplate(input.text, 'text', 'text');
    compileTemplate(input.html, 'html', 'html');
    try {
      renderNotification(event as NotificationEvent, locale, sampleData(event as NotificationEvent), input);
    } catch (err) {
      throw invalid([{ field: 'template', message: `does not render: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}` }]);
    }
    await repo.putTemplate(this.d.db, { event, language: locale, ...input, updated_by: actorId, updated_at: this.now });
    return (await repo.templateOverride(this.d.db, event, locale))!;
  }

  async deleteTemplate(event: string, locale: string): Promise<void> {
    await this.d.db.deleteFrom('notification_templates').where('event', '=', event).where('language', '=', locale).execute();
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
  async slackInteraction(rawBody: string, headers: HeaderBag): Promise<{ text: string; acknowledged: boolean }> {
    const secret = this.d.config.slack.signingSecret;
    if (!secret || !verifySlackRequest(secret, headers, rawBody, this.now)) {
      throw new AppError('unauthenticated', 'The Slack request signature or timestamp is not valid.');
    }
    const interaction = parseSlackInteraction(rawBody);
    if (interaction.actionId !== ACKNOWLEDGE_ACTION_ID) return { text: 'OK', acknowledged: false };
    const userId = await repo.userIdBySlackId(this.d.db, interaction.userId);
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

  // ===================================================================== live updates

  /** Ticket changes announced to the console after they commit. */
  ticketHooks(): TicketHooks {
    const live = this.d.live;
    return {
      afterCreate: (tx, ticket) => live.publish(tx, { type: 'ticket.created', ids: [ticket.id] }),
      afterUpdate: (tx, _before, after) => live.publish(tx, { type: 'ticket.updated', ids: [after.id] }),
      afterMessage: (tx, ticket) => live.publish(tx, { type: 'ticket.message', ids: [ticket.id] }),
      // Events other modules append without a field change (SLA warnings and breaches,
      // escalation steps, calls, bounces) still refresh open ticket pages.
      afterEvent: async (ex, ticketId, kind) => {
        if (kind !== 'message.added' && kind !== 'field.changed' && kind !== 'ticket.assigned' && kind !== 'ticket.created') {
          await live.publish(ex, { type: 'ticket.updated', ids: [ticketId] });
        }
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

function checkUrl(url: string, field: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid([{ field, message: 'is not a URL' }]);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid([{ field, message: 'must be an http(s) URL' }]);
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
    ...(event === 'digest' && { items: [{ event: 'escalation.requested', atMs: at }, { event: 'escalation.reminder', atMs: at + 60_000 }] }),
    settingsUrl: 'https://escalon.example/settings',
  };
}
