/**
 * Replies reach the customer on their channel. A public reply by an agent becomes, in the same
 * transaction, one delivery (the notifications module's table, log and retry) and its job; the
 * deliver job calls `send` here, which mails the requester and CCs (threaded into their mailbox)
 * or POSTs to the messaging integration's outbound URL. A bounce of the mail marks it bounced.
 */
import { join } from 'node:path';
import { json, parseJson, type Db, type Executor, type Tx } from '../../db/database.js';
import type { DeliveriesTable } from '../../db/schema.js';
import type { DeliveryResult } from '../../integrations/delivery.js';
import type { SecretBox } from '../../integrations/secret-box.js';
import { mailDomainOf, ticketThreadIds, type Mailer } from '../../integrations/smtp.js';
import { postWebhook } from '../../integrations/webhook.js';
import type { OutboundHttp } from '../../integrations/outbound-http.js';
import { enqueueJob, enqueueJobs } from '../../jobs/jobs.repository.js';
import type { Clock } from '../../lib/clock.js';
import { Coalescer } from '../../lib/coalesce.js';
import { newId } from '../../lib/ids.js';
import { normaliseMessageId, recordOutgoingMessageId } from '../intake-email/index.js';
import { issuePrivateLink } from '../intake/index.js';
import { DELIVER_JOB, DELIVER_MAX_ATTEMPTS } from '../notifications/index.js';
import type { TicketHooks } from '../tickets/index.js';
import { AUTOMATIC_MAIL_CAP, allowsAutomaticMail, renderReplyMail, replyLanguage, replySubject, replyTarget, type ReplyTarget } from './replies.policy.js';
import * as repo from './replies.repository.js';

export const CUSTOMER_REPLY_EVENT = 'customer.reply';
/** `<id>` as headers write a Message-ID (stored without the brackets). */
const angled = (id: string): string => `<${normaliseMessageId(id) ?? id}>`;

export interface RepliesDeps {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  secrets: SecretBox;
  dataDir: string;
  publicUrl: string;
  /** The support address: From and Reply-To of replies (ESCALON_INBOUND_ADDRESS, else ESCALON_MAIL_FROM). */
  supportAddress: string;
  /** Our own addresses: never a recipient of a reply. */
  ownAddresses: string[];
  /** Guarded outbound HTTP for the messaging outbound URL (ESCALON_OUTBOUND_ALLOW). */
  outbound?: OutboundHttp;
}

/** What the console shows on a reply: its delivery state (sending, sent, failed, bounced). */
export interface ReplyDeliveryView {
  id: string;
  state: 'sending' | 'sent' | 'failed' | 'bounced';
  /** The deliveries table's own state (pending, queued, failed, done, dead, bounced). */
  rawState: string;
  channel: string;
  to: string | null;
  cc: string[];
  attempts: number;
  lastResponse: string | null;
  retryable: boolean;
  /** While it fails and is retried: when the next attempt is due (ISO). */
  nextAttemptAt: string | null;
}

interface ReplyItemData {
  eventId: string;
  channel: 'email' | 'messaging';
  to: string | null;
  cc: string[];
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
}

type MailFacts = {
  event: Awaited<ReturnType<typeof repo.mailFactsOf>>['events'] extends Map<string, infer E> ? E | undefined : never;
  ticket: Awaited<ReturnType<typeof repo.mailFactsOf>>['tickets'] extends Map<string, infer T> ? T | undefined : never;
  files: Awaited<ReturnType<typeof repo.mailFactsOf>>['files'];
};

export class RepliesService {
  constructor(private readonly d: RepliesDeps) {}

  /** Queues the delivery of every public reply an agent writes (same transaction as the reply). */
  hooks(): TicketHooks {
    return {
      afterMessage: async (tx, ticket, m, ctx) => {
        if (m.authorType !== 'user' || m.visibility !== 'public' || m.automatic || m.initial) return;
        await this.queueReply(tx, ticket.id, m.eventId, ctx.now);
      },
      // A fan-out's batch of replies: their targets, threads and deliveries in a few statements.
      afterMessages: async (tx, messages, ctx) => {
        const replies = messages.filter(({ message: m }) => m.authorType === 'user' && m.visibility === 'public' && !m.automatic && !m.initial);
        await this.queueReplies(tx, replies.map((r) => ({ ticketId: r.ticket.id, eventId: r.message.eventId })), ctx.now);
      },
    };
  }

