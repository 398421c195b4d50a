import type { AuditActor, AuditService } from '../audit/index.js';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Db, Tx } from '../../db/database.js';
import { inTransaction, parseJson } from '../../db/database.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { InboundMessagesTable } from '../../db/schema.js';
import { ticketIdOfMessageId, ticketThreadIds, mailDomainOf } from '../../integrations/smtp.js';
import { cancelJobs, enqueueJob } from '../../jobs/jobs.repository.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, conflict, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import type { CustomersService } from '../customers/index.js';
import { ticketRefVisibleCondition, type AttachmentsService, type Ticket, type TicketsService, type TicketViewer } from '../tickets/index.js';
import { classifyInbound, extractTicketNumber, threadingKeys } from './email-classify.js';
import { normaliseMessageId } from './email-headers.js';
import { evaluateMailAuth, isUnverified, type DnsResolver, type MailAuth } from './email-auth.js';
import { inboundIdentity, type InboundIdentity } from './inbound-identity.js';
import { peekSubjectAndSender, tryParseInboundEmail } from './email-parse.js';
import type { BounceFailure, InboundClassification, ParseLimits, ParsedEmail } from './email.types.js';
import * as repo from './intake-email.repository.js';

export type InboundSource = 'smtp' | 'imap' | 'reprocess';
export type InboundStatus = 'received' | 'processed' | 'rejected' | 'failed' | 'held';

export interface Envelope {
  mailFrom?: string | null;
  rcptTo?: string[];
  remoteAddress?: string | null;
  /** What the client said in EHLO/HELO (SPF checks it when MAIL FROM is empty). */
  helo?: string | null;
}

export interface IntakeResult {
  inboundId: string;
  /** True when this delivery repeated a message already kept (nothing new was stored). */
  duplicate: boolean;
  status: InboundStatus;
  reason: string | null;
  ticketId: string | null;
}

export interface IntakeEmailOptions {
  /** Downloads of raw mail are audited. */
  audit?: AuditService;
  dataDir: string;
  limits: ParseLimits;
  /** Our own addresses: mail claiming to come from them is a loop, never a ticket. */
  ownAddresses: string[];
  /** From of acknowledgements; its domain names the Message-IDs we send. */
  mailFrom: string;
  /** Delay of the safety-net job that processes a stored message if this node dies first. */
  retryAfterMs?: number;
  /** A bounce names one of our mails: the replies module marks that reply's delivery bounced (its id, or null). */
  bounced?(tx: Tx, originalMessageId: string, detail: { recipient: string | null; status: string | null; diagnostic: string | null }, now: number): Promise<string | null>;
  /** Loop guard of automatic mail: false for a machine's address or past the per-address cap. */
  allowAutomatic?(tx: Tx, address: string, kind: string, now: number): Promise<boolean>;
  /**
   * SPF/DKIM/DMARC of each mail (unset: not evaluated). `unverified`: what happens to a reply
   * onto an open ticket whose sender fails DMARC or cannot be checked (temperror): held for an
   * agent (`hold`) or appended anyway (`accept`); the verdict is stored either way.
   */
  mailAuth?: { resolver: DnsResolver; timeoutMs: number; unverified: 'hold' | 'accept' };
}

export const PROCESS_JOB = 'intake.email.process';
/** The notifications module's fan-out job, and the event of a reply held as unverified. */
const NOTIFY_JOB = 'notify';
export const HELD_MAIL_EVENT = 'email.held';
export const EMAIL_SEND_JOB = 'email.send';

