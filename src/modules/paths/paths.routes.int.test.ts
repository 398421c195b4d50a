import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { levelBody, pathBody } from './path-test-support.js';

const section = (doc: string, name: string, sep: string) => doc.split(sep).find((s) => s.includes(name)) ?? '';

describeEachDb('escalation paths over HTTP', (ctx) => {
  it('diffs versions where a level was added, then removed', async () => {
    const { request, actors } = ctx();
    const l1 = levelBody('L1', [{ type: 'user', userId: actors.specialist.id }]);
    const l2 = levelBody('L2', [{ type: 'user', userId: actors.manager.id }]);
    const v1 = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [l1]));
    expect(v1.status).toBe(201);
    const { id: _id, version: _v, autoEscalate: _a, lastReviewedAt: _r, lastReviewedBy: _b, reviewDueAt: _d, reviewDue: _due, createdAt: _c, updatedAt: _u, ...def } = v1.body;
    expect((await request('PUT', `/api/v1/escalation-paths/${v1.body.id}`, actors.admin, { ...def, levels: [l1, l2], reason: 'add L2' })).status).toBe(200);
    expect((await request('PUT', `/api/v1/escalation-paths/${v1.body.id}`, actors.admin, { ...def, levels: [l1], reason: 'drop L2' })).status).toBe(200);

    const added = await request('GET', `/api/v1/escalation-paths/${v1.body.id}/versions/diff?from=1&to=2`, actors.agent);
    expect(added.status).toBe(200);
    expect(added.body.changes).toEqual([{ path: 'levels[1]', change: 'added', after: expect.objectContaining({ name: 'L2' }) }]);
    const removed = await request('GET', `/api/v1/escalation-paths/${v1.body.id}/versions/diff?from=2&to=3`, actors.agent);
    expect(removed.status).toBe(200);
    expect(removed.body.changes).toEqual([{ path: 'levels[1]', change: 'removed', before: expect.objectContaining({ name: 'L2' }) }]);
    const none = await request('GET', `/api/v1/escalation-paths/${v1.body.id}/versions/diff?from=1&to=3`, actors.agent);
    expect(none.body.changes).toEqual([]);
  });

  it('lists paths a page at a time with limit and cursor, and all of them without a limit', async () => {
    const { request, actors } = ctx();
    for (let i = 0; i < 3; i++) {
      const res = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L1', [{ type: 'user', userId: actors.specialist.id }])], { name: `Paged ${i}` }));
      expect(res.status).toBe(201);
    }
    const all = await request('GET', '/api/v1/escalation-paths', actors.agent);
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    const names: string[] = all.body.items.map((p: { name: string }) => p.name);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: { name: string }[]; nextCursor: string | null } } = await request('GET', `/api/v1/escalation-paths?limit=2${cursor ? `&cursor=${cursor}` : ''}`, actors.agent);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((p) => p.name));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(names);
    expect(pages).toBe(Math.ceil(names.length / 2));
    const bad = await request('GET', '/api/v1/escalation-paths?cursor=not-a-cursor', actors.agent);
    expect(bad.status).toBe(400);
  });

  it('prints the playbook in the reader’s time zone, with calendar names and brief field labels', async () => {
    const { request, actors } = ctx();
    const day = [['09:00', '18:00']];
    const cal = await request('POST', '/api/v1/calendars', actors.admin, { name: '東京営業時間', definition: { timezone: 'Asia/Tokyo', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] } } });
    expect(cal.status).toBe(201);
    const made = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L2 playbook', [{ type: 'user', userId: actors.specialist.id }], { calendarId: cal.body.id, requiredBriefFields: ['ask', 'tried'] })], { name: 'Playbook raw values' }));
    expect(made.status).toBe(201);
    // The admin reads in Asia/Tokyo; the fake clock is 2026-01-05 00:00 UTC = 09:00 in Tokyo.
    const ja = await request('GET', '/api/v1/playbook?format=md&lang=ja', actors.admin);
    expect(ja.status).toBe(200);
    expect(ja.body).toContain('2026年1月5日 9:00 (Asia/Tokyo)');
    expect(ja.body).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(ja.body).toContain('東京営業時間');
    expect(ja.body).not.toContain(cal.body.id);
    expect(ja.body).toContain('何をしてほしいか, 試したこと');
    const en = await request('GET', '/api/v1/playbook?lang=en', actors.admin);
    expect(en.body).toContain('5 January 2026 at 09:00 (Asia/Tokyo)');
    expect(en.body).toContain('what is needed, already tried');
    expect(en.body).not.toContain('ask, tried');
  });

  it('prints a level named with its own number once ("Level 2: Billing", not "Level 2: L2 Billing")', async () => {
    const { request, actors } = ctx();
    const to = [{ type: 'user' as const, userId: actors.specialist.id }];
    const made = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L1 Front desk', to), levelBody('L2: 請求チーム', to), levelBody('L2 Mislabelled', to)], { name: 'Playbook numbered levels' }));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const en = section((await request('GET', '/api/v1/playbook?format=md&lang=en', actors.agent)).body, 'Playbook numbered levels', '\n## ');
    expect(en).toContain('Level 1: Front desk');
    expect(en).toContain('Level 2: 請求チーム');
    expect(en).not.toContain('Level 2: L2');
    // A name whose number is not its position is printed as written.
    expect(en).toContain('Level 3: L2 Mislabelled');
    const ja = section((await request('GET', '/api/v1/playbook?lang=ja', actors.agent)).body, 'Playbook numbered levels', '<section>');
    expect(ja).toContain('レベル 2: 請求チーム');
  });

  it('links the knowledge articles of each path’s categories, in the reader’s language, escaped', async () => {
    const { request, actors, deps } = ctx();
    // The path writes the category in full-width capitals; matching normalises (NFKC, lower case), so the articles' 'pb-billing' is the same category.
    const withCat = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L1', [{ type: 'user', userId: actors.specialist.id }])], { name: 'Playbook with articles', conditions: { ...pathBody('', []).conditions, categories: ['ＰＢ-Billing'] } }));
    expect(withCat.status, JSON.stringify(withCat.body)).toBe(201);
    const without = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L1', [{ type: 'user', userId: actors.specialist.id }])], { name: 'Playbook without categories' }));
    expect(without.status).toBe(201);
    const both = await request('POST', '/api/v1/articles', actors.agent, { titleJa: '請求<script>alert(1)</script>の*確認*', bodyJa: '本文', titleEn: 'Billing <script>alert(2)</script> *check*', bodyEn: 'Body', category: 'pb-billing', visibility: 'internal' });
    expect(both.status, JSON.stringify(both.body)).toBe(201);
    const enOnly = await request('POST', '/api/v1/articles', actors.agent, { titleEn: 'Refund_steps [EN only]', bodyEn: 'Body', category: 'PB-billing', visibility: 'public' });
    expect(enOnly.status).toBe(201);
    const other = await request('POST', '/api/v1/articles', actors.agent, { titleJa: '別カテゴリの記事', bodyJa: '本文', titleEn: 'Other category article', bodyEn: 'Body', category: 'pb-shipping' });
    expect(other.status).toBe(201);
    const link = (id: string) => `${deps.config.publicUrl}/knowledge?id=${id}`;

    const htmlJa = section((await request('GET', '/api/v1/playbook?lang=ja', actors.agent)).body, 'Playbook with articles', '<section>');
    expect(htmlJa).toContain('<h3>関連するナレッジ記事</h3>');
    expect(htmlJa).toContain(`<li><a href="${link(both.body.id)}">請求&lt;script&gt;alert(1)&lt;/script&gt;の*確認*</a></li>`);
    expect(htmlJa).toContain(`<li><a href="${link(enOnly.body.id)}">Refund_steps [EN only]</a></li>`);
    expect(htmlJa.match(/<li>/g)).toHaveLength(2);
    expect(htmlJa).not.toContain(other.body.id);
    expect(htmlJa).not.toContain('<script>');
    const htmlEn = section((await request('GET', '/api/v1/playbook?lang=en', actors.agent)).body, 'Playbook with articles', '<section>');
    expect(htmlEn).toContain('<h3>Knowledge articles for this path</h3>');
    expect(htmlEn).toContain(`<a href="${link(both.body.id)}">Billing &lt;script&gt;alert(2)&lt;/script&gt; *check*</a>`);
    expect(htmlEn).toContain(`<a href="${link(enOnly.body.id)}">Refund_steps [EN only]</a>`);
    expect(htmlEn.match(/<li>/g)).toHaveLength(2);
    expect(htmlEn).not.toContain(other.body.id);
    const htmlNone = section((await request('GET', '/api/v1/playbook?lang=en', actors.agent)).body, 'Playbook without categories', '<section>');
    expect(htmlNone).not.toBe('');
    expect(htmlNone).not.toContain('Knowledge articles');

    const mdJa = await request('GET', '/api/v1/playbook?format=md&lang=ja', actors.agent);
    const mdJaPath = section(mdJa.body, 'Playbook with articles', '\n## ');
    expect(mdJaPath).toContain('### 関連するナレッジ記事');
    expect(mdJaPath).toContain(`- [請求\\<script\\>alert\\(1\\)\\</script\\>の\\*確認\\*](<${link(both.body.id)}>)`);
    expect(mdJaPath).toContain(`- [Refund\\_steps \\[EN only\\]](<${link(enOnly.body.id)}>)`);
    expect(mdJaPath.match(/^- \[/gm)).toHaveLength(2);
    expect(mdJa.body).not.toContain(other.body.id);
    const mdEn = await request('GET', '/api/v1/playbook?format=md&lang=en', actors.agent);
    const mdEnPath = section(mdEn.body, 'Playbook with articles', '\n## ');
    expect(mdEnPath).toContain('### Knowledge articles for this path');
    expect(mdEnPath).toContain(`- [Billing \\<script\\>alert\\(2\\)\\</script\\> \\*check\\*](<${link(both.body.id)}>)`);
    expect(mdEnPath.match(/^- \[/gm)).toHaveLength(2);
    expect(mdEn.body).not.toContain(other.body.id);
    expect(section(mdEn.body, 'Playbook without categories', '\n## ')).not.toContain('Knowledge articles');
  });

  it('lists at most 10 articles per path in the playbook, the most used first, then the newest', async () => {
    const { request, actors } = ctx();
    const made = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L1', [{ type: 'user', userId: actors.specialist.id }])], { name: 'Playbook capped', conditions: { ...pathBody('', []).conditions, categories: ['pb-many'] } }));
    expect(made.status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const a = await request('POST', '/api/v1/articles', actors.agent, { titleEn: `Many ${String(i).padStart(2, '0')}`, bodyEn: 'Body', category: 'pb-many' });
      expect(a.status).toBe(201);
      ids.push(a.body.id);
    }
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Uses an article', description: 'x', requesterEmail: 'pb-many@customer.example' });
    expect(ticket.status).toBe(201);
    expect((await request('POST', `/api/v1/articles/${ids[0]}/uses`, actors.agent, { ticketId: ticket.body.id })).status).toBe(200);
    const md = await request('GET', '/api/v1/playbook?format=md&lang=en', actors.agent);
    const part = md.body.split('\n## ').find((x: string) => x.startsWith('Playbook capped')) ?? '';
    const listed = [...part.matchAll(/^- \[Many (\d\d)\]/gm)].map((m) => m[1]);
    // The used one, then the newest nine (same instant on the fake clock: the later id is newer).
    expect(listed).toEqual(['00', '11', '10', '09', '08', '07', '06', '05', '04', '03']);
  });
});
