import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, Nullable, OneOf, errorResponses } from '../../http/schemas.js';
import { AppError, notFound } from '../../lib/errors.js';
import { ReplyDeliverySummary } from '../tickets/index.js';

const ReplyTargetView = Type.Object({
  channel: OneOf(['email', 'messaging', 'none'] as const, { description: 'where a public reply goes; none: it cannot be delivered' }),
  to: Nullable(Type.String()),
  cc: Type.Array(Type.String()),
  deliverable: Type.Boolean(),
  warnings: Type.Array(
    Type.Object({
      code: OneOf(['no_address', 'no_outbound_url', 'automated_address', 'address_bouncing'] as const, { description: 'no_address: the customer has no mail address; no_outbound_url: the messaging integration cannot send; automated_address: a recipient looks like a machine; address_bouncing: a hard bounce said the address refuses mail' }),
      address: Type.Optional(Type.String()),
      status: Type.Optional(Type.String({ description: 'address_bouncing: the RFC 3463 status of the bounce, e.g. 5.1.1' })),
    }),
  ),
});

/** Replies to customers: where the next reply goes (the composer shows it), and retrying a failed one. */
export function repliesRoutes(app: AppInstance): void {
  const { replies, tickets, notifications, database } = app.deps;
  app.get(
    '/api/v1/tickets/:id/reply-target',
    { config: { permission: 'tickets.read' }, schema: { tags: ['tickets'], summary: 'Where a public reply on this ticket will be delivered, with warnings to show before sending', params: IdParams, response: { 200: ReplyTargetView, ...errorResponses } } },
    async (req) => {
      await tickets.access.assertRead(req.principal, req.params.id);
      return replies.target(database.db, req.params.id);
    },
  );
  app.post(
    '/api/v1/tickets/:id/deliveries/:deliveryId/retry',
    {
      config: { permission: 'tickets.write' },
      schema: { tags: ['tickets'], summary: 'Send a reply that failed to reach the customer again now', params: Type.Object({ id: Id, deliveryId: Id }, { additionalProperties: false }), response: { 200: ReplyDeliverySummary, ...errorResponses } },
    },
    async (req) => {
      await tickets.access.assertWrite(req.principal, req.params.id);
      const d = await database.db.selectFrom('deliveries').select(['id', 'ticket_id', 'recipient_key', 'event_id']).where('id', '=', req.params.deliveryId).executeTakeFirst();
      if (!d || d.ticket_id !== req.params.id || !d.event_id || !replies.handles(d)) throw notFound('Reply delivery', req.params.deliveryId);
      await notifications.retryDelivery(d.id);
      const view = (await replies.deliveriesFor(database.db, [d.event_id])).get(d.event_id);
      if (!view) throw new AppError('conflict', 'The delivery changed while it was retried; reload the ticket.');
      return view;
    },
  );
}
