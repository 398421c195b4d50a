import { Type } from '@sinclair/typebox';
import { auditActor } from '../audit/index.js';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, Page, PageQuery, errorResponses } from '../../http/schemas.js';
import { CalendarDefinition } from './calendar.schema.js';
import { CalendarView } from './calendars.presenter.js';

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Instant = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'ISO-8601 date-time. With an offset or Z it is that instant; without one it is local wall-clock time in the calendar\'s zone.',
  examples: ['2026-01-09T17:00:00+09:00'],
});

export function calendarsRoutes(app: AppInstance): void {
  const calendars = app.deps.calendars;

  app.get(
    '/api/v1/calendars',
    {
      config: { permission: 'settings.read' },
      schema: { tags: ['calendars'], summary: 'List business calendars', querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: Page(CalendarView), ...errorResponses } },
    },
    (req) => calendars.list({ limit: req.query.limit ?? 50, cursor: req.query.cursor }),
  );
  app.post(
    '/api/v1/calendars',
    {
      config: { permission: 'settings.manage' },
      schema: {
        tags: ['calendars'],
        summary: 'Create a business calendar',
        body: Type.Object({ name: Name, definition: CalendarDefinition }, { additionalProperties: false }),
        response: { 201: CalendarView, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await calendars.create(req.body, auditActor(req))),
  );
  app.get(
    '/api/v1/calendars/:id',
    { config: { permission: 'settings.read' }, schema: { tags: ['calendars'], summary: 'Get a business calendar', params: IdParams, response: { 200: CalendarView, ...errorResponses } } },
    (req) => calendars.get(req.params.id),
  );
  app.patch(
    '/api/v1/calendars/:id',
    {
      config: { permission: 'settings.manage' },
      schema: {
        tags: ['calendars'],
        summary: 'Rename a calendar or replace its definition; running SLA clocks keep the definition they started with',
        params: IdParams,
        body: Type.Object({ name: Type.Optional(Name), definition: Type.Optional(CalendarDefinition) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: CalendarView, ...errorResponses },
      },
    },
    (req) => calendars.update(req.params.id, req.body, auditActor(req)),
  );
  app.delete(
    '/api/v1/calendars/:id',
    {
      config: { permission: 'settings.manage' },
      schema: { tags: ['calendars'], summary: 'Delete a calendar no SLA policy uses (409 otherwise)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      await calendars.remove(req.params.id, auditActor(req));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/business-time/add',
    {
      config: { permission: 'settings.read' },
      schema: {
        tags: ['calendars'],
        summary: 'Preview: the instant at which n business seconds have elapsed on an inline calendar',
        description:
          'Counts from start, or from the next business instant when start is outside business hours. A count that ends exactly at a closing time returns that closing time. A calendar without any working time is refused with 400.',
        body: Type.Object({ calendar: CalendarDefinition, start: Instant, seconds: Type.Integer({ minimum: 0, description: 'business seconds to add (non-negative)' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ end: Type.String({ description: 'ISO-8601 instant in UTC' }) }), ...errorResponses },
      },
    },
    (req) => calendars.add(req.body),
  );
  app.post(
    '/api/v1/business-time/between',
    {
      config: { permission: 'settings.read' },
      schema: {
        tags: ['calendars'],
        summary: 'Preview: whole business seconds between two instants on an inline calendar',
        body: Type.Object({ calendar: CalendarDefinition, start: Instant, end: Instant }, { additionalProperties: false }),
        response: { 200: Type.Object({ seconds: Type.Integer() }), ...errorResponses },
      },
    },
    (req) => calendars.between(req.body),
  );
}
