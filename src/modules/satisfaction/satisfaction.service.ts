import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import type { DeliveryResult } from '../../integrations/delivery.js';
import type { Mailer } from '../../integrations/smtp.js';
import { enqueueJob } from '../../jobs/jobs.repository.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import { getSetting, putSetting } from '../../lib/settings.js';
import type { Principal } from '../auth/index.js';
import { looksAutomated } from '../replies/index.js';
import { ticketRefVisibleCondition, type Ticket, type TicketHooks, type TicketsService } from '../tickets/index.js';
import { hashToken, linkUsable, parseRating, surveyDecision } from './satisfaction.policy.js';
import { presentSurvey, type SurveyView } from './satisfaction.presenter.js';
import * as repo from './satisfaction.repository.js';
import { surveyMail } from './satisfaction.pages.js';
import {
  BAD_REASONS,
  DEFAULT_SETTINGS,
  FOLLOW_UP_JOB,
  SATISFACTION_SETTINGS_KEY,
  SURVEY_JOB,
  type BadReason,
  type SatisfactionSettings,
} from './satisfaction.types.js';

export interface SatisfactionDeps {
  db: Db;
  clock: Clock;
  tickets: TicketsService;
  audit: AuditService;
  mailer: Mailer;
  publicUrl: string;
  mailFrom: string;
  /** Opens the follow-up escalation of a bad rating (the escalations module's escalate). */
  escalate: (actor: Principal, ticketId: string, input: { pathId: string; brief: { ask: string; concern?: string } }) => Promise<unknown>;
}

export interface RatingInput {
  rating?: unknown;
  score?: unknown;
  reason?: unknown;
  comment?: unknown;
}

const MAX_COMMENT = 2000;

/**
 * CSAT after resolution (issue 18): a survey per solved ticket after a delay, at most once per
 * ticket (the unique ticket_id), a rating recorded only when its page is submitted, a
 * follow-up for a bad one.
 */
export class SatisfactionService {
  constructor(private readonly d: SatisfactionDeps) {}

  async settings(ex: Executor = this.d.db): Promise<SatisfactionSettings> {
    return { ...DEFAULT_SETTINGS, ...((await getSetting<Partial<SatisfactionSettings>>(ex, SATISFACTION_SETTINGS_KEY)) ?? {}) };
  }

  async putSettings(input: Partial<SatisfactionSettings>, actor: AuditActor | null): Promise<SatisfactionSettings> {
    return inTransaction(this.d.db, async (tx) => {
      const before = await this.settings(tx);
      const after: SatisfactionSettings = { ...before, ...input };
      if (after.followUp.kind === 'escalation') {
        const p = await tx.selectFrom('escalation_paths').select('id').where('id', '=', after.followUp.pathId).where('deleted_at', 'is', null).executeTakeFirst();
        if (!p) throw invalid([{ field: 'followUp.pathId', message: 'no such escalation path', code: 'unknown_path' }]);
      }
      await putSetting(tx, SATISFACTION_SETTINGS_KEY, after);
      await this.d.audit.change(tx, actor, 'satisfaction.settings_changed', { type: 'settings', id: SATISFACTION_SETTINGS_KEY }, before, after);
      return after;
    });
  }

  hooks(): TicketHooks {
    const solvedNow = (before: Ticket, after: Ticket) => after.status === 'solved' && before.status !== 'solved' && before.status !== 'closed';
    return {
      afterUpdate: async (tx, before, after, _changes, ctx) => {
        if (solvedNow(before, after)) await this.schedule(tx, after.id, ctx.now);
      },
      // Many tickets at once (an incident's resolution batch): the settings are read once.
      afterUpdateMany: async (tx, updates, ctx) => {
        const solved = updates.filter((u) => solvedNow(u.before, u.after));
        if (solved.length === 0) return;
        const s = await this.settings(tx);
        for (const u of solved) await this.schedule(tx, u.after.id, ctx.now, s);
      },
    };
  }

  /** On a solve: the survey row (once per ticket) and its job after the delay; a later solve moves a survey not yet sent. */
  private async schedule(tx: Tx, ticketId: string, now: number, settings?: SatisfactionSettings): Promise<void> {
    const s = settings ?? (await this.settings(tx));
    if (!s.enabled) return;
    const existing = await repo.surveyOfTicket(tx, ticketId);
    if (existing && existing.state !== 'scheduled') return;
    const t = await tx.selectFrom('tickets').leftJoin('customers', 'customers.id', 'tickets.requester_id').select(['tickets.requester_id', 'tickets.assignee_id', 'tickets.team_id', 'customers.locale', 'customers.email']).where('tickets.id', '=', ticketId).executeTakeFirstOrThrow();
    const esc = await repo.escalationOf(tx, ticketId);
    const dueAt = now + s.delayHours * 3600_000;
    const facts = { customer_id: t.requester_id, agent_id: t.assignee_id, team_id: t.team_id, path_id: esc.pathId, escalated: esc.escalated ? 1 : 0, solved_at: now, due_at: dueAt, updated_at: now, language: t.locale === 'en' ? 'en' : 'ja' };
    let id = existing?.id;
    if (existing) await repo.updateSurvey(tx, existing.id, facts);
    else {
      id = newId();
      await repo.insertSurvey(tx, { id, ticket_id: ticketId, email: null, state: 'scheduled', skip_reason: null, token_hash: null, sent_at: null, expires_at: null, rating: null, score: null, reason: null, comment: null, rated_at: null, follow_up: null, created_at: now, ...facts });
    }
    await enqueueJob(tx, { kind: SURVEY_JOB, payload: { surveyId: id! }, dueAt, dedupeKey: `satisfaction:${ticketId}`, maxAttempts: 8 }, now, { replace: true });
  }

