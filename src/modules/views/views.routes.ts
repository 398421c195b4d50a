import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, Nullable, OneOf, errorResponses } from '../../http/schemas.js';
import { auditActor } from '../audit/index.js';
import { TicketListFilters } from '../tickets/index.js';
import { SavedView, ViewColumns, ViewCounts } from './views.presenter.js';
import { VIEW_SCOPES, VIEW_SORTS } from './views.types.js';

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  filters: Type.Optional(TicketListFilters),
  sort: Type.Optional(Nullable(OneOf(VIEW_SORTS))),
  columns: Type.Optional(ViewColumns),
  scope: Type.Optional(OneOf(VIEW_SCOPES, { description: 'personal: only its owner; shared: everyone (saved by supervisors and above)' })),
};

export function viewsRoutes(app: AppInstance): void {
  const v = () => app.deps.views;
  app.get(
    '/api/v1/views',
    { config: { permission: 'tickets.read' }, schema: { tags: ['views'], summary: 'Saved ticket list views: shared ones and your own', response: { 200: Type.Object({ items: Type.Array(SavedView) }), ...errorResponses } } },
    async (req) => ({ items: await v().list(req.principal!) }),
  );
  app.get(
    '/api/v1/views/counts',
    { config: { permission: 'tickets.read' }, schema: { tags: ['views'], summary: 'How many tickets you see in each of your views', response: { 200: ViewCounts, ...errorResponses } } },
    async (req) => ({ items: await v().counts(req.principal!) }),
  );
  app.get(
    '/api/v1/views/:id',
    { config: { permission: 'tickets.read' }, schema: { tags: ['views'], summary: 'A saved view', params: IdParams, response: { 200: SavedView, ...errorResponses } } },
    (req) => v().get(req.principal!, req.params.id),
  );
  app.post(
    '/api/v1/views',
    { config: { permission: 'tickets.read' }, schema: { tags: ['views'], summary: "Save a view: the ticket list's filters (its query parameters as an object), sort and columns", body: Type.Object(fields, { additionalProperties: false }), response: { 201: SavedView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await v().create(req.principal!, req.body, auditActor(req))),
  );
  app.patch(
    '/api/v1/views/:id',
    { config: { permission: 'tickets.read' }, schema: { tags: ['views'], summary: 'Change a saved view (shared ones: supervisors and above)', params: IdParams, body: Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 }), response: { 200: SavedView, ...errorResponses } } },
    (req) => v().update(req.principal!, req.params.id, req.body, auditActor(req)),
  );
  app.delete(
    '/api/v1/views/:id',
    { config: { permission: 'tickets.read' }, schema: { tags: ['views'], summary: 'Delete a saved view (shared ones: supervisors and above)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await v().remove(req.principal!, req.params.id, auditActor(req));
      return reply.status(204).send(null);
    },
  );
}
