import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, OneOf, errorResponses } from '../../http/schemas.js';
import { auditActor } from '../audit/index.js';
import { AppliedMacroView, MacroChangesSchema, MacroView } from './macros.presenter.js';
import { MACRO_LANGUAGES, MACRO_SCOPES } from './macros.types.js';

const body = (max: number) => Type.String({ maxLength: max, description: 'text with placeholders {{customer.name}}, {{ticket.number}}, {{ticket.subject}}, {{agent.name}}' });
const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  bodyJa: Type.Optional(body(20_000)),
  bodyEn: Type.Optional(body(20_000)),
  changes: Type.Optional(MacroChangesSchema),
  scope: Type.Optional(OneOf(MACRO_SCOPES, { description: 'personal: only its owner sees it; shared: everyone (written by supervisors and above)' })),
};

export function macrosRoutes(app: AppInstance): void {
  const m = () => app.deps.macros;
  app.get(
    '/api/v1/macros',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['macros'],
        summary: 'Shared macros and your own, by name; q searches names and texts',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            scope: Type.Optional(OneOf(MACRO_SCOPES)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(MacroView) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await m().list(req.principal!, { ...req.query, limit: req.query.limit ?? 100 }) }),
  );
  app.post(
    '/api/v1/macros',
    { config: { permission: 'tickets.write' }, schema: { tags: ['macros'], summary: 'Write a macro (canned reply)', body: Type.Object(fields, { additionalProperties: false }), response: { 201: MacroView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await m().create(req.principal!, req.body, auditActor(req))),
  );
  app.patch(
    '/api/v1/macros/:id',
    {
      config: { permission: 'tickets.write' },
      schema: { tags: ['macros'], summary: 'Change a macro (shared ones: supervisors and above)', params: IdParams, body: Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 }), response: { 200: MacroView, ...errorResponses } },
    },
    (req) => m().update(req.principal!, req.params.id, req.body, auditActor(req)),
  );
  app.delete(
    '/api/v1/macros/:id',
    { config: { permission: 'tickets.write' }, schema: { tags: ['macros'], summary: 'Delete a macro (shared ones: supervisors and above)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await m().remove(req.principal!, req.params.id, auditActor(req));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/macros/:id/apply',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['macros'],
        summary: "A macro's text for a ticket in the requester's language, and its field changes (made now with applyChanges: true)",
        params: IdParams,
        body: Type.Object(
          {
            ticketId: Id,
            language: Type.Optional(OneOf(MACRO_LANGUAGES, { description: "default: the requester's language; the other one when the macro has no text in it" })),
            applyChanges: Type.Optional(Type.Boolean({ description: 'make the field changes on the ticket now (otherwise when the reply is sent)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AppliedMacroView, ...errorResponses },
      },
    },
    (req) => m().apply(req.principal!, req.params.id, req.body),
  );
}