  /** The survey job: re-checks everything, then issues the link (hashed at rest) and mails it. */
  async send(surveyId: string): Promise<DeliveryResult> {
    const now = this.d.clock.now();
    const out = await inTransaction(this.d.db, async (tx) => {
      const s = await repo.surveyById(tx, surveyId);
      // A retried send (state sent, not rated) issues a new link: the old one was never mailed.
      if (!s || (s.state !== 'scheduled' && !(s.state === 'sent' && s.rated_at === null))) return null;
      const settings = await this.settings(tx);
      const t = await tx.selectFrom('tickets').select(['id', 'number', 'subject', 'status', 'tags', 'merged_into_id']).where('id', '=', s.ticket_id).executeTakeFirst();
      if (!t) return null;
      const c = s.customer_id ? await tx.selectFrom('customers').selectAll().where('id', '=', s.customer_id).executeTakeFirst() : undefined;
      const decision = settings.enabled
        ? surveyDecision(
            {
              ticketStatus: t.status,
              tags: JSON.parse(t.tags) as string[],
              email: c?.email ?? null,
              erased: c?.erased_at != null,
              bouncing: c?.email_bouncing_at != null,
              automated: looksAutomated(c?.email ?? null),
              lastSentToCustomerAt: c ? await repo.lastSentTo(tx, c.id, s.id) : null,
              merged: t.merged_into_id !== null,
              massResolved: await repo.solvedByIncident(tx, t.id),
            },
            now,
            settings.fatigueDays,
          )
        : 'disabled';
      if (decision === 'wait') return null;
      if (decision !== 'send') {
        await repo.updateSurvey(tx, s.id, { state: 'skipped', skip_reason: decision, updated_at: now });
        return null;
      }
      const token = randomSecret(24);
      const language = c!.locale === 'en' ? 'en' : 'ja';
      await repo.updateSurvey(tx, s.id, { state: 'sent', token_hash: hashToken(token), email: c!.email, language, sent_at: now, expires_at: now + settings.linkDays * 86_400_000, updated_at: now });
      await this.d.tickets.appendEvent(tx, t.id, { kind: 'satisfaction.sent', visibility: 'internal', authorType: 'system', authorId: null, data: { surveyId: s.id } }, now);
      return { token, to: c!.email!, language: language as 'ja' | 'en', number: Number(t.number), subject: t.subject, id: s.id };
    });
    if (!out) return { ok: true, response: 'skipped' };
    const base = `${this.d.publicUrl.replace(/\/$/, '')}/satisfaction/${encodeURIComponent(out.token)}`;
    const mail = surveyMail(out.language, { number: out.number, subject: out.subject, goodUrl: `${base}?rating=good`, badUrl: `${base}?rating=bad` });
    const domain = this.d.mailFrom.replace(/^.*@/, '').replace(/>.*$/, '') || 'localhost';
    return this.d.mailer.send({ to: out.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<csat-${out.id}-${now}@${domain}>`, autoSubmitted: true });
  }

  /** What the rating page shows for a token (a GET: nothing is recorded). */
  async page(token: string): Promise<{ state: 'ok' | 'expired' | 'used' | 'unknown'; language: 'ja' | 'en'; number?: number; subject?: string }> {
    const s = await repo.surveyByTokenHash(this.d.db, hashToken(token));
    if (!s) return { state: 'unknown', language: 'ja' };
    const t = await this.d.db.selectFrom('tickets').select(['number', 'subject']).where('id', '=', s.ticket_id).executeTakeFirst();
    return { state: linkUsable(s, this.d.clock.now()), language: s.language === 'en' ? 'en' : 'ja', number: t ? Number(t.number) : undefined, subject: t?.subject };
  }

  /** Records the rating submitted from the page (once); a bad one queues the follow-up. */
  async rate(token: string, input: RatingInput): Promise<{ rating: 'good' | 'bad'; language: 'ja' | 'en' }> {
    const now = this.d.clock.now();
    const parsed = parseRating(input.rating, input.score);
    if (!parsed) throw invalid([{ field: 'rating', message: 'choose good or bad (or a score from 1 to 5)', code: 'invalid_rating' }]);
    const reason = typeof input.reason === 'string' && input.reason !== '' ? input.reason : null;
    if (reason !== null && !(BAD_REASONS as readonly string[]).includes(reason)) throw invalid([{ field: 'reason', message: `one of ${BAD_REASONS.join(', ')}`, code: 'one_of', params: { values: BAD_REASONS.join(', ') } }]);
    const comment = typeof input.comment === 'string' ? input.comment.trim().slice(0, MAX_COMMENT) : '';
    return inTransaction(this.d.db, async (tx) => {
      const s = await repo.surveyByTokenHash(tx, hashToken(token));
      if (!s) throw notFound('Survey');
      const usable = linkUsable(s, now);
      if (usable === 'used') throw new AppError('conflict', 'This survey was answered already. Thank you.');
      if (usable === 'expired') throw new AppError('link_expired', 'This survey link has expired.');
      await repo.updateSurvey(tx, s.id, { state: 'rated', rating: parsed.rating, score: parsed.score, reason: parsed.rating === 'bad' ? (reason as BadReason | null) : null, comment: comment || null, rated_at: now, updated_at: now });
      await this.d.tickets.appendEvent(
        tx,
        s.ticket_id,
        { kind: 'satisfaction.rated', visibility: 'internal', authorType: 'customer', authorId: s.customer_id, body: comment || null, data: { surveyId: s.id, rating: parsed.rating, score: parsed.score, reason: parsed.rating === 'bad' ? reason : null } },
        now,
      );
      if (parsed.rating === 'bad') await enqueueJob(tx, { kind: FOLLOW_UP_JOB, payload: { surveyId: s.id }, dueAt: now, dedupeKey: `satisfaction.follow_up:${s.id}`, maxAttempts: 5 }, now);
      return { rating: parsed.rating, language: s.language === 'en' ? 'en' : 'ja' };
    });
  }

  /**
   * The follow-up of a bad rating: an escalation on the configured path (requested in the
   * name of the path's owner), or — when so configured, or when the escalation cannot be
   * opened (a closed ticket, a brief the path's first level refuses) — an internal note on
   * the ticket's timeline for its team.
   */
  async followUp(surveyId: string): Promise<void> {
    const now = this.d.clock.now();
    const s = await repo.surveyById(this.d.db, surveyId);
    if (!s || s.rating !== 'bad' || s.follow_up !== null) return;
    const settings = await this.settings();
    let outcome: Record<string, unknown> = { kind: 'note' };
    if (settings.followUp.kind === 'escalation') {
      const owner = await repo.pathOwner(this.d.db, settings.followUp.pathId);
      if (owner) {
        const actor: Principal = { userId: owner.id, role: owner.role as Principal['role'], locale: owner.locale === 'en' ? 'en' : 'ja', timeZone: owner.time_zone, name: owner.name, email: owner.email, via: 'token' };
        try {
          const e = (await this.d.escalate(actor, s.ticket_id, { pathId: settings.followUp.pathId, brief: { ask: 'csat_bad_rating', concern: [s.reason ?? '', s.comment ?? ''].filter(Boolean).join(' — ') } })) as { id?: string };
          outcome = { kind: 'escalation', pathId: settings.followUp.pathId, escalationId: e.id ?? null };
        } catch (err) {
          outcome = { kind: 'note', escalationFailed: err instanceof AppError ? err.code : 'error' };
        }
      }
    }
    await inTransaction(this.d.db, async (tx) => {
      await repo.updateSurvey(tx, s.id, { follow_up: JSON.stringify(outcome), updated_at: now });
      if (outcome.kind === 'note')
        await this.d.tickets.appendEvent(tx, s.ticket_id, { kind: 'satisfaction.follow_up', visibility: 'internal', authorType: 'system', authorId: null, data: { surveyId: s.id, rating: 'bad', reason: s.reason, ...outcome } }, now);
    });
  }

  // ----------------------------------------------------------------------- reading

  async list(viewer: Principal, f: { state?: string; rating?: string; teamId?: string; customerId?: string; fromMs?: number; toMs?: number; limit: number; before?: string }): Promise<{ items: SurveyView[]; nextCursor: string | null }> {
    const visible = ticketRefVisibleCondition(await this.d.tickets.access.scope(viewer), 'satisfaction_surveys.ticket_id');
    const rows = await repo.listSurveys(this.d.db, { visible, state: f.state, rating: f.rating, teamId: f.teamId, customerId: f.customerId, fromMs: f.fromMs, toMs: f.toMs, beforeId: f.before }, f.limit);
    const more = rows.length > f.limit;
    const items = rows.slice(0, f.limit);
    return { items: items.map((r) => presentSurvey(r, r.ticket_number)), nextCursor: more ? items[items.length - 1]!.id : null };
  }

  async ofTicket(viewer: Principal, ticketId: string): Promise<SurveyView | null> {
    await this.d.tickets.access.assertRead(viewer, ticketId);
    const s = await repo.surveyOfTicket(this.d.db, ticketId);
    if (!s) return null;
    const t = await this.d.db.selectFrom('tickets').select('number').where('id', '=', ticketId).executeTakeFirst();
    return presentSurvey(s, Number(t?.number ?? 0));
  }
}
