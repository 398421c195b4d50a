import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { parseJson } from '../../db/database.js';
import { isReopen } from './knowledge.policy.js';
import type { ArticlesTable } from '../../db/schema.js';

export const findArticle = (ex: Executor, id: string) => ex.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirst();

export const findArticles = (ex: Executor, ids: string[]) => (ids.length ? ex.selectFrom('articles').selectAll().where('id', 'in', ids).execute() : Promise.resolve([]));

export const insertArticle = (ex: Executor, row: Insertable<ArticlesTable>) => ex.insertInto('articles').values(row).execute();

export async function updateArticle(ex: Executor, id: string, version: number, patch: Updateable<ArticlesTable>): Promise<boolean> {
  const r = await ex.updateTable('articles').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const deleteArticle = (ex: Executor, id: string) => ex.deleteFrom('articles').where('id', '=', id).executeTakeFirst();

export function listArticles(ex: Executor, f: { category?: string; product?: string; visibility?: string; reviewBefore?: number; afterId?: string; limit: number }) {
  let q = ex.selectFrom('articles').selectAll();
  if (f.category) q = q.where('category', '=', f.category);
  if (f.product) q = q.where('product', '=', f.product);
  if (f.visibility) q = q.where('visibility', '=', f.visibility);
  if (f.reviewBefore !== undefined) q = q.where('review_at', '<=', f.reviewBefore);
  if (f.afterId) q = q.where('id', '<', f.afterId);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

/** Every distinct category of the articles, as written. */
export const articleCategories = async (ex: Executor): Promise<string[]> =>
  (await ex.selectFrom('articles').select('category').distinct().where('category', 'is not', null).execute()).map((r) => r.category!);

/** Titles of up to `limit` articles in these categories, most used first, then newest. */
export const articleTitlesInCategories = (ex: Executor, categories: string[], limit: number) =>
  categories.length
    ? ex
        .selectFrom('articles')
        .select(['id', 'title_ja', 'title_en'])
        .where('category', 'in', categories)
        .orderBy('use_count', 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute()
    : Promise.resolve([]);

export async function recordUse(ex: Executor, row: { id: string; article_id: string; ticket_id: string; user_id: string | null; created_at: number }): Promise<void> {
  await ex.insertInto('article_uses').values(row).execute();
  await ex
    .updateTable('articles')
    .set((eb) => ({ use_count: eb('use_count', '+', 1), last_used_at: row.created_at }))
    .where('id', '=', row.article_id)
    .execute();
}

/**
 * For articles: their uses (ticket and time), and on those tickets the setbacks that came after
 * them — reopenings (field.changed of status from solved/closed) and returned escalations.
 */
export async function usesAndSetbacks(ex: Executor, articleIds: string[]) {
  if (!articleIds.length) return { uses: [], setbacks: [] };
  const uses = (await ex.selectFrom('article_uses').select(['article_id', 'ticket_id', 'created_at']).where('article_id', 'in', articleIds).execute()).map((u) => ({ articleId: u.article_id, ticketId: u.ticket_id, at: Number(u.created_at) }));
  const ticketIds = [...new Set(uses.map((u) => u.ticketId))];
  if (!ticketIds.length) return { uses, setbacks: [] };
  const changes = await ex.selectFrom('ticket_events').select(['ticket_id', 'data', 'created_at']).where('ticket_id', 'in', ticketIds).where('kind', '=', 'field.changed').execute();
  const returned = await ex.selectFrom('escalations').select(['ticket_id', 'finished_at', 'requested_at']).where('ticket_id', 'in', ticketIds).where('status', '=', 'returned').execute();
  const setbacks = [
    ...changes.flatMap((c) => {
      const d = parseJson<{ field?: string; from?: unknown; to?: unknown }>(c.data, {});
      return d.field === 'status' && isReopen({ from: d.from, to: d.to }) ? [{ ticketId: c.ticket_id, at: Number(c.created_at) }] : [];
    }),
    ...returned.map((e) => ({ ticketId: e.ticket_id, at: Number(e.finished_at ?? e.requested_at) })),
  ];
  return { uses, setbacks };
}

export const userNames = async (ex: Executor, ids: string[]) =>
  new Map((ids.length ? await ex.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute() : []).map((u) => [u.id, u.name]));

/** Resolved escalations by id with their ticket (similar escalations). */
export const escalationsWithTicket = (ex: Executor, ids: string[]) =>
  ids.length
    ? ex
        .selectFrom('escalations')
        .innerJoin('tickets', 'tickets.id', 'escalations.ticket_id')
        .select(['escalations.id', 'escalations.ticket_id', 'escalations.brief', 'escalations.state', 'escalations.status', 'escalations.finished_at', 'escalations.requested_at', 'tickets.number', 'tickets.subject'])
        .where('escalations.id', 'in', ids)
        .execute()
    : Promise.resolve([]);

export const findEscalation = (ex: Executor, id: string) =>
  ex
    .selectFrom('escalations')
    .innerJoin('tickets', 'tickets.id', 'escalations.ticket_id')
    .select(['escalations.id', 'escalations.ticket_id', 'escalations.brief', 'escalations.state', 'escalations.status', 'tickets.subject', 'tickets.category', 'tickets.product'])
    .where('escalations.id', '=', id)
    .executeTakeFirst();

export const insertDeflection = (ex: Executor, row: { id: string; ticket_id: string; source_escalation_id: string | null; user_id: string | null; created_at: number }) =>
  ex.insertInto('escalation_deflections').values(row).execute();

export async function countDeflections(ex: Executor, from: number, to: number): Promise<{ count: number; byUser: { userId: string | null; count: number }[] }> {
  const rows = await ex
    .selectFrom('escalation_deflections')
    .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy('user_id')
    .execute();
  const byUser = rows.map((r) => ({ userId: r.user_id, count: Number(r.n) }));
  return { count: byUser.reduce((a, b) => a + b.count, 0), byUser };
}
