import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { getSetting, putSetting } from '../../lib/settings.js';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { TOKENIZER_VERSION } from './tokenizer.js';

/**
 * The full reindex writes each batch of sources with multi-row statements. What it writes must
 * be the index the documents get when they are written one by one as the desk works (rows,
 * their seqs, their tokens), it must go on where an interrupted run stopped, and it records the
 * tokenizer version it built with.
 */
interface Dump {
  rows: Record<string, unknown>[];
  /** Tokens of each document by kind and ref_id, as the full-text index holds them. */
  tokens: Map<string, string>;
}

async function dump(c: TestContext): Promise<Dump> {
  const db = c.deps.database.db;
  const rows = (await db.selectFrom('search_documents').select(['seq', 'kind', 'ref_id', 'ticket_id', 'customer_id', 'title', 'body', 'at', 'version']).orderBy('seq').execute()).map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) }));
  const ref = new Map(rows.map((r) => [r.seq, `${r.kind}:${r.ref_id}`]));
  const tokens = new Map<string, string>();
  if (c.kind === 'postgres') {
    for (const r of (await sql<{ seq: string; t: string }>`select seq, tsv::text as t from search_documents`.execute(db)).rows) tokens.set(ref.get(Number(r.seq))!, r.t);
  } else {
    await sql`create virtual table if not exists temp.search_fts_i using fts5vocab(main, search_fts, instance)`.execute(db);
    const words = new Map<number, string[]>();
    for (const r of (await sql<{ doc: number; term: string }>`select doc, term from temp.search_fts_i order by doc, "offset"`.execute(db)).rows) words.set(Number(r.doc), [...(words.get(Number(r.doc)) ?? []), r.term]);
    for (const [seq, w] of words) tokens.set(ref.get(seq) ?? `orphan:${seq}`, w.join(' '));
  }
  return { rows, tokens };
}

const withoutSeq = (rows: Record<string, unknown>[]) => rows.map(({ seq: _s, ...r }) => r).sort((a, b) => `${a.kind}:${a.ref_id}`.localeCompare(`${b.kind}:${b.ref_id}`));

describeEachDb('search: batched full reindex', (get) => {
  let written: Dump;

  it('a desk indexed as it is written', async () => {
    const c = get();
    const { agent } = c.actors;
    for (let i = 0; i < 7; i++) {
      const t = await c.request('POST', '/api/v1/tickets', agent, { subject: `サーバー障害 ${i} printer`, description: `請求書の期限切れ ref ${1000 + i}`, requesterEmail: `kato${i}@example.com`, tags: i % 2 ? ['vip'] : [] });
      expect(t.status, JSON.stringify(t.body)).toBe(201);
      for (let k = 0; k < 3; k++) expect((await c.request('POST', `/api/v1/tickets/${t.body.id}/messages`, agent, { body: `ｶﾅ入力 ${i}-${k} invoice overdue`, visibility: k === 2 ? 'internal' : 'public' })).status).toBe(201);
      if (i === 3) {
        const e = await c.request('POST', `/api/v1/tickets/${t.body.id}/escalations`, agent, { target: { type: 'user', userId: c.actors.specialist.id }, brief: { ask: '筐体の交換機を確認してください', concern: '影響範囲が不明' } });
        expect(e.status, JSON.stringify(e.body)).toBe(201);
      }
    }
    expect((await c.request('POST', '/api/v1/organizations', agent, { name: 'アクメ株式会社' })).status).toBe(201);
    written = await dump(c);
    expect(written.rows.length).toBeGreaterThan(30);
    expect(written.tokens.size).toBe(written.rows.length);
  });

  it('a forced rebuild in batches writes the same rows, seqs and tokens as the one-by-one writes', async () => {
    const c = get();
    c.clock.advance(60_000);
    const r = await c.deps.search.reindex({ force: true, batch: 3 });
    expect(r).toEqual({ documents: written.rows.length, rebuilt: true });
    const after = await dump(c);
    expect(after.rows).toEqual(written.rows);
    expect(after.tokens).toEqual(written.tokens);
  });

  it('rebuilding an empty index in batches gives every document its tokens again, in the order the sources give them', async () => {
    const c = get();
    const db = c.deps.database.db;
    await db.deleteFrom('search_documents').execute();
    expect((await dump(c)).tokens.size).toBe(0);
    // As after an upgrade: the index was built by an older tokenizer.
    await putSetting(db, 'search.index', { version: 0 });
    expect((await c.deps.search.reindex({ batch: 4 })).rebuilt).toBe(true);
    const after = await dump(c);
    expect(withoutSeq(after.rows)).toEqual(withoutSeq(written.rows));
    expect(after.tokens).toEqual(written.tokens);
    // New documents get their seqs in the order of the sources' pages (the one-by-one order).
    const seqs = after.rows.map((x) => x.seq as number);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('an interrupted batched rebuild keeps its finished batches and goes on from its cursor', async () => {
    const c = get();
    const db = c.deps.database.db;
    await db.deleteFrom('search_documents').where('kind', 'in', ['message', 'note']).execute();
    await db.updateTable('search_documents').set({ version: 0 }).execute();
    const progress: number[] = [];
    await expect(
      c.deps.search.reindex({
        batch: 2,
        onProgress: (p) => {
          progress.push(p.documents);
          if (progress.length === 2) throw new Error('stop');
        },
      }),
    ).rejects.toThrow('stop');
    // Two batches of two tickets (each a ticket, its description and three messages) were written and kept.
    expect(progress).toEqual([10, 20]);
    const state = await getSetting<{ version: number; cursor: { source: number; afterId: string; documents: number } | null }>(db, 'search.index');
    expect(state?.cursor).toMatchObject({ source: 0, documents: 20 });
    expect((await c.deps.search.status()).building).toBe(true);
    const current = await db.selectFrom('search_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('version', '=', TOKENIZER_VERSION).executeTakeFirstOrThrow();
    expect(Number(current.n)).toBe(20);
    // Resumed: the rest, not the first 20 again.
    const resumed: number[] = [];
    const r = await c.deps.search.reindex({ batch: 2, onProgress: (p) => resumed.push(p.documents) });
    expect(r).toEqual({ documents: written.rows.length, rebuilt: true });
    expect(resumed[0]).toBe(30);
    const after = await dump(c);
    expect(withoutSeq(after.rows)).toEqual(withoutSeq(written.rows));
    expect(after.tokens).toEqual(written.tokens);
    // The version record: built with the current tokenizer, no cursor left.
    const done = await getSetting<{ version: number; cursor: unknown; builtAt?: number }>(db, 'search.index');
    expect(done).toMatchObject({ version: TOKENIZER_VERSION, cursor: null, builtAt: c.clock.now() });
    expect(await c.deps.search.status()).toEqual({ version: TOKENIZER_VERSION, current: TOKENIZER_VERSION, building: false, staleDocuments: 0 });
    expect(await c.deps.search.reindex()).toEqual({ documents: 0, rebuilt: false });
  });
});
