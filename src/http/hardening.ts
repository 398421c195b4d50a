import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';

/**
 * Edge hardening shared by every route: security headers, refusal of NUL characters in
 * request text, and a safe request id. Routes that serve their own pages (contact form,
 * private ticket page, attachments, playbook) override the CSP with a stricter or
 * page-specific one.
 */

/**
 * The console's policy: a Vite build loads only its own scripts, styles and assets (no inline
 * script, no eval); the API answers JSON, for which the same policy is harmless.
 */
export function consoleCsp(https: boolean): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/**
 * @fastify/helmet (the Fastify organisation's wrapper of helmet: maintained, Fastify 5, Node 20)
 * rather than hand-written headers: it keeps the less obvious ones (COOP, CORP,
 * X-Permitted-Cross-Domain-Policies, X-DNS-Prefetch-Control) current as browsers change.
 * Headers are set in onRequest, so a route's own reply.header() wins.
 */
export async function installSecurityHeaders(app: FastifyInstance, opts: { publicUrl: string }): Promise<void> {
  const https = opts.publicUrl.startsWith('https:');
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: consoleCsp(https) },
    // Over plain http HSTS means nothing (browsers ignore it) and would be a lie in tests.
    hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
}

/** Embeddable pages (the contact form) drop the framing refusal helmet adds to every answer. */
export const allowFraming = (reply: { removeHeader(name: string): unknown }): void => {
  reply.removeHeader('x-frame-options');
};

// ---- NUL characters

/** The first path (a.b.0.c) of a string or key holding U+0000, or null. */
export function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  // Bytes (Buffer, Uint8Array, ArrayBuffer) and streams or other emitters (an upload's body is
  // the request stream) are not text: walking one, through its socket and cycles, held the
  // event loop for minutes.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return null;
  const o = value as { pipe?: unknown; on?: unknown };
  if (typeof o.pipe === 'function' || typeof o.on === 'function') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${path}.${i}`, depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.includes('\0')) return `${path}.${k.replace(/\0/g, '\\u0000')}`;
    const hit = findNul(v, `${path}.${k}`, depth + 1);
    if (hit) return hit;
  }
  return null;
}

/**
 * PostgreSQL cannot store U+0000 in text (it answered 500); SQLite would store it and every
 * reader would trip on it later. Refused once here, before validation, for every route's body,
 * query string and path parameters, naming the field. (Mail and messaging intake strip NUL
 * instead: a customer's message must not be lost over it.)
 */
export function installNulRefusal(app: FastifyInstance): void {
  app.addHook('preValidation', async (req: FastifyRequest) => {
    const field = findNul(req.params, 'params') ?? findNul(req.query, 'query') ?? findNul(req.body, 'body');
    if (!field) return;
    throw new AppError('validation_failed', `${field} must not contain the NUL character (U+0000)`, {
      problems: [{ field, message: 'must not contain the NUL character (U+0000)', code: 'nul_character' }],
    });
  });
}

// ---- request ids

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A client's X-Request-Id is kept (to correlate with a proxy's logs) only when it is short and
 * made of safe characters; anything else (log injection, huge values) is replaced.
 */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && SAFE_REQUEST_ID.test(sent) ? sent : randomUUID();
}
