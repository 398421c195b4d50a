/**
 * Customer data requests on SQLite and PostgreSQL: the export holds everything about the
 * customer and is audited; an erasure leaves no personal string in any table row or stored
 * file, keeps the audit entry, is idempotent and leaves other customers alone.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { newId } from '../../lib/ids.js';
import { issuePrivateLink } from '../intake/index.js';

const NAME = 'Hanako Privacy';
const EMAIL = 'hanako.privacy@example.jp';
const PHONE = '+81-90-1111-2222';
/** Strings that only the erased customer's data contains (compared case-insensitively). */
const NEEDLES = ['hanako', EMAIL, '1111-2222', 'invoice 4711', 'PRIVATE-BODY-1', 'REPLY-SECRET-2', 'NOTE-SECRET-3', 'ATTACH-SECRET-4', 'BRIEF-SECRET-5', 'FORM-SECRET-6', 'MAILPART-SECRET-7', 'hanako-passport', 'CC-REPLY-SECRET-8'];

function mailWithAttachment(messageId: string): Buffer {
  const b = 'b0undary42';
  const text = [
    `From: ${NAME} <${EMAIL}>`,
    'To: support@escalon.test',
    'Subject: Invoice 4711 for Hanako',
    'Date: Mon, 05 Jan 2026 10:00:00 +0900',
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'My card ends 9876. PRIVATE-BODY-1',
    `--${b}`,
    'Content-Type: text/plain; name="hanako-passport.txt"',
    'Content-Disposition: attachment; filename="hanako-passport.txt"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('MAILPART-SECRET-7 passport scan').toString('base64'),
    `--${b}--`,
    '',
  ].join('\r\n');
  return Buffer.from(text, 'utf8');
}

/** Every row of every table of the test database, as lower-cased JSON lines. */
async function allRows(c: TestContext): Promise<{ table: string; row: string }[]> {
  const db = c.deps.database.db;
  const tables =
    c.kind === 'postgres'
      ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)).rows
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)).rows;
  const out: { table: string; row: string }[] = [];
  for (const { name } of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    for (const r of rows) out.push({ table: name, row: JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).toLowerCase() });
  }
  return out;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

async function seedCustomer(c: TestContext) {
const db = () => c.deps.database.db;
  const received = await c.deps.intakeEmail.receive(mailWithAttachment(`${newId()}@example.jp`), 'smtp', { mailFrom: EMAIL, rcptTo: ['support@escalon.test'] });
  const ticketId = (received as { ticketId?: string }).ticketId!;
  expect(ticketId).toBeTruthy();
  const ticket = await db().selectFrom('tickets').selectAll().where('id', '=', ticketId).executeTakeFirstOrThrow();
  const customerId = ticket.requester_id!;
  expect((await c.request('PATCH', `/api/v1/customers/${customerId}`, c.actors.agent, { phone: PHONE })).status).toBe(200);
  expect((await c.request('POST', `/api/v1/tickets/${ticketId}/messages`, c.actors.agent, { body: `Dear ${NAME}, REPLY-SECRET-2`, visibility: 'public' })).status).toBe(201);
  expect((await c.request('POST', `/api/v1/tickets/${ticketId}/messages`, c.actors.agent, { body: 'NOTE-SECRET-3: Hanako called twice', visibility: 'internal' })).status).toBe(201);
  await c.deps.attachments.store(null, ticketId, { filename: 'hanako-passport.png', contentType: 'image/png', content: Buffer.from('ATTACH-SECRET-4') });
  const form = await c.request('POST', '/api/v1/public/contact', null, { name: NAME, email: EMAIL, subject: 'Second question from Hanako', message: 'FORM-SECRET-6 please call me' });
  expect(form.status).toBe(201);
  const now = c.clock.now();
  await db()
    .insertInto('escalations')
    .values({
      id: newId(),
      ticket_id: ticketId,
      path_id: null,
      path_version: null,
      kind: 'functional',
      trigger: 'manual',
      status: 'resolved',
      stage: 'level',
      level_index: 0,
      snapshot: '{}',
      state: JSON.stringify({ status: 'resolved', returned: null, resolved: { userId: c.actors.specialist.id, answer: 'Refund Hanako BRIEF-SECRET-5' } }),
      brief: JSON.stringify({ category: 'billing', ask: 'Refund BRIEF-SECRET-5', concern: 'Hanako is upset', tried: '', environment: '', background: '', customerTemperature: 'upset', impact: { scope: 'single', revenueRisk: false, legalRisk: false, note: '' }, links: [{ url: 'https://crm.example/hanako', label: 'CRM' }] }),
      requested_by: c.actors.agent.id,
      requested_at: now,
      ack_due_at: null,
      acknowledged_at: now,
      finished_at: now,
      created_at: now,
      updated_at: now,
      revision: 1,
    })
    .execute();
  // The contact form mails its private link (never in the response): issue one directly.
  const token = await issuePrivateLink(db(), ticketId, customerId, now);
  return { customerId, ticketId, token };
}

