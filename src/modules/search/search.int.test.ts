import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDb, type Actor, type TestContext } from '../../../test/helpers/app.js';
import { levelBody, pathBody } from '../paths/path-test-support.js';
import { encodeToken, tokenize } from './tokenizer.js';

/**
 * Issue 19: one search over every indexed kind, the same on SQLite and PostgreSQL; restricted
 * teams' tickets are left out for outsiders exactly as in the lists.
 */
interface Fixture {
  a: { id: string; number: number };
  b: { id: string; number: number };
  secret: { id: string; number: number };
  escalationId: string;
  customerId: string;
}

async function search(c: TestContext, actor: Actor, q: string, extra = '') {
  const r = await c.request('GET', `/api/v1/search?q=${encodeURIComponent(q)}${extra}`, actor);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: { kind: string; id: string; ticketId: string | null; snippet: { text: string; ranges: [number, number][] }; title: { text: string } }[]; nextCursor: string | null; mode: string };
}

const kinds = (r: Awaited<ReturnType<typeof search>>) => r.items.map((i) => `${i.kind}:${i.ticketId ?? i.id}`).sort();

describeEachDb('search', (get) => {
  let f: Fixture;

  it('indexes tickets, messages, notes, calls, escalations and customers as they are written', async () => {
    const c = get();
    const { actors } = c;
    const a = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'サーバー障害のお知らせ', description: '昨日からログインできません', requesterEmail: 'Yamada.Taro@Example.co.jp', requesterName: '山田 太郎', tags: ['障害', 'vip'] });
    expect(a.status).toBe(201);
    expect((await c.request('POST', `/api/v1/tickets/${a.body.id}/messages`, actors.agent, { body: '請求書の期限切れについてご連絡します。', visibility: 'public' })).status).toBe(201);
    expect((await c.request('POST', `/api/v1/tickets/${a.body.id}/messages`, actors.agent, { body: 'EUC-JP のメールが文字化けしている', visibility: 'internal' })).status).toBe(201);
    expect((await c.request('POST', `/api/v1/tickets/${a.body.id}/calls`, actors.agent, { direction: 'inbound', durationSeconds: 120, summary: '本体のランプが赤く点滅している' })).status).toBe(201);
    const b = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Invoice overdue', description: 'The printer is broken again. ｶﾅ入力ができない', requesterEmail: 'ops@acme.example' });
    expect(b.status).toBe(201);
    const esc = await c.request('POST', `/api/v1/tickets/${b.body.id}/escalations`, actors.agent, { target: { type: 'user', userId: actors.specialist.id }, brief: { ask: '筐体の交換機を確認してください', concern: '障害の影響範囲が不明' } });
    expect(esc.status, JSON.stringify(esc.body)).toBe(201);
    expect((await c.request('POST', `/api/v1/escalations/${esc.body.id}/acknowledge`, actors.specialist, {})).status).toBe(200);
    expect((await c.request('POST', `/api/v1/escalations/${esc.body.id}/resolve`, actors.specialist, { answer: 'Replace the mainboard (基板交換) and reboot' })).status).toBe(200);

    const legal = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Legal', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] });
    expect(legal.status).toBe(201);
    const secret = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: '障害 confidential settlement', description: 'settlement terms', requesterEmail: 'Yamada.Taro@Example.co.jp', teamId: legal.body.id });
    expect(secret.status).toBe(201);
    const org = await c.request('POST', '/api/v1/organizations', actors.agent, { name: 'アクメ株式会社' });
    expect(org.status).toBe(201);
    f = { a: a.body, b: b.body, secret: secret.body, escalationId: esc.body.id, customerId: a.body.requesterId };
  });

  it('finds Japanese two-character words, 期限 in 期限切れ, widths and cases folded', async () => {
    const c = get();
    const agent = c.actors.agent;
    const outsider = c.otherAgent;
    // 障害: the subject, the tag, the brief of the escalation; the restricted ticket for its member only.
    expect(kinds(await search(c, agent, '障害'))).toEqual([`escalation:${f.b.id}`, `ticket:${f.a.id}`, `ticket:${f.secret.id}`].sort());
    expect(kinds(await search(c, outsider, '障害'))).toEqual([`escalation:${f.b.id}`, `ticket:${f.a.id}`].sort());
    expect(kinds(await search(c, agent, '請求'))).toEqual([`message:${f.a.id}`]);
    const due = await search(c, agent, '期限');
    expect(kinds(due)).toEqual([`message:${f.a.id}`]);
    const [s] = due.items;
    expect(s!.snippet.ranges.map(([x, y]) => s!.snippet.text.slice(x, y))).toEqual(['期限']);
    expect(kinds(await search(c, agent, '期限切れ'))).toEqual([`message:${f.a.id}`]);
    expect(kinds(await search(c, agent, '切限'))).toEqual([]);
    // The brief's background quotes the inquiry: the escalation is found by its words too.
    for (const q of ['ｶﾅ', 'カナ']) expect(kinds(await search(c, agent, q)), q).toEqual([`escalation:${f.b.id}`, `message:${f.b.id}`]);
    for (const q of ['EUC', 'ＥＵＣ', 'euc']) expect(kinds(await search(c, agent, q)), q).toEqual([`note:${f.a.id}`]);
    expect(kinds(await search(c, agent, 'PRINTER'))).toEqual([`escalation:${f.b.id}`, `message:${f.b.id}`]);
    // Words only in a brief, an answer or a call log.
    expect(kinds(await search(c, agent, '交換機'))).toEqual([`escalation:${f.b.id}`]);
    // The answer is on the escalation and, as the resolution note, on the ticket's timeline.
    expect(kinds(await search(c, agent, 'mainboard'))).toEqual([`escalation:${f.b.id}`, `note:${f.b.id}`]);
    expect(kinds(await search(c, agent, 'ランプ'))).toEqual([`call:${f.a.id}`]);
    expect(kinds(await search(c, agent, 'アクメ'))).toEqual([`organization:${(await search(c, agent, 'アクメ')).items[0]!.id}`]);
  });

  it('finds a ticket by number and a customer by email, whole or in parts', async () => {
    const c = get();
    const agent = c.actors.agent;
    expect(kinds(await search(c, agent, `#${f.a.number}`))).toEqual([`ticket:${f.a.id}`]);
    expect(kinds(await search(c, agent, String(f.b.number)))).toEqual([`ticket:${f.b.id}`]);
    const byMail = await search(c, agent, 'yamada.taro@example.co.jp');
    expect(byMail.items.map((i) => `${i.kind}:${i.id}`)).toEqual([`customer:${f.customerId}`]);
    expect(byMail.items[0]!.title.text).toBe('山田 太郎');
    expect((await search(c, agent, 'YAMADA', '&type=customer')).items.map((i) => i.id)).toEqual([f.customerId]);
    expect((await search(c, agent, '山田')).items.map((i) => i.kind)).toEqual(['customer']);
    // The customer filter: documents of their tickets and the customer.
    const ofCustomer = await search(c, agent, '障害', `&customer=${f.customerId}`);
    expect(kinds(ofCustomer)).toEqual([`ticket:${f.a.id}`, `ticket:${f.secret.id}`].sort());
    expect(kinds(await search(c, c.otherAgent, '障害', `&customer=${f.customerId}`))).toEqual([`ticket:${f.a.id}`]);
  });

  it('types, filters, phrases, exclusions and paging', async () => {
    const c = get();
    const agent = c.actors.agent;
    expect(kinds(await search(c, agent, '障害', '&type=escalation'))).toEqual([`escalation:${f.b.id}`]);
    expect(kinds(await search(c, agent, '障害', '&type=ticket&status=new,open'))).toEqual([`ticket:${f.a.id}`, `ticket:${f.secret.id}`].sort());
    expect(kinds(await search(c, agent, '障害', '&status=solved'))).toEqual([]);
    expect(kinds(await search(c, agent, '"printer is broken"', '&type=ticket'))).toEqual([`message:${f.b.id}`]);
    expect(kinds(await search(c, agent, '"broken printer"'))).toEqual([]);
    expect(kinds(await search(c, agent, '障害 -confidential'))).toEqual([`escalation:${f.b.id}`, `ticket:${f.a.id}`].sort());
    expect(kinds(await search(c, agent, '障害', '&from=2099-01-01'))).toEqual([]);
    const p1 = await search(c, agent, '障害', '&limit=2');
    expect(p1.items).toHaveLength(2);
    const p2 = await search(c, agent, '障害', `&limit=2&cursor=${p1.nextCursor}`);
    expect(p2.items).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    expect(new Set([...p1.items, ...p2.items].map((i) => i.ticketId)).size).toBe(3);
    // Nothing to find, bad dates: 400 with the field named.
    for (const q of ['-word', '!!!', ' ']) expect((await c.request('GET', `/api/v1/search?q=${encodeURIComponent(q)}`, agent)).status, q).toBe(400);
    const bad = await c.request('GET', '/api/v1/search?q=x1&from=yesterday', agent);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('from');
  });

  it('one-character queries scan the newest documents', async () => {
    const c = get();
    const r = await search(c, c.actors.agent, '筐');
    expect(r.mode).toBe('scan');
    expect(kinds(r)).toEqual([`escalation:${f.b.id}`]);
    expect(kinds(await search(c, c.otherAgent, '訟'))).toEqual([]);
    const s = await search(c, c.otherAgent, '障');
    expect(s.items.some((i) => i.ticketId === f.secret.id)).toBe(false);
    expect(s.items.length).toBeGreaterThanOrEqual(2);
  });

  it('the ticket list text filter uses the same index and the same visibility', async () => {
    const c = get();
    const ids = async (actor: Actor, text: string) => ((await c.request('GET', `/api/v1/tickets?text=${encodeURIComponent(text)}`, actor)).body.items as { id: string }[]).map((t) => t.id).sort();
    expect(await ids(c.actors.agent, '障害')).toEqual([f.a.id, f.secret.id].sort());
    expect(await ids(c.otherAgent, '障害')).toEqual([f.a.id]);
    expect(await ids(c.actors.agent, 'ｶﾅ')).toEqual([f.b.id]);
    expect(await ids(c.actors.agent, `#${f.b.number}`)).toEqual([f.b.id]);
    expect(await ids(c.actors.agent, '期限')).toEqual([f.a.id]);
  });

  it("the database keeps every token as one word (PostgreSQL's simple configuration, FTS5's ascii tokenizer)", async () => {
    const c = get();
    const words = [...new Set(tokenize('障害 期限切れ ｶﾅ ＥＵＣ x-ray xml 1e5 123e4 0x1f Yamada.Taro@Example.co.jp ー々 ☃ 🎉 Ärger naïve'))].map(encodeToken);
    const text = words.join(' ');
    if (c.kind === 'postgres') {
      const r = await sql<{ w: string }>`select unnest(tsvector_to_array(to_tsvector('simple', ${text}))) as w`.execute(c.deps.database.db);
      expect(r.rows.map((x) => x.w).sort()).toEqual([...words].sort());
    } else {
      const db = c.deps.database.db;
      await sql`create virtual table if not exists t_probe using fts5(x, tokenize='ascii')`.execute(db);
      await sql`create virtual table if not exists t_probe_v using fts5vocab(t_probe, 'row')`.execute(db);
      await sql`insert into t_probe (x) values (${text})`.execute(db);
      const r = await sql<{ term: string }>`select term from t_probe_v`.execute(db);
      expect(r.rows.map((x) => x.term).sort()).toEqual([...words].sort());
    }
  });

  it('reindex rebuilds what is missing or of an older tokenizer, resumes, and does nothing twice', async () => {
    const c = get();
    const db = c.deps.database.db;
    const before = await db.selectFrom('search_documents').select(['kind', 'ref_id']).orderBy('kind').orderBy('ref_id').execute();
    // Lose part of the index and mark the rest as built by an older tokenizer.
    await db.deleteFrom('search_documents').where('kind', 'in', ['message', 'escalation']).execute();
    await db.updateTable('search_documents').set({ version: 0 }).execute();
    expect((await c.deps.search.status()).staleDocuments).toBeGreaterThan(0);
    expect(kinds(await search(c, c.actors.agent, '請求'))).toEqual([]);
    // Interrupted after its first batch of one ticket…
    const progress: string[] = [];
    await expect(
      c.deps.search.reindex({
        batch: 1,
        onProgress: (p) => {
          progress.push(`${p.kind}:${p.documents}`);
          if (progress.length === 1) throw new Error('stop');
        },
      }),
    ).rejects.toThrow('stop');
    expect((await c.deps.search.status()).building).toBe(true);
    // …then goes on where it stopped.
    const r = await c.deps.search.reindex({ batch: 1, onProgress: (p) => progress.push(`${p.kind}:${p.documents}${p.done ? ':done' : ''}`) });
    expect(r.rebuilt).toBe(true);
    expect(progress.at(-1)).toMatch(/:done$/);
    const after = await db.selectFrom('search_documents').select(['kind', 'ref_id']).orderBy('kind').orderBy('ref_id').execute();
    expect(after).toEqual(before);
    expect(await c.deps.search.status()).toMatchObject({ version: 1, current: 1, building: false, staleDocuments: 0 });
    expect(kinds(await search(c, c.actors.agent, '請求'))).toEqual([`message:${f.a.id}`]);
    expect(kinds(await search(c, c.actors.agent, '交換機'))).toEqual([`escalation:${f.b.id}`]);
    expect(await c.deps.search.reindex()).toEqual({ documents: 0, rebuilt: false });
  });

  it('deleting a ticket removes its documents from the full-text index too', async () => {
    const c = get();
    const db = c.deps.database.db;
    const t = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: 'Ephemeral zyzzyva ticket' });
    expect(kinds(await search(c, c.actors.agent, 'zyzzyva'))).toEqual([`ticket:${t.body.id}`]);
    await db.deleteFrom('ticket_events').where('ticket_id', '=', t.body.id).execute();
    await db.deleteFrom('ticket_tags').where('ticket_id', '=', t.body.id).execute();
    await db.deleteFrom('tickets').where('id', '=', t.body.id).execute();
    expect(kinds(await search(c, c.actors.agent, 'zyzzyva'))).toEqual([]);
    if (c.kind === 'sqlite') expect(Number((await sql<{ n: number }>`select count(*) as n from search_fts`.execute(db)).rows[0]!.n)).toBe(Number((await sql<{ n: number }>`select count(*) as n from search_documents`.execute(db)).rows[0]!.n));
  });
  it('indexes escalation paths by name: on create and rename, gone on delete, rebuilt by reindex', async () => {
    const c = get();
    const { actors } = c;
    const body = pathBody(actors.manager.id, [levelBody('L1', [{ type: 'user', userId: actors.specialist.id }])], { name: '筐体障害の受付パス' });
    const created = await c.request('POST', '/api/v1/escalation-paths', actors.admin, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const found = await search(c, actors.agent, '受付パス');
    expect(kinds(found)).toEqual([`path:${id}`]);
    expect(found.items[0]!.title.text).toBe('筐体障害の受付パス');
    // Paths are escalation things: the escalation tab shows them, the ticket tab does not.
    expect(kinds(await search(c, actors.agent, '受付パス', '&type=escalation'))).toEqual([`path:${id}`]);
    expect(kinds(await search(c, actors.agent, '受付パス', '&type=ticket'))).toEqual([]);

    // A rename (a new version) rewrites the document.
    const renamed = await c.request('PUT', `/api/v1/escalation-paths/${id}`, actors.admin, { ...body, name: 'Hardware intake path', reason: 'rename' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(kinds(await search(c, actors.agent, '受付パス'))).toEqual([]);
    expect(kinds(await search(c, actors.agent, 'intake'))).toEqual([`path:${id}`]);

    // Reindex brings a lost path document back.
    await c.deps.database.db.deleteFrom('search_documents').where('kind', '=', 'path').execute();
    expect(kinds(await search(c, actors.agent, 'intake'))).toEqual([]);
    await c.deps.database.db.updateTable('search_documents').set({ version: 0 }).where('kind', '=', 'ticket').execute();
    expect((await c.deps.search.reindex()).rebuilt).toBe(true);
    expect(kinds(await search(c, actors.agent, 'intake'))).toEqual([`path:${id}`]);

    // Deleted paths leave the playbook and the search.
    expect((await c.request('DELETE', `/api/v1/escalation-paths/${id}`, actors.admin)).status).toBe(204);
    expect(kinds(await search(c, actors.agent, 'intake'))).toEqual([]);
    await c.deps.database.db.updateTable('search_documents').set({ version: 0 }).where('kind', '=', 'ticket').execute();
    await c.deps.search.reindex();
    expect(kinds(await search(c, actors.agent, 'intake'))).toEqual([]);
  });
  it('an escalation the system started carries its origin, so the console heads it in the reader\'s language', async () => {
    const c = get();
    const { actors } = c;
    const category = `kiban-${Math.random().toString(36).slice(2, 8)}`;
    const path = await c.request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L2', [{ type: 'user', userId: actors.specialist.id }])], { name: '基板障害の自動パス', autoEscalate: true, conditions: { ...pathBody('', []).conditions, categories: [category] } }));
    expect(path.status, JSON.stringify(path.body)).toBe(201);
    const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Mainboard alarm', description: 'the alarm lamp is red', category });
    expect(t.status).toBe(201);
    const hits = (await search(c, actors.agent, '基板障害', '&type=escalation')).items as { kind: string; ticketId: string | null; origin?: unknown }[];
    const auto = hits.find((h) => h.kind === 'escalation' && h.ticketId === t.body.id);
    expect(auto?.origin).toMatchObject({ code: 'auto', path: '基板障害の自動パス', facts: [{ code: 'category', values: [category] }] });
    // An escalation an agent wrote keeps its own ask as the heading (its origin says direct).
    const manual = (await search(c, actors.agent, '交換機')).items as { kind: string; origin?: { code: string } | null }[];
    expect(manual.find((h) => h.kind === 'escalation')?.origin?.code ?? 'direct').toBe('direct');
    // The same for similar past escalations (the escalate dialog).
    const sim = await c.request('GET', `/api/v1/escalations/similar?q=${encodeURIComponent('筐体の交換機')}`, actors.agent);
    expect(sim.status).toBe(200);
    for (const s of sim.body.items as { origin: unknown }[]) expect(s).toHaveProperty('origin');
  });
});
