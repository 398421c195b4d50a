import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction, json, parseJson } from '../../db/database.js';
import { dialectOf, withSecureDelete } from '../../db/dialect.js';
import { enqueueJob, findJobByKey } from '../../jobs/jobs.repository.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import { iso } from '../../http/schemas.js';
import type { AuditService } from '../audit/index.js';
import type { Principal } from '../auth/index.js';
import { findCustomer, findOrganization } from '../customers/index.js';
import { ERASED_NAME, ERASED_TEXT, erasedBrief, erasedEscalationState, needlesOf, replaceAddress, replaceAddressInJson, retentionCutoff, scrubJson, withoutAddress } from './privacy.policy.js';
import type { CustomerExport, EraseOutcome } from './privacy.presenter.js';
import * as repo from './privacy.repository.js';

export const FILES_DELETE_JOB = 'privacy.files.delete';
export const RETENTION_JOB = 'privacy.retention';
export const RETENTION_KEY = 'privacy-retention:sweep';
/** How often the retention sweep looks again when the last round found less than a batch. */
const RETENTION_INTERVAL_MS = 3600_000;
/** Storage keys per file-deletion job (its payload stays small). */
const FILES_PER_JOB = 500;
/** Storage keys look like <8 hex>/<uuid>[.eml]: anything else is refused, never joined into a path. */
const STORAGE_KEY = /^[0-9a-f]{8}[\\/][0-9a-f-]{36}(\.eml)?$/;

export interface FilesPayload {
  attachments: string[];
  rawMail: string[];
}

/** What the scans before an erasure found (ids; the transaction re-reads the rows). */
interface Mentions {
  copyingTickets: string[];
  mentioningEvents: string[];
  strongJobs: string[];
  weakJobs: string[];
}

export interface PrivacyOptions {
  /** Status page subscriptions held for an address (issue 17): exported and erased with the customer. */
  statusSubscriptions?: { export(ex: Executor, email: string): Promise<NonNullable<CustomerExport['statusSubscriptions']>>; erase(tx: Tx, email: string): Promise<number> };
  dataDir: string;
  retentionClosedDays: number;
  retentionRawMailDays: number;
  /** Tickets (and raw mails) purged per retention transaction (default 200). */
  retentionBatch?: number;
  /**
   * The ONE call site of exports and raw-mail downloads for the ticket access policy.
   * ACCESS (issue 14 §2, branch s4-access): restricted teams are not on main yet; when they
   * land, the container passes `(actor, ids, ex) => tickets.access.visibleIds(actor, ids, ex)`
   * (TicketAccess, src/modules/tickets/ticket-access.service.ts on s4-access), and
   * privacy-access.int.test.ts stops skipping. Until then: every ticket. Erasure does not
   * filter on purpose: it must be complete whoever runs it.
   */
  visibleTicketIds?: VisibleTicketIds;
  /**
   * The search index after an erasure (issue 19), in its transaction: the customer's own
   * document goes, and the documents of the tickets touched are rebuilt from the erased rows.
   */
  searchErased?: (ex: Executor, customerId: string, ticketIds: string[]) => Promise<void>;
}

/** Which of these tickets the actor may see (the ticket access policy). */
export type VisibleTicketIds = (actor: Principal, ticketIds: string[], ex: Executor) => Promise<Set<string>>;

/**
 * Customer data requests (Japan's APPI, GDPR): export everything held about a customer, erase
 * (anonymise) a customer, and the retention policy that purges closed tickets and raw mail.
 * Rows change in one transaction; files are deleted by a job committed with it, so a crash
 * never leaves a row pointing at a deleted file.
 */
