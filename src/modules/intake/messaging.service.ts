import { createHash } from 'node:crypto';
import type { Db, Executor } from '../../db/database.js';
import { isUniqueViolation } from '../../db/dialect.js';
import { inTransaction } from '../../db/database.js';
import type { SecretBox } from '../../integrations/secret-box.js';
import { TIMESTAMP_HEADER, verifyWebhook } from '../../integrations/webhook-signer.js';
import { headerValue, type HeaderBag } from '../../integrations/delivery.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import { NO_ALLOWANCES, urlRefusal, type OutboundPolicy } from '../../lib/outbound-address.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import type { CustomersService } from '../customers/index.js';
import type { TicketsService } from '../tickets/index.js';
import * as repo from './intake.repository.js';

export interface MessagingMessage {
  /** The platform's id of the message: a request repeated with it makes no second message. */
  messageId?: string;
  conversationId: string;
  from: { id: string; name: string; email?: string };
  text: string;
  sentAt?: string;
}

export interface IntegrationView {
  id: string;
  name: string;
  active: boolean;
  outboundUrl: string | null;
  webhookPath: string;
  createdAt: string;
  updatedAt: string;
}

const present = (r: { id: string; name: string; active: number; outbound_url: string | null; created_at: number; updated_at: number }): IntegrationView => ({
  id: r.id,
  name: r.name,
  active: r.active === 1,
  outboundUrl: r.outbound_url,
  webhookPath: `/api/v1/integrations/messaging/${r.id}`,
  createdAt: new Date(Number(r.created_at)).toISOString(),
  updatedAt: new Date(Number(r.updated_at)).toISOString(),
});

/** What the audit log keeps of an integration (never its signing secret). */
const integrationAudit = (r: { name: string; active: number; outbound_url: string | null }) => ({ name: r.name, active: r.active === 1, outboundUrl: r.outbound_url });
/** Inbound requests are accepted only this close to their signed timestamp, either way (replays, skewed clocks). */
export const MESSAGING_SKEW_SEC = 60;

const unsigned = () => new AppError('unauthenticated', 'Missing, stale or wrong signature: send X-Escalon-Timestamp and X-Escalon-Signature: v1=<HMAC-SHA256(secret, "<timestamp>.<raw body>")>.');

/**
 * Chat and messaging apps post signed JSON (the same signature scheme as Escalon's outgoing
 * webhooks, see integrations/webhook-signer.ts) to a per-integration URL. A conversation id
 * maps to one ticket; a message on a closed ticket's conversation opens a new ticket.
 */
