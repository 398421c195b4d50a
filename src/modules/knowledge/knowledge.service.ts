/**
 * Knowledge (issue 19): articles in Japanese and English, written from scratch or from an
 * escalation's answer, searched through the one search index and inserted into replies (each
 * use counted); similar past escalations with their answers; replies that made an escalation
 * unnecessary counted as deflections.
 */
import type { Db, Executor } from '../../db/database.js';
import { inTransaction, parseJson } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import { can } from '../auth/auth.policy.js';
import type { Principal } from '../auth/index.js';
import type { SearchService } from '../search/index.js';
import type { TicketsService } from '../tickets/index.js';
import type { ArticlesTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import { answerReturned, articleFromAnswer, articleProblems, DEFAULT_REVIEW_DAYS, parseDateOrInstant } from './knowledge.policy.js';
import { presentArticle, type ArticleView, type SimilarEscalationView } from './knowledge.presenter.js';
import * as repo from './knowledge.repository.js';
import type { ArticleInput } from './knowledge.types.js';

const DAY = 86_400_000;

function reviewMs(v: string | null | undefined): number | null | undefined {
  if (v === undefined || v === null) return v;
  const ms = parseDateOrInstant(v);
  if (Number.isNaN(ms)) throw invalid([{ field: 'reviewAt', message: 'must be a date (2027-06-01) or an ISO-8601 instant', code: 'invalid_date_or_instant' }]);
  return ms;
}

interface BriefLike {
  ask?: string;
  concern?: string;
  tried?: string;
  environment?: string;
  category?: string;
}
type EscState = { resolved?: { userId?: string; answer?: string | null } | null };

export class KnowledgeService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly search: SearchService,
  ) {
    search.registerSource({
      kind: 'article',
      page: async (ex, afterId, limit) => {
        const rows = await ex.selectFrom('articles').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
        return { docs: rows.map((r) => this.document(r)), last: rows.length ? rows[rows.length - 1]!.id : null };
      },
    });
  }

  private document(r: Selectable<ArticlesTable>) {
    return {
      kind: 'article' as const,
      id: r.id,
      title: [r.title_ja, r.title_en].filter((x) => x.trim() !== '').join(' / '),
      fields: [r.title_ja, r.body_ja, r.title_en, r.body_en, r.category, r.product],
      body: [r.body_ja, r.body_en].filter((x) => x.trim() !== '').join('\n\n'),
      at: Number(r.created_at),
    };
  }

  async get(id: string): Promise<ArticleView> {
    const r = await repo.findArticle(this.db, id);
    if (!r) throw notFound('Article', id);
    const returned = await this.returnedAnswers([id]);
    return presentArticle(r, this.clock.now(), returned.has(id));
  }

  /**
   * The playbook's view of the knowledge base (wired into the paths module by the container):
   * staff read it, so internal and public articles both count.
   */
  playbookSource() {
    return {
      categories: () => repo.articleCategories(this.db),
      inCategories: async (categories: string[], limit: number) =>
        (await repo.articleTitlesInCategories(this.db, categories, limit)).map((r) => ({ id: r.id, titleJa: r.title_ja, titleEn: r.title_en })),
    };
  }

  /** Of these articles, those whose answer was returned (knowledge.policy answerReturned). */
  private async returnedAnswers(ids: string[]): Promise<Set<string>> {
    const { uses, setbacks } = await repo.usesAndSetbacks(this.db, ids);
    return new Set(ids.filter((id) => answerReturned(uses.filter((u) => u.articleId === id), setbacks)));
  }

  /** Articles newest first, or with `q` the best matches of the search index. `review`: only those due for review. */
  async list(viewer: Principal, f: { q?: string; category?: string; product?: string; visibility?: string; review?: boolean; limit: number; cursor?: string }) {
    const now = this.clock.now();
    if (f.q) {
      const found = await this.search.search(viewer, { q: f.q, filters: { type: 'article' }, limit: f.limit, cursor: f.cursor });
      const rows = new Map((await repo.findArticles(this.db, found.items.map((i) => i.id))).map((r) => [r.id, r]));
      const returned = await this.returnedAnswers([...rows.keys()]);
      const items = found.items.flatMap((i) => {
        const r = rows.get(i.id);
        if (!r) return [];
        if ((f.category && r.category !== f.category) || (f.product && r.product !== f.product) || (f.visibility && r.visibility !== f.visibility)) return [];
        return [{ ...presentArticle(r, now, returned.has(r.id)), match: { title: i.title, snippet: i.snippet } }];
      });
      return { items, nextCursor: found.nextCursor };
    }
    const key = decodeCursor(f.cursor);
    const rows = await repo.listArticles(this.db, { ...f, reviewBefore: f.review ? now : undefined, afterId: key?.id, limit: f.limit });
    const page = toPage(rows, f.limit, (r) => ({ v: null, id: r.id }));
    const returned = await this.returnedAnswers(page.items.map((r) => r.id));
    return { items: page.items.map((r) => presentArticle(r, now, returned.has(r.id))), nextCursor: page.nextCursor };
  }

  async create(actor: Principal, input: ArticleInput & { source?: { kind: 'escalation'; id: string } }): Promise<ArticleView> {
    const now = this.clock.now();
    const row = {
      id: newId(),
      title_ja: (input.titleJa ?? '').trim(),
      body_ja: (input.bodyJa ?? '').trim(),
      title_en: (input.titleEn ?? '').trim(),
      body_en: (input.bodyEn ?? '').trim(),
      category: input.category?.trim() || null,
      product: input.product?.trim() || null,
      owner_id: input.ownerId === undefined ? actor.userId : input.ownerId,
      review_at: reviewMs(input.reviewAt) ?? now + DEFAULT_REVIEW_DAYS * DAY,
      visibility: input.visibility ?? 'internal',
      source_kind: input.source?.kind ?? null,
      source_id: input.source?.id ?? null,
      last_used_at: null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    };
    const problems = articleProblems({ titleJa: row.title_ja, bodyJa: row.body_ja, titleEn: row.title_en, bodyEn: row.body_en });
    if (problems.length) throw invalid(problems);
    await inTransaction(this.db, async (tx) => {
      await this.checkOwner(tx, row.owner_id);
      await repo.insertArticle(tx, row);
      const stored = (await repo.findArticle(tx, row.id))!;
      await this.search.indexDocument(tx, this.document(stored));
    });
    return this.get(row.id);
  }

  async update(actor: Principal, id: string, input: ArticleInput & { expectedVersion?: number }): Promise<ArticleView> {
    await inTransaction(this.db, async (tx) => {
      const cur = await repo.findArticle(tx, id);
      if (!cur) throw notFound('Article', id);
      if (input.expectedVersion !== undefined && input.expectedVersion !== Number(cur.version))
        throw conflict(`The article was changed by someone else (version ${cur.version}, you sent ${input.expectedVersion}); reload it and try again.`, { currentVersion: Number(cur.version) });
      const next = {
        title_ja: input.titleJa?.trim() ?? cur.title_ja,
        body_ja: input.bodyJa?.trim() ?? cur.body_ja,
        title_en: input.titleEn?.trim() ?? cur.title_en,
        body_en: input.bodyEn?.trim() ?? cur.body_en,
        category: input.category === undefined ? cur.category : input.category?.trim() || null,
        product: input.product === undefined ? cur.product : input.product?.trim() || null,
        owner_id: input.ownerId === undefined ? cur.owner_id : input.ownerId,
        review_at: input.reviewAt === undefined ? cur.review_at : (reviewMs(input.reviewAt) ?? null),
        visibility: input.visibility ?? cur.visibility,
        updated_at: this.clock.now(),
      };
      const problems = articleProblems({ titleJa: next.title_ja, bodyJa: next.body_ja, titleEn: next.title_en, bodyEn: next.body_en });
      if (problems.length) throw invalid(problems);
      if (next.owner_id !== cur.owner_id) await this.checkOwner(tx, next.owner_id);
      if (!(await repo.updateArticle(tx, id, Number(cur.version), next))) throw conflict('The article was changed at the same moment by someone else; reload it and try again.');
      await this.search.indexDocument(tx, this.document((await repo.findArticle(tx, id))!));
    });
    return this.get(id);
  }

  /** Its owner, or a supervisor and above, deletes an article. */
  async remove(actor: Principal, id: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const cur = await repo.findArticle(tx, id);
      if (!cur) throw notFound('Article', id);
      if (cur.owner_id !== actor.userId && cur.created_by !== actor.userId && !can(actor.role, 'escalations.supervise'))
        throw forbidden('Only the article\'s owner or a supervisor may delete it; change it instead, or ask its owner.');
      await repo.deleteArticle(tx, id);
      await this.search.removeDocument(tx, 'article', id);
    });
  }

  /** "Turn this answer into an article": a new article pre-filled from a resolved escalation. */
  async fromEscalation(actor: Principal, escalationId: string): Promise<ArticleView> {
    const e = await repo.findEscalation(this.db, escalationId);
    if (!e) throw notFound('Escalation', escalationId);
    await this.tickets.access.assertRead(actor, e.ticket_id, this.db, 'Escalation', escalationId);
    const state = parseJson<EscState>(e.state, {});
    const answer = state.resolved?.answer?.trim();
    if (e.status !== 'resolved' || !answer)
      throw new AppError('conflict', 'Only a resolved escalation with an answer can become an article.', { status: e.status });
    const b = parseJson<BriefLike>(e.brief, {});
    const filled = articleFromAnswer({ ask: b.ask ?? '', concern: b.concern ?? '', tried: b.tried ?? '', environment: b.environment ?? '', category: b.category || e.category || '', answer, subject: e.subject });
    return this.create(actor, { ...filled, product: e.product, source: { kind: 'escalation', id: escalationId } });
  }

  /** An agent inserted the article into a reply on the ticket: counted for the review. */
  async recordUse(actor: Principal, id: string, ticketId: string): Promise<ArticleView> {
    await inTransaction(this.db, async (tx) => {
      await this.tickets.access.assertWrite(actor, ticketId, tx);
      if (!(await repo.findArticle(tx, id))) throw notFound('Article', id);
      await repo.recordUse(tx, { id: newId(), article_id: id, ticket_id: ticketId, user_id: actor.userId, created_at: this.clock.now() });
    });
    return this.get(id);
  }

  /**
   * The resolved escalations most like a ticket (its subject, category, product and inquiry) or
   * a text: their answer, who answered and when. Only escalations of tickets the viewer sees.
   */
  async similar(viewer: Principal, input: { ticketId?: string; q?: string; limit: number }): Promise<SimilarEscalationView[]> {
    let text = input.q ?? '';
    if (input.ticketId) {
      await this.tickets.access.assertRead(viewer, input.ticketId);
      const t = await this.tickets.load(this.db, input.ticketId);
      const first = await this.db.selectFrom('ticket_events').select('body').where('ticket_id', '=', t.id).where('kind', '=', 'message.added').orderBy('id').limit(1).executeTakeFirst();
      text = [t.subject, t.category, t.product, t.tags.join(' '), text, (first?.body ?? '').slice(0, 400)].filter(Boolean).join(' ');
    }
    if (!text.trim()) throw invalid([{ field: 'ticketId', message: 'give a ticketId or q to compare with', code: 'ticket_or_query_required' }]);
    const hits = await this.search.similar(viewer, text, { kinds: ['escalation'], resolvedEscalations: true, excludeTicketId: input.ticketId, limit: input.limit });
    const rows = new Map((await repo.escalationsWithTicket(this.db, hits.map((h) => h.id))).map((r) => [r.id, r]));
    const states = new Map([...rows.values()].map((r) => [r.id, parseJson<EscState>(r.state, {})]));
    const names = await repo.userNames(this.db, [...new Set([...states.values()].map((s) => s.resolved?.userId).filter((x): x is string => !!x))]);
    return hits.flatMap((h) => {
      const r = rows.get(h.id);
      if (!r) return [];
      const b = parseJson<BriefLike>(r.brief, {});
      const resolved = states.get(r.id)?.resolved;
      const by = resolved?.userId ? { id: resolved.userId, name: names.get(resolved.userId) ?? '' } : null;
      return [
        {
          escalationId: r.id,
          ticketId: r.ticket_id,
          ticketNumber: Number(r.number),
          subject: r.subject,
          ask: b.ask ?? '',
          origin: h.origin ?? null,
          category: b.category ?? '',
          answer: resolved?.answer ?? null,
          answeredBy: by,
          answeredAt: r.finished_at === null ? null : new Date(Number(r.finished_at)).toISOString(),
          score: h.score,
          match: h.snippet,
        },
      ];
    });
  }

  /**
   * The agent answers from a similar past escalation instead of escalating: a deflection row
   * (for the reports) and a timeline event on the ticket, in one transaction.
   */
  async deflect(actor: Principal, input: { ticketId: string; escalationId: string }) {
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      await this.tickets.access.assertWrite(actor, input.ticketId, tx);
      const src = await repo.findEscalation(tx, input.escalationId);
      if (!src) throw notFound('Escalation', input.escalationId);
      await this.tickets.access.assertRead(actor, src.ticket_id, tx, 'Escalation', input.escalationId);
      if (src.status !== 'resolved') throw new AppError('conflict', 'Answer from a resolved escalation: this one has no answer yet.', { status: src.status });
      const id = newId();
      await repo.insertDeflection(tx, { id, ticket_id: input.ticketId, source_escalation_id: input.escalationId, user_id: actor.userId, created_at: now });
      const eventId = await this.tickets.appendEvent(tx, input.ticketId, { kind: 'escalation.deflected', visibility: 'internal', authorType: 'user', authorId: actor.userId, data: { sourceEscalationId: input.escalationId, deflectionId: id } }, now);
      return { id, ticketId: input.ticketId, sourceEscalationId: input.escalationId, eventId, createdAt: new Date(now).toISOString() };
    });
  }

  async deflections(from: number, to: number) {
    const r = await repo.countDeflections(this.db, from, to);
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...r };
  }

  private async checkOwner(ex: Executor, ownerId: string | null): Promise<void> {
    if (ownerId && !(await ex.selectFrom('users').select('id').where('id', '=', ownerId).executeTakeFirst())) throw invalid([{ field: 'ownerId', message: `user ${ownerId} does not exist`, code: 'unknown_user' }]);
  }
}
