/**
 * Attachments and Markdown replies through HTTP (issue 15 §2), on SQLite and PostgreSQL: the
 * limits the console shows come from the config and are enforced with 4xx codes (size, count,
 * type — sniffed from the bytes, streamed to disk so nothing is left of a refused file);
 * images are sent inline and everything else as a download; a restricted team's files stay
 * with the team; a Markdown reply reaches a real SMTP sink as sanitised HTML plus readable text
 * with its attachment.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { describeEachDb, type Actor, type TestContext } from '../../../test/helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp-sink.js';

const MAX_BYTES = 4096;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const sink: SmtpSink = await startSmtpSink();
afterAll(async () => sink.close());

const upload = (c: TestContext, actor: Actor, ticketId: string, filename: string, type: string, payload: Buffer | Readable) =>
  c.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/attachments?filename=${encodeURIComponent(filename)}`, headers: { ...actor.auth, 'content-type': type }, payload });

/** Files under the data dir (refused uploads must leave none behind). */
function storedFiles(c: TestContext): number {
  const dir = join(c.deps.config.dataDir, 'attachments');
  try {
    return readdirSync(dir).reduce((n, sub) => n + readdirSync(join(dir, sub)).length, 0);
  } catch {
    return 0;
  }
}

describeEachDb(
  'attachments and Markdown replies',
  (ctx) => {
    let ticketId = '';
    it('tells the limits from the config', async () => {
      const c = ctx();
      const r = await c.request('GET', '/api/v1/attachments/limits', c.actors.agent);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ maxBytes: MAX_BYTES, maxCount: 2, allowedTypes: ['image/*', 'application/pdf', 'text/plain'], previewTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] });
      expect((await c.request('GET', '/api/v1/attachments/limits', null)).status).toBe(401);
    });

    it('refuses a file over the size, of a type not allowed or disguised, with a code, and keeps nothing of it', async () => {
      const c = ctx();
      ticketId = (await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: 'Router offline', requesterEmail: 'hana@aozora.example', requesterName: 'Hana' })).body.id;
      const before = storedFiles(c);
      const big = await upload(c, c.actors.agent, ticketId, 'big.txt', 'text/plain', Buffer.alloc(MAX_BYTES + 1, 'a'));
      expect(big.statusCode).toBe(413);
      expect(big.json().error).toMatchObject({ code: 'payload_too_large', details: { code: 'attachment_too_large', maxBytes: MAX_BYTES } });
      // Sent in chunks without a length: counted while streamed, cut off at the limit.
      const chunks = Readable.from([Buffer.alloc(3000, 'a'), Buffer.alloc(3000, 'b')]);
      const streamed = await upload(c, c.actors.agent, ticketId, 'streamed.txt', 'text/plain', chunks);
      expect(streamed.statusCode).toBe(413);
      expect(streamed.json().error.details.code).toBe('attachment_too_large');
      const zip = await upload(c, c.actors.agent, ticketId, 'tool.zip', 'application/zip', Buffer.from('PK\x03\x04rest of a zip'));
      expect(zip.statusCode).toBe(415);
      expect(zip.json().error).toMatchObject({ code: 'unsupported_media_type', details: { code: 'attachment_type_not_allowed', contentType: 'application/zip' } });
      // HTML that calls itself a picture is HTML (and not allowed).
      const disguised = await upload(c, c.actors.agent, ticketId, 'photo.png', 'image/png', Buffer.from('<html><script>alert(1)</script></html>'));
      expect(disguised.statusCode).toBe(415);
      expect(disguised.json().error.details.contentType).toBe('text/html');
      const empty = await upload(c, c.actors.agent, ticketId, 'empty.txt', 'text/plain', Buffer.alloc(0));
      expect(empty.statusCode).toBe(400);
      expect(empty.json().error.details.problems[0].code).toBe('file_empty');
      expect(storedFiles(c)).toBe(before);
      expect((await c.request('GET', `/api/v1/tickets/${ticketId}/attachments`, c.actors.agent)).body.items).toEqual([]);
    });

    it('stores the sniffed type; an image is sent inline, anything else only as a download', async () => {
      const c = ctx();
      const img = await upload(c, c.actors.agent, ticketId, 'screen.png', 'application/octet-stream', PNG);
      expect(img.statusCode).toBe(201);
      expect(img.json()).toMatchObject({ contentType: 'image/png', previewable: true, size: PNG.length });
      const shown = await c.app.inject({ method: 'GET', url: `/api/v1/attachments/${img.json().id}`, headers: c.actors.agent.auth });
      expect(shown.statusCode).toBe(200);
      expect(shown.headers['content-type']).toBe('image/png');
      expect(shown.headers['content-disposition']).toMatch(/^inline; /);
      expect(shown.rawPayload.equals(PNG)).toBe(true);
      const downloaded = await c.app.inject({ method: 'GET', url: `/api/v1/attachments/${img.json().id}?download=1`, headers: c.actors.agent.auth });
      expect(downloaded.headers['content-disposition']).toMatch(/^attachment; /);
      const txt = await upload(c, c.actors.agent, ticketId, '手順.txt', 'text/plain', Buffer.from('<b>step 1</b>: turn it off'));
      expect(txt.json()).toMatchObject({ contentType: 'text/plain', previewable: false });
      const t = await c.app.inject({ method: 'GET', url: `/api/v1/attachments/${txt.json().id}`, headers: c.actors.agent.auth });
      expect(t.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('手順.txt')}`);
      expect(t.headers['content-security-policy']).toContain('sandbox');
      expect(t.headers['x-content-type-options']).toBe('nosniff');
      const audit = await c.request('GET', `/api/v1/audit?targetId=${img.json().id}`, c.actors.admin);
      expect(audit.body.items.map((a: { action: string }) => a.action).sort()).toEqual(['attachment.downloaded', 'attachment.previewed']);

      // More files than a message may carry.
      const third = await upload(c, c.actors.agent, ticketId, 'three.pdf', 'application/pdf', Buffer.from('%PDF-1.4 x'));
      const many = await c.request('POST', `/api/v1/tickets/${ticketId}/messages`, c.actors.agent, { body: 'three files', visibility: 'internal', attachmentIds: [img.json().id, txt.json().id, third.json().id] });
      expect(many.status).toBe(400);
      expect(many.body.error.details.problems[0]).toMatchObject({ field: 'attachmentIds', code: 'attachment_too_many', params: { max: 2 } });
    });

    it("keeps a restricted team's files from everyone outside it, before a byte is stored", async () => {
      const c = ctx();
      const team = await c.request('POST', '/api/v1/teams', c.actors.admin, { name: `Legal ${c.kind}`, restricted: true, members: [{ userId: c.actors.agent.id, role: 'member' }] });
      const t = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: 'Contract', teamId: team.body.id });
      const up = await upload(c, c.actors.agent, t.body.id, 'contract.pdf', 'application/pdf', Buffer.from('%PDF-1.4 secret terms'));
      expect(up.statusCode).toBe(201);
      const url = `/api/v1/attachments/${up.json().id}`;
      expect((await c.app.inject({ method: 'GET', url, headers: c.actors.agent.auth })).statusCode).toBe(200);
      for (const outsider of [c.otherAgent, c.actors.supervisor]) {
        const r = await c.app.inject({ method: 'GET', url, headers: outsider.auth });
        expect(r.statusCode).toBe(404);
        expect(r.body).not.toContain('secret terms');
        expect((await c.request('GET', `/api/v1/tickets/${t.body.id}/attachments`, outsider)).status).toBe(404);
        const before = storedFiles(c);
        expect((await upload(c, outsider, t.body.id, 'x.txt', 'text/plain', Buffer.from('x'))).statusCode).toBe(404);
        expect(storedFiles(c)).toBe(before);
      }
    });

    it('mails a Markdown reply as sanitised HTML and readable text, with its attachment; a text reply stays as written', async () => {
      const c = ctx();
      const img = await upload(c, c.actors.agent, ticketId, 'diagram.png', 'image/png', PNG);
      const markdown = [
        'Hello **Hana**,',
        '',
        '- restart the *router*',
        '- run `ping 192.0.2.1`',
        '',
        'See [the guide](https://help.example/router) <script>alert(1)</script> [bad](javascript:alert(1))',
      ].join('\n');
      const posted = await c.request('POST', `/api/v1/tickets/${ticketId}/messages`, c.actors.agent, { body: markdown, bodyFormat: 'markdown', visibility: 'public', attachmentIds: [img.json().id] });
      expect(posted.status).toBe(201);
      expect(posted.body).toMatchObject({ body: markdown, bodyFormat: 'markdown' });
      const before = sink.mails.length;
      await c.deps.jobs.drain();
      await sink.waitFor(before + 1);
      const mail = await sink.parse(sink.mails[before]!);
      expect(mail.html).toContain('<strong>Hana</strong>');
      expect(mail.html).toContain('<li>restart the <em>router</em></li>');
      expect(mail.html).toContain('<code>ping 192.0.2.1</code>');
      expect(mail.html).toContain('<a href="https://help.example/router" target="_blank" rel="noopener noreferrer nofollow">the guide</a>');
      expect(mail.html).not.toContain('<script');
      expect(mail.html).not.toContain('href="javascript:');
      expect(mail.text).toContain('Hello Hana,');
      expect(mail.text).toContain(' * restart the router');
      expect(mail.text).toContain('the guide <https://help.example/router>');
      expect(mail.text).not.toContain('**');
      expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['diagram.png', 'image/png']]);
      expect(mail.attachments[0]!.content.equals(PNG)).toBe(true);

      const plain = await c.request('POST', `/api/v1/tickets/${ticketId}/messages`, c.actors.agent, { body: 'Line one\nline **two**', visibility: 'public' });
      expect(plain.body.bodyFormat).toBe('text');
      const n = sink.mails.length;
      await c.deps.jobs.drain();
      await sink.waitFor(n + 1);
      const plainMail = await sink.parse(sink.mails[n]!);
      expect(plainMail.text).toContain('Line one\nline **two**');
      expect(plainMail.html).toContain('Line one<br>line **two**');
      const timeline = (await c.request('GET', `/api/v1/tickets/${ticketId}/timeline`, c.actors.agent)).body.items;
      expect(timeline.filter((e: { kind: string }) => e.kind === 'message.added').map((e: { bodyFormat: string }) => e.bodyFormat)).toEqual(['markdown', 'text']);
    });
  },
  { env: { ESCALON_SMTP_URL: sink.url, ESCALON_MAIL_FROM: 'Escalon <support@escalon.test>', ESCALON_ATTACHMENT_MAX_BYTES: String(MAX_BYTES), ESCALON_ATTACHMENT_MAX_COUNT: '2', ESCALON_ATTACHMENT_TYPES: 'image/*,application/pdf,text/plain' } },
);
