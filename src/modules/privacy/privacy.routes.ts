import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, errorResponses } from '../../http/schemas.js';
import { CustomerExport, EraseOutcome, renderSummary } from './privacy.presenter.js';

export function privacyRoutes(app: AppInstance): void {
  const privacy = app.deps.privacy;
  app.get(
    '/api/v1/customers/:id/export',
    {
      config: { permission: 'customers.privacy' },
      schema: {
        tags: ['customers'],
        summary: 'Export everything held about a customer (APPI / GDPR access request); audited',
        description:
          'format=json (default): the complete machine-readable export. format=summary: a readable HTML page in the customer\'s language (or lang). Both download as a file.',
        params: IdParams,
        querystring: Type.Object(
          {
            format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('summary')], { default: 'json' })),
            lang: Type.Optional(Type.Union([Type.Literal('ja'), Type.Literal('en')], { description: "language of the summary; default: the customer's" })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'the export (application/json) or the summary (text/html)',
            content: { 'application/json': { schema: CustomerExport }, 'text/html': { schema: Type.String() } },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const format = req.query.format ?? 'json';
      const x = await privacy.exportCustomer(req.principal!, req.params.id, { format, ip: req.ip });
      const day = x.exportedAt.slice(0, 10);
      reply.header('Cache-Control', 'no-store').header('X-Content-Type-Options', 'nosniff');
      if (format === 'summary') {
        const lang = req.query.lang ?? (x.customer.locale === 'en' ? 'en' : 'ja');
        return reply
          .type('text/html; charset=utf-8')
          .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
          .header('Content-Disposition', `attachment; filename="customer-${x.customer.id}-${day}.html"`)
          .send(renderSummary(x, lang, req.principal!.timeZone));
      }
      return reply
        .type('application/json; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="customer-${x.customer.id}-${day}.json"`)
        .send(JSON.stringify(x, null, 2));
    },
  );
  app.get(
    '/api/v1/customers/:id/raw-mail/:inboundId',
    {
      config: { permission: 'customers.privacy' },
      schema: {
        tags: ['customers'],
        summary: "One raw mail of a customer's export (message/rfc822); audited",
        params: Type.Object({ id: Id, inboundId: Id }, { additionalProperties: false }),
        response: { 200: { description: 'the mail as received', content: { 'message/rfc822': { schema: Type.String() } } }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const raw = await privacy.rawMailOf(req.principal!, req.params.id, req.params.inboundId, { ip: req.ip });
      return reply.type('message/rfc822').header('Cache-Control', 'no-store').header('Content-Disposition', `attachment; filename="${req.params.inboundId}.eml"`).send(raw);
    },
  );
  app.post(
    '/api/v1/customers/:id/erase',
    {
      config: { permission: 'customers.privacy' },
      schema: {
        tags: ['customers'],
        summary: 'Erase (anonymise) a customer on request; idempotent, audited',
        description:
          'Message bodies and subjects of their tickets are redacted, attachments and raw mail deleted (files after commit), identity replaced by placeholders, private links revoked. Tickets stay (counted in reports). The audit entry keeps who, when and counts.',
        params: IdParams,
        response: { 200: EraseOutcome, ...errorResponses },
      },
    },
    (req) => privacy.erase(req.principal!, req.params.id, { ip: req.ip }),
  );
}