  /**
   * queueReply for many replies (one per ticket) in a few statements: the tickets and their
   * requesters, the bouncing addresses and the threads read once each, the outgoing message ids,
   * deliveries and jobs inserted in one statement each. A chat ticket's reply goes one by one.
   */
  private async queueReplies(tx: Tx, replies: { ticketId: string; eventId: string }[], now: number): Promise<void> {
    if (replies.length === 0) return;
    const tickets = new Map((await repo.ticketsWithRequester(tx, replies.map((r) => r.ticketId))).map((t) => [t.id, t]));
    const mail: { ticketId: string; eventId: string; cc: string[]; email: string | null }[] = [];
    for (const r of replies) {
      const t = tickets.get(r.ticketId);
      if (t?.channel === 'chat') await this.queueReply(tx, r.ticketId, r.eventId, now);
      else mail.push({ ...r, cc: parseJson<string[]>(t?.cc, []), email: t?.requester_email ?? null });
    }
    const addresses = [...new Set(mail.flatMap((m) => [m.email, ...m.cc].filter((a): a is string => !!a).slice(0, 60)))];
    const bouncing = new Map((await repo.bouncingAddresses(tx, addresses)).map((r) => [r.email!.toLowerCase(), r.email_bouncing_status ?? '']));
    const threads = new Map<string, { message_id: string; direction: string }[]>();
    for (const row of await repo.messageIdsOfTickets(tx, mail.map((m) => m.ticketId))) {
      const list = threads.get(row.ticket_id) ?? [];
      list.push(row);
      threads.set(row.ticket_id, list);
    }
    const deliveries: DeliveriesTable[] = [];
    for (const m of mail) {
      const target = replyTarget({ bouncing, channel: tickets.get(m.ticketId)?.channel ?? 'email', requesterEmail: m.email, cc: m.cc, own: this.d.ownAddresses, messaging: null });
      if (!target.deliverable || target.channel !== 'email') continue;
      const id = newId();
      const ids = threads.get(m.ticketId) ?? [];
      const latestIn = [...ids].reverse().find((r) => r.direction === 'in');
      const messageId = ticketThreadIds(m.ticketId, `reply.${id}`, mailDomainOf(this.d.supportAddress)).messageId;
      const chain = ids.map((r) => angled(r.message_id)).slice(-20);
      const data: ReplyItemData = { eventId: m.eventId, channel: 'email', to: target.to, cc: target.cc, messageId, inReplyTo: latestIn ? angled(latestIn.message_id) : (chain.at(-1) ?? null), references: chain };
      deliveries.push(this.deliveryRow(id, m.ticketId, m.eventId, data, now));
    }
    // Recorded now: the customers' answers thread back even while the mails are still queued.
    await repo.insertOutgoingMessageIds(tx, deliveries.flatMap((d) => (d.message_id ? [{ message_id: d.message_id, ticket_id: d.ticket_id!, direction: 'out' as const, created_at: now }] : [])));
    await repo.insertDeliveries(tx, deliveries);
    await enqueueJobs(tx, deliveries.map((d) => ({ kind: DELIVER_JOB, payload: { deliveryId: d.id }, dueAt: now, dedupeKey: `deliver:${d.id}`, maxAttempts: DELIVER_MAX_ATTEMPTS })), now);
  }

  private deliveryRow(id: string, ticketId: string, eventId: string, data: ReplyItemData, now: number): DeliveriesTable {
    return {
      id,
      channel: data.channel,
      // Replies on one ticket go out in order (the deliver job orders per recipient key).
      recipient_key: `customer:${ticketId}`,
      user_id: null,
      ticket_id: ticketId,
      group_key: null,
      event: CUSTOMER_REPLY_EVENT,
      items: json([{ event: CUSTOMER_REPLY_EVENT, ticketId, escalationId: null, clockId: null, clockKind: null, dueAtMs: null, at: now, data }]),
      state: 'pending',
      sealed: 1,
      attempts: 0,
      last_response: null,
      scheduled_at: now,
      delivered_at: null,
      created_at: now,
      updated_at: now,
      event_id: eventId,
      message_id: normaliseMessageId(data.messageId),
    };
  }

