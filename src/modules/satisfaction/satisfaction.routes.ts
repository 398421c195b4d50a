import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, Nullable, OneOf, errorResponses } from '../../http/schemas.js';
import { AppError } from '../../lib/errors.js';
import { auditActor } from '../audit/index.js';
import { messagePage, PAGE_CSP, ratingPage } from './satisfaction.pages.js';
import { SettingsView, SurveyView } from './satisfaction.presenter.js';
import { BAD_REASONS, SURVEY_STATES } from './satisfaction.types.js';

const TokenParams = Type.Object({ token: Type.String({ minLength: 16, maxLength: 200 }) }, { additionalProperties: false });
/**
 * The customer's page takes any token: a link cut short or mangled by a mail client is an unknown
 * link (the page in words, 404), not the API's JSON validation error.
 */
const PageTokenParams = Type.Object({ token: Type.String({ maxLength: 2000 }) }, { additionalProperties: false });
const PAGE_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'content-security-policy': PAGE_CSP };

const html = (reply: FastifyReply, status: number, body: string) => reply.status(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(body);

export function satisfactionRoutes(app: AppInstance): void {
  const { satisfaction } = app.deps;

  // ------------------------------------------------------------------ the customer's page (public)
  app.get(
    '/satisfaction/:token',
    { config: { public: true, rateLimit: { max: 120, timeWindow: 60_000 } }, schema: { hide: true, params: PageTokenParams, querystring: Type.Object({ rating: Type.Optional(Type.String({ maxLength: 10 })) }) } },
    async (req, reply) => {
      // A GET records nothing: mail scanners follow links; only the form's POST votes.
      const p = await satisfaction.page(req.params.token);
      if (p.state !== 'ok') return html(reply, p.state === 'unknown' ? 404 : 410, messagePage(p.language, p.state));
      const r = req.query.rating;
      const preselect = r === 'good' || r === '4' || r === '5' ? 'good' : r === 'bad' || r === '1' || r === '2' || r === '3' ? 'bad' : null;
      return html(reply, 200, ratingPage(p.language, { number: p.number, subject: p.subject, preselect, action: `/satisfaction/${encodeURIComponent(req.params.token)}` }));
    },
  );

  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => done(null, body));
    scope.post(
      '/satisfaction/:token',
      { config: { public: true, rateLimit: { max: 30, timeWindow: 60_000 } }, schema: { hide: true, params: PageTokenParams } },
      async (req, reply) => {
        const { token } = req.params as { token: string };
        const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
        const p = await satisfaction.page(token);
        try {
          const r = await satisfaction.rate(token, { rating: form.get('rating'), score: form.get('score') ?? undefined, reason: form.get('reason') ?? undefined, comment: form.get('comment') ?? undefined });
          return html(reply, 200, messagePage(r.language, r.rating === 'bad' ? 'thanksBad' : 'thanks'));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (err.code === 'validation_failed')
            return html(reply, 400, ratingPage(p.language, { number: p.number, subject: p.subject, preselect: null, action: `/satisfaction/${encodeURIComponent(token)}` }));
          return html(reply, err.code === 'not_found' ? 404 : 410, messagePage(p.language, err.code === 'conflict' ? 'used' : err.code === 'not_found' ? 'unknown' : 'expired'));
        }
      },
    );
  });

  app.post(
    '/api/v1/public/satisfaction/:token',
    {
      config: { public: true, rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: ['satisfaction'],
        summary: "Record the customer's rating (what the rating page submits); 410 link_expired after expiry, 409 once answered",
        params: TokenParams,
        body: Type.Object(
          {
            rating: Type.Optional(OneOf(['good', 'bad'] as const)),
            score: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: '1–5; 4 and 5 count as good' })),
            reason: Type.Optional(OneOf(BAD_REASONS)),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ rating: OneOf(['good', 'bad'] as const) }), 410: Type.Ref('ErrorBody'), ...errorResponses },
      },
    },
    async (req) => ({ rating: (await satisfaction.rate(req.params.token, req.body)).rating }),
  );

  // ------------------------------------------------------------------ the desk (signed in)
  app.get(
    '/api/v1/satisfaction',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['satisfaction'],
        summary: 'Surveys, newest first (only of tickets the reader may see); filters combine',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            cursor: Type.Optional(Type.String({ format: 'uuid' })),
            state: Type.Optional(OneOf(SURVEY_STATES)),
            rating: Type.Optional(OneOf(['good', 'bad'] as const)),
            team: Type.Optional(Type.String({ format: 'uuid' })),
            customer: Type.Optional(Type.String({ format: 'uuid' })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(SurveyView), nextCursor: Nullable(Type.String()) }), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      return satisfaction.list(req.principal!, { state: q.state, rating: q.rating, teamId: q.team, customerId: q.customer, fromMs: q.from ? Date.parse(q.from) : undefined, toMs: q.to ? Date.parse(q.to) : undefined, limit: q.limit ?? 50, before: q.cursor });
    },
  );

  app.get(
    '/api/v1/tickets/:id/satisfaction',
    { config: { permission: 'tickets.read' }, schema: { tags: ['satisfaction'], summary: "The ticket's survey and rating (null when none)", params: IdParams, response: { 200: Type.Object({ survey: Nullable(SurveyView) }), ...errorResponses } } },
    async (req) => ({ survey: await satisfaction.ofTicket(req.principal!, req.params.id) }),
  );

  app.get(
    '/api/v1/customers/:id/satisfaction',
    {
      config: { permission: 'customers.read' },
      schema: { tags: ['satisfaction'], summary: "The customer's surveys and ratings (of tickets the reader may see)", params: IdParams, response: { 200: Type.Object({ items: Type.Array(SurveyView), nextCursor: Nullable(Type.String()) }), ...errorResponses } },
    },
    async (req) => satisfaction.list(req.principal!, { customerId: req.params.id, limit: 200 }),
  );

  app.get(
    '/api/v1/satisfaction/settings',
    { config: { permission: 'settings.read' }, schema: { tags: ['satisfaction'], summary: 'Survey settings: on/off, delay, fatigue, link expiry, follow-up of a bad rating', response: { 200: SettingsView, ...errorResponses } } },
    async () => satisfaction.settings(),
  );

  app.put(
    '/api/v1/satisfaction/settings',
    {
      config: { permission: 'settings.manage' },
      schema: { tags: ['satisfaction'], summary: 'Change the survey settings (audited)', body: Type.Partial(SettingsView, { additionalProperties: false }), response: { 200: SettingsView, ...errorResponses } },
    },
    async (req) => satisfaction.putSettings(req.body, auditActor(req)),
  );
}
