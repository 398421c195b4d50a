import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { enqueueJob } from '../../jobs/jobs.repository.js';
import { ticketThreadIds, mailDomainOf } from '../../integrations/smtp.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, invalid, notFound, type FieldProblem } from '../../lib/errors.js';
import { hashToken, randomSecret } from '../../lib/ids.js';
import type { CustomersService } from '../customers/index.js';
import type { DeliveryResult } from '../../integrations/delivery.js';
import { recordOutgoingMessageId } from '../intake-email/index.js';
import type { CreateTicketInput, Ticket, TicketHooks, TicketsService } from '../tickets/index.js';
import type { Principal } from '../auth/index.js';
import { linkState } from './intake.policy.js';
import * as repo from './intake.repository.js';

export interface ContactInput {
  name: string;
  email: string;
  subject: string;
  message: string;
  locale?: 'ja' | 'en';
  /** Honeypot: people leave it empty, form-filling bots do not. */
  website?: string;
}

/** The private link goes only to the address, by mail: the submitter is told to check their mail. */
export type ContactResult = { accepted: true; ticketNumber: number } | { accepted: false };

/** Job that mails a requester their private link; the token is made by the job, never stored in its payload. */
export const PRIVATE_LINK_JOB = 'intake.private_link';

export interface PrivateLinkPayload {
  ticketId: string;
  customerId: string;
  to: string;
  locale: 'ja' | 'en';
  /** `<local@domain>`, recorded in ticket_message_ids when the job is written (replies thread back). */
  messageId: string;
  /** confirm: the form's confirmation; rotated: a new requester's link. */
  reason: 'confirm' | 'rotated';
}

export interface PublicTicketView {
  number: number;
  subject: string;
  status: string;
  createdAt: string;
  messages: { id: string; from: 'you' | 'support'; body: string; createdAt: string }[];
}

export interface CallInput {
  direction: 'inbound' | 'outbound';
  durationSeconds: number;
  summary: string;
  /** Who called or was called (a name or number), when it is not simply the requester. */
  caller?: string | null;
}

export interface CallView {
  id: string;
  ticketId: string;
  kind: 'call.logged';
  direction: 'inbound' | 'outbound';
  durationSeconds: number;
  caller: string | null;
  summary: string;
  createdAt: string;
}

export interface NewCallInput extends CallInput {
  ticket: Omit<CreateTicketInput, 'channel' | 'requesterEmail' | 'requesterName' | 'description'> & {
    /** A new caller (created; found by email when one is given), instead of requesterId. */
    customer?: { name: string; email?: string | null; phone?: string | null };
  };
}

/** One-line fields and a summary with text in it. */
export function callProblems(input: CallInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (input.summary.trim() === '') problems.push({ field: 'summary', message: 'is required', code: 'required' });
  // eslint-disable-next-line no-control-regex
  if (input.caller && /[\u0000-\u001f\u007f\u2028\u2029]/.test(input.caller)) problems.push({ field: 'caller', message: 'must be one line without control characters', code: 'one_line' });
  return problems;
}

export { hashToken } from '../../lib/ids.js';

/** The link no longer opens its ticket (expired, or replaced when the requester changed): 410 with code link_expired. */
export const linkExpired = (): AppError => new AppError('link_expired', 'This link has expired or was replaced; reply to our last mail to get a new one.');

/**
 * A new private link to a ticket for its requester (`/t/{token}`): the token is a bearer secret
 * kept only as its hash, so it can be shown once — in the mail that carries it.
 */
export async function issuePrivateLink(ex: Executor, ticketId: string, customerId: string, now: number): Promise<string> {
  const token = randomSecret(32);
  await repo.insertLink(ex, { token_hash: hashToken(token), ticket_id: ticketId, customer_id: customerId, created_at: now });
  return token;
}

const EMAIL_RE = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;
const LINE_BREAK = /[\r\n\u2028\u2029\u0085]/;

/** Problems with a contact submission; CR/LF in one-line fields could inject mail headers. */
export function contactProblems(input: ContactInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ['name', 'email', 'subject'] as const) {
    // eslint-disable-next-line no-control-regex
    if (LINE_BREAK.test(input[field]) || /[\u0000-\u001f\u007f]/.test(input[field])) problems.push({ field, message: 'must be one line without control characters' });
  }
  if (!EMAIL_RE.test(input.email.trim())) problems.push({ field: 'email', message: 'is not a mail address' });
  if (input.name.trim() === '') problems.push({ field: 'name', message: 'is required' });
  if (input.subject.trim() === '') problems.push({ field: 'subject', message: 'is required' });
  if (input.message.trim() === '') problems.push({ field: 'message', message: 'is required' });
  return problems;
}

/**
 * The public side of the intake: the contact form, the requester's private ticket link, and
 * phone calls logged by agents. Public callers never see internal notes, staff names or emails.
 */
