/**
 * Major incidents end to end on SQLite and PostgreSQL (issue 17): the services catalogue,
 * declaring from three tickets, linking two more, the ticket banner and affected customers,
 * roles with handover, an overdue task and an overdue update reminding at their instants,
 * two updates reaching an SMTP sink per customer in their language threaded on their own
 * tickets, resolution solving linked tickets with the reply, the RCA approved and shared,
 * and the public status page with its feed and double opt-in subscriptions.
 */
import { afterAll, expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { FANOUT_START_DELAY_MS } from './incidents.service.js';

const SUPPORT = 'support@escalon.test';
const sink: SmtpSink = await startSmtpSink();
afterAll(() => sink.close());
const MIN = 60_000;

describeEachDb(
  'major incidents',
  (ctx) => {
    let seq = 0;
    const uniq = () => `${Date.now().toString(36)}${seq++}`;
    const mailsTo = (address: string) => sink.mails.filter((m) => m.rcptTo.includes(address));
    /** Runs what is due once the fan-out's start delay has passed. */
    const settle = async () => {
      ctx().clock.advance(FANOUT_START_DELAY_MS);
      await ctx().deps.jobs.drain();
    };

    async function customerTicket(c: TestContext, locale: 'ja' | 'en', subject: string, extra: Record<string, unknown> = {}) {
      const email = `${locale}-${uniq()}@customer.example`;
      const cust = await c.request('POST', '/api/v1/customers', c.actors.agent, { name: `Customer ${locale}`, email, locale, ...extra });
      expect(cust.status).toBe(201);
      const t = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject, description: 'It is down', channel: 'email', requesterId: cust.body.id });
      expect(t.status).toBe(201);
      return { email, customerId: cust.body.id as string, ticketId: t.body.id as string };
    }

    async function service(c: TestContext, en: string, ja: string) {
      const r = await c.request('POST', '/api/v1/services', c.actors.manager, { nameJa: ja, nameEn: `${en} ${uniq()}` });
      expect(r.status).toBe(201);
      return r.body;
    }

    it('keeps a services catalogue that managers and administrators edit, audited', async () => {
      const c = ctx();
      expect((await c.request('POST', '/api/v1/services', c.actors.agent, { nameJa: '決済', nameEn: 'Payments' })).status).toBe(403);
      const s = await service(c, 'Payments', '決済');
      expect(s).toMatchObject({ name: { ja: '決済' }, status: 'operational', ownerTeamId: null });
      expect((await c.request('POST', '/api/v1/services', c.actors.admin, { nameJa: 'x', nameEn: s.name.en })).status).toBe(409);
      expect((await c.request('PATCH', `/api/v1/services/${s.id}`, c.actors.manager, { status: 'exploded' })).status).toBe(400);
      expect((await c.request('PATCH', `/api/v1/services/${s.id}`, c.actors.manager, { ownerTeamId: '01a2079d-64a3-72d6-8665-1ccf40357136' })).status).toBe(400);
      const changed = await c.request('PATCH', `/api/v1/services/${s.id}`, c.actors.admin, { status: 'maintenance' });
      expect(changed.body.status).toBe('maintenance');
      expect((await c.request('GET', '/api/v1/services', c.actors.agent)).body.items.map((x: { id: string }) => x.id)).toContain(s.id);
      const audit = await c.request('GET', `/api/v1/audit?targetId=${s.id}`, c.actors.admin);
      expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['service.created', 'service.updated']));
      expect((await c.request('DELETE', `/api/v1/services/${s.id}`, c.actors.manager)).status).toBe(204);
    });

    it('runs the whole lifecycle: declare, link, communicate, resolve, RCA, status page', async () => {
      const c = ctx();
      const svc = await service(c, 'Login', 'ログイン');
      const [a, b, d] = [await customerTicket(c, 'ja', 'ログインできない'), await customerTicket(c, 'en', 'Cannot log in'), await customerTicket(c, 'ja', 'ログインエラー')];
      const [e, f] = [await customerTicket(c, 'en', 'Login broken'), await customerTicket(c, 'ja', 'ログイン不可')];
      await c.deps.jobs.drain();

      // Declare from three tickets (agents may not declare; supervisors may).
      const body = { title: 'ログイン障害 / Login outage', severity: 'SEV1', ticketIds: [a.ticketId, b.ticketId, d.ticketId], services: [{ id: svc.id, impact: 'major_outage' }], problemRef: 'PRB0042', links: [{ label: 'Grafana', url: 'https://grafana.example/d/1' }] };
      expect((await c.request('POST', '/api/v1/incidents', c.actors.agent, body)).status).toBe(403);
      expect((await c.request('POST', '/api/v1/incidents', c.actors.supervisor, { ...body, ticketIds: ['01a2079d-64a3-72d6-8665-1ccf40357136'] })).status).toBe(400);
      expect((await c.request('POST', '/api/v1/incidents', c.actors.supervisor, { ...body, severity: 'SEV9' })).status).toBe(400);
      const declared = await c.request('POST', '/api/v1/incidents', c.actors.supervisor, { ...body, subscribers: { userIds: [c.actors.specialist.id] } });
      expect(declared.status).toBe(201);
      const inc = declared.body;
      const declaredAt = c.clock.now();
      expect(inc).toMatchObject({ state: 'active', severity: 'SEV1', counts: { tickets: 3, openTickets: 3 }, problemRef: 'PRB0042', roles: [{ role: 'commander', userId: c.actors.supervisor.id }] });
      expect(inc.services[0]).toMatchObject({ id: svc.id, impact: 'major_outage', status: 'major_outage' });
      // A service an incident names stays in its history: removing it is refused with a code the console can say.
      const refused = await c.request('DELETE', `/api/v1/services/${svc.id}`, c.actors.manager);
      expect(refused.status).toBe(409);
      expect(refused.body.error.details.problems).toEqual([expect.objectContaining({ field: 'id', code: 'service_in_use' })]);
      expect(inc.cadence.internalDueAt).toBe(new Date(declaredAt + 15 * MIN).toISOString());
      expect(inc.cadence.customerDueAt).toBe(new Date(declaredAt + 60 * MIN).toISOString());

      // Link two more; unlink and relink one; the ticket shows the incident (its banner).
      const linked = await c.request('POST', `/api/v1/incidents/${inc.id}/tickets`, c.actors.agent, { ticketIds: [e.ticketId, f.ticketId] });
      expect(linked.body.counts.tickets).toBe(5);
      expect((await c.request('DELETE', `/api/v1/incidents/${inc.id}/tickets/${f.ticketId}`, c.actors.agent)).status).toBe(204);
      expect((await c.request('DELETE', `/api/v1/incidents/${inc.id}/tickets/${f.ticketId}`, c.actors.agent)).status).toBe(404);
      await c.request('POST', `/api/v1/incidents/${inc.id}/tickets`, c.actors.agent, { ticketIds: [f.ticketId] });
      // A new ticket like the linked ones is suggested for linking.
      const g = await customerTicket(c, 'ja', 'ログインできません');
      const suggested = await c.request('GET', `/api/v1/incidents/${inc.id}/suggested-tickets`, c.actors.agent);
      expect(suggested.body.items.find((x: { id: string }) => x.id === g.ticketId)).toMatchObject({ reasons: ['subject'] });
      expect(suggested.body.items.map((x: { id: string }) => x.id)).not.toContain(e.ticketId);
      const banner = await c.request('GET', `/api/v1/tickets/${e.ticketId}/incidents`, c.actors.agent);
      expect(banner.body.items.map((x: { id: string }) => x.id)).toEqual([inc.id]);
      const list = await c.request('GET', `/api/v1/incidents/${inc.id}/tickets`, c.actors.agent);
      expect(list.body.items).toHaveLength(5);
      // The workspace rule (default: pause) holds the linked tickets' SLA clocks.
      const holds = await c.deps.database.db.selectFrom('sla_holds').select('ticket_id').where('source', '=', `incident:${inc.id}`).execute();
      expect(holds).toHaveLength(5);

      // Affected customers: from the tickets, plus every platinum customer, with their language.
      const plat = await c.request('POST', '/api/v1/customers', c.actors.supervisor, { name: 'VIP', email: `vip-${uniq()}@customer.example`, locale: 'en', tier: 'platinum' });
      const custs = await c.request('POST', `/api/v1/incidents/${inc.id}/audiences`, c.actors.agent, { kind: 'tier', ref: 'platinum' });
      expect(custs.status).toBe(200);
      const byId = new Map(custs.body.items.map((x: { id: string }) => [x.id, x]));
      expect(byId.get(a.customerId)).toMatchObject({ locale: 'ja', via: ['ticket'], ticketIds: [a.ticketId] });
      expect(byId.get(plat.body.id)).toMatchObject({ locale: 'en', via: ['tier'], tier: 'platinum' });

      // Task force: a communications lead, then handed over (recorded).
      await c.request('PUT', `/api/v1/incidents/${inc.id}/roles/communications_lead`, c.actors.agent, { userId: c.actors.agent.id });
      const handed = await c.request('PUT', `/api/v1/incidents/${inc.id}/roles/communications_lead`, c.actors.agent, { userId: c.otherAgent.id });
      expect(handed.body.roles.find((r: { role: string }) => r.role === 'communications_lead').userId).toBe(c.otherAgent.id);
      expect((await c.request('PUT', `/api/v1/incidents/${inc.id}/roles/commander`, c.actors.agent, { userId: null })).status).toBe(400);

      // Action plan: a task due in 5 minutes reminds its owner at that instant.
      const task = await c.request('POST', `/api/v1/incidents/${inc.id}/tasks`, c.actors.agent, { title: 'Roll back the auth deploy', ownerId: c.actors.specialist.id, dueAt: new Date(declaredAt + 5 * MIN).toISOString() });
      expect(task.status).toBe(201);
      const notes = async (userId: string, event: string) => (await c.deps.database.db.selectFrom('notifications').select(['data']).where('user_id', '=', userId).where('event', '=', event).execute()).filter((n) => JSON.parse(n.data).incidentId === inc.id);
      c.clock.advance(5 * MIN - 1);
      await c.deps.jobs.drain();
      expect(await notes(c.actors.specialist.id, 'incident.task_overdue')).toHaveLength(0);
      c.clock.advance(1);
      await c.deps.jobs.drain();
      expect(await notes(c.actors.specialist.id, 'incident.task_overdue')).toHaveLength(1);

      // No internal update by 15 minutes: the communications lead is reminded at that instant, then the commander.
      c.clock.set(declaredAt + 15 * MIN - 1);
      await c.deps.jobs.drain();
      expect(await notes(c.otherAgent.id, 'incident.update_overdue')).toHaveLength(0);
      c.clock.set(declaredAt + 15 * MIN);
      await c.deps.jobs.drain();
      expect(await notes(c.otherAgent.id, 'incident.update_overdue')).toHaveLength(1);
      c.clock.set(declaredAt + 25 * MIN);
      await c.deps.jobs.drain();
      expect(await notes(c.actors.supervisor.id, 'incident.update_overdue')).toHaveLength(1);

      // Two public updates, written once in both languages: a reply per customer, in their language, on their ticket.
      expect((await c.request('POST', `/api/v1/incidents/${inc.id}/updates`, c.otherAgent, { state: 'investigating', body: { ja: '調査中です。', en: '' }, audience: 'public' })).status).toBe(400);
      expect((await c.request('POST', `/api/v1/incidents/${inc.id}/updates`, c.otherAgent, { state: 'investigating', body: { ja: 'x', en: 'y' }, audience: 'public', nextUpdateAt: new Date(declaredAt).toISOString() })).status).toBe(400);
      const before = sink.mails.length;
      const u1 = await c.request('POST', `/api/v1/incidents/${inc.id}/updates`, c.otherAgent, { state: 'investigating', body: { ja: 'ログインできない事象を調査しています。', en: 'We are investigating failed logins.' }, audience: 'public', nextUpdateAt: new Date(declaredAt + 55 * MIN).toISOString() });
      expect(u1.status).toBe(201);
      expect(sink.mails.length).toBe(before); // nothing is sent from the request
      c.clock.advance(MIN);
      await c.request('POST', `/api/v1/incidents/${inc.id}/updates`, c.otherAgent, { state: 'identified', body: { ja: '原因を特定しました。', en: 'We found the cause.' }, audience: 'public' });
      const secondAt = c.clock.now();
      await settle();
      await sink.waitFor(before + 10);
      for (const cu of [a, b, d, e, f]) {
        const mails = await Promise.all(mailsTo(cu.email).map((m) => sink.parse(m)));
        const updates = mails.filter((m) => /障害情報|Service incident/.test(m.text ?? ''));
        expect(updates).toHaveLength(2);
        const ja = cu.email.startsWith('ja-');
        expect(updates[0]!.text).toContain(ja ? 'ログインできない事象を調査しています。' : 'We are investigating failed logins.');
        expect(updates[0]!.text).toContain(ja ? '次回の更新予定' : 'Next update by');
        expect(updates[1]!.text).toContain(ja ? '原因を特定しました。' : 'We found the cause.');
        const number = (await c.request('GET', `/api/v1/tickets/${cu.ticketId}`, c.actors.agent)).body.number;
        expect(updates[0]!.subject).toContain(`#${number}`);
        // Threaded on the customer's own ticket: the reply's Message-ID is the ticket's, so an answer comes back to it.
        expect(updates[1]!.references).toBeTruthy();
      }
      // The platinum customer, added by tier with no ticket of their own: a ticket opened for them
      // (pending, linked, subject in their language) carries both updates, mailed in English.
      const vipTickets = await c.deps.database.db.selectFrom('tickets').select(['id', 'status', 'subject']).where('requester_id', '=', plat.body.id).execute();
      expect(vipTickets).toHaveLength(1);
      expect(vipTickets[0]).toMatchObject({ status: 'pending', subject: 'Service incident: ログイン障害 / Login outage' });
      expect((await c.request('GET', `/api/v1/incidents/${inc.id}/tickets`, c.actors.agent)).body.items.map((x: { id: string }) => x.id)).toContain(vipTickets[0]!.id);
      const vipMails = (await Promise.all(mailsTo(plat.body.email).map((m) => sink.parse(m)))).filter((m) => /Service incident/.test(m.text ?? ''));
      expect(vipMails.map((m) => m.text ?? '')).toEqual([expect.stringContaining('We are investigating failed logins.'), expect.stringContaining('We found the cause.')]);
      expect((await c.request('GET', `/api/v1/incidents/${inc.id}/timeline`, c.actors.agent)).body.items.filter((x: { kind: string }) => x.kind === 'audience.reached')).toHaveLength(1);
      const tl = (await c.request('GET', `/api/v1/tickets/${a.ticketId}/timeline`, c.actors.agent)).body.items;
      expect(tl.filter((x: { kind: string; visibility: string }) => x.kind === 'message.added' && x.visibility === 'public' && /障害情報/.test((x as unknown as { body: string }).body))).toHaveLength(2);
      const got = (await c.request('GET', `/api/v1/incidents/${inc.id}`, c.actors.agent)).body;
      expect(got.latestPublicUpdate.state).toBe('identified');
      expect(got.cadence.customerDueAt).toBe(new Date(secondAt + 30 * MIN).toISOString());
      // The specialist subscribed: told of the updates in-app.
      expect((await notes(c.actors.specialist.id, 'incident.update_posted')).length).toBe(2);

      // Status page: public, both languages, with the incident and its updates.
      const ja = await c.app.inject({ method: 'GET', url: '/status', headers: { 'accept-language': 'ja,en;q=0.5' } });
      expect(ja.statusCode).toBe(200);
      expect(ja.body).toContain('原因を特定しました。');
      expect(ja.body).toContain('ログイン障害 / Login outage');
      const en = await c.app.inject({ method: 'GET', url: '/status?lang=en' });
      expect(en.body).toContain('We found the cause.');
      expect(en.body).toContain('Major outage');
      const feed = await c.app.inject({ method: 'GET', url: '/status/feed.atom?lang=en' });
      expect(feed.headers['content-type']).toContain('application/atom+xml');
      expect(feed.body).toContain('We found the cause.');

      // Resolve: only the commander or a manager; one ticket is left for personal follow-up.
      const resolution = { resolution: { ja: '認証サーバーを切り戻し、復旧しました。', en: 'We rolled back the auth server; logins work again.' }, excludeTicketIds: [f.ticketId] };
      expect((await c.request('POST', `/api/v1/incidents/${inc.id}/resolve`, c.actors.agent, resolution)).status).toBe(403);
      const t0 = performance.now();
      const resolved = await c.request('POST', `/api/v1/incidents/${inc.id}/resolve`, c.actors.supervisor, resolution);
      expect(resolved.status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThan(0);
      expect(resolved.body).toMatchObject({ state: 'resolved', roles: [] });
      expect(resolved.body.services[0].status).toBe('operational');
      const before2 = sink.mails.length;
      await settle();
      await sink.waitFor(before2 + 4);
      for (const cu of [a, b, d, e]) {
        expect((await c.request('GET', `/api/v1/tickets/${cu.ticketId}`, c.actors.agent)).body.status).toBe('solved');
        const texts = (await Promise.all(mailsTo(cu.email).map((m) => sink.parse(m)))).map((m) => m.text ?? '');
        expect(texts.some((t) => t.includes(cu.email.startsWith('ja-') ? '認証サーバーを切り戻し' : 'We rolled back the auth server'))).toBe(true);
      }
      expect((await c.request('GET', `/api/v1/tickets/${f.ticketId}`, c.actors.agent)).body.status).not.toBe('solved');
      expect((await c.request('GET', `/api/v1/tickets/${vipTickets[0]!.id}`, c.actors.agent)).body.status).toBe('solved');
      expect((await Promise.all(mailsTo(plat.body.email).map((m) => sink.parse(m)))).some((m) => (m.text ?? '').includes('We rolled back the auth server'))).toBe(true);
      expect(await c.deps.database.db.selectFrom('sla_holds').select('ticket_id').where('source', '=', `incident:${inc.id}`).execute()).toHaveLength(0);

      // RCA: requested, written, submitted, approved by a manager, shared; then the incident closes.
      expect((await c.request('POST', `/api/v1/incidents/${inc.id}/close`, c.actors.manager)).status).toBe(409);
      const rca = await c.request('POST', `/api/v1/incidents/${inc.id}/rca`, c.actors.supervisor, { ownerId: c.actors.specialist.id, dueAt: new Date(c.clock.now() + 3 * 86_400_000).toISOString() });
      expect(rca.status).toBe(201);
      expect(rca.body.customer.ja.impact).toContain('ログイン');
      expect((await c.request('PATCH', `/api/v1/incidents/${inc.id}/rca`, c.actors.specialist, { submit: true })).status).toBe(400);
      const sections = (lang: string) => ({ cause: `${lang}: certificate expired`, prevention: `${lang}: expiry monitoring` });
      const saved = await c.request('PATCH', `/api/v1/incidents/${inc.id}/rca`, c.actors.specialist, { internal: { rootCause: 'Cert rotation job silently failed', contributingFactors: 'No alert on the job' }, customer: { ja: sections('ja'), en: sections('en') }, submit: true });
      expect(saved.status).toBe(200);
      expect(saved.body.state).toBe('in_review');
      expect((await c.request('POST', `/api/v1/incidents/${inc.id}/rca/approve`, c.actors.supervisor)).status).toBe(403);
      expect((await c.request('POST', `/api/v1/incidents/${inc.id}/rca/approve`, c.actors.manager)).body.state).toBe('approved');
      const md = await c.app.inject({ method: 'GET', url: `/api/v1/incidents/${inc.id}/rca/report?lang=ja&format=md`, headers: c.actors.agent.auth });
      expect(md.body).toContain('## 再発防止策');
      expect(md.body).not.toContain('silently failed'); // internal fields stay internal
      expect((await c.app.inject({ method: 'GET', url: `/status/incidents/${inc.id}/report?lang=en` })).statusCode).toBe(404); // not shared yet
      expect((await c.request('POST', `/api/v1/incidents/${inc.id}/rca/share`, c.actors.manager)).body.state).toBe('shared');
      const report = await c.app.inject({ method: 'GET', url: `/status/incidents/${inc.id}/report?lang=en` });
      expect(report.statusCode).toBe(200);
      expect(report.body).toContain('en: certificate expired');
      expect((await c.request('POST', `/api/v1/incidents/${inc.id}/close`, c.actors.manager)).body.state).toBe('closed');
      const timeline = (await c.request('GET', `/api/v1/incidents/${inc.id}/timeline`, c.actors.agent)).body.items.map((x: { kind: string }) => x.kind);
      expect(timeline).toEqual(expect.arrayContaining(['incident.declared', 'tickets.linked', 'role.handed_over', 'task.overdue', 'update.overdue', 'update.posted', 'incident.resolved', 'task_force.stood_down', 'rca.approved', 'rca.shared', 'incident.closed']));
    });

    it('never shows internal-only incidents on the status page', async () => {
      const c = ctx();
      const secret = `Secret ${uniq()}`;
      const r = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title: secret, severity: 'SEV3', internalOnly: true });
      expect(r.status).toBe(201);
      expect(r.body.cadence.customerDueAt).toBeNull();
      await c.request('POST', `/api/v1/incidents/${r.body.id}/updates`, c.actors.manager, { state: 'investigating', body: { ja: '内部', en: 'internal' }, audience: 'public' });
      c.deps.statusPage.invalidate();
      for (const url of ['/status?lang=ja', '/status?lang=en', '/status/feed.atom']) expect((await c.app.inject({ method: 'GET', url })).body).not.toContain(secret);
      const updates = (await c.request('GET', `/api/v1/incidents/${r.body.id}/updates`, c.actors.manager)).body.items;
      expect(updates[0].audience).toBe('internal');
    });

    it('headlines an ongoing public incident on the status page, never "all is well" (ja and en)', async () => {
      const c = ctx();
      const title = `API outage ${uniq()}`;
      const r = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title, severity: 'SEV2' });
      expect(r.status).toBe(201);
      await c.request('POST', `/api/v1/incidents/${r.body.id}/updates`, c.actors.manager, { state: 'investigating', body: { ja: '調査しています。', en: 'We are investigating.' }, audience: 'public' });
      c.deps.statusPage.invalidate();
      const ja = (await c.app.inject({ method: 'GET', url: '/status?lang=ja' })).body;
      expect(ja).toContain(title);
      expect(ja).toMatch(/<div class="banner (warn|bad)" role="status" data-level="[a-z_]+">障害が発生しています<\/div>/);
      expect(ja).not.toContain('すべてのサービスは正常に稼働しています');
      expect(ja).not.toContain('過去90日間に障害はありませんでした。');
      const en = (await c.app.inject({ method: 'GET', url: '/status?lang=en' })).body;
      expect(en).toMatch(/<div class="banner (warn|bad)"[^>]*>An incident is in progress<\/div>/);
      expect(en).not.toContain('All services are operating normally');
      expect(en).not.toContain('No incidents in the last 90 days.');
      await c.request('POST', `/api/v1/incidents/${r.body.id}/resolve`, c.actors.manager, { resolution: { ja: '復旧しました。', en: 'Fixed.' } });
      // The page names an icon, and the icon every browser asks the origin for is there (it was a 404).
      expect(ja).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.ico">');
      const icon = await c.app.inject({ method: 'GET', url: '/favicon.ico' });
      expect(icon.statusCode).toBe(200);
      expect(icon.headers['content-type']).toContain('image/svg+xml');
      expect(icon.body).toMatch(/^<svg /);
    });

    it('escapes what people wrote on the status page', async () => {
      const c = ctx();
      const r = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title: '<script>alert(1)</script>', severity: 'SEV4' });
      await c.request('POST', `/api/v1/incidents/${r.body.id}/updates`, c.actors.manager, { state: 'investigating', body: { ja: '<img src=x onerror=alert(1)>', en: '"><b>x</b>' }, audience: 'public' });
      c.deps.statusPage.invalidate();
      const page = await c.app.inject({ method: 'GET', url: '/status?lang=ja' });
      expect(page.body).not.toContain('<script>alert');
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain('&lt;script&gt;');
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      await c.request('POST', `/api/v1/incidents/${r.body.id}/resolve`, c.actors.manager, { resolution: { ja: '解決', en: 'Fixed' } });
    });

    it('subscribes by email with double opt-in and unsubscribes in one click (RFC 8058)', async () => {
      const c = ctx();
      const svc = await service(c, 'Mail', 'メール');
      const email = `sub-${uniq()}@reader.example`;
      const form = (url: string, body: string) => c.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
      expect((await form('/status/subscribe', 'email=not-an-address&lang=en')).statusCode).toBe(400);
      const sub = await form('/status/subscribe', `email=${encodeURIComponent(email)}&serviceId=${svc.id}&lang=en`);
      expect(sub.statusCode).toBe(202);
      const row = await c.deps.database.db.selectFrom('status_subscribers').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
      expect(row.confirmed_at).toBeNull();
      const before = sink.mails.length;
      await c.deps.jobs.drain();
      await sink.waitFor(before + 1);
      const confirmMail = await sink.parse(mailsTo(email).at(-1)!);
      const confirmUrl = /https?:\/\/\S+\/status\/confirm\?token=\S+/.exec(confirmMail.text ?? '')![0];
      const token = decodeURIComponent(new URL(confirmUrl).searchParams.get('token')!);
      // Only the hash is stored.
      expect(JSON.stringify(row)).not.toContain(token.split('.')[1]);
      expect((await c.app.inject({ method: 'GET', url: `/status/confirm?token=${encodeURIComponent(token)}x` })).statusCode).toBe(404);
      expect((await c.app.inject({ method: 'GET', url: `/status/confirm?token=${encodeURIComponent(token)}` })).statusCode).toBe(200);

      const r = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title: 'Mail delays', severity: 'SEV2', services: [{ id: svc.id, impact: 'degraded' }] });
      const b2 = sink.mails.length;
      await c.request('POST', `/api/v1/incidents/${r.body.id}/updates`, c.actors.manager, { state: 'monitoring', body: { ja: '監視中', en: 'Mail flows again; monitoring.' }, audience: 'public' });
      await c.deps.jobs.drain();
      await sink.waitFor(b2 + 1);
      const update = await sink.parse(mailsTo(email).at(-1)!);
      expect(update.text).toContain('Mail flows again; monitoring.');
      const header = (key: string) => update.headerLines.find((h) => h.key === key)?.line ?? '';
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      const unsub = /<([^>]+)>/.exec(header('list-unsubscribe'))![1]!;
      const path = new URL(unsub);
      expect((await c.app.inject({ method: 'GET', url: `${path.pathname}${path.search}` })).statusCode).toBe(200); // a page, nothing changes
      expect(await c.deps.database.db.selectFrom('status_subscribers').select('id').where('email', '=', email).execute()).toHaveLength(1);
      const one = await form(`${path.pathname}${path.search}`, 'List-Unsubscribe=One-Click');
      expect(one.statusCode).toBe(200);
      expect(await c.deps.database.db.selectFrom('status_subscribers').select('id').where('email', '=', email).execute()).toHaveLength(0);
      await c.request('POST', `/api/v1/incidents/${r.body.id}/resolve`, c.actors.manager, { resolution: { ja: '解決', en: 'Fixed' } });
      await c.deps.jobs.drain();
    });

    it('leaves restricted tickets out for those who may not see them, and pauses linked tickets\' SLA clocks', async () => {
      const c = ctx();
      const legal = await c.request('POST', '/api/v1/teams', c.actors.admin, { name: `Legal ${uniq()}`, restricted: true });
      const hidden = await c.request('POST', '/api/v1/tickets', c.actors.admin, { subject: 'Confidential', teamId: legal.body.id });
      const policy = await c.request('POST', '/api/v1/sla-policies', c.actors.admin, { name: `All ${uniq()}`, targets: { normal: { resolution: { seconds: 3600, calendarId: null } } } });
      expect(policy.status).toBe(201);
      const open = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: 'Visible' });
      const r = await c.request('POST', '/api/v1/incidents', c.actors.admin, { title: 'Mixed', severity: 'SEV3', ticketIds: [hidden.body.id, open.body.id] });
      expect(r.status).toBe(201);
      // Agents cannot link what they may not change.
      expect((await c.request('POST', `/api/v1/incidents/${r.body.id}/tickets`, c.actors.agent, { ticketIds: [hidden.body.id] })).status).toBe(404);
      const seen = await c.request('GET', `/api/v1/incidents/${r.body.id}/tickets`, c.actors.agent);
      expect(seen.body.items.map((x: { id: string }) => x.id)).toEqual([open.body.id]);
      expect((await c.request('GET', `/api/v1/tickets/${hidden.body.id}/incidents`, c.actors.agent)).status).toBe(404);
      // Paused while linked (the default rule), counting again once unlinked.
      const clocks = async () => (await c.request('GET', `/api/v1/tickets/${open.body.id}`, c.actors.agent)).body.slaClocks;
      expect((await clocks()).find((k: { kind: string }) => k.kind === 'resolution')).toMatchObject({ state: 'paused' });
      await c.request('DELETE', `/api/v1/incidents/${r.body.id}/tickets/${open.body.id}`, c.actors.agent);
      expect((await clocks()).find((k: { kind: string }) => k.kind === 'resolution')).toMatchObject({ state: 'running' });
      await c.request('DELETE', `/api/v1/sla-policies/${policy.body.id}`, c.actors.admin);
      await c.request('POST', `/api/v1/incidents/${r.body.id}/resolve`, c.actors.admin, { resolution: { ja: '解決', en: 'Fixed' } });
    });

    it('exports and erases a customer\'s status page subscriptions with the customer', async () => {
      const c = ctx();
      const email = `priv-${uniq()}@reader.example`;
      const cust = await c.request('POST', '/api/v1/customers', c.actors.agent, { name: 'Priv', email });
      await c.app.inject({ method: 'POST', url: '/status/subscribe', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `email=${encodeURIComponent(email)}&lang=ja` });
      const x = await c.request('GET', `/api/v1/customers/${cust.body.id}/export`, c.actors.supervisor);
      expect(x.body.statusSubscriptions).toEqual([expect.objectContaining({ email, locale: 'ja', serviceId: null, confirmedAt: null })]);
      const erased = await c.request('POST', `/api/v1/customers/${cust.body.id}/erase`, c.actors.supervisor);
      expect(erased.body.counts.statusSubscriptions).toBe(1);
      expect(await c.deps.database.db.selectFrom('status_subscribers').select('id').where('email', '=', email).execute()).toHaveLength(0);
      await c.deps.jobs.drain();
    });

    it('suggests candidates from clustered new tickets', async () => {
      const c = ctx();
      await c.request('PUT', '/api/v1/incidents/settings', c.actors.admin, { ...(await c.request('GET', '/api/v1/incidents/settings', c.actors.admin)).body, candidates: { minTickets: 3, windowMinutes: 30, subjectSimilarity: 0.5 } });
      const cat = `Printing ${uniq()}`;
      for (let i = 0; i < 3; i++) await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: `printer ${i}`, category: cat });
      expect((await c.request('GET', '/api/v1/incidents/candidates', c.actors.agent)).status).toBe(403);
      const r = await c.request('GET', '/api/v1/incidents/candidates', c.actors.supervisor);
      const hit = r.body.items.find((x: { reason: { value: string } }) => x.reason.value === cat);
      expect(hit.tickets).toHaveLength(3);
      expect((await c.request('PUT', '/api/v1/incidents/settings', c.actors.manager, (await c.request('GET', '/api/v1/incidents/settings', c.actors.admin)).body)).status).toBe(403);
    });
  },
  { env: { ESCALON_SMTP_URL: sink.url, ESCALON_INBOUND_ADDRESS: SUPPORT, ESCALON_MAIL_FROM: 'Escalon <escalon@escalon.test>' } },
);
