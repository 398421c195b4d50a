import { childLoggerFactory } from './http/log-redaction.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import Fastify from 'fastify';
import type { Container } from './container.js';
import { checkWritable } from './db/health.js';
import { installAuth } from './http/auth.js';
import { databaseRateLimitStore } from './http/rate-limits.js';
import { clientErrorHandler, installErrorHandler, notFoundBody, sendFault } from './http/errors.js';
import { AppError } from './lib/errors.js';
import { createMetrics, installHttpMetrics, installMetricsRoute, type Metrics } from './http/metrics.js';
import { installNulRefusal, installSecurityHeaders, requestIdOf } from './http/hardening.js';
import { ErrorBody } from './http/schemas.js';
import { installValidation } from './http/validation.js';
import type { AppInstance } from './http/app-types.js';
import { webDistDir } from './lib/paths.js';
import { auditRoutes } from './modules/audit/index.js';
import { authRoutes } from './modules/auth/index.js';
import { calendarsRoutes } from './modules/calendars/index.js';
import { customersRoutes } from './modules/customers/index.js';
import { intakeRoutes } from './modules/intake/index.js';
import { repliesRoutes } from './modules/replies/index.js';
import { intakeEmailRoutes } from './modules/intake-email/index.js';
import { escalationsRoutes } from './modules/escalations/index.js';
import { oncallRoutes } from './modules/oncall/index.js';
import { pathsRoutes } from './modules/paths/index.js';
import { handsRoutes } from './modules/hands/index.js';
import { slaRoutes } from './modules/sla/index.js';
import { teamsRoutes } from './modules/teams/index.js';
import { ticketsRoutes } from './modules/tickets/index.js';
import { usersRoutes } from './modules/users/index.js';
import { workspaceRoutes } from './modules/workspace/workspace.routes.js';
import { notificationsRoutes } from './modules/notifications/index.js';
import { privacyRoutes } from './modules/privacy/index.js';
import { servicesRoutes } from './modules/services/index.js';
import { incidentsRoutes, statusPageRoutes } from './modules/incidents/index.js';
import { searchRoutes } from './modules/search/index.js';
import { knowledgeRoutes } from './modules/knowledge/index.js';
import { macrosRoutes } from './modules/macros/index.js';
import { viewsRoutes } from './modules/views/index.js';
import { reportsRoutes } from './modules/reports/index.js';
import { satisfactionRoutes } from './modules/satisfaction/index.js';

export interface BuildAppOptions {
  metrics?: Metrics;
  /** Extra route modules (later capabilities register here through the composition in main). */
  routes?: ((app: AppInstance) => void)[];
  logger?: boolean;
}