/** Payload of an `email.send` job (the acknowledgement and confirmation mails of the intake). */
export interface EmailSendPayload {
  to: string;
  subject: string;
  text: string;
  html?: string;
  ticketId: string;
  /** `<local@domain>`; recorded in ticket_message_ids so replies thread back. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
}

/** Records the Message-ID of a mail Escalon sends about a ticket, so replies to it thread back. */
export async function recordOutgoingMessageId(tx: Tx, ticketId: string, messageId: string, now: number): Promise<void> {
  const id = normaliseMessageId(messageId);
  if (id) await repo.insertMessageId(tx, id, ticketId, 'out', now);
}

export { inboundIdentity } from './inbound-identity.js';

/**
 * Email intake: keeps every raw message (fsynced file + row) before parsing it, then turns it
 * into a ticket, a reply on a ticket, a bounce note, or a recorded rejection. Processing runs
 * in one transaction per message; a crash after the raw is kept is repaired by the
 * `intake.email.process` job written with the row.
 */
export class IntakeEmailService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly tickets: TicketsService,
    private readonly customers: CustomersService,
    private readonly attachments: AttachmentsService,
    private readonly opts: IntakeEmailOptions,
  ) {}

  get maxBytes(): number {
    return this.opts.limits.maxTotalBytes;
  }

  /** Keeps the raw message, then processes it. Never throws for bad mail (only when it cannot be kept). */
  async receive(raw: Buffer, source: InboundSource, envelope: Envelope = {}): Promise<IntakeResult> {
    return this.afterStore(await this.store(raw, source, envelope));
  }

  /**
   * Keeps a raw message already written (and fsynced) to a temporary file under
   * `temporaryDir()` by a streaming receiver, whose identity was computed while it streamed; the
   * file is moved into place (or removed, for a repeated delivery). Then processes it.
   */
  async receiveFile(tempPath: string, identity: InboundIdentity, source: InboundSource, envelope: Envelope = {}): Promise<IntakeResult> {
    return this.afterStore(await this.keep(identity, source, envelope, (path) => moveInto(tempPath, path), () => rm(tempPath, { force: true })));
  }

  /** Where streaming receivers write a message before it is kept (same file system as the store, so the move is a rename). */
  temporaryDir(): string {
    return join(this.opts.dataDir, 'inbound', 'tmp');
  }

  private async afterStore(stored: { id: string; duplicate: boolean }): Promise<IntakeResult> {
    if (stored.duplicate) {
      const row = (await repo.findInbound(this.db, stored.id))!;
      return { inboundId: row.id, duplicate: true, status: row.status as InboundStatus, reason: row.reason, ticketId: row.ticket_id };
    }
    return this.process(stored.id);
  }

  /** Writes the raw bytes (fsync) and the row; a repeated delivery only counts. */
  async store(raw: Buffer, source: InboundSource, envelope: Envelope = {}): Promise<{ id: string; duplicate: boolean }> {
    return this.keep(inboundIdentity(raw), source, envelope, async (path) => {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(raw);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
  }

  /** The file is in place (fsynced) before the row and its safety-net job are committed. */
  private async keep(
    identity: InboundIdentity,
    source: InboundSource,
    envelope: Envelope,
    place: (path: string) => Promise<void>,
    discard: () => Promise<unknown> = async () => undefined,
  ): Promise<{ id: string; duplicate: boolean }> {
    const now = this.clock.now();
    const { messageId, dedupeKey, rawSha256 } = identity;
    const existing = await repo.findInboundByKey(this.db, dedupeKey);
    if (existing) {
      await discard();
      await repo.countDelivery(this.db, existing.id, now);
      return { id: existing.id, duplicate: true };
    }
    const id = newId();
    const key = join(id.slice(0, 8), `${id}.eml`);
    const path = join(this.opts.dataDir, 'inbound', key);
    await mkdir(join(this.opts.dataDir, 'inbound', id.slice(0, 8)), { recursive: true });
    await place(path);
    try {
      await inTransaction(this.db, async (tx) => {
        await repo.insertInbound(tx, {
          id,
          source,
          dedupe_key: dedupeKey,
          message_id: messageId,
          status: 'received',
          reason: null,
          error: null,
          raw_key: key,
          raw_size: identity.size,
          raw_sha256: rawSha256,
          envelope: JSON.stringify({ mailFrom: envelope.mailFrom ?? null, rcptTo: envelope.rcptTo ?? [], remoteAddress: envelope.remoteAddress ?? null, ...(envelope.helo ? { helo: envelope.helo } : {}) }),
          subject: null,
          from_address: null,
          ticket_id: null,
          event_id: null,
          created_at: now,
          updated_at: now,
        });
        await enqueueJob(tx, { kind: PROCESS_JOB, payload: { inboundId: id }, dueAt: now + (this.opts.retryAfterMs ?? 120_000), dedupeKey: jobKey(id), maxAttempts: 3 }, now);
      });
    } catch (err) {
      await rm(path, { force: true });
      if (isUniqueViolation(err)) {
        // The same mail arrived on two connections at once; the other one kept it.
        const other = await repo.findInboundByKey(this.db, dedupeKey);
        if (other) {
          await repo.countDelivery(this.db, other.id, now);
          return { id: other.id, duplicate: true };
        }
      }
      throw err;
    }
    return { id, duplicate: false };
  }

  /** Parses and applies one kept message that is still waiting (or failed, when reprocessing). */
  async process(id: string, opts: { retryFailed?: boolean } = {}): Promise<IntakeResult> {
    const row = await repo.findInbound(this.db, id);
    if (!row) throw notFound('Inbound message', id);
    const allowed: string[] = opts.retryFailed ? ['received', 'failed'] : ['received'];
    if (!allowed.includes(row.status)) return resultOf(row);
    const raw = await readFile(join(this.opts.dataDir, 'inbound', row.raw_key));
    const parsed = await tryParseInboundEmail(raw, this.opts.limits);
    // Before the transaction: DNS lookups (short, capped) never hold a transaction open.
    const auth = row.auth ? parseJson<MailAuth | null>(row.auth, null) : await this.authenticate(raw, row);
    let stored: StoredAttachments | null = null;
    for (let attempt = 1; ; attempt++) {
      try {
        stored = await inTransaction(this.db, async (tx) => {
          const now = this.clock.now();
          if (!(await repo.claimInbound(tx, id, now))) return null;
          await cancelJobs(tx, [jobKey(id)], now);
          if (auth && !row.auth) await repo.setInboundAuth(tx, id, JSON.stringify(auth), auth.verdict);
          if (!parsed.ok) {
            await repo.finishInbound(tx, id, { status: 'failed', reason: parsed.error.reason, error: parsed.error.message, ...readableMeta(raw) }, now);
            return null;
          }
          return this.apply(tx, row, parsed.email, now, auth);
        });
        break;
      } catch (err) {
        // Two connections creating the same new customer at once: the second retries once.
        if (isUniqueViolation(err) && attempt === 1) continue;
        this.logger.warn({ err, inboundId: id }, 'inbound message could not be processed; kept as failed');
        const meta = parsed.ok ? { subject: parsed.email.subject.slice(0, 1000), from_address: senderText(parsed.email) } : readableMeta(raw);
        await repo.finishInbound(this.db, id, { status: 'failed', reason: 'processing_error', error: errorText(err), ...meta }, this.clock.now());
        break;
      }
    }
    if (stored) await this.storeAttachments(stored);
    return resultOf((await repo.findInbound(this.db, id))!);
  }

  /** An admin asks again for a failed (or never processed) message, e.g. after a fix. */
  async reprocess(viewer: TicketViewer | null, id: string): Promise<IntakeResult> {
    const row = await this.get(viewer, id);
    if (row.status !== 'failed' && row.status !== 'received') {
      throw conflict(`Only failed or waiting messages can be processed again; this one is ${row.status}.`, { status: row.status });
    }
    return this.process(id, { retryFailed: true });
  }

  /**
   * An agent decides on a mail held as unverified: `accept` appends it as the customer's message
   * (as if it had passed), `reject` keeps it rejected (the raw mail stays stored). Each decision
   * is an internal timeline event by the agent and an audit entry (who, ticket, message, decision).
   */
  async resolveHeld(viewer: TicketViewer | null, id: string, actor: AuditActor, decision: 'accept' | 'reject'): Promise<IntakeResult> {
    const actorId = actor.userId;
    const row = await repo.findInbound(this.db, id);
    if (!row) throw notFound('Inbound message', id);
    // Deciding changes the ticket: the viewer must be allowed to write to it (restricted teams).
    if (row.ticket_id) await this.tickets.access.assertWrite(viewer, row.ticket_id, this.db, 'Inbound message', id);
    if (row.status !== 'held') throw conflict(`Only held messages can be accepted or rejected; this one is ${row.status}.`, { status: row.status });
    const raw = await readFile(join(this.opts.dataDir, 'inbound', row.raw_key));
    const parsed = decision === 'accept' ? await tryParseInboundEmail(raw, this.opts.limits) : null;
    const auth = parseJson<MailAuth | null>(row.auth ?? 'null', null);
    const stored = await inTransaction(this.db, async (tx) => {
      const now = this.clock.now();
      if (!(await repo.resolveHeldInbound(tx, id, actorId, now))) throw conflict('Someone else decided on this message in the meantime.', { status: 'resolved' });
      const heldOn = row.ticket_id;
      // An accept that cannot be parsed any more ends rejected: the entry says what happened.
      const outcome = decision === 'reject' || !parsed?.ok ? 'rejected' : 'accepted';
      await this.opts.audit?.record(tx, {
        actorId,
        action: outcome === 'accepted' ? 'inbound_message.held_accepted' : 'inbound_message.held_rejected',
        targetType: 'inbound_message',
        targetId: id,
        ip: actor.ip ?? null,
        data: { ticketId: heldOn, decision, outcome, from: row.from_address, subject: row.subject, authVerdict: row.auth_verdict ?? null },
      });
      if (decision === 'reject' || !parsed?.ok) {
        await repo.finishInbound(tx, id, { status: 'rejected', reason: 'unverified_rejected', error: null }, now);
        if (heldOn) await this.tickets.appendEvent(tx, heldOn, { kind: 'email.held_rejected', visibility: 'internal', authorType: 'user', authorId: actorId, data: { inboundId: id } }, now);
        return null;
      }
      const s = await this.apply(tx, row, parsed.email, now, auth, { accepted: true });
      if (heldOn) await this.tickets.appendEvent(tx, heldOn, { kind: 'email.held_accepted', visibility: 'internal', authorType: 'user', authorId: actorId, data: { inboundId: id, eventId: s?.eventId ?? null } }, now);
      return s;
    });
    if (stored) await this.storeAttachments(stored);
    return resultOf((await repo.findInbound(this.db, id))!);
  }

  /** One inbound message; mail that opened or joined a ticket the viewer does not see is not found. */
  async get(viewer: TicketViewer | null, id: string) {
    const row = await repo.findInbound(this.db, id);
    if (!row) throw notFound('Inbound message', id);
    if (row.ticket_id) await this.tickets.access.assertRead(viewer, row.ticket_id, this.db, 'Inbound message', id);
    return row;
  }

  async list(viewer: TicketViewer | null, opts: { status?: InboundStatus; limit: number; cursor?: string }) {
    const visible = ticketRefVisibleCondition(await this.tickets.access.scope(viewer), 'inbound_messages.ticket_id');
    const rows = await repo.listInbound(this.db, { status: opts.status, limit: opts.limit, before: opts.cursor, visible });
    const more = rows.length > opts.limit;
    const items = rows.slice(0, opts.limit);
    return { items, nextCursor: more ? (items[items.length - 1]?.id ?? null) : null };
  }

  /** A download of raw mail: recorded in the audit log with who took it. */
  async raw(viewer: TicketViewer | null, id: string, actor?: AuditActor | null): Promise<Buffer> {
    const row = await this.get(viewer, id);
    const raw = await readFile(join(this.opts.dataDir, 'inbound', row.raw_key));
    await this.opts.audit?.record(this.db, { actorId: actor?.userId ?? null, action: 'raw_mail.downloaded', targetType: 'inbound_message', targetId: id, ip: actor?.ip ?? null, data: { ticketId: row.ticket_id, subject: row.subject, from: row.from_address } });
    return raw;
  }

  /** SPF (SMTP only), DKIM and DMARC; null when not configured. Never throws. */
  private async authenticate(raw: Buffer, row: { source: string; envelope: string }): Promise<MailAuth | null> {
    const o = this.opts.mailAuth;
    if (!o) return null;
    const env = parseJson<Envelope>(row.envelope, {});
    // Only the SMTP receiver saw the connection; IMAP (and reprocessed) mail is judged on the message alone.
    const conn = row.source === 'smtp' && env.remoteAddress ? { ip: env.remoteAddress, helo: env.helo ?? null, mailFrom: env.mailFrom ?? null } : null;
    return evaluateMailAuth(raw, conn, { resolver: o.resolver, timeoutMs: o.timeoutMs, mta: mailDomainOf(this.opts.mailFrom) });
  }

  private async apply(tx: Tx, row: { id: string; envelope: string }, email: ParsedEmail, now: number, auth: MailAuth | null = null, how: { accepted?: boolean } = {}): Promise<StoredAttachments | null> {
    const inboundId = row.id;
    const meta = { subject: email.subject.slice(0, 1000), from_address: senderText(email), message_id: email.messageId };
    const finish = (status: InboundStatus, reason: string | null, extra: { ticket_id?: string; event_id?: string; error?: string } = {}) =>
      repo.finishInbound(tx, inboundId, { status, reason, error: extra.error ?? null, ...meta, ...extra }, now);
    const classification = classifyInbound(email, { envelopeFrom: envelopeFrom(row.envelope) });

    if (classification.kind === 'auto_reply') {
      await finish('rejected', `auto_reply:${classification.reason}`, classification.detail ? { error: classification.detail } : {});
      return null;
    }
    if (classification.kind === 'bounce') {
      await this.applyBounce(tx, inboundId, classification, finish, now);
      return null;
    }

    const from = email.from;
    if (!from) {
      await finish('rejected', 'no_sender');
      return null;
    }
    if (this.opts.ownAddresses.includes(from.address)) {
      await finish('rejected', 'own_address', { error: `mail from our own address ${from.address} (a loop)` });
      return null;
    }
    let ticket = await this.threadedTicket(tx, email, from.address);
    const authData = auth && { verdict: auth.verdict, basis: auth.basis, spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc };
    if (ticket && ticket.status !== 'closed' && !how.accepted && this.opts.mailAuth?.unverified === 'hold' && isUnverified(auth)) {
      // A reply into someone's ticket from a sender that fails DMARC (or cannot be checked) is
      // not the customer's word until an agent says so: kept, shown on the ticket, not appended.
      const eventId = await this.tickets.appendEvent(
        tx,
        ticket.id,
        { kind: 'email.held', visibility: 'internal', authorType: 'system', authorId: null, body: (email.visibleText || email.text || '(no text)').slice(0, 20_000), data: { inboundId, from, subject: email.subject.slice(0, 500), auth: authData, attachments: email.attachments.length } },
        now,
      );
      await finish('held', 'unverified_sender', { ticket_id: ticket.id, event_id: eventId });
      // Someone must decide: the assignee, else the ticket's team (the fan-out leaves out
      // whoever may not see the ticket). The reason travels as codes; templates word it.
      await enqueueJob(
        tx,
        {
          kind: NOTIFY_JOB,
          dedupeKey: `notify:email.held:${inboundId}`,
          dueAt: now,
          maxAttempts: 5,
          payload: {
            event: HELD_MAIL_EVENT,
            ticketId: ticket.id,
            recipients: ticket.assigneeId ? ['assignee'] : ['team'],
            data: { inboundId, eventId, from: from.address, subject: email.subject.slice(0, 500), reason: auth?.verdict === 'temperror' ? 'dns_temperror' : 'dmarc_fail', fromDomain: auth?.fromDomain ?? null },
          },
        },
        now,
      );
      return null;
    }
    const customer = await this.customers.findOrCreateByEmailState(tx, from.address, from.name);
    const customerId = customer.id;
    // The customer wrote from the address: it is in use, so an earlier hard bounce no longer holds.
    if (customer.emailBouncing) await this.customers.clearEmailBouncing(tx, customerId, now);
    let followUpOf: number | null = null;
    if (ticket && ticket.status === 'closed') {
      followUpOf = ticket.number;
      ticket = null;
    }
    const data = {
      channel: 'email',
      email: {
        inboundId,
        messageId: email.messageId,
        from,
        to: email.to,
        cc: email.cc,
        subject: email.subject,
        html: email.html,
        quotedText: email.quotedText,
        attachments: email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline, contentId: a.contentId, rejected: a.rejected })),
        ...(authData && { auth: authData }),
        ...(how.accepted && { acceptedUnverified: true }),
      },
      ...(followUpOf !== null && { followUpOf }),
    };
    const body = email.visibleText || email.text || '(no text)';
    const created = ticket === null;
    if (!ticket) {
      // The Cc of the first mail becomes the ticket's CC list (never our own address or the sender).
      const cc = email.cc.filter((a) => a !== from.address && !this.opts.ownAddresses.includes(a)).slice(0, 50);
      ticket = await this.tickets.createIn(tx, { subject: (email.subject || '(no subject)').slice(0, 500), channel: 'email', requesterId: customerId, cc }, { actorId: null, authorType: 'system', now });
    }
    const eventId = await this.tickets.addMessageIn(tx, ticket, { body, visibility: 'public', initial: created, data }, { actorId: customerId, authorType: 'customer', now });
    if (!email.messageIdSynthetic) await repo.insertMessageId(tx, email.messageId, ticket.id, 'in', now);
    if (created && !(classification as Extract<InboundClassification, { kind: 'message' }>).suppressAutoResponse) {
      await this.enqueueAcknowledgement(tx, ticket, from.address, email, now);
    }
    await finish('processed', created ? 'ticket_created' : 'reply_added', { ticket_id: ticket.id, event_id: eventId });
    return { ticketId: ticket.id, eventId, customerId, files: email.attachments.filter((a) => a.rejected === null && a.content.length > 0) };
  }

  /**
   * A bounce is tied to the mail of ours it quotes (any of the Message-IDs it carries that we
   * sent), never to a ticket by guesswork, so a forged report cannot touch a ticket or a
   * customer. The note keeps the report's facts (failed recipients, status, diagnostic) as data
   * for the console to render in the reader's language; a hard bounce (5.x.x) marks the
   * customer's address bouncing.
   */
  private async applyBounce(
    tx: Tx,
    inboundId: string,
    bounce: Extract<InboundClassification, { kind: 'bounce' }>,
    finish: (status: InboundStatus, reason: string | null, extra?: { ticket_id?: string; event_id?: string; error?: string }) => Promise<unknown>,
    now: number,
  ): Promise<void> {
    const candidates = [...new Set([bounce.originalMessageId, ...(bounce.candidateMessageIds ?? [])].filter((id): id is string => !!id))];
    const hit = await repo.ticketOfMessageIds(tx, candidates, 'out');
    if (!hit) {
      await finish('rejected', 'bounce_unmatched', { error: candidates.length > 0 ? `none of our mails is quoted: ${candidates.slice(0, 5).join(' ')}`.slice(0, 2000) : 'the report names no message id' });
      return;
    }
    const failures: BounceFailure[] = bounce.failures ?? (bounce.recipient || bounce.status ? [{ recipient: bounce.recipient ?? '', status: bounce.status ?? null, diagnostic: bounce.diagnostic ?? null, action: null }] : []);
    const first = failures[0];
    const deliveryId = (await this.opts.bounced?.(tx, hit.messageId, { recipient: first?.recipient || null, status: first?.status ?? null, diagnostic: first?.diagnostic ?? null }, now)) ?? null;
    const bouncing: string[] = [];
    for (const f of failures) {
      if (f.recipient && f.status?.startsWith('5.')) bouncing.push(...(await this.customers.markEmailBouncing(tx, f.recipient, { status: f.status, diagnostic: f.diagnostic }, now)));
    }
    const eventId = await this.tickets.appendEvent(
      tx,
      hit.ticketId,
      {
        kind: 'email.bounced',
        visibility: 'internal',
        authorType: 'system',
        authorId: null,
        // The remote server's own words; the sentence around them is the console's, in the reader's language.
        body: failures.map((f) => (f.diagnostic?.toLowerCase().includes(f.recipient) ? f.diagnostic : [f.recipient, f.diagnostic ?? f.status].filter(Boolean).join(': '))).join('\n').slice(0, 4000),
        data: {
          inboundId,
          originalMessageId: hit.messageId,
          recipient: first?.recipient || null,
          status: first?.status ?? null,
          diagnostic: first?.diagnostic ?? null,
          failures: failures.map((f) => ({ ...f, hard: f.status?.startsWith('5.') ?? false })),
          hard: failures.some((f) => f.status?.startsWith('5.')),
          bouncingCustomerIds: [...new Set(bouncing)],
          reason: bounce.reason,
          deliveryId,
        },
      },
      now,
    );
    await finish('processed', 'bounce', { ticket_id: hit.ticketId, event_id: eventId });
  }

  /**
   * The ticket a mail continues: one whose message ids appear in In-Reply-To / References
   * (ids we sent or received), else the `[#1042]` number in the subject when the sender is that
   * ticket's requester (a number alone must not let anyone write into any ticket).
   */
  private async threadedTicket(tx: Tx, email: ParsedEmail, sender: string): Promise<Ticket | null> {
    const keys = threadingKeys(email);
    const hit = await repo.ticketOfMessageIds(tx, keys);
    if (hit) return this.followMerged(tx, await this.tickets.load(tx, hit.ticketId));
    for (const key of keys) {
      const ticketId = ticketIdOfMessageId(key);
      if (ticketId && (await tx.selectFrom('tickets').select('id').where('id', '=', ticketId).executeTakeFirst())) return this.followMerged(tx, await this.tickets.load(tx, ticketId));
    }
    const number = extractTicketNumber(email.subject);
    if (number === null) return null;
    const ticket = await this.tickets.findByNumber(tx, number);
    if (!ticket || !ticket.requesterId) return null;
    const requester = await tx.selectFrom('customers').select('email').where('id', '=', ticket.requesterId).executeTakeFirst();
    return requester?.email?.toLowerCase() === sender ? this.followMerged(tx, ticket) : null;
  }

  /** A reply to a ticket that was merged continues the ticket it was merged into (issue 15 §2). */
  private async followMerged(tx: Tx, ticket: Ticket): Promise<Ticket> {
    let t = ticket;
    for (let hops = 0; t.mergedIntoId && hops < 20; hops++) t = await this.tickets.load(tx, t.mergedIntoId);
    return t;
  }

  private async enqueueAcknowledgement(tx: Tx, ticket: Ticket, to: string, email: ParsedEmail, now: number): Promise<void> {
    if (this.opts.allowAutomatic && !(await this.opts.allowAutomatic(tx, to, 'intake.ack', now))) return;
    const ids = ticketThreadIds(ticket.id, 'ack', mailDomainOf(this.opts.mailFrom));
    const subject = `[#${ticket.number}] ${ticket.subject}`.slice(0, 300);
    const text = [
      'お問い合わせを受け付けました。担当者よりご連絡いたします。',
      `受付番号: #${ticket.number}`,
      '',
      'We have received your message and will get back to you.',
      `Reference: #${ticket.number}`,
      '',
      'このメールに返信すると、同じお問い合わせに追記されます。 / Reply to this mail to add to the same request.',
    ].join('\n');
    const payload: EmailSendPayload = { to, subject, text, ticketId: ticket.id, messageId: ids.messageId, inReplyTo: `<${email.messageId}>`, references: [`<${email.messageId}>`] };
    await enqueueJob(tx, { kind: EMAIL_SEND_JOB, payload: { ...payload }, dueAt: now, dedupeKey: `intake.ack:${ticket.id}`, maxAttempts: 8 }, now);
    await recordOutgoingMessageId(tx, ticket.id, ids.messageId, now);
  }

  private async storeAttachments(s: StoredAttachments): Promise<void> {
    for (const [i, a] of s.files.entries()) {
      try {
        await this.attachments.store(null, s.ticketId, { filename: a.filename ?? (a.inline ? `inline-${i + 1}` : `attachment-${i + 1}`), contentType: a.contentType, content: a.content }, { eventId: s.eventId, authorType: 'customer', authorId: s.customerId, source: 'mail' });
      } catch (err) {
        // The raw message still holds the file; the event lists it.
        this.logger.warn({ err, ticketId: s.ticketId, filename: a.filename }, 'inbound attachment not stored');
      }
    }
  }
}

