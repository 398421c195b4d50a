import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, Nullable, OneOf, Page, PageQuery, errorResponses } from '../../http/schemas.js';
import { invalid } from '../../lib/errors.js';
import { ArticleView, DeflectionCountView, DeflectionView, SimilarEscalationView } from './knowledge.presenter.js';
import { parseDateOrInstant } from './knowledge.policy.js';
import { ARTICLE_VISIBILITIES } from './knowledge.types.js';

const text = (max: number) => Type.String({ maxLength: max });
const fields = {
  titleJa: Type.Optional(text(200)),
  bodyJa: Type.Optional(text(50_000)),
  titleEn: Type.Optional(text(200)),
  bodyEn: Type.Optional(text(50_000)),
  category: Type.Optional(Nullable(text(100))),
  product: Type.Optional(Nullable(text(100))),
  ownerId: Type.Optional(Nullable(Id)),
  reviewAt: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'date or ISO-8601 instant of the next review; default 180 days from now' }))),
  visibility: Type.Optional(OneOf(ARTICLE_VISIBILITIES, { description: 'internal: agents only; public: may be shown to customers' })),
};

function instant(field: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const ms = parseDateOrInstant(v);
  if (Number.isNaN(ms)) throw invalid([{ field, message: 'must be a date (2026-12-02) or an ISO-8601 instant', code: 'invalid_date_or_instant' }]);
  return ms;
}

export function knowledgeRoutes(app: AppInstance): void {
  const k = () => app.deps.knowledge;
  app.get(
    '/api/v1/articles',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['knowledge'],
        summary: 'List or search knowledge articles',
        querystring: Type.Object(
          {
            ...PageQuery,
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'search words (as /api/v1/search)' })),
            category: Type.Optional(text(100)),
            product: Type.Optional(text(100)),
            visibility: Type.Optional(OneOf(ARTICLE_VISIBILITIES)),
            review: Type.Optional(Type.Boolean({ description: 'only articles whose review is due' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(ArticleView), ...errorResponses },
      },
    },
    (req) => k().list(req.principal!, { ...req.query, limit: req.query.limit ?? 50 }),
  );
  app.post(
    '/api/v1/articles',
    { config: { permission: 'tickets.write' }, schema: { tags: ['knowledge'], summary: 'Write a knowledge article (Japanese and/or English)', body: Type.Object(fields, { additionalProperties: false }), response: { 201: ArticleView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await k().create(req.principal!, req.body)),
  );
  app.get(
    '/api/v1/articles/:id',
    { config: { permission: 'tickets.read' }, schema: { tags: ['knowledge'], summary: 'Get a knowledge article', params: IdParams, response: { 200: ArticleView, ...errorResponses } } },
    (req) => k().get(req.params.id),
  );
  app.patch(
    '/api/v1/articles/:id',
    {
      config: { permission: 'tickets.write' },
      schema: { tags: ['knowledge'], summary: 'Change a knowledge article', params: IdParams, body: Type.Object({ ...fields, expectedVersion: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false, minProperties: 1 }), response: { 200: ArticleView, ...errorResponses } },
    },
    (req) => k().update(req.principal!, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/articles/:id',
    { config: { permission: 'tickets.write' }, schema: { tags: ['knowledge'], summary: "Delete a knowledge article (its owner or a supervisor)", params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await k().remove(req.principal!, req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/articles/:id/uses',
    {
      config: { permission: 'tickets.write' },
      schema: { tags: ['knowledge'], summary: 'Record that the article was inserted into a reply on a ticket (counted for its review)', params: IdParams, body: Type.Object({ ticketId: Id }, { additionalProperties: false }), response: { 200: ArticleView, ...errorResponses } },
    },
    (req) => k().recordUse(req.principal!, req.params.id, req.body.ticketId),
  );
  app.post(
    '/api/v1/escalations/:id/article',
    { config: { permission: 'tickets.write' }, schema: { tags: ['knowledge'], summary: "Turn a resolved escalation's answer into a knowledge article, pre-filled", params: IdParams, response: { 201: ArticleView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await k().fromEscalation(req.principal!, req.params.id)),
  );
  app.get(
    '/api/v1/escalations/similar',
    {
      config: { permission: 'escalations.read' },
      schema: {
        tags: ['knowledge'],
        summary: 'Resolved escalations most similar to a ticket (or a text), with their answer, who answered and when',
        querystring: Type.Object({ ticketId: Type.Optional(Id), q: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(SimilarEscalationView) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await k().similar(req.principal!, { ticketId: req.query.ticketId, q: req.query.q, limit: req.query.limit ?? 5 }) }),
  );
  app.post(
    '/api/v1/escalations/deflections',
    {
      config: { permission: 'tickets.write' },
      schema: { tags: ['knowledge'], summary: 'Record that a ticket was answered from a similar past escalation instead of escalating (a deflected escalation)', body: Type.Object({ ticketId: Id, escalationId: Id }, { additionalProperties: false }), response: { 201: DeflectionView, ...errorResponses } },
    },
    async (req, reply) => reply.status(201).send(await k().deflect(req.principal!, req.body)),
  );
  app.get(
    '/api/v1/escalations/deflections',
    {
      config: { permission: 'escalations.read' },
      schema: { tags: ['knowledge'], summary: 'How many escalations were deflected in a period (default: the last 30 days), by agent', querystring: Type.Object({ from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }), response: { 200: DeflectionCountView, ...errorResponses } },
    },
    (req) => {
      const now = app.deps.clock.now();
      const to = instant('to', req.query.to, now + 1); // up to and including now
      return k().deflections(instant('from', req.query.from, to - 30 * 86_400_000), to);
    },
  );
}
