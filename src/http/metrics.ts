import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  jobsRun: Counter<'kind' | 'outcome'>;
  jobLateness: Histogram<'kind'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'escalon_' });
  const jobsRun = new Counter({ name: 'escalon_jobs_total', help: 'Jobs (timers and deliveries) run, by kind and outcome', labelNames: ['kind', 'outcome'], registers: [registry] });
  const jobLateness = new Histogram({
    name: 'escalon_job_lateness_seconds',
    help: 'How late jobs fire: the instant they ran minus their due instant',
    labelNames: ['kind'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 60],
    registers: [registry],
  });
  return { registry, jobsRun, jobLateness };
}

export function installHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  const duration = new Histogram({
    name: 'escalon_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    duration.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}

/**
 * Serves /metrics on `app`: with a token, only to `Authorization: Bearer <token>` (compared in
 * constant time); the separate metrics listener (ESCALON_METRICS_LISTEN) passes no token.
 */
export function installMetricsRoute(app: FastifyInstance, metrics: Metrics, token: string | null): void {
  const expected = token === null ? null : createHash('sha256').update(token).digest();
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    if (expected) {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const sent = createHash('sha256').update(m?.[1] ?? '').digest();
      if (!m || !timingSafeEqual(sent, expected)) {
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: { code: 'unauthenticated', message: 'Send Authorization: Bearer <ESCALON_METRICS_TOKEN>.', requestId: req.id } });
      }
    }
    reply.header('Content-Type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