interface StoredAttachments {
  ticketId: string;
  eventId: string;
  customerId: string;
  files: ParsedEmail['attachments'];
}

/** Moves a fsynced temporary file into the store and makes the rename itself durable (fsync of the folder). */
async function moveInto(tempPath: string, path: string): Promise<void> {
  await rename(tempPath, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The SMTP envelope sender of a kept message ('' for `MAIL FROM:<>`), or null when unknown (IMAP). */
function envelopeFrom(envelope: string): string | null {
  try {
    const value = (JSON.parse(envelope) as { mailFrom?: unknown }).mailFrom;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

const jobKey = (inboundId: string) => `intake.email:${inboundId}`;

/** The sender as the admin list shows it: the address, or `MAILER-DAEMON <>` for a null sender. */
const senderText = (email: ParsedEmail): string | null => email.from?.address ?? (email.nullSender !== null ? `${email.nullSender} <>` : null);

/** Subject and sender of a mail that could not be parsed, read best-effort from the raw headers. */
function readableMeta(raw: Buffer): { subject: string | null; from_address: string | null } {
  const peek = peekSubjectAndSender(raw);
  return { subject: peek.subject, from_address: peek.from };
}

const errorText = (err: unknown): string => (err instanceof AppError || err instanceof Error ? err.message : String(err)).slice(0, 2000);

const resultOf = (row: Pick<InboundMessagesTable, 'id' | 'status' | 'reason' | 'ticket_id'>): IntakeResult => ({
  inboundId: row.id,
  duplicate: false,
  status: row.status as InboundStatus,
  reason: row.reason,
  ticketId: row.ticket_id,
});