  async target(ex: Executor, ticketId: string): Promise<ReplyTarget> {
    const t = await repo.ticketWithRequester(ex, ticketId);
    if (!t) return { channel: 'none', to: null, cc: [], deliverable: false, warnings: [{ code: 'no_address' }] };
    const conv = t.channel === 'chat' ? await repo.conversationOf(ex, ticketId) : undefined;
    const cc = parseJson<string[]>(t.cc, []);
    const addresses = [t.requester_email, ...cc].filter((a): a is string => !!a).slice(0, 60);
    const bouncing = new Map((await repo.bouncingAddresses(ex, addresses)).map((r) => [r.email!.toLowerCase(), r.email_bouncing_status ?? '']));
    return replyTarget({
      bouncing,
      channel: t.channel,
      requesterEmail: t.requester_email ?? null,
      cc,
      own: this.d.ownAddresses,
      messaging: conv ? { hasConversation: true, outboundUrl: conv.active === 1 ? conv.outbound_url : null } : null,
    });
  }

  private async queueReply(tx: Tx, ticketId: string, eventId: string, now: number): Promise<void> {
    const target = await this.target(tx, ticketId);
    if (!target.deliverable || target.channel === 'none') return;
    const id = newId();
    let data: ReplyItemData;
    if (target.channel === 'email') {
      const ids = await repo.messageIdsOf(tx, ticketId);
      const latestIn = [...ids].reverse().find((r) => r.direction === 'in');
      const messageId = ticketThreadIds(ticketId, `reply.${id}`, mailDomainOf(this.d.supportAddress)).messageId;
      const chain = ids.map((r) => angled(r.message_id)).slice(-20);
      data = { eventId, channel: 'email', to: target.to, cc: target.cc, messageId, inReplyTo: latestIn ? angled(latestIn.message_id) : (chain.at(-1) ?? null), references: chain };
      // Recorded now: the customer's answer threads back even while the mail is still queued.
      await recordOutgoingMessageId(tx, ticketId, messageId, now);
    } else {
      data = { eventId, channel: 'messaging', to: null, cc: [], messageId: null, inReplyTo: null, references: [] };
    }
    const row = this.deliveryRow(id, ticketId, eventId, data, now);
    await repo.insertDelivery(tx, row);
    await enqueueJob(tx, { kind: DELIVER_JOB, payload: { deliveryId: id }, dueAt: now, dedupeKey: `deliver:${id}`, maxAttempts: DELIVER_MAX_ATTEMPTS }, now);
  }

  /** The reads of replies sent at the same moment (a fan-out's mails): one query each for all of them. */
  private readonly mailFacts = new Coalescer<{ eventId: string; ticketId: string }, MailFacts>(async (replies) => {
    const found = await repo.mailFactsOf(this.d.db, replies);
    return replies.map((r) => ({ event: found.events.get(r.eventId), ticket: found.tickets.get(r.ticketId), files: found.files.filter((f) => f.event_id === r.eventId) }));
  });

  /** True for deliveries this module sends (the notifications deliver job hands them over). */
  handles(d: Pick<DeliveriesTable, 'recipient_key'>): boolean {
    return d.recipient_key.startsWith('customer:');
  }

