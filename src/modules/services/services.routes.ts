import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, Nullable, errorResponses } from '../../http/schemas.js';
import { auditActor } from '../audit/index.js';
import { ServiceStatusSchema, ServiceView } from './services.presenter.js';

const fields = {
  nameJa: Type.String({ minLength: 1, maxLength: 200, description: 'name shown to Japanese readers' }),
  nameEn: Type.String({ minLength: 1, maxLength: 200, description: 'name shown to English readers (unique)' }),
  descriptionJa: Type.Optional(Type.String({ maxLength: 2000 })),
  descriptionEn: Type.Optional(Type.String({ maxLength: 2000 })),
  ownerTeamId: Type.Optional(Nullable(Type.String({ format: 'uuid', description: 'the team that owns the service' }))),
  status: Type.Optional(ServiceStatusSchema),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000, description: 'order on the status page' })),
};

export function servicesRoutes(app: AppInstance): void {
  const services = app.deps.services;
  app.get(
    '/api/v1/services',
    { config: { permission: 'incidents.read' }, schema: { tags: ['incidents'], summary: 'The services catalogue with each service\'s status', response: { 200: Type.Object({ items: Type.Array(ServiceView) }), ...errorResponses } } },
    async () => ({ items: await services.list() }),
  );
  app.post(
    '/api/v1/services',
    { config: { permission: 'services.manage' }, schema: { tags: ['incidents'], summary: 'Add a service (managers and administrators; audited)', body: Type.Object(fields, { additionalProperties: false }), response: { 201: ServiceView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await services.create(req.body, auditActor(req))),
  );
  app.get(
    '/api/v1/services/:id',
    { config: { permission: 'incidents.read' }, schema: { tags: ['incidents'], summary: 'Get a service', params: IdParams, response: { 200: ServiceView, ...errorResponses } } },
    (req) => services.get(req.params.id),
  );
  app.patch(
    '/api/v1/services/:id',
    {
      config: { permission: 'services.manage' },
      schema: {
        tags: ['incidents'],
        summary: 'Change a service or its status (managers and administrators; audited)',
        params: IdParams,
        body: Type.Object({ ...fields, nameJa: Type.Optional(fields.nameJa), nameEn: Type.Optional(fields.nameEn) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: ServiceView, ...errorResponses },
      },
    },
    (req) => services.update(req.params.id, req.body, auditActor(req)),
  );
  app.delete(
    '/api/v1/services/:id',
    { config: { permission: 'services.manage' }, schema: { tags: ['incidents'], summary: 'Remove a service no incident names', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await services.remove(req.params.id, auditActor(req));
      return reply.status(204).send(null);
    },
  );
}
