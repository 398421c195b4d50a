import { Type } from '@sinclair/typebox';
import { auditActor } from '../audit/index.js';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, Page, PageQuery, errorResponses, Nullable } from '../../http/schemas.js';
import { TeamRoleSchema, TeamView } from './teams.presenter.js';

const teamFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  contactEmail: Type.Optional(Nullable(Type.String({ maxLength: 254, description: 'how other departments reach this team' }))),
  contactPhone: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
  restricted: Type.Optional(Type.Boolean({ description: "only the team's members, receivers of its tickets' escalations and administrators see its tickets" })),
  members: Type.Optional(
    Type.Array(Type.Object({ userId: Type.String({ format: 'uuid' }), role: TeamRoleSchema }, { additionalProperties: false }), { maxItems: 1000 }),
  ),
};

export function teamsRoutes(app: AppInstance): void {
  const teams = app.deps.teams;
  app.get(
    '/api/v1/teams',
    {
      config: { permission: 'teams.read' },
      schema: {
        tags: ['teams'],
        summary: 'List teams and departments with their members',
        querystring: Type.Object({ ...PageQuery, member: Type.Optional(Type.String({ description: 'a user id, or "me"' })) }, { additionalProperties: false }),
        response: { 200: Page(TeamView), ...errorResponses },
      },
    },
    (req) => teams.list({ limit: req.query.limit ?? 50, cursor: req.query.cursor, memberId: req.query.member === 'me' ? req.principal!.userId : req.query.member }),
  );
  app.post(
    '/api/v1/teams',
    {
      config: { permission: 'teams.manage' },
      schema: { tags: ['teams'], summary: 'Create a team', body: Type.Object(teamFields, { additionalProperties: false }), response: { 201: TeamView, ...errorResponses } },
    },
    async (req, reply) => reply.status(201).send(await teams.create(req.body, auditActor(req))),
  );
  app.get(
    '/api/v1/teams/:id',
    { config: { permission: 'teams.read' }, schema: { tags: ['teams'], summary: 'Get a team', params: IdParams, response: { 200: TeamView, ...errorResponses } } },
    (req) => teams.get(req.params.id),
  );
  app.patch(
    '/api/v1/teams/:id',
    {
      config: { permission: 'teams.manage' },
      schema: {
        tags: ['teams'],
        summary: 'Update a team; members, when given, replace the whole list',
        params: IdParams,
        body: Type.Object({ ...teamFields, name: Type.Optional(teamFields.name) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: TeamView, ...errorResponses },
      },
    },
    (req) => teams.update(req.params.id, req.body, auditActor(req)),
  );
  app.delete(
    '/api/v1/teams/:id',
    { config: { permission: 'teams.manage' }, schema: { tags: ['teams'], summary: 'Delete a team that has no tickets', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await teams.remove(req.params.id, auditActor(req));
      return reply.status(204).send(null);
    },
  );
}