export class IntakeService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly customers: CustomersService,
    private readonly o: { publicUrl: string; mailFrom: string; linkTtlDays?: number; allowAutomatic?(tx: Tx, address: string, kind: string, now: number): Promise<boolean> },
  ) {}

  /** The ticket's requester changed: the links rotate. */
  hooks(): TicketHooks {
    return {
      afterUpdate: async (tx, before, after, _changes, ctx) => {
        if (before.requesterId !== after.requesterId) await this.requesterChanged(tx, after, ctx.now);
      },
    };
  }

  async submitContact(input: ContactInput, meta: { ip: string }): Promise<ContactResult> {
    const problems = contactProblems(input);
    if (problems.length) throw invalid(problems);
    if (input.website && input.website.trim() !== '') return { accepted: false };
    const now = this.clock.now();
    const email = input.email.trim().toLowerCase();
    const ticket = await inTransaction(this.db, async (tx) => {
      const customerId = await this.customers.findOrCreateByEmail(tx, email, input.name.trim(), input.locale ?? 'ja');
      const t = await this.tickets.createIn(tx, { subject: input.subject.trim(), channel: 'web', requesterId: customerId }, { actorId: null, authorType: 'system', now });
      await this.tickets.addMessageIn(tx, t, { body: input.message.trim(), visibility: 'public', initial: true, data: { channel: 'web', ip: meta.ip } }, { actorId: customerId, authorType: 'customer', now });
      // New or existing customer alike: the link goes only to the address (whoever posts with
      // someone's address must not read their tickets), so the response never carries it.
      if (!this.o.allowAutomatic || (await this.o.allowAutomatic(tx, email, 'intake.confirm', now))) {
        await this.enqueuePrivateLink(tx, t, { customerId, to: email, locale: input.locale ?? 'ja', reason: 'confirm' }, now);
      }
      return t;
    });
    return { accepted: true, ticketNumber: ticket.number };
  }

  async publicTicket(token: string): Promise<PublicTicketView> {
    const { ticket } = await this.resolve(token);
    const rows = await repo.listPublicMessages(this.db, ticket.id, 500);
    return {
      number: ticket.number,
      subject: ticket.subject,
      status: ticket.status,
      createdAt: new Date(ticket.createdAt).toISOString(),
      messages: rows.map((r) => ({ id: r.id, from: r.author_type === 'customer' ? 'you' : 'support', body: r.body ?? '', createdAt: new Date(Number(r.created_at)).toISOString() })),
    };
  }

  async publicReply(token: string, message: string): Promise<{ id: string }> {
    if (message.trim() === '') throw invalid([{ field: 'message', message: 'is required' }]);
    const { ticket, customerId } = await this.resolve(token);
    const now = this.clock.now();
    const id = await inTransaction(this.db, async (tx) =>
      this.tickets.addMessageIn(tx, await this.tickets.load(tx, ticket.id), { body: message.trim(), visibility: 'public', data: { channel: 'web' } }, { actorId: customerId, authorType: 'customer', now }),
    );
    return { id };
  }

  /** An agent logs a phone call on a ticket (internal: a summary, not a message to the customer). */
  async logCall(actor: Principal, ticketId: string, input: CallInput) {
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      await this.tickets.access.assertWrite(actor, ticketId, tx);
      return this.logCallIn(tx, actor, await this.tickets.load(tx, ticketId), input, now);
    });
  }

  /**
   * "New call": a ticket opened on behalf of the caller (channel phone; the customer chosen,
   * found by email or created) with the call logged on it, in one transaction.
   */
  async newCall(actor: Principal, input: NewCallInput): Promise<{ ticket: Ticket; call: CallView }> {
    const problems = callProblems(input);
    const c = input.ticket.customer;
    if (c && input.ticket.requesterId) problems.push({ field: 'ticket.customer', message: 'give requesterId or customer, not both', code: 'customer_twice' });
    if (problems.length) throw invalid(problems);
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      let requesterId = input.ticket.requesterId ?? null;
      if (c) {
        const email = c.email?.trim().toLowerCase() || null;
        requesterId = email
          ? await this.customers.findOrCreateByEmail(tx, email, c.name.trim())
          : (await this.customers.create({ name: c.name, phone: c.phone ?? null }, tx)).id;
        if (email && c.phone) await tx.updateTable('customers').set({ phone: c.phone }).where('id', '=', requesterId).where('phone', 'is', null).execute();
      }
      const { customer: _c, ...fields } = input.ticket;
      const ticket = await this.tickets.createIn(tx, { ...fields, channel: 'phone', requesterId }, { actorId: actor.userId, authorType: 'user', now });
      const call = await this.logCallIn(tx, actor, ticket, input, now);
      return { ticket: await this.tickets.load(tx, ticket.id), call };
    });
  }

  private async logCallIn(tx: Tx, actor: Principal, ticket: Ticket, input: CallInput, now: number): Promise<CallView> {
    const problems = callProblems(input);
    if (problems.length) throw invalid(problems);
    const caller = input.caller?.trim() || null;
    const summary = input.summary.trim();
    const eventId = await this.tickets.appendEvent(tx, ticket.id, { kind: 'call.logged', visibility: 'internal', authorType: 'user', authorId: actor.userId, body: summary, data: { direction: input.direction, durationSeconds: input.durationSeconds, ...(caller && { caller }) } }, now);
    await tx.updateTable('tickets').set({ updated_at: now }).where('id', '=', ticket.id).execute();
    return { id: eventId, ticketId: ticket.id, kind: 'call.logged', direction: input.direction, durationSeconds: input.durationSeconds, caller, summary, createdAt: new Date(now).toISOString() };
  }

  privateUrl(token: string): string {
    return `${this.o.publicUrl}/t/${encodeURIComponent(token)}`;
  }

  private async resolve(token: string): Promise<{ ticket: Ticket; customerId: string }> {
    const link = token.length >= 20 && token.length <= 200 ? await repo.findLink(this.db, hashToken(token)) : undefined;
    if (!link) throw notFound('Ticket');
    const ticket = await this.tickets.load(this.db, link.ticket_id).catch(() => null);
    if (!ticket) throw notFound('Ticket');
    if (linkState(link, ticket, this.clock.now(), this.o.linkTtlDays ?? 90) !== 'valid') throw linkExpired();
    return { ticket, customerId: link.customer_id };
  }

  /**
   * The ticket's requester changed: every link to it stops working, and the new requester (when
   * they have an address and the ticket came from the form) is mailed a link of their own.
   */
  async requesterChanged(tx: Tx, ticket: Ticket, now: number): Promise<void> {
    await repo.revokeLinks(tx, ticket.id, now);
    if (!ticket.requesterId || ticket.channel !== 'web') return;
    const c = await tx.selectFrom('customers').select(['email', 'locale']).where('id', '=', ticket.requesterId).executeTakeFirst();
    if (!c?.email) return;
    await this.enqueuePrivateLink(tx, ticket, { customerId: ticket.requesterId, to: c.email.toLowerCase(), locale: c.locale === 'en' ? 'en' : 'ja', reason: 'rotated' }, now);
  }

  /**
   * Runs a private-link job: makes the token now (only its hash is stored; the job's payload
   * never holds it) and mails it. Does nothing when the addressee is no longer the requester.
   * A retried job makes another token; an unsent one opens nothing anyone knows.
   */
  async sendPrivateLink(p: PrivateLinkPayload, send: (mail: { to: string; subject: string; text: string; messageId: string }) => Promise<DeliveryResult>): Promise<DeliveryResult> {
    const ticket = await this.tickets.load(this.db, p.ticketId).catch(() => null);
    if (!ticket || ticket.requesterId !== p.customerId) return { ok: true, response: 'skipped: the addressee is no longer the requester' };
    const token = await issuePrivateLink(this.db, ticket.id, p.customerId, this.clock.now());
    const url = this.privateUrl(token);
    const text =
      p.locale === 'en'
        ? `${p.reason === 'confirm' ? `We have received your request (#${ticket.number}): ${ticket.subject}` : `Your request #${ticket.number}: ${ticket.subject}`}\n\nFollow it and reply here: ${url}\n\nYou can also reply to this mail.`
        : `${p.reason === 'confirm' ? `お問い合わせ（#${ticket.number}）を受け付けました: ${ticket.subject}` : `お問い合わせ（#${ticket.number}）: ${ticket.subject}`}\n\n進捗の確認と返信はこちら: ${url}\n\nこのメールに返信していただいても追記されます。`;
    return send({ to: p.to, subject: `[#${ticket.number}] ${ticket.subject}`.slice(0, 300), text, messageId: p.messageId });
  }

  private async enqueuePrivateLink(tx: Tx, ticket: Ticket, p: Omit<PrivateLinkPayload, 'ticketId' | 'messageId'>, now: number): Promise<void> {
    const ids = ticketThreadIds(ticket.id, p.reason === 'confirm' ? 'confirm' : `link-${now}`, mailDomainOf(this.o.mailFrom));
    const payload: PrivateLinkPayload = { ticketId: ticket.id, messageId: ids.messageId, ...p };
    const dedupeKey = p.reason === 'confirm' ? `intake.confirm:${ticket.id}` : `intake.link:${ticket.id}:${p.customerId}:${now}`;
    await enqueueJob(tx, { kind: PRIVATE_LINK_JOB, payload: { ...payload }, dueAt: now, dedupeKey, maxAttempts: 8 }, now);
    await recordOutgoingMessageId(tx, ticket.id, ids.messageId, now);
  }
}
