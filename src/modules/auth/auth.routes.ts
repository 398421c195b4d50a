import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { SESSION_COOKIE } from '../../http/auth.js';
import { AppError } from '../../lib/errors.js';
import { IdParams, errorResponses } from '../../http/schemas.js';
import { UserView } from '../users/index.js';

const SessionView = Type.Object({
  user: UserView,
  csrfToken: Type.String({ description: 'send as X-CSRF-Token on every state-changing request made with the session cookie' }),
});

const TokenView = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'first characters of the token, to recognise it' }),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()], { description: 'after this instant the token answers 401 token_expired; null: never' }),
  expired: Type.Boolean(),
});

export function authRoutes(app: AppInstance): void {
  const { auth, users, config } = app.deps;

  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true, rateLimit: { max: config.loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets an httpOnly session cookie',
        body: Type.Object(
          { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: SessionView, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { cookie, principal, expiresAt } = await auth.login(req.body.email, req.body.password, req.ip).catch((err: unknown) => {
        // The account is throttled (all nodes together): say when to try again, as the per-address limit does.
        const wait = err instanceof AppError && err.code === 'rate_limited' ? (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
        if (wait !== undefined) reply.header('retry-after', String(wait));
        throw err;
      });
      reply.setCookie(SESSION_COOKIE, cookie, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.publicUrl.startsWith('https:'),
        expires: new Date(expiresAt),
      });
      return { user: await users.get(principal.userId), csrfToken: principal.csrfToken! };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { signedIn: true }, schema: { tags: ['auth'], summary: 'Sign out (ends the session)', response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await auth.logout(req.principal!, req.ip);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { signedIn: true },
      schema: { tags: ['auth'], summary: 'Who is signed in, and the CSRF token of the session', response: { 200: SessionView, ...errorResponses } },
    },
    async (req) => ({ user: await users.get(req.principal!.userId), csrfToken: req.principal!.csrfToken ?? '' }),
  );

  app.get(
    '/api/v1/tokens',
    {
      config: { permission: 'tokens.own' },
      schema: {
        tags: ['auth'],
        summary: 'List API tokens (your own; administrators may pass all=true)',
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(TokenView) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await auth.listTokens(req.principal!, req.query.all ?? false) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { permission: 'tokens.own' },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token; the token is shown once in this response and never again',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            userId: Type.Optional(Type.String({ format: 'uuid', description: 'administrators only: create for another user' })),
            expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'ISO-8601 instant the token stops working (in the future); omitted or null: never' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), prefix: Type.String(), token: Type.String(), expiresAt: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await auth.createToken(req.principal, req.body.userId ?? req.principal!.userId, req.body.name, req.ip, { expiresAt: req.body.expiresAt ? Date.parse(req.body.expiresAt) : null })),
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { permission: 'tokens.own' },
      schema: { tags: ['auth'], summary: 'Revoke an API token', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      await auth.revokeToken(req.principal!, req.params.id, req.ip);
      return reply.status(204).send(null);
    },
  );
}
