import { Type } from '@sinclair/typebox';
import { auditActor } from '../audit/index.js';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, errorResponses } from '../../http/schemas.js';
import { SlaClockSummary } from '../tickets/index.js';
import { CreateSlaPolicy, SlaPolicyView, UpdateSlaPolicy } from './sla.schema.js';

const RESPONSE_RULE =
  'What counts as a response: a public reply by an agent, not automatic and not the message that opened the ticket. Internal notes and automatic messages never count. A public customer message (after the first response) starts the next-response clock.';

export function slaRoutes(app: AppInstance): void {
  const { slaPolicies, sla } = app.deps;

  app.get(
    '/api/v1/sla-policies',
    {
      config: { permission: 'settings.read' },
      schema: { tags: ['sla'], summary: 'List SLA policies in the order they are tried', response: { 200: Type.Object({ items: Type.Array(SlaPolicyView) }), ...errorResponses } },
    },
    async () => ({ items: await slaPolicies.list() }),
  );
  app.post(
    '/api/v1/sla-policies',
    {
      config: { permission: 'settings.manage' },
      schema: {
        tags: ['sla'],
        summary: 'Create an SLA policy',
        description: `The first active policy (ascending position) whose conditions match a new ticket is applied and snapshotted onto it. ${RESPONSE_RULE} Pause statuses pause the resolution and next-response clocks; the first-response clock never pauses.`,
        body: CreateSlaPolicy,
        response: { 201: SlaPolicyView, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await slaPolicies.create(req.body, auditActor(req))),
  );
  app.get(
    '/api/v1/sla-policies/:id',
    { config: { permission: 'settings.read' }, schema: { tags: ['sla'], summary: 'Get an SLA policy', params: IdParams, response: { 200: SlaPolicyView, ...errorResponses } } },
    (req) => slaPolicies.get(req.params.id),
  );
  app.patch(
    '/api/v1/sla-policies/:id',
    {
      config: { permission: 'settings.manage' },
      schema: {
        tags: ['sla'],
        summary: 'Change an SLA policy; tickets already under it keep their snapshot until re-applied',
        params: IdParams,
        body: UpdateSlaPolicy,
        response: { 200: SlaPolicyView, ...errorResponses },
      },
    },
    (req) => slaPolicies.update(req.params.id, req.body, auditActor(req)),
  );
  app.delete(
    '/api/v1/sla-policies/:id',
    {
      config: { permission: 'settings.manage' },
      schema: { tags: ['sla'], summary: 'Delete an SLA policy; running clocks keep their snapshot', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      await slaPolicies.remove(req.params.id, auditActor(req));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/tickets/:id/sla',
    {
      config: { permission: 'tickets.read' },
      schema: { tags: ['sla'], summary: "A ticket's SLA clocks", description: RESPONSE_RULE, params: IdParams, response: { 200: Type.Object({ items: Type.Array(SlaClockSummary) }), ...errorResponses } },
    },
    async (req) => {
      await app.deps.tickets.get(req.principal, req.params.id);
      return { items: await sla.clocksFor(req.params.id) };
    },
  );
  app.post(
    '/api/v1/tickets/:id/sla/reapply',
    {
      config: { permission: 'tickets.write' },
      schema: {
        tags: ['sla'],
        summary: 'Re-choose and re-apply the SLA policy for the ticket as it is now',
        description: 'Business time already consumed by each clock is carried over to the new targets; the change is recorded on the timeline (sla.reapplied).',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(SlaClockSummary) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await sla.reapply(req.principal, req.params.id) }),
  );
}
