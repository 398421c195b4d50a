import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Nullable, Page, PageQuery, errorResponses } from '../../http/schemas.js';

const AuditEntry = Type.Object({
  id: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String({ description: 'the acting user as named now' })),
  action: Type.String({ description: 'dotted, e.g. webhook.updated, attachment.downloaded' }),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  targetName: Nullable(Type.String({ description: 'the target user as named now, or the incident as titled now, when the target is a user or an incident' })),
  ip: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'configuration changes carry before and after (null when created or deleted)' }),
  createdAt: Type.String(),
});

const Name = (description: string) => Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z0-9_.]+$', description }));

export function auditRoutes(app: AppInstance): void {
  app.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'List audit log entries, newest first; filters combine',
        querystring: Type.Object(
          {
            ...PageQuery,
            action: Name('exactly this action'),
            actionPrefix: Name("actions starting with this, e.g. 'webhook.' or 'auth.'"),
            actorId: Type.Optional(Type.String({ format: 'uuid' })),
            targetType: Name('e.g. webhook, team, sla_policy, attachment'),
            targetId: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_.:/-]+$' })),
            from: Type.Optional(Type.String({ format: 'date-time', description: 'entries at or after this instant' })),
            to: Type.Optional(Type.String({ format: 'date-time', description: 'entries before this instant' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(AuditEntry), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      return app.deps.audit.list({
        limit: q.limit ?? 50,
        cursor: q.cursor,
        action: q.action,
        actionPrefix: q.actionPrefix,
        actorId: q.actorId,
        targetType: q.targetType,
        targetId: q.targetId,
        fromMs: q.from === undefined ? undefined : Date.parse(q.from),
        toMs: q.to === undefined ? undefined : Date.parse(q.to),
      });
    },
  );
}
