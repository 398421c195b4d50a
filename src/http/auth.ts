import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';
import { can } from '../modules/auth/auth.policy.js';
import type { AuthService } from '../modules/auth/auth.service.js';

export const SESSION_COOKIE = 'escalon_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves who is calling (Bearer token or session cookie) and checks the route's permission
 * before the body is even validated. A route under /api/ that declares no access rule fails at
 * start-up, so no route can ship unguarded.
 */
export function installAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const cfg = route.config ?? {};
    if (route.url.startsWith('/api/') && !cfg.public && !cfg.permission && !cfg.signedIn) {
      throw new Error(`Route ${route.method} ${route.url} declares no access rule (permission, signedIn or public).`);
    }
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const cfg = request.routeOptions.config ?? {};
    // The console's static files and the SPA fallback are public; every /api/ route declares its rule.
    if (!request.url.startsWith('/api/') && !cfg.permission && !cfg.signedIn) return;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      // An expired token throws token_expired (401) even on public routes: the caller should know.
      request.principal = m ? await auth.authenticateToken(m[1]!) : null;
      if (!request.principal && !cfg.public) {
        throw new AppError('unauthenticated', 'The API token is missing, malformed, revoked or unknown. Send Authorization: Bearer <token>.');
      }
    } else {
      const cookie = request.cookies?.[SESSION_COOKIE];
      if (cookie) request.principal = await auth.authenticateSession(cookie);
    }
    if (cfg.public) return;
    const p = request.principal;
    if (!p) throw new AppError('unauthenticated', 'Sign in first, or send an API token as Authorization: Bearer <token>.');
    if (p.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== p.csrfToken) {
        throw new AppError('forbidden', 'Missing or wrong X-CSRF-Token header; use the csrfToken returned at sign-in.');
      }
    }
    if (cfg.permission && !can(p.role, cfg.permission)) {
      throw new AppError('forbidden', `Your role (${p.role}) may not do this (needs ${cfg.permission}).`);
    }
  });
}