  /** One attempt at one customer delivery. Never throws for a channel failure. */
  async send(d: DeliveriesTable): Promise<DeliveryResult> {
    const item = parseJson<{ data: ReplyItemData }[]>(d.items, [])[0];
    if (!item) return { ok: false, retryable: false, response: 'delivery has no reply' };
    const r = item.data;
    const db = this.d.db;
    const { event, ticket: t, files } = await this.mailFacts.add({ eventId: r.eventId, ticketId: d.ticket_id ?? '' });
    if (!event || !t) return { ok: false, retryable: false, response: 'the reply or its ticket no longer exists' };
    const now = this.d.clock.now();

    if (r.channel === 'messaging') {
      const conv = await repo.conversationOf(db, t.id);
      if (!conv || conv.active !== 1 || !conv.outbound_url) return { ok: false, retryable: false, response: 'the messaging integration has no outbound URL (or is inactive)' };
      const secret = this.d.secrets.open(conv.secret, `messaging_integrations.${conv.integration_id}.secret`);
      const data = {
        conversationId: conv.conversation_id,
        ticketNumber: Number(t.number),
        text: event.body ?? '',
        author: event.author_name ?? null,
        attachments: files.map((f) => ({ filename: f.filename, contentType: f.content_type, size: Number(f.size), url: `${this.d.publicUrl}/api/v1/attachments/${f.id}` })),
      };
      return postWebhook(conv.outbound_url, { id: d.id, event: 'reply.created', occurredAt: new Date(Number(d.created_at)).toISOString(), data }, secret, now, { outbound: this.d.outbound });
    }

    if (!r.to) return { ok: false, retryable: false, response: 'no recipient address' };
    let privateUrl: string | null = null;
    if (t.channel === 'web' && t.requester_id) {
      // The link is a bearer secret kept only as a hash: each reply mail carries a fresh one.
      const token = await issuePrivateLink(db, t.id, t.requester_id, now);
      privateUrl = `${this.d.publicUrl}/t/${encodeURIComponent(token)}`;
    }
    const lang = replyLanguage(t.requester_locale, t.subject, event.body ?? '');
    const mail = renderReplyMail({ body: event.body ?? '', bodyFormat: event.body_format === 'markdown' ? 'markdown' : 'text', number: Number(t.number), lang, privateUrl, agentName: event.author_name ?? null });
    return this.d.mailer.send({
      from: this.d.supportAddress,
      replyTo: this.d.supportAddress,
      to: r.to,
      ...(r.cc.length > 0 && { cc: r.cc }),
      subject: replySubject(t.subject, Number(t.number)),
      text: mail.text,
      html: mail.html,
      messageId: r.messageId!,
      ...(r.inReplyTo && { inReplyTo: r.inReplyTo }),
      ...(r.references.length > 0 && { references: r.references }),
      attachments: files.map((f) => ({ filename: f.filename, contentType: f.content_type, path: join(this.d.dataDir, 'attachments', f.storage_key) })),
      headers: { 'X-Escalon-Delivery': d.id },
      // A person's answer: vacation responders may answer it.
      autoSubmitted: false,
    });
  }

  /** Delivery state of each reply (by timeline event id), for the timeline. */
  async deliveriesFor(ex: Executor, eventIds: string[]): Promise<Map<string, ReplyDeliveryView>> {
    const rows = await repo.deliveriesOfEvents(ex, eventIds);
    return new Map(rows.map((d) => [d.event_id!, presentReplyDelivery(d)]));
  }

  /** A bounce report naming one of our reply mails: the delivery becomes bounced. */
  async bounced(tx: Tx, originalMessageId: string, detail: { recipient: string | null; status: string | null; diagnostic: string | null }, now: number): Promise<string | null> {
    const id = normaliseMessageId(originalMessageId);
    if (!id) return null;
    const hit = await repo.findByMessageId(tx, id);
    if (!hit) return null;
    // The state says it bounced (the console names it in the reader's language); the response holds the report's facts.
    await repo.markBounced(tx, id, [detail.recipient, detail.status, detail.diagnostic].filter(Boolean).join(' '), now);
    return hit.id;
  }

  /**
   * Loop guard of automatic mail (acknowledgements, confirmations): never to a machine's
   * address, never to an address a hard bounce marked bouncing, at most AUTOMATIC_MAIL_CAP per
   * address per hour. Counts the mail when it allows it.
   */
  async allowAutomatic(tx: Tx, address: string, kind: string, now: number): Promise<boolean> {
    const a = address.trim().toLowerCase();
    if ((await repo.bouncingAddresses(tx, [a])).length > 0) return false;
    const sent = await repo.countAutomaticMail(tx, a, now - AUTOMATIC_MAIL_CAP.windowMs);
    if (!allowsAutomaticMail(a, sent)) return false;
    await repo.logAutomaticMail(tx, { id: newId(), address: a, kind, created_at: now });
    return true;
  }
}

export function presentReplyDelivery(d: DeliveriesTable): ReplyDeliveryView {
  const item = parseJson<{ data?: Partial<ReplyItemData> }[]>(d.items, [])[0]?.data ?? {};
  const state =
    d.state === 'done'
      ? 'sent'
      : d.state === 'bounced'
        ? 'bounced'
        : d.state === 'dead' || d.state === 'dropped'
          ? 'failed'
          : 'sending';
  return {
    id: d.id,
    state,
    rawState: d.state,
    channel: d.channel,
    to: item.to ?? null,
    cc: item.cc ?? [],
    attempts: d.attempts,
    lastResponse: d.last_response,
    retryable: d.state === 'dead' || d.state === 'failed',
    nextAttemptAt:
      d.state === 'failed' && d.next_attempt_at != null
        ? new Date(Number(d.next_attempt_at)).toISOString()
        : null,
  };
}