describeEachDb('customer data export', (ctx) => {
  const db = () => ctx().deps.database.db;

  it('exports everything about the customer as JSON and as a readable summary, for supervisors and above, audited', async () => {
    const c = ctx();
    const { customerId, ticketId } = await seedCustomer(c);
    expect((await c.request('GET', `/api/v1/customers/${customerId}/export`, c.actors.agent)).status).toBe(403);
    const res = await c.request('GET', `/api/v1/customers/${customerId}/export?format=json`, c.actors.supervisor);
    expect(res.status).toBe(200);
    expect(String(res.headers['content-disposition'])).toMatch(/attachment; filename="customer-.*\.json"/);
    const x = res.body;
    expect(x.customer).toMatchObject({ id: customerId, name: NAME, email: EMAIL, phone: PHONE });
    expect(x.tickets).toHaveLength(2);
    const t = x.tickets.find((y: { id: string }) => y.id === ticketId);
    const bodies = t.messages.map((m: { body: string | null }) => m.body).join('\n');
    expect(bodies).toContain('PRIVATE-BODY-1');
    expect(bodies).toContain('REPLY-SECRET-2');
    expect(bodies).toContain('NOTE-SECRET-3');
    expect(t.messages.some((m: { visibility: string }) => m.visibility === 'internal')).toBe(true);
    expect(t.attachments.map((a: { filename: string }) => a.filename).sort()).toEqual(['hanako-passport.png', 'hanako-passport.txt']);
    expect(t.attachments[0].download).toMatch(/^\/api\/v1\/attachments\//);
    expect(t.escalations[0].brief.ask).toContain('BRIEF-SECRET-5');
    expect(x.rawMail).toHaveLength(1);
    expect(x.rawMail[0].download).toBe(`/api/v1/customers/${customerId}/raw-mail/${x.rawMail[0].id}`);
    // The reference works for the exporter (supervisors cannot read the admins' inbound list), only for this customer's mail.
    const raw = await c.app.inject({ method: 'GET', url: x.rawMail[0].download, headers: c.actors.supervisor.auth });
    expect(raw.statusCode).toBe(200);
    expect(raw.body).toContain('PRIVATE-BODY-1');
    const stranger = await c.request('POST', '/api/v1/customers', c.actors.agent, { name: 'Stranger', email: `s${Date.now()}@example.com` });
    expect((await c.app.inject({ method: 'GET', url: `/api/v1/customers/${stranger.body.id}/raw-mail/${x.rawMail[0].id}`, headers: c.actors.supervisor.auth })).statusCode).toBe(404);
    expect((await c.app.inject({ method: 'GET', url: x.rawMail[0].download, headers: c.actors.agent.auth })).statusCode).toBe(403);
    expect(x.publicLinks).toHaveLength(1);
    expect(x.contacts).toEqual(expect.arrayContaining([{ kind: 'email', value: EMAIL }, { kind: 'phone', value: PHONE }]));
    expect(Array.isArray(x.audit)).toBe(true);

    const ja = await c.app.inject({ method: 'GET', url: `/api/v1/customers/${customerId}/export?format=summary`, headers: c.actors.manager.auth });
    expect(ja.statusCode).toBe(200);
    expect(ja.headers['content-type']).toMatch(/^text\/html/);
    expect(ja.body).toContain('<html lang="ja">');
    expect(ja.body).toContain('保有個人データの開示');
    expect(ja.body).toContain('REPLY-SECRET-2');
    const en = await c.app.inject({ method: 'GET', url: `/api/v1/customers/${customerId}/export?format=summary&lang=en`, headers: c.actors.admin.auth });
    expect(en.body).toContain('Personal data held about you');
    expect(en.body).toContain('Internal note');

    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'customer.exported').where('target_id', '=', customerId).execute();
    expect(await db().selectFrom('audit_log').select('id').where('action', '=', 'customer.raw_mail_downloaded').execute()).toHaveLength(1);
    expect(audit.map((a) => a.actor_id).sort()).toEqual([c.actors.supervisor.id, c.actors.manager.id, c.actors.admin.id].sort());
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ tickets: 2 });
  });

  it('escapes stored values in the summary', async () => {
    const c = ctx();
    const cu = await c.request('POST', '/api/v1/customers', c.actors.agent, { name: '<script>alert(1)</script>', email: `x${Date.now()}@example.com` });
    const res = await c.app.inject({ method: 'GET', url: `/api/v1/customers/${cu.body.id}/export?format=summary`, headers: c.actors.supervisor.auth });
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

});

