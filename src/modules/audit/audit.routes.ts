import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Page, PageQuery, errorResponses } from '../../http/schemas.js';

const AuditEntry = Type.Object({
  id: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
});

export function auditRoutes(app: AppInstance): void {
  app.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'List audit log entries, newest first',
        querystring: Type.Object(
          { ...PageQuery, action: Type.Optional(Type.String({ maxLength: 100 })), actorId: Type.Optional(Type.String({ format: 'uuid' })) },
          { additionalProperties: false },
        ),
        response: { 200: Page(AuditEntry), ...errorResponses },
      },
    },
    async (req) => app.deps.audit.list({ limit: req.query.limit ?? 50, cursor: req.query.cursor, action: req.query.action, actorId: req.query.actorId }),
  );
}
