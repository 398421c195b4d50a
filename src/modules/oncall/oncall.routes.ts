/** HTTP: on-call rotations, their overrides and who is on call. */
import { Type } from '@sinclair/typebox';
import { auditActor } from '../audit/index.js';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, errorResponses } from '../../http/schemas.js';
import { RotationSchema } from './oncall.schema.js';
import { OnCallView, RotationView } from './oncall.presenter.js';

const { id: _rid, overrides: _ro, ...rotationFields } = RotationSchema.properties;
const OverrideBody = Type.Object(
  {
    userId: Id,
    start: Type.String({ format: 'date-time', description: 'ISO-8601 start' }),
    end: Type.String({ format: 'date-time', description: 'ISO-8601 end (exclusive)' }),
  },
  { additionalProperties: false },
);
const RotationBody = Type.Object({ ...rotationFields, overrides: Type.Optional(Type.Array(OverrideBody, { maxItems: 500 })) }, { additionalProperties: false });
const NoContent = { 204: Type.Null() };

export function oncallRoutes(app: AppInstance): void {
  const rotations = app.deps.rotations;
  // ---- rotations
  const rtags = ['on-call rotations'];
  app.get(
    '/api/v1/rotations',
    { config: { permission: 'escalations.read' }, schema: { tags: rtags, summary: 'List on-call rotations', response: { 200: Type.Object({ items: Type.Array(RotationView) }), ...errorResponses } } },
    () => rotations.list(),
  );
  app.post(
    '/api/v1/rotations',
    { config: { permission: 'paths.manage' }, schema: { tags: rtags, summary: 'Create an on-call rotation', body: RotationBody, response: { 201: RotationView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await rotations.create(req.body, auditActor(req))),
  );
  app.get(
    '/api/v1/rotations/:id',
    { config: { permission: 'escalations.read' }, schema: { tags: rtags, summary: 'Get a rotation', params: IdParams, response: { 200: RotationView, ...errorResponses } } },
    (req) => rotations.get(req.params.id),
  );
  app.put(
    '/api/v1/rotations/:id',
    { config: { permission: 'paths.manage' }, schema: { tags: rtags, summary: 'Replace a rotation (overrides kept unless sent)', params: IdParams, body: RotationBody, response: { 200: RotationView, ...errorResponses } } },
    (req) => rotations.update(req.params.id, req.body, auditActor(req)),
  );
  app.delete(
    '/api/v1/rotations/:id',
    { config: { permission: 'paths.manage' }, schema: { tags: rtags, summary: 'Delete a rotation no path uses', params: IdParams, response: { ...NoContent, ...errorResponses } } },
    async (req, reply) => {
      await rotations.remove(req.params.id, auditActor(req));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/rotations/:id/overrides',
    { config: { permission: 'escalations.supervise' }, schema: { tags: rtags, summary: 'Add a temporary override (someone covers a span)', params: IdParams, body: OverrideBody, response: { 201: RotationView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await rotations.addOverride(req.params.id, req.body, auditActor(req))),
  );
  app.delete(
    '/api/v1/rotations/:id/overrides/:index',
    {
      config: { permission: 'escalations.supervise' },
      schema: {
        tags: rtags,
        summary: 'Remove an override by its position',
        params: Type.Object({ id: Id, index: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
        response: { 200: RotationView, ...errorResponses },
      },
    },
    (req) => rotations.removeOverride(req.params.id, req.params.index, auditActor(req)),
  );
  app.get(
    '/api/v1/rotations/:id/oncall',
    {
      config: { permission: 'escalations.read' },
      schema: {
        tags: rtags,
        summary: 'Who is on call at an instant (default now), and the next hand-offs',
        params: IdParams,
        querystring: Type.Object({ at: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
        response: { 200: OnCallView, ...errorResponses },
      },
    },
    (req) => rotations.onCall(req.params.id, req.query.at),
  );
}