describeEachDb('customer erasure', (ctx) => {
  const db = () => ctx().deps.database.db;

  it('erases the customer: no personal string remains in any table row or stored file, the audit entry stays, a second erasure changes nothing', async () => {
    const c = ctx();
    // Someone else, untouched by the erasure.
    const other = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: 'Control ticket', requesterName: 'Control Person', requesterEmail: 'control@example.org', description: 'CONTROL-BODY' });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    const { customerId, ticketId, token } = await seedCustomer(c);
    // Copied on the other ticket, the customer replied there too.
    expect((await c.request('PATCH', `/api/v1/tickets/${other.body.id}`, c.actors.agent, { cc: ['colleague@example.org', EMAIL] })).status).toBe(200);
    await db()
      .insertInto('ticket_events')
      .values({ id: newId(), ticket_id: other.body.id, kind: 'message.added', visibility: 'public', author_type: 'customer', author_id: customerId, body: 'CC-REPLY-SECRET-8 me too', data: '{}', created_at: c.clock.now() })
      .execute();
    const exported = await c.request('GET', `/api/v1/customers/${customerId}/export`, c.actors.supervisor);
    expect(exported.body.messagesOnOtherTickets).toEqual([expect.objectContaining({ ticketId: other.body.id, body: 'CC-REPLY-SECRET-8 me too' })]);
    await c.deps.jobs.drain();
    const attachmentIds = (await db().selectFrom('attachments').select('id').where('ticket_id', '=', ticketId).execute()).map((a) => a.id);
    expect(attachmentIds.length).toBe(2);
    // The data is there before (the check below can fail).
    const before = await allRows(c);
    // (the file contents are only in the files)
    for (const n of NEEDLES.filter((x) => x !== 'ATTACH-SECRET-4' && x !== 'MAILPART-SECRET-7')) expect(before.some((r) => r.row.includes(n.toLowerCase())), n).toBe(true);
    const filesBefore = filesUnder(join(c.deps.config.dataDir, 'attachments')).concat(filesUnder(join(c.deps.config.dataDir, 'inbound')));
    expect(filesBefore.some((f) => readFileSync(f).includes('ATTACH-SECRET-4'))).toBe(true);
    expect(filesBefore.some((f) => readFileSync(f).includes('PRIVATE-BODY-1'))).toBe(true);
    expect(filesBefore.some((f) => readFileSync(f).includes('MAILPART-SECRET-7'))).toBe(true);

    expect((await c.request('POST', `/api/v1/customers/${customerId}/erase`, c.actors.agent)).status).toBe(403);
    const erased = await c.request('POST', `/api/v1/customers/${customerId}/erase`, c.actors.supervisor);
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    // Two links: the one issued in set-up and the one the contact form's mail job made.
    expect(erased.body).toMatchObject({ customerId, alreadyErased: false, counts: { tickets: 2, attachments: 2, rawMail: 1, escalations: 1, publicLinks: 2 } });
    // Rows first: the files are still there until the job runs (no row points at a missing file).
    await c.deps.jobs.drain();

    const after = await allRows(c);
    for (const n of NEEDLES) {
      const hits = after.filter((r) => r.row.includes(n.toLowerCase()));
      expect(hits.map((h) => `${h.table}: ${h.row.slice(0, 1500)}`), n).toEqual([]);
    }
    for (const f of filesUnder(join(c.deps.config.dataDir, 'attachments')).concat(filesUnder(join(c.deps.config.dataDir, 'inbound')))) {
      const content = readFileSync(f).toString('utf8').toLowerCase();
      for (const n of NEEDLES) expect(content.includes(n.toLowerCase()), `${f} contains ${n}`).toBe(false);
    }

    if (c.kind === 'sqlite') {
      // secure_delete (FAST always, ON while erasing): after a checkpoint the database file holds
      // no erased text in free space either, not even old versions of rows changed before.
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db());
      const file = readFileSync(join(c.deps.config.dataDir, 'escalon.db')).toString('latin1').toLowerCase();
      for (const n of NEEDLES) expect(file.includes(n.toLowerCase()), `escalon.db contains ${n}`).toBe(false);
      // The connection is back to FAST (2) after the erasure.
      expect((await sql<{ secure_delete: number }>`pragma secure_delete`.execute(db())).rows[0]?.secure_delete).toBe(2);
    }

    const entry = await db().selectFrom('audit_log').selectAll().where('action', '=', 'customer.erased').where('target_id', '=', customerId).execute();
    expect(entry).toHaveLength(1);
    expect(entry[0]!.actor_id).toBe(c.actors.supervisor.id);
    expect(JSON.parse(entry[0]!.data)).toMatchObject({ tickets: 2, attachments: 2, rawMail: 1 });

    const cu = await c.request('GET', `/api/v1/customers/${customerId}`, c.actors.agent);
    expect(cu.body).toMatchObject({ name: 'Erased customer', email: null, phone: null });
    expect(cu.body.erasedAt).toBeTruthy();
    expect((await c.request('GET', `/api/v1/public/tickets/${token}`, null)).status).toBe(404);
    expect((await c.request('GET', `/api/v1/attachments/${attachmentIds[0]}`, c.actors.agent)).status).toBe(404);
    const t = await c.request('GET', `/api/v1/tickets/${ticketId}`, c.actors.agent);
    expect(t.status).toBe(200);
    expect(t.body.subject).toBe('[erased]');

    // The search index was rebuilt from the erased rows: nothing of the customer is found.
    for (const q of ['PRIVATE-BODY-1', EMAIL, 'CC-REPLY-SECRET-8']) expect((await c.request('GET', `/api/v1/search?q=${encodeURIComponent(q)}`, c.actors.admin)).body.items, q).toEqual([]);
    expect((await c.request('GET', `/api/v1/search?q=CONTROL-BODY`, c.actors.admin)).body.items).toHaveLength(1);

    const again = await c.request('POST', `/api/v1/customers/${customerId}/erase`, c.actors.manager);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ alreadyErased: true, counts: { tickets: 0 } });
    expect(await db().selectFrom('audit_log').select('id').where('action', '=', 'customer.erased').where('target_id', '=', customerId).execute()).toHaveLength(1);

    const control = await c.request('GET', `/api/v1/tickets/${other.body.id}/timeline`, c.actors.agent);
    expect(JSON.stringify(control.body)).toContain('CONTROL-BODY');
    const controlTicket = (await c.request('GET', `/api/v1/tickets/${other.body.id}`, c.actors.agent)).body;
    expect(controlTicket.subject).toBe('Control ticket');
    expect(controlTicket.cc).toEqual(['colleague@example.org']);
  });
});