/** The HTTP application without listening; tests drive it with app.inject(). */
export async function buildApp(deps: Container, opts: BuildAppOptions = {}): Promise<AppInstance> {
  const app = Fastify({
    loggerInstance: opts.logger === false ? undefined : deps.logger,
    bodyLimit: deps.config.bodyLimitBytes,
    // A client's X-Request-Id only when it is safe (src/http/hardening.ts), else a new one.
    requestIdHeader: false,
    genReqId: requestIdOf,
    // ESCALON_TRUST_PROXY: the client address behind a reverse proxy (rate limits, audit).
    // (Fastify takes a hop count too; its overloads' types leave number out.)
    trustProxy: deps.config.trustProxy as boolean | string[],
    routerOptions: { ignoreTrailingSlash: true },
    // While closing, new requests get Escalon's error shape (below), not Fastify's own body.
    return503OnClosing: false,
    clientErrorHandler,
    // Private link tokens never reach the access log (issue 14).
    childLoggerFactory,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as AppInstance;
  app.decorate('deps', deps);

  installValidation(app);
  installErrorHandler(app);
  installNulRefusal(app);
  // Shutdown: requests already running finish; new ones are told to go elsewhere at once.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // A response finished while closing ends its keep-alive connection, or close() would wait
  // for the client to hang up.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onRequest', (req, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close').header('retry-after', '1');
    void reply.status(503).send({
      error: {
        code: 'unavailable',
        message:
          'This Escalon node is shutting down; try again (another node, or this one after its restart, will answer).',
        requestId: req.id,
      },
    });
  });
  app.addSchema(ErrorBody);
  await installSecurityHeaders(app, { publicUrl: deps.config.publicUrl });
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    // Counters live in the database: every node counts against the same limit.
    store: databaseRateLimitStore(deps.rateLimits),
    // The seconds to wait go in the details too, so the console can say them in the reader's language.
    errorResponseBuilder: (_req, ctx) => new AppError('rate_limited', `Too many attempts; try again in ${ctx.after}.`, { scope: 'address', retryAfterSeconds: Math.max(1, Math.ceil(ctx.ttl / 1000)) }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Escalon API',
        version: '1',
        description:
          'Escalation management for support teams. Authenticate with a session cookie (browser, plus X-CSRF-Token on changes) or `Authorization: Bearer <token>`. Errors have the body `{ "error": { "code", "message", "details" } }`. Lists are paginated with `limit` and `cursor` (pass the previous page\'s `nextCursor`).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'escalon_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  const metrics = opts.metrics ?? createMetrics();
  installHttpMetrics(app, metrics);
  installAuth(app, deps.auth);

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  // Ready means able to serve writes: enough disk, and a real write to the database commits.
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const failure = await checkWritable(deps.database, { now: deps.clock.now(), dataDir: deps.config.dataDir });
    if (!failure) return { status: 'ready' };
    deps.logger.warn({ err: failure.cause, fault: failure.code, detail: failure.detail }, 'readiness check failed');
    return sendFault(reply, failure.code, req.id);
  });
  if (deps.config.metrics.onWebAddress) installMetricsRoute(app, metrics, deps.config.metrics.token);
  app.get(
    '/api/v1/openapi.json',
    { config: { public: true }, schema: { hide: true, response: { 200: Type.Unknown() } } },
    async () => app.swagger(),
  );

  authRoutes(app);
  usersRoutes(app);
  teamsRoutes(app);
  customersRoutes(app);
  ticketsRoutes(app);
  auditRoutes(app);
  calendarsRoutes(app);
  slaRoutes(app);
  pathsRoutes(app);
  oncallRoutes(app);
  escalationsRoutes(app);
  intakeEmailRoutes(app);
  intakeRoutes(app);
  repliesRoutes(app);
  workspaceRoutes(app);
  notificationsRoutes(app);
  privacyRoutes(app);
  handsRoutes(app);
  servicesRoutes(app);
  incidentsRoutes(app);
  statusPageRoutes(app);
  searchRoutes(app);
  knowledgeRoutes(app);
  macrosRoutes(app);
  viewsRoutes(app);
  reportsRoutes(app);
  satisfactionRoutes(app);
  for (const r of opts.routes ?? []) r(app);

  // The console: static assets built by `npm run build`, with the SPA's index.html for deep links.
  const webDir = webDistDir();
  const hasWeb = existsSync(webDir);
  // Hashed assets (/assets/name-hash.js) never change: cached for a year. index.html and the rest
  // are revalidated each time. The build writes .br and .gz beside each file; they are sent as
  // they are, with Content-Encoding, to clients that accept them.
  if (hasWeb)
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      preCompressed: true,
      cacheControl: false,
      setHeaders: (res, filePath) => res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  // Browsers ask every page's origin for /favicon.ico (the public status page has no console
  // around it): the console's icon, or the same mark drawn here when the console is not built.
  const iconFile = join(webDir, 'favicon.svg');
  const icon = hasWeb && existsSync(iconFile) ? readFileSync(iconFile) : Buffer.from(FALLBACK_ICON);
  app.get('/favicon.ico', { schema: { hide: true } }, (_req, reply) => reply.type('image/svg+xml').header('Cache-Control', 'public, max-age=86400').send(icon));
  app.setNotFoundHandler((req, reply) => {
    if (hasWeb && req.method === 'GET' && !req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send(notFoundBody(req.method, req.url, req.id));
  });
  return app;
}

const FALLBACK_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d4ed8"/><path d="M9 22h14M11 17l5-6 5 6" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>';