export class PrivacyService {
  private readonly visibleTicketIds: VisibleTicketIds;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly o: PrivacyOptions,
  ) {
    this.visibleTicketIds = o.visibleTicketIds ?? (async (_actor, ids) => new Set(ids));
  }

  // ----------------------------------------------------------------------------- export

  async exportCustomer(actor: Principal, customerId: string, meta: { format: 'json' | 'summary'; ip?: string | null }): Promise<CustomerExport> {
    return inTransaction(this.db, async (tx) => {
      const c = await findCustomer(tx, customerId);
      if (!c) throw notFound('Customer', customerId);
      const org = c.organization_id ? await findOrganization(tx, c.organization_id) : undefined;
      const allTickets = await repo.customerTickets(tx, customerId);
      const visible = await this.visibleTicketIds(actor, allTickets.map((t) => t.id), tx);
      const tickets = allTickets.filter((t) => visible.has(t.id));
      const ids = tickets.map((t) => t.id);
      const events = await this.inChunks(ids, (part) => repo.eventsOf(tx, part));
      const attachments = await this.inChunks(ids, (part) => repo.attachmentsOf(tx, part));
      const escalations = await this.inChunks(ids, (part) => repo.escalationsOf(tx, part));
      const tags = await this.inChunks(ids, (part) => repo.tagsOf(tx, part));
      const deliveries = await this.inChunks(ids, (part) => repo.customerDeliveriesOf(tx, part));
      const inbound = [...(await repo.inboundOf(tx, [], c.email)), ...(await this.inChunks(ids, (part) => repo.inboundOf(tx, part, null)))];
      const authoredElsewhere = (await repo.customerAuthoredEvents(tx, customerId)).filter((e) => !allTickets.some((t) => t.id === e.ticket_id));
      const visibleElsewhere = await this.visibleTicketIds(actor, [...new Set(authoredElsewhere.map((e) => e.ticket_id))], tx);
      const elsewhere = authoredElsewhere.filter((e) => visibleElsewhere.has(e.ticket_id));
      const elsewhereFiles = await this.inChunks(elsewhere, (part) => repo.attachmentsOfEvents(tx, part));
      const conversations = await repo.conversationsOf(tx, customerId, []);
      const links = await repo.publicLinksOf(tx, customerId);
      const audit = await this.inChunks([customerId, ...ids], (part) => repo.auditAbout(tx, part));
      const hands = (await repo.handsOf(tx, customerId, ids)).filter((h) => h.ticket_id === null || visible.has(h.ticket_id));
      const handEvents = await repo.handEventsOf(tx, hands.map((h) => h.id));
      const byTicket = <T extends { ticket_id: string | null }>(rows: T[]) => {
        const m = new Map<string, T[]>();
        for (const r of rows) if (r.ticket_id) m.set(r.ticket_id, [...(m.get(r.ticket_id) ?? []), r]);
        return m;
      };
      const ev = byTicket(events);
      const at = byTicket(attachments);
      const es = byTicket(escalations);
      const tg = byTicket(tags);
      const dl = byTicket(deliveries);
      const rawSeen = new Set<string>();
      const result: CustomerExport = {
        format: 'escalon.customer-export.v1',
        exportedAt: new Date(this.clock.now()).toISOString(),
        exportedBy: actor.userId,
        customer: {
          id: c.id,
          name: c.name,
          email: c.email,
          phone: c.phone,
          locale: c.locale,
          tier: c.tier,
          organization: org ? { id: org.id, name: org.name, tier: org.tier } : null,
          emailBouncing: c.email_bouncing_at == null ? null : { since: iso(Number(c.email_bouncing_at))!, status: c.email_bouncing_status ?? null, diagnostic: c.email_bouncing_diagnostic ?? null },
          erasedAt: c.erased_at == null ? null : iso(Number(c.erased_at)),
          createdAt: iso(Number(c.created_at))!,
          updatedAt: iso(Number(c.updated_at))!,
        },
        contacts: [
          ...(c.email ? [{ kind: 'email', value: c.email }] : []),
          ...(c.phone ? [{ kind: 'phone', value: c.phone }] : []),
          ...conversations.map((m) => ({ kind: 'messaging', value: m.conversation_id, integrationId: m.integration_id })),
        ],
        publicLinks: links.map((l) => ({ ticketId: l.ticket_id, createdAt: iso(Number(l.created_at))! })),
        ...(c.email && this.o.statusSubscriptions && { statusSubscriptions: await this.o.statusSubscriptions.export(tx, c.email) }),
        tickets: tickets.map((t) => ({
          id: t.id,
          number: Number(t.number),
          subject: t.subject,
          status: t.status,
          priority: t.priority,
          channel: t.channel,
          category: t.category,
          tags: (tg.get(t.id) ?? []).map((x) => x.tag).sort(),
          cc: parseJson<string[]>(t.cc, []),
          createdAt: iso(Number(t.created_at))!,
          updatedAt: iso(Number(t.updated_at))!,
          solvedAt: iso(t.solved_at === null ? null : Number(t.solved_at)),
          closedAt: iso(t.closed_at === null ? null : Number(t.closed_at)),
          messages: (ev.get(t.id) ?? []).map((e) => ({
            id: e.id,
            kind: e.kind,
            visibility: e.visibility,
            authorType: e.author_type,
            authorId: e.author_id,
            body: e.body,
            data: parseJson<unknown>(e.data, {}),
            createdAt: iso(Number(e.created_at))!,
          })),
          attachments: (at.get(t.id) ?? []).map((a) => ({
            id: a.id,
            eventId: a.event_id,
            filename: a.filename,
            contentType: a.content_type,
            size: Number(a.size),
            sha256: a.sha256,
            createdAt: iso(Number(a.created_at))!,
            download: `/api/v1/attachments/${a.id}`,
          })),
          escalations: (es.get(t.id) ?? []).map((x) => ({
            id: x.id,
            kind: x.kind,
            status: x.status,
            brief: parseJson<unknown>(x.brief, {}),
            requestedAt: iso(Number(x.requested_at))!,
            finishedAt: iso(x.finished_at === null ? null : Number(x.finished_at)),
          })),
          deliveries: (dl.get(t.id) ?? []).map((d) => ({ id: d.id, eventId: d.event_id ?? null, channel: d.channel, state: d.state, deliveredAt: iso(d.delivered_at === null ? null : Number(d.delivered_at)) })),
        })),
        messagesOnOtherTickets: elsewhere.map((e) => ({
          ticketId: e.ticket_id,
          id: e.id,
          kind: e.kind,
          visibility: e.visibility,
          body: e.body,
          createdAt: iso(Number(e.created_at))!,
          attachments: elsewhereFiles.filter((a) => a.event_id === e.id).map((a) => ({ id: a.id, filename: a.filename, size: Number(a.size), download: `/api/v1/attachments/${a.id}` })),
        })),
        rawMail: inbound
          .filter((r) => (rawSeen.has(r.id) ? false : (rawSeen.add(r.id), r.ticket_id === null || visible.has(r.ticket_id))))
          .map((r) => ({
            id: r.id,
            ticketId: r.ticket_id,
            messageId: r.message_id,
            subject: r.subject,
            from: r.from_address,
            status: r.status,
            size: Number(r.raw_size),
            sha256: r.raw_sha256,
            receivedAt: iso(Number(r.created_at))!,
            download: `/api/v1/customers/${customerId}/raw-mail/${r.id}`,
          })),
        satisfaction: (await repo.surveysOf(tx, customerId))
          .filter((x) => visible.has(x.ticket_id))
          .map((x) => ({ id: x.id, ticketId: x.ticket_id, email: x.email, language: x.language, state: x.state, sentAt: iso(x.sent_at == null ? null : Number(x.sent_at)), rating: x.rating, score: x.score, reason: x.reason, comment: x.comment, ratedAt: iso(x.rated_at == null ? null : Number(x.rated_at)) })),
        hands: hands.map((h) => ({
          id: h.id,
          ticketId: h.ticket_id,
          callerNumber: h.caller_number,
          category: h.category,
          ask: h.ask,
          concern: h.concern,
          tried: h.tried,
          environment: h.environment,
          background: h.background,
          answer: h.answer,
          outcome: h.outcome,
          raisedAt: iso(Number(h.raised_at))!,
          thread: handEvents.filter((e) => e.hand_id === h.id).map((e) => ({ kind: e.kind, actorId: e.actor_id, body: e.body, at: iso(Number(e.created_at))! })),
        })),
        audit: audit.map((a) => ({ id: a.id, actorId: a.actor_id, action: a.action, targetType: a.target_type, targetId: a.target_id, data: parseJson<unknown>(a.data, {}), createdAt: iso(Number(a.created_at))! })),
      };
      await this.audit.record(tx, {
        actorId: actor.userId,
        action: 'customer.exported',
        targetType: 'customer',
        targetId: customerId,
        ip: meta.ip ?? null,
        data: { format: meta.format, tickets: tickets.length, ticketsNotVisible: allTickets.length - tickets.length, messages: events.length, attachments: attachments.length, rawMail: result.rawMail.length },
      });
      return result;
    });
  }

  /**
   * One raw mail of the export (the download reference of rawMail[]): only a mail of this
   * customer (on one of their visible tickets, or from their address); audited.
   */
  async rawMailOf(actor: Principal, customerId: string, inboundId: string, meta: { ip?: string | null } = {}): Promise<Buffer> {
    const row = await inTransaction(this.db, async (tx) => {
      const c = await findCustomer(tx, customerId);
      if (!c) throw notFound('Customer', customerId);
      const r = await tx.selectFrom('inbound_messages').selectAll().where('id', '=', inboundId).executeTakeFirst();
      const fromThem = (s: string | null) => !!c.email && !!s && s.toLowerCase().includes(c.email);
      const own = r?.ticket_id ? (await tx.selectFrom('tickets').select('requester_id').where('id', '=', r.ticket_id).executeTakeFirst())?.requester_id === customerId : false;
      const mine = r && (r.ticket_id ? own && (await this.visibleTicketIds(actor, [r.ticket_id], tx)).has(r.ticket_id) : fromThem(r.from_address) || fromThem(r.envelope));
      if (!r || !mine) throw notFound('Raw mail of this customer', inboundId);
      await this.audit.record(tx, { actorId: actor.userId, action: 'customer.raw_mail_downloaded', targetType: 'customer', targetId: customerId, ip: meta.ip ?? null, data: { inboundId } });
      return r;
    });
    if (!STORAGE_KEY.test(row.raw_key)) throw notFound('Raw mail of this customer', inboundId);
    return readFile(join(this.o.dataDir, 'inbound', row.raw_key));
  }

  // ----------------------------------------------------------------------------- erase

  /**
   * Erases a customer on request. Kept: the customer row (placeholders, erased_at) and their
   * tickets (number, status, dates, priority; the subject becomes "[erased]" because subjects
   * routinely carry names, order numbers and addresses), so reports still count them; the
   * timeline's kinds and times. Redacted: every message and note body of their tickets, the
   * free text of timeline data, escalation briefs, answers and return texts, notifications and
   * deliveries about the tickets, job payloads naming them, personal values in audit entries
   * about them. Deleted: attachments and raw mail (rows now, files by a job after commit),
   * message ids, private links, messaging conversations, the automatic-mail log of the address.
   * Idempotent: a second request changes nothing and says so.
   */
  async erase(actor: Principal, customerId: string, meta: { ip?: string | null } = {}): Promise<EraseOutcome> {
    const found = await this.findMentions(customerId);
    return withSecureDelete(this.db, () => this.eraseRows(actor, customerId, meta, found));
  }

  /**
   * Before the transaction: the scans of whole tables for the customer's address (other
   * people's CC lists and timelines) and for job payloads naming them. Read outside the write
   * transaction so it never waits on them; the transaction re-reads each row it changes.
   */
  private async findMentions(customerId: string): Promise<Mentions> {
    const none: Mentions = { copyingTickets: [], mentioningEvents: [], strongJobs: [], weakJobs: [] };
    const c = await findCustomer(this.db, customerId);
    if (!c || c.erased_at != null) return none;
    const tickets = await repo.customerTickets(this.db, customerId);
    const strong = [c.email, c.phone, customerId, ...tickets.map((t) => t.id)].filter((x): x is string => !!x).map((x) => x.toLowerCase());
    // A name or a subject may be someone else's too: those only scrub jobs that have finished.
    const weak = [c.name, ...tickets.map((t) => t.subject)].map((x) => x.trim().toLowerCase());
    return {
      copyingTickets: c.email ? await repo.ticketsCopying(this.db, c.email) : [],
      mentioningEvents: c.email ? await repo.eventsMentioning(this.db, c.email) : [],
      strongJobs: await repo.jobsMentioning(this.db, strong, false),
      weakJobs: await repo.jobsMentioning(this.db, weak, true),
    };
  }

  private eraseRows(actor: Principal, customerId: string, meta: { ip?: string | null }, found: Mentions): Promise<EraseOutcome> {
    return inTransaction(this.db, async (tx) => {
      // PostgreSQL: a second erasure of the same customer waits here, then sees erased_at.
      const q = tx.selectFrom('customers').selectAll().where('id', '=', customerId);
      const c = await (dialectOf(tx) === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
      if (!c) throw notFound('Customer', customerId);
      const zero: EraseOutcome['counts'] = { tickets: 0, messages: 0, attachments: 0, rawMail: 0, escalations: 0, publicLinks: 0 };
      if (c.erased_at != null) return { customerId, erasedAt: iso(Number(c.erased_at))!, alreadyErased: true, counts: zero };
      const now = this.clock.now();
      const needles = needlesOf(c);
      const tickets = await repo.customerTickets(tx, customerId);
      const ids = tickets.map((t) => t.id);
      const counts = { ...zero, tickets: ids.length };
      const files: FilesPayload = { attachments: [], rawMail: [] };
      const erasedEvents = new Set<string>();
      /** Other tickets whose timeline changed (the search index rebuilds their documents). */
      const touched = new Set<string>();
      // The subjects are personal data too: erased from job payloads and JSON like the identity.
      const textNeedles = [...needles, ...tickets.map((t) => t.subject.trim().toLowerCase()).filter((s) => s.length >= 3)];

      counts.publicLinks = Number((await repo.deletePublicLinks(tx, customerId)).numDeletedRows);
      await repo.eraseSurveys(tx, customerId, now);
      await repo.deleteConversations(tx, customerId, ids);
      for (const part of repo.chunks(ids)) {
        await repo.updateTicketsErased(tx, part, ERASED_TEXT, now);
        for (const e of await repo.eventsOf(tx, part)) {
          erasedEvents.add(e.id);
          if (e.body !== null && e.body !== '') counts.messages++;
          await repo.updateEvent(tx, e.id, e.body === null ? null : ERASED_TEXT, json(scrubJson(parseJson<unknown>(e.data, {}), textNeedles)));
        }
        const attachments = await repo.attachmentsOf(tx, part);
        files.attachments.push(...attachments.map((a) => a.storage_key));
        if (attachments.length) await repo.deleteAttachmentRows(tx, attachments.map((a) => a.id));
        for (const x of await repo.escalationsOf(tx, part)) {
          counts.escalations++;
          await repo.updateEscalationText(tx, x.id, json(erasedBrief(parseJson(x.brief, {}))), json(erasedEscalationState(parseJson(x.state, {}))));
        }
        for (const n of await repo.notificationsOf(tx, part)) await repo.updateNotification(tx, n.id, ERASED_TEXT, json(scrubJson(parseJson<unknown>(n.data, {}), textNeedles)));
        await repo.eraseDeliveries(tx, part, now);
        await repo.deleteMessageIds(tx, part);
      }
      // Their own messages on other people's tickets (they were copied and replied): the
      // message and its files go, the rest of that ticket stays.
      const own = new Set(ids);
      const elsewhere = (await repo.customerAuthoredEvents(tx, customerId)).filter((e) => !own.has(e.ticket_id));
      for (const e of elsewhere) {
        erasedEvents.add(e.id);
        if (e.body !== null && e.body !== '') counts.messages++;
        await repo.updateEvent(tx, e.id, e.body === null ? null : ERASED_TEXT, json(scrubJson(parseJson<unknown>(e.data, {}), textNeedles)));
      }
      for (const part of repo.chunks(elsewhere)) {
        const attachments = await repo.attachmentsOfEvents(tx, part);
        files.attachments.push(...attachments.map((a) => a.storage_key));
        if (attachments.length) await repo.deleteAttachmentRows(tx, attachments.map((a) => a.id));
      }
      counts.attachments = files.attachments.length;
      const inbound = [...(await repo.inboundOf(tx, [], c.email)), ...(await this.inChunks(ids, (part) => repo.inboundOf(tx, part, null)))];
      const inboundIds = [...new Set(inbound.map((r) => r.id))];
      files.rawMail.push(...new Set(inbound.map((r) => r.raw_key)));
      for (const part of repo.chunks(inboundIds)) await repo.deleteInboundRows(tx, part);
      counts.rawMail = inboundIds.length;
      if (c.email) {
        const email = c.email;
        await repo.deleteAutomaticMailLog(tx, email);
        if (this.o.statusSubscriptions) counts.statusSubscriptions = await this.o.statusSubscriptions.erase(tx, email);
        for (const part of repo.chunks(found.copyingTickets)) for (const t of await repo.ticketsById(tx, part)) await repo.updateTicketCc(tx, t.id, withoutAddress(t.cc, email));
        // Other people's timelines: the address goes from the data and the text; the rest stays.
        for (const part of repo.chunks(found.mentioningEvents.filter((id) => !erasedEvents.has(id))))
          for (const e of await repo.eventsById(tx, part)) {
            touched.add(e.ticket_id);
            await repo.updateEvent(tx, e.id, e.body === null ? null : replaceAddress(e.body, email), json(replaceAddressInJson(parseJson<unknown>(e.data, {}), email)));
          }
      }
      const hands = await repo.handsOf(tx, customerId, ids);
      await repo.eraseHands(tx, hands.map((h) => h.id), ERASED_TEXT, (data) => json(scrubJson(parseJson<unknown>(data, {}), textNeedles)));
      if (c.phone) await repo.forgetCallerNumber(tx, c.phone);
      await repo.scrubJobs(tx, found.strongJobs, true, now);
      await repo.scrubJobs(tx, found.weakJobs, false, now);
      for (const a of await this.inChunks([customerId, ...ids], (part) => repo.auditAbout(tx, part)))
        await repo.updateAuditData(tx, a.id, json(scrubJson(parseJson<unknown>(a.data, {}), needles)));
      await tx
        .updateTable('customers')
        .set({ name: ERASED_NAME, email: null, phone: null, email_bouncing_at: null, email_bouncing_status: null, email_bouncing_diagnostic: null, erased_at: now, updated_at: now })
        .where('id', '=', customerId)
        .execute();
      for (const e of elsewhere) touched.add(e.ticket_id);
      await this.o.searchErased?.(tx, customerId, [...ids, ...touched]);
      // Who, when and how much; never what was erased.
      await this.audit.record(tx, { actorId: actor.userId, action: 'customer.erased', targetType: 'customer', targetId: customerId, ip: meta.ip ?? null, data: { ...counts } });
      await this.enqueueFileDeletion(tx, files, now);
      return { customerId, erasedAt: iso(now)!, alreadyErased: false, counts };
    });
  }

  // ----------------------------------------------------------------------------- retention

  /** True when a retention period is configured (the sweep timer then runs). */
  get retentionEnabled(): boolean {
    return this.o.retentionClosedDays > 0 || this.o.retentionRawMailDays > 0;
  }

  /**
   * Boot (worker role): makes sure the sweep timer exists when a period is set. A timer that
   * finished (the periods were 0 for a while) is put back; a pending one is left alone.
   */
  async scheduleRetention(): Promise<void> {
    if (!this.retentionEnabled) return;
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const j = await findJobByKey(tx, RETENTION_KEY);
      if (j && (j.state === 'pending' || j.state === 'running')) return;
      await enqueueJob(tx, { kind: RETENTION_JOB, dedupeKey: RETENTION_KEY, dueAt: now, payload: {}, maxAttempts: 5 }, now, { replace: true });
    });
  }

  /**
   * One round of the retention sweep (a transactional job): at most one batch of closed tickets
   * and one of raw mails, oldest first, so no transaction grows with the backlog. A full batch
   * means more is due: the timer comes back at once; otherwise after the interval.
   */
  sweepRetention(tx: Tx, now: number): Promise<{ tickets: number; rawMail: number }> {
    return withSecureDelete(tx, () => this.sweepRound(tx, now));
  }

  private async sweepRound(tx: Tx, now: number): Promise<{ tickets: number; rawMail: number }> {
    const batch = this.o.retentionBatch ?? 200;
    const closedCut = retentionCutoff(now, this.o.retentionClosedDays);
    const rawCut = retentionCutoff(now, this.o.retentionRawMailDays);
    if (closedCut === null && rawCut === null) return { tickets: 0, rawMail: 0 };
    const files: FilesPayload = { attachments: [], rawMail: [] };
    let tickets = 0;
    let rawMail = 0;
    let ticketRawMail = 0;
    let more = false;
    if (closedCut !== null) {
      const ids = (await repo.closedBefore(tx, closedCut, batch)).map((r) => r.id);
      const keys = await repo.deleteTickets(tx, ids);
      files.attachments.push(...keys.attachmentKeys);
      files.rawMail.push(...keys.rawKeys);
      tickets = ids.length;
      ticketRawMail = keys.rawKeys.length;
      more ||= ids.length === batch;
    }
    if (rawCut !== null) {
      const rows = await repo.rawMailBefore(tx, rawCut, batch);
      if (rows.length) await repo.deleteInboundRows(tx, rows.map((r) => r.id));
      files.rawMail.push(...rows.map((r) => r.raw_key));
      rawMail = rows.length;
      more ||= rows.length === batch;
    }
    if (tickets > 0 || rawMail > 0) {
      await this.audit.record(tx, {
        actorId: null,
        action: 'retention.purged',
        data: { tickets, attachments: files.attachments.length, rawMail: rawMail + ticketRawMail, closedDays: this.o.retentionClosedDays, rawMailDays: this.o.retentionRawMailDays },
      });
    }
    await this.enqueueFileDeletion(tx, files, now);
    await enqueueJob(tx, { kind: RETENTION_JOB, dedupeKey: RETENTION_KEY, dueAt: more ? now : now + RETENTION_INTERVAL_MS, payload: {}, maxAttempts: 5 }, now, { replace: true });
    return { tickets, rawMail };
  }

  // ----------------------------------------------------------------------------- files

  /** The file-deletion job: removes each file (already gone is fine: the job may run twice). */
  async deleteFiles(p: FilesPayload): Promise<void> {
    for (const [dir, keys] of [['attachments', p.attachments], ['inbound', p.rawMail]] as const)
      for (const key of keys) if (STORAGE_KEY.test(key)) await rm(join(this.o.dataDir, dir, key), { force: true });
  }

  private async enqueueFileDeletion(tx: Tx, files: FilesPayload, now: number): Promise<void> {
    const all = [...files.attachments.map((k) => ['a', k] as const), ...files.rawMail.map((k) => ['r', k] as const)];
    for (const part of repo.chunks(all, FILES_PER_JOB))
      await enqueueJob(tx, { kind: FILES_DELETE_JOB, dueAt: now, maxAttempts: 10, payload: { attachments: part.filter(([t]) => t === 'a').map(([, k]) => k), rawMail: part.filter(([t]) => t === 'r').map(([, k]) => k) } }, now);
  }

  private async inChunks<I, T>(ids: I[], fn: (part: I[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (const part of repo.chunks(ids)) out.push(...(await fn(part)));
    return out;
  }
}
