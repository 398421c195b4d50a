import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, Page, PageQuery, errorResponses } from '../../http/schemas.js';
import { AvailabilitySchema, LocaleSchema, RoleSchema, UserView } from './users.presenter.js';

const Email = Type.String({ minLength: 3, maxLength: 254, description: 'sign-in address' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Tokyo' });
const Password = Type.String({ minLength: 1, maxLength: 200 });

export function usersRoutes(app: AppInstance): void {
  const users = app.deps.users;

  app.get(
    '/api/v1/users',
    {
      config: { permission: 'users.read' },
      schema: {
        tags: ['users'],
        summary: 'List users',
        querystring: Type.Object(
          { ...PageQuery, role: Type.Optional(RoleSchema), q: Type.Optional(Type.String({ maxLength: 200 })), active: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: Page(UserView), ...errorResponses },
      },
    },
    (req) => users.list({ limit: req.query.limit ?? 50, cursor: req.query.cursor, role: req.query.role, q: req.query.q, active: req.query.active }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: Type.Object(
          { email: Email, name: Name, role: RoleSchema, locale: Type.Optional(LocaleSchema), timeZone: Type.Optional(TimeZone), password: Type.Optional(Password) },
          { additionalProperties: false },
        ),
        response: { 201: UserView, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await users.create(req.principal, req.body, req.ip)),
  );

  app.get(
    '/api/v1/users/:id',
    { config: { permission: 'users.read' }, schema: { tags: ['users'], summary: 'Get a user', params: IdParams, response: { 200: UserView, ...errorResponses } } },
    (req) => users.get(req.params.id),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { signedIn: true },
      schema: {
        tags: ['users'],
        summary: 'Update a user (administrators: any field; everyone: their own name, language, time zone, password — with currentPassword)',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            email: Type.Optional(Email),
            role: Type.Optional(RoleSchema),
            locale: Type.Optional(LocaleSchema),
            timeZone: Type.Optional(TimeZone),
            password: Type.Optional(Password),
            currentPassword: Type.Optional(Password),
            revokeTokens: Type.Optional(Type.Boolean({ description: "with password: also revoke the user's API tokens (the user's other sessions always end)" })),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserView, ...errorResponses },
      },
    },
    (req) => users.update(req.principal!, req.params.id, req.body, req.ip),
  );

  app.delete(
    '/api/v1/users/:id',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags: ['users'],
        summary: 'Deactivate a user (their history stays; sessions and tokens stop working)',
        params: IdParams,
        response: { 200: UserView, ...errorResponses },
      },
    },
    (req) => users.update(req.principal!, req.params.id, { active: false }, req.ip),
  );

  app.put(
    '/api/v1/users/:id/availability',
    {
      config: { signedIn: true },
      schema: {
        tags: ['users'],
        summary: 'Set availability, out-of-office windows and the standing delegate (the person, a manager of one of their teams, or an administrator; audited, and the person is notified)',
        description:
          'Send `status` (or the older `availability`), `outOfOffice` (replaces every window) and/or `delegateUserId`; omitted parts stay as they are. A delegate is reached instead of the user while they are away, off or inside a window.',
        params: IdParams,
        body: Type.Object(
          {
            availability: Type.Optional(AvailabilitySchema),
            status: Type.Optional(AvailabilitySchema),
            outOfOffice: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    start: Type.String({ format: 'date-time', description: 'ISO-8601 instant the window starts' }),
                    end: Type.String({ format: 'date-time', description: 'ISO-8601 instant the window ends (exclusive)' }),
                    delegateUserId: Type.Optional(Type.Union([Id, Type.Null()], { description: 'who is reached instead during the window' })),
                  },
                  { additionalProperties: false },
                ),
                { maxItems: 50 },
              ),
            ),
            delegateUserId: Type.Optional(Type.Union([Id, Type.Null()], { description: 'standing delegate while away or off' })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserView, ...errorResponses },
      },
    },
    (req) => users.setAvailability(req.principal!, req.params.id, req.body, req.ip),
  );
}
