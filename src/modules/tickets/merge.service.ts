import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { mailDomainOf, ticketThreadIds } from '../../integrations/smtp.js';
import { enqueueJob } from '../../jobs/jobs.repository.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, conflict, notFound } from '../../lib/errors.js';
import type { Principal } from '../auth/index.js';
import { mergeNotice, mergeProblem } from './merge.policy.js';
import { normaliseCc } from './tickets.policy.js';
import { presentTicket, type TicketView } from './tickets.presenter.js';
import * as repo from './tickets.repository.js';
import type { TicketsService } from './tickets.service.js';
import type { Ticket } from './tickets.types.js';

/** The outgoing-mail job (intake-email's `email.send`): to, subject, text, thread ids. */
const EMAIL_SEND_JOB = 'email.send';

export interface MergeOptions {
  mailFrom: string;
  /** Whether automatic mail may go to this address now (not a machine address, not bouncing). */
  allowAutomatic?(tx: Tx, address: string, kind: string, now: number): Promise<boolean>;
  /** Records the id of a mail sent about a ticket, so replies to it thread back. */
  recordMessageId?(tx: Tx, ticketId: string, messageId: string, now: number): Promise<void>;
}

/**
 * Merging a duplicate ticket into another (issue 15 §2): the source's messages and notes are
 * copied onto the target's timeline (each marked with where it came from; the source's own
 * timeline is append-only and stays), its files and CCs go along, the source is closed with a
 * pointer to the target, and its requester is told once, in their language.
 */
