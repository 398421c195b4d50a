import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { AppError } from '../../lib/errors.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RenderedPage } from './status-page.service.js';
import { pickLang, renderNotice, STATUS_CSP, statusTexts } from './status-page.presenter.js';

const LangQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 5 })) });
const HTML = 'text/html; charset=utf-8';

/** A cached rendering, or 304 when the reader holds it already (If-None-Match). */
function sendRendered(req: FastifyRequest, reply: FastifyReply, page: RenderedPage, type: string, headers: Record<string, string>) {
  void reply.headers({ ...headers, etag: page.etag });
  const held = req.headers['if-none-match'];
  if (held && held.split(',').some((t) => t.trim().replace(/^W\//, '') === page.etag)) return reply.status(304).send();
  return reply.type(type).send(page.body);
}

/** The public status page (no sign-in): HTML, Atom, subscriptions, shared incident reports. */
export function statusPageRoutes(app: AppInstance): void {
  const page = app.deps.statusPage;
  const headers = { 'content-security-policy': STATUS_CSP, 'cache-control': 'public, max-age=5', vary: 'Accept-Language' };

  app.get('/status', { config: { public: true }, schema: { hide: true, querystring: LangQuery } }, async (req, reply) => {
    const lang = pickLang(req.query.lang, req.headers['accept-language']);
    return sendRendered(req, reply, await page.page(lang), HTML, { ...headers, 'content-language': lang });
  });
  app.get('/status/feed.atom', { config: { public: true }, schema: { hide: true, querystring: LangQuery } }, async (req, reply) => {
    const lang = pickLang(req.query.lang, req.headers['accept-language']);
    return sendRendered(req, reply, await page.atom(lang), 'application/atom+xml; charset=utf-8', { 'cache-control': 'public, max-age=30', vary: 'Accept-Language', 'content-language': lang });
  });
  app.get(
    '/status/incidents/:id/report',
    { config: { public: true }, schema: { hide: true, params: Type.Object({ id: Type.String({ maxLength: 40 }) }), querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 5 })), format: Type.Optional(Type.String({ maxLength: 4 })) }) } },
    async (req, reply) => {
      const lang = pickLang(req.query.lang, req.headers['accept-language']);
      const format = req.query.format === 'md' ? 'md' : 'html';
      const body = await page.publicReport(req.params.id, lang, format);
      if (body === null) return reply.status(404).headers(headers).type(HTML).send(renderNotice(lang, statusTexts(lang).invalidLink));
      return reply.headers(headers).type(format === 'md' ? 'text/markdown; charset=utf-8' : HTML).send(body);
    },
  );

  void app.register(async (plain) => {
    const scope = plain as unknown as AppInstance;
    // Plain HTML forms and RFC 8058 one-click posts are form-encoded.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
    scope.post('/status/subscribe', { config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } }, schema: { hide: true } }, async (req, reply) => {
      const b = (req.body ?? {}) as Record<string, string>;
      const lang = pickLang(b.lang, req.headers['accept-language']);
      try {
        await page.subscribe({ email: String(b.email ?? ''), serviceId: b.serviceId ? String(b.serviceId) : null, lang });
      } catch (err) {
        if (err instanceof AppError && err.code === 'validation_failed') return reply.status(400).headers(headers).type(HTML).send(renderNotice(lang, lang === 'ja' ? 'メールアドレスを確認してください。' : 'Please check the email address.'));
        throw err;
      }
      return reply.status(202).headers(headers).type(HTML).send(renderNotice(lang, statusTexts(lang).checkMail));
    });
    scope.get('/status/confirm', { config: { public: true }, schema: { hide: true, querystring: Type.Object({ token: Type.String({ maxLength: 300 }), lang: Type.Optional(Type.String({ maxLength: 5 })) }) } }, async (req, reply) => {
      const r = await page.confirm(req.query.token);
      const lang = r?.lang ?? pickLang(req.query.lang, req.headers['accept-language']);
      return reply.status(r ? 200 : 404).headers({ ...headers, 'referrer-policy': 'no-referrer' }).type(HTML).send(renderNotice(lang, r ? statusTexts(lang).confirmed : statusTexts(lang).invalidLink));
    });
    // GET shows a one-button page (link scanners must not unsubscribe anyone); POST unsubscribes (one click, RFC 8058).
    scope.get('/status/unsubscribe', { config: { public: true }, schema: { hide: true, querystring: Type.Object({ token: Type.String({ maxLength: 300 }), lang: Type.Optional(Type.String({ maxLength: 5 })) }) } }, async (req, reply) => {
      const lang = pickLang(req.query.lang, req.headers['accept-language']);
      const label = lang === 'ja' ? '配信を停止する' : 'Unsubscribe';
      const html = renderNotice(lang, label).replace('</div>', `</div><form method="post" action="/status/unsubscribe?token=${encodeURIComponent(req.query.token)}"><button type="submit">${label}</button></form>`);
      return reply.headers({ ...headers, 'referrer-policy': 'no-referrer' }).type(HTML).send(html);
    });
    scope.post('/status/unsubscribe', { config: { public: true }, schema: { hide: true, querystring: Type.Object({ token: Type.String({ maxLength: 300 }) }) } }, async (req, reply) => {
      const r = await page.unsubscribe(req.query.token);
      const lang = r?.lang ?? pickLang(undefined, req.headers['accept-language']);
      return reply.status(r ? 200 : 404).headers(headers).type(HTML).send(renderNotice(lang, r ? statusTexts(lang).unsubscribed : statusTexts(lang).invalidLink));
    });
  });
}
