import { auditActor } from '../audit/index.js';
import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, OneOf, Page, PageQuery, errorResponses } from '../../http/schemas.js';
import { InboundMessageView, presentInbound } from './intake-email.presenter.js';

/** Admin views of inbound mail: what was kept, what failed and why; re-processing. */
export function intakeEmailRoutes(app: AppInstance): void {
  const { intakeEmail } = app.deps;

  app.get(
    '/api/v1/inbound-messages',
    {
      config: { permission: 'intake.manage' },
      schema: {
        tags: ['intake'],
        summary: 'List inbound mail (newest first); ?status=failed lists the mail that could not be read',
        querystring: Type.Object({ ...PageQuery, status: Type.Optional(OneOf(['received', 'processed', 'rejected', 'failed', 'held'] as const)) }, { additionalProperties: false }),
        response: { 200: Page(InboundMessageView), ...errorResponses },
      },
    },
    async (req) => {
      const page = await intakeEmail.list(req.principal, { status: req.query.status, limit: req.query.limit ?? 50, cursor: req.query.cursor });
      return { items: page.items.map(presentInbound), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/inbound-messages/:id',
    { config: { permission: 'intake.manage' }, schema: { tags: ['intake'], summary: 'One inbound message', params: IdParams, response: { 200: InboundMessageView, ...errorResponses } } },
    async (req) => presentInbound(await intakeEmail.get(req.principal, req.params.id)),
  );

  app.get(
    '/api/v1/inbound-messages/:id/raw',
    { config: { permission: 'intake.manage' }, schema: { tags: ['intake'], summary: 'The raw message as received (message/rfc822)', params: IdParams } },
    async (req, reply) => {
      const raw = await intakeEmail.raw(req.principal, req.params.id, auditActor(req));
      return reply.type('message/rfc822').header('content-disposition', `attachment; filename="${req.params.id}.eml"`).send(raw);
    },
  );

  // A reply held as unverified (sender fails DMARC): the agent on the ticket decides.
  for (const decision of ['accept', 'reject'] as const) {
    app.post(
      `/api/v1/inbound-messages/:id/${decision}`,
      {
        config: { permission: 'tickets.write' },
        schema: { tags: ['intake'], summary: decision === 'accept' ? 'Accept a held (unverified) reply: it is appended as the customer\'s message' : 'Reject a held (unverified) reply: it stays stored, rejected', params: IdParams, response: { 200: InboundMessageView, ...errorResponses } },
      },
      async (req) => {
        await intakeEmail.resolveHeld(req.principal, req.params.id, auditActor(req)!, decision);
        return presentInbound(await intakeEmail.get(req.principal, req.params.id));
      },
    );
  }

  app.post(
    '/api/v1/inbound-messages/:id/reprocess',
    { config: { permission: 'intake.manage' }, schema: { tags: ['intake'], summary: 'Process a failed message again', params: IdParams, response: { 200: InboundMessageView, ...errorResponses } } },
    async (req) => {
      await intakeEmail.reprocess(req.principal, req.params.id);
      return presentInbound(await intakeEmail.get(req.principal, req.params.id));
    },
  );
}
