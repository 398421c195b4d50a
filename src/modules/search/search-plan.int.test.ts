import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { countMatchesUpTo, pgPick, upsertDocuments } from './search.repository.js';

/**
 * PostgreSQL: a common word walks the newest documents, a rare one (a reference number) takes
 * the GIN index at once instead of walking them first; both find the same documents.
 */
describeEachDb('search: how PostgreSQL picks the candidates', (get) => {
  it('a common word walks the newest documents, a rare word takes the GIN index without the walk', async () => {
    const c = get();
    if (c.kind !== 'postgres') return;
    const db = c.deps.database.db;
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      row: { kind: 'organization', ref_id: `plan-${String(i).padStart(5, '0')}`, ticket_id: null, customer_id: null, title: 'x', body: 'x', at: i },
      tokens: `commonword ref${i}${i % 200 === 0 ? ' everytwohundred' : ''}`,
    }));
    await upsertDocuments(db, docs, 1, c.clock.now());
    await sql`analyze search_documents`.execute(db);
    const pick = (q: string, candidates = 2000, window = 1000) => db.transaction().execute((tx) => pgPick(tx, q, candidates, window, true));
    const newest = Number((await sql<{ n: string }>`select max(seq) as n from search_documents`.execute(db)).rows[0]!.n);
    expect(await pick("'commonword'")).toEqual({ way: 'walk', newestAbove: newest - 1000 });
    expect(await pick("'ref1234'")).toEqual({ way: 'index' });
    // 15 matches (0.5 %): fewer than 2,000 candidates, the index; more than 10 candidates, the walk.
    expect(await pick("'everytwohundred'")).toEqual({ way: 'index' });
    expect(await pick("'everytwohundred'", 10)).toEqual({ way: 'walk', newestAbove: newest - 1000 });
    // A table no larger than the window takes the index.
    expect(await pick("'commonword'", 2000, newest)).toEqual({ way: 'index' });
    // The rare word's count is read from the GIN index, capped.
    const plan = await db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      return (await sql<{ 'QUERY PLAN': string }>`explain select count(*) from (select 1 from search_documents d where d.tsv @@ to_tsquery('simple', 'ref1234') limit 2000) m`.execute(tx)).rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('Bitmap Index Scan on search_documents_tsv');
    expect(await db.transaction().execute((tx) => countMatchesUpTo(tx, "'commonword'", 50, true))).toBe(50);
    expect(await db.transaction().execute((tx) => countMatchesUpTo(tx, "'everytwohundred'", 2000, true))).toBe(15);
  });

  it('the search finds the same documents of a rare and a common word either way', async () => {
    const c = get();
    const svc = c.deps.search;
    const window = svc.newestWindow;
    try {
      const ids = async (q: string) => (await svc.search(null, { q, filters: {}, limit: 50 })).items.map((i) => i.id).sort();
      const everyTwoHundred = Array.from({ length: 15 }, (_, i) => `plan-${String(i * 200).padStart(5, '0')}`);
      if (c.kind === 'sqlite') {
        await upsertDocuments(c.deps.database.db, Array.from({ length: 300 }, (_, i) => ({ row: { kind: 'organization', ref_id: `plan-${String(i * 10).padStart(5, '0')}`, ticket_id: null, customer_id: null, title: 'x', body: 'x', at: i }, tokens: `commonword ref${i * 10}${i % 20 === 0 ? ' everytwohundred' : ''}` })), 1, c.clock.now());
      }
      for (const w of [window, 10]) {
        svc.newestWindow = w;
        expect(await ids('ref1230')).toEqual(['plan-01230']);
        expect(await ids('everytwohundred')).toEqual(everyTwoHundred);
        expect((await ids('commonword')).length).toBe(50);
      }
    } finally {
      svc.newestWindow = window;
    }
  });
});