export class MessagingService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly tickets: TicketsService,
    private readonly customers: CustomersService,
    /** ESCALON_OUTBOUND_ALLOW: what the outbound URL may point at (checked again when sending). */
    private readonly outbound: OutboundPolicy = NO_ALLOWANCES,
    private readonly audit?: AuditService,
  ) {}

  private checkOutboundUrl(url: string | null | undefined): void {
    const refusal = url ? urlRefusal(this.outbound, url) : null;
    if (refusal) throw invalid([{ field: 'outboundUrl', message: refusal, code: 'outbound_address_refused' }]);
  }

  async create(name: string, outboundUrl: string | null = null, actor?: AuditActor | null): Promise<IntegrationView & { secret: string }> {
    this.checkOutboundUrl(outboundUrl);
    const now = this.clock.now();
    const id = newId();
    const secret = randomSecret(32);
    await inTransaction(this.db, async (tx) => {
      await repo.insertIntegration(tx, { id, name: name.trim(), secret: this.box.seal(secret, context(id)), active: 1, outbound_url: outboundUrl, created_at: now, updated_at: now });
      await this.audit?.change(tx, actor, 'messaging_integration.created', { type: 'messaging_integration', id }, null, integrationAudit((await repo.findIntegration(tx, id))!));
    });
    return { ...present({ id, name: name.trim(), active: 1, outbound_url: outboundUrl, created_at: now, updated_at: now }), secret };
  }

  async list(): Promise<IntegrationView[]> {
    return (await repo.listIntegrations(this.db)).map(present);
  }

  async update(id: string, patch: { name?: string; active?: boolean; outboundUrl?: string | null }, actor?: AuditActor | null): Promise<IntegrationView> {
    this.checkOutboundUrl(patch.outboundUrl);
    await inTransaction(this.db, async (tx) => {
      const before = await repo.findIntegration(tx, id);
      if (!before) throw notFound('Messaging integration', id);
      await repo.updateIntegration(tx, id, { ...(patch.name !== undefined && { name: patch.name.trim() }), ...(patch.outboundUrl !== undefined && { outbound_url: patch.outboundUrl }), ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }), updated_at: this.clock.now() });
      await this.audit?.change(tx, actor, 'messaging_integration.updated', { type: 'messaging_integration', id }, integrationAudit(before), integrationAudit((await repo.findIntegration(tx, id))!));
    });
    return present((await repo.findIntegration(this.db, id))!);
  }

  async remove(id: string, actor?: AuditActor | null): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const before = await repo.findIntegration(tx, id);
      if (!before) throw notFound('Messaging integration', id);
      await repo.deleteIntegration(tx, id);
      await this.audit?.change(tx, actor, 'messaging_integration.deleted', { type: 'messaging_integration', id }, integrationAudit(before), null);
    });
  }

  /** Verifies the signature over the raw body before anything in it is trusted. */
  verify(integration: { id: string; secret: string; active: number } | undefined, headers: HeaderBag, rawBody: Buffer): void {
    if (!integration || integration.active !== 1) throw unsigned();
    if (!verifyWebhook(this.box.open(integration.secret, context(integration.id)), headers, rawBody, this.clock.now(), MESSAGING_SKEW_SEC)) throw unsigned();
  }

  async receive(integrationId: string, headers: HeaderBag, rawBody: Buffer | undefined): Promise<{ ticketId: string; ticketNumber: number; eventId: string; created: boolean; duplicate: boolean }> {
    const integration = await repo.findIntegration(this.db, integrationId);
    this.verify(integration, headers, rawBody ?? Buffer.alloc(0));
    let msg: MessagingMessage;
    try {
      // NUL is stripped, not refused: a customer's message must not be lost over it (PostgreSQL cannot store it).
      msg = JSON.parse((rawBody ?? Buffer.alloc(0)).toString('utf8'), (_k, v: unknown) => (typeof v === 'string' ? v.replace(/\0/g, '') : v)) as MessagingMessage;
    } catch {
      throw new AppError('bad_request', 'The body is not valid JSON.');
    }
    const problems = [];
    if (typeof msg?.conversationId !== 'string' || msg.conversationId === '' || msg.conversationId.length > 200) problems.push({ field: 'conversationId', message: 'must be a string of 1–200 characters' });
    if (typeof msg?.from?.id !== 'string' || msg.from.id === '') problems.push({ field: 'from.id', message: 'is required' });
    if (typeof msg?.text !== 'string' || msg.text.trim() === '' || msg.text.length > 100_000) problems.push({ field: 'text', message: 'must be 1–100000 characters' });
    if (msg?.messageId !== undefined && (typeof msg.messageId !== 'string' || msg.messageId === '' || msg.messageId.length > 200)) problems.push({ field: 'messageId', message: 'must be a string of 1–200 characters' });
    if (problems.length) throw invalid(problems);
    // Without the platform's id, the signed request itself (timestamp and body) is the message:
    // a replay of it inside the skew window is recognised.
    const messageId = msg.messageId ?? `request:${createHash('sha256').update(`${headerValue(headers, TIMESTAMP_HEADER) ?? ''}.`).update(rawBody ?? Buffer.alloc(0)).digest('hex')}`;
    try {
      return await this.take(integrationId, msg, messageId);
    } catch (err) {
      // The same message on two connections at once: the other one took it in.
      if (!isUniqueViolation(err)) throw err;
      const seen = await this.seen(this.db, integrationId, messageId);
      if (!seen) throw err;
      return seen;
    }
  }

  private async seen(ex: Executor, integrationId: string, messageId: string) {
    const row = await repo.findMessagingMessage(ex, integrationId, messageId);
    if (!row) return null;
    const ticket = await this.tickets.load(ex, row.ticket_id);
    return { ticketId: row.ticket_id, ticketNumber: ticket.number, eventId: row.event_id, created: false, duplicate: true };
  }

  private async take(integrationId: string, msg: MessagingMessage, messageId: string) {
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      const seen = await this.seen(tx, integrationId, messageId);
      if (seen) return seen;
      const conv = await repo.findConversation(tx, integrationId, msg.conversationId);
      const name = typeof msg.from.name === 'string' && msg.from.name.trim() !== '' ? msg.from.name.trim().slice(0, 200) : msg.from.id.slice(0, 200);
      const email = typeof msg.from.email === 'string' && msg.from.email.includes('@') ? msg.from.email.trim().toLowerCase() : null;
      let customerId = conv?.customer_id ?? null;
      if (!customerId) customerId = email ? await this.customers.findOrCreateByEmail(tx, email, name) : (await this.customers.create({ name }, tx)).id;
      let ticket = conv ? await this.tickets.load(tx, conv.ticket_id) : null;
      const created = !ticket || ticket.status === 'closed';
      if (!ticket || ticket.status === 'closed') {
        const subject = msg.text.trim().split('\n')[0]!.slice(0, 120) || `Chat ${msg.conversationId}`;
        ticket = await this.tickets.createIn(tx, { subject, channel: 'chat', requesterId: customerId }, { actorId: null, authorType: 'system', now });
        await repo.upsertConversation(tx, { integration_id: integrationId, conversation_id: msg.conversationId, ticket_id: ticket.id, customer_id: customerId, now });
      }
      const data = { channel: 'chat', integrationId, conversationId: msg.conversationId, from: { id: msg.from.id, name }, sentAt: typeof msg.sentAt === 'string' ? msg.sentAt : null };
      const eventId = await this.tickets.addMessageIn(tx, ticket, { body: msg.text.trim(), visibility: 'public', initial: created, data }, { actorId: customerId, authorType: 'customer', now });
      await repo.insertMessagingMessage(tx, { integration_id: integrationId, message_id: messageId, ticket_id: ticket.id, event_id: eventId, created_at: now });
      return { ticketId: ticket.id, ticketNumber: ticket.number, eventId, created, duplicate: false };
    });
  }
}

const context = (id: string) => `messaging_integrations.${id}.secret`;
