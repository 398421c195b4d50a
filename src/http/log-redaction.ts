import { createHash } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';

/**
 * Private ticket links are bearer secrets in the path (`/t/{token}`,
 * `/api/v1/public/tickets/{token}[/replies]`, and the survey links `/satisfaction/{token}`): access logs show `~` and the first 12 hex digits
 * of the token's SHA-256 instead (what public_ticket_links.token_hash starts with), enough to
 * correlate requests, useless to open the ticket.
 */
const TOKEN_PATH = /^(\/t\/|\/api\/v1\/public\/tickets\/|\/satisfaction\/|\/api\/v1\/public\/satisfaction\/)([^/?#]+)/;

export function redactUrl(url: string): string {
  return url.replace(TOKEN_PATH, (_m, prefix: string, token: string) => {
    let plain = token;
    try {
      plain = decodeURIComponent(token);
    } catch {
      /* logged as sent */
    }
    return `${prefix}~${createHash('sha256').update(plain).digest('hex').slice(0, 12)}`;
  });
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with the link token in the URL replaced by its hash prefix. */
const requestSerializer = (req: LoggedRequest) => ({ method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort });

/** Request loggers whose `req` serializer redacts link tokens. */
export const childLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, opts) =>
  logger.child(bindings, { ...opts, serializers: { ...opts.serializers, req: requestSerializer } });