export class TicketMergeService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly o: MergeOptions,
  ) {}

  async merge(actor: Principal, sourceId: string, input: { into: string; confirmDifferentCustomer?: boolean }): Promise<{ source: TicketView; target: TicketView; movedMessages: number }> {
    const now = this.clock.now();
    const ctx = { actorId: actor.userId, authorType: 'user' as const, now };
    return inTransaction(this.db, async (tx) => {
      await this.tickets.access.assertWrite(actor, sourceId, tx);
      await this.tickets.access.assertWrite(actor, input.into, tx);
      const source = await this.tickets.load(tx, sourceId);
      const target = await this.tickets.load(tx, input.into);
      const [sourceCustomer, targetCustomer] = await Promise.all([customerOf(tx, source.requesterId), customerOf(tx, target.requesterId)]);
      const problem = mergeProblem(source, target, { confirmDifferentCustomer: input.confirmDifferentCustomer === true });
      if (problem === 'same_ticket') throw new AppError('bad_request', 'A ticket cannot be merged into itself; choose another ticket.', { reason: problem });
      if (problem === 'different_customer')
        throw new AppError('different_customer', `#${source.number} and #${target.number} are of different customers; send confirmDifferentCustomer: true to merge them anyway (the requester of #${source.number} is then copied on #${target.number}'s replies).`, {
          reason: problem,
          source: { number: source.number, customer: sourceCustomer?.name ?? null },
          target: { number: target.number, customer: targetCustomer?.name ?? null },
        });
      if (problem) throw conflict(problem === 'source_closed' ? `#${source.number} is already closed${source.mergedIntoId ? ' (merged)' : ''}; it cannot be merged.` : `#${target.number} is closed or merged; merge into an open ticket.`, { reason: problem });

      // Messages and notes, oldest first, each marked with the ticket and time it came from.
      const events = (await repo.listEvents(tx, source.id, { limit: 10_000 })).filter((e) => e.kind === 'message.added');
      for (const e of events) {
        const copy = await this.tickets.appendEvent(
          tx,
          target.id,
          {
            kind: 'message.added',
            visibility: e.visibility as 'public' | 'internal',
            authorType: e.author_type as 'user' | 'customer' | 'system',
            authorId: e.author_id,
            body: e.body,
            bodyFormat: e.body_format === 'markdown' ? 'markdown' : 'text',
            data: { ...JSON.parse(e.data || '{}'), merged: { fromTicketId: source.id, fromNumber: source.number, eventId: e.id, createdAt: new Date(Number(e.created_at)).toISOString() } },
          },
          now,
        );
        await tx.updateTable('attachments').set({ ticket_id: target.id, event_id: copy }).where('event_id', '=', e.id).execute();
      }
      await tx.updateTable('attachments').set({ ticket_id: target.id }).where('ticket_id', '=', source.id).where('event_id', 'is', null).execute();

      // CCs go along; a different customer (confirmed) keeps hearing about their request.
      const extra = sourceCustomer?.email && sourceCustomer.id !== targetCustomer?.id ? [sourceCustomer.email] : [];
      const cc = normaliseCc([...target.cc, ...source.cc, ...extra]).filter((a) => a !== targetCustomer?.email?.toLowerCase());
      await this.tickets.updateIn(tx, target.id, { cc }, { ...ctx, eventData: { mergedFrom: source.id } });
      await this.tickets.appendEvent(tx, target.id, { kind: 'ticket.merged_in', visibility: 'internal', authorType: 'user', authorId: actor.userId, data: { fromTicketId: source.id, fromNumber: source.number, messages: events.length } }, now);
      await this.tickets.appendEvent(tx, source.id, { kind: 'ticket.merged', visibility: 'internal', authorType: 'user', authorId: actor.userId, data: { intoTicketId: target.id, intoNumber: target.number } }, now);
      await this.tickets.updateIn(tx, source.id, { status: 'closed' }, { ...ctx, eventData: { mergedInto: target.id } });
      await tx.updateTable('tickets').set({ merged_into_id: target.id }).where('id', '=', source.id).execute();

      if (sourceCustomer?.email && sourceCustomer.erased_at === null) await this.tellRequester(tx, source, target, sourceCustomer, now);
      return { source: presentTicket(await this.tickets.load(tx, source.id)), target: presentTicket(await this.tickets.load(tx, target.id)), movedMessages: events.length };
    });
  }

  /** The ticket a number leads to: a merged ticket's number leads to the ticket it was merged into. */
  async resolveNumber(viewer: Principal, number: number): Promise<{ ticket: TicketView; via: number[] }> {
    const via: number[] = [];
    let t: Ticket | null = await this.tickets.findByNumber(this.db, number);
    for (let hops = 0; t?.mergedIntoId && hops < 20; hops++) {
      via.push(t.number);
      t = await this.tickets.load(this.db, t.mergedIntoId);
    }
    if (!t) throw notFound('Ticket', `#${number}`);
    await this.tickets.access.assertRead(viewer, t.id, this.db, 'Ticket', `#${number}`);
    return { ticket: presentTicket(t), via };
  }

  /** One mail, once (dedupe key per source), in the requester's language. */
  private async tellRequester(tx: Tx, source: Ticket, target: Ticket, c: { email: string | null; name: string; locale: string }, now: number): Promise<void> {
    const to = c.email!.toLowerCase();
    if (this.o.allowAutomatic && !(await this.o.allowAutomatic(tx, to, 'ticket.merged', now))) return;
    const locale = c.locale === 'en' ? 'en' : 'ja';
    const mail = mergeNotice(locale, { name: c.name, sourceNumber: source.number, targetNumber: target.number, subject: target.subject });
    const ids = ticketThreadIds(target.id, `merged-${source.id}`, mailDomainOf(this.o.mailFrom));
    await enqueueJob(tx, { kind: EMAIL_SEND_JOB, payload: { to, subject: mail.subject, text: mail.text, ticketId: target.id, messageId: ids.messageId, inReplyTo: ids.inReplyTo, references: ids.references }, dueAt: now, dedupeKey: `ticket.merged:${source.id}`, maxAttempts: 8 }, now);
    await this.o.recordMessageId?.(tx, target.id, ids.messageId, now);
  }
}

async function customerOf(ex: Executor, id: string | null) {
  if (!id) return null;
  return (await ex.selectFrom('customers').select(['id', 'name', 'email', 'locale', 'erased_at']).where('id', '=', id).executeTakeFirst()) ?? null;
}

