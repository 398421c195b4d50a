import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import type { SecretBox } from '../../integrations/secret-box.js';
import { verifyWebhook } from '../../integrations/webhook-signer.js';
import type { HeaderBag } from '../../integrations/delivery.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import type { CustomersService } from '../customers/index.js';
import type { TicketsService } from '../tickets/index.js';
import * as repo from './intake.repository.js';

export interface MessagingMessage {
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
  ) {}

  async create(name: string, outboundUrl: string | null = null): Promise<IntegrationView & { secret: string }> {
    const now = this.clock.now();
    const id = newId();
    const secret = randomSecret(32);
    await repo.insertIntegration(this.db, { id, name: name.trim(), secret: this.box.seal(secret, context(id)), active: 1, outbound_url: outboundUrl, created_at: now, updated_at: now });
    return { ...present({ id, name: name.trim(), active: 1, outbound_url: outboundUrl, created_at: now, updated_at: now }), secret };
  }

  async list(): Promise<IntegrationView[]> {
    return (await repo.listIntegrations(this.db)).map(present);
  }

  async update(id: string, patch: { name?: string; active?: boolean; outboundUrl?: string | null }): Promise<IntegrationView> {
    const r = await repo.updateIntegration(this.db, id, { ...(patch.name !== undefined && { name: patch.name.trim() }), ...(patch.outboundUrl !== undefined && { outbound_url: patch.outboundUrl }), ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }), updated_at: this.clock.now() });
    if (Number(r.numUpdatedRows) === 0) throw notFound('Messaging integration', id);
    return present((await repo.findIntegration(this.db, id))!);
  }

  async remove(id: string): Promise<void> {
    const r = await repo.deleteIntegration(this.db, id);
    if (Number(r.numDeletedRows) === 0) throw notFound('Messaging integration', id);
  }

  /** Verifies the signature over the raw body before anything in it is trusted. */
  verify(integration: { id: string; secret: string; active: number } | undefined, headers: HeaderBag, rawBody: Buffer): void {
    if (!integration || integration.active !== 1) throw unsigned();
    if (!verifyWebhook(this.box.open(integration.secret, context(integration.id)), headers, rawBody, this.clock.now())) throw unsigned();
  }

  async receive(integrationId: string, headers: HeaderBag, rawBody: Buffer | undefined): Promise<{ ticketId: string; ticketNumber: number; eventId: string; created: boolean }> {
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
    if (problems.length) throw invalid(problems);
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
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
      return { ticketId: ticket.id, ticketNumber: ticket.number, eventId, created };
    });
  }
}

const context = (id: string) => `messaging_integrations.${id}.secret`;
