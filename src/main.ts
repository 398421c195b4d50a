import type { DnsResolver } from './modules/intake-email/index.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { createContainer, type Container } from './container.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { hasRealAdministrator, isDemoWorkspace } from './demo/demo-workspace.js';
import { demoLogins, seedDemo } from './demo/seed.js';
import Fastify from 'fastify';
import { createMetrics, installMetricsRoute } from './http/metrics.js';
import type { AppInstance } from './http/app-types.js';
import { createLogger, type Logger } from './lib/logger.js';
import { startRoles, type RunningRoles } from './roles.js';

export interface RunningServer {
  app: AppInstance | null;
  deps: Container;
  url: string;
  /** The separate /metrics listener's URL (ESCALON_METRICS_LISTEN), if any. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

/** Fails at start (not at the first upload) when the data directory cannot be written. */
function assertWritableDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const probe = join(dir, `.escalon-write-check-${process.pid}`);
  writeFileSync(probe, 'ok');
  rmSync(probe, { force: true });
}

/** The banner of a demo seeded where it should not be by default (issue 14). */
function demoWarning(reasons: string[], seededNow: boolean): string {
  const bar = '!'.repeat(78);
  return [
    '',
    bar,
    seededNow ? '!!  WARNING: the DEMO WORKSPACE was seeded in a production-like start (ESCALON_DEMO=1).' : '!!  WARNING: this production-like start serves the DEMO WORKSPACE.',
    `!!  Why this start looks like production: ${reasons.join('; ')}.`,
    '!!  Its accounts, administrator included, share a password published in the source.',
    '!!  Do not keep real data here. Remove it with: npx escalon demo remove',
    bar,
    '',
    '',
  ].join('\n');
}

/** Boot: config → database → migrations → demo seed → roles (web, worker) → listen. */
export async function startServer(config: Config, opts: { logger?: Logger; quiet?: boolean; /** DNS of the inbound mail check (e2e tests: a fake one) */ dnsResolver?: DnsResolver } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  assertWritableDir(config.dataDir);
  const database = openDatabase(config.database, { logger });
  const applied = await migrateToLatest(database);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');
  const deps = createContainer(config, logger, { database, dnsResolver: opts.dnsResolver });
  const metrics = createMetrics();

  let seededNow = false;
  const productionLike = config.deployment.productionLikeReasons;
  if (config.demo) {
    const r = await seedDemo(deps);
    seededNow = r.seeded;
    if (r.seeded) logger.info('demo workspace seeded');
  }
  // A demo in a production-like start (ESCALON_DEMO=1, or seeded before): allowed, never quiet.
  if (productionLike.length > 0 && (await isDemoWorkspace(database.db))) {
    logger.warn({ reasons: productionLike }, 'the demo workspace is present in a production-like start: its accounts have a published password');
    process.stderr.write(demoWarning(productionLike, seededNow));
  }

  let app: AppInstance | null = null;
  let url = '';
  if (config.roles.web) {
    app = await buildApp(deps, { metrics });
    url = await app.listen({ port: config.port, host: config.host });
  }
  // ESCALON_METRICS_LISTEN: /metrics alone on its own address (a scrape network), never the public one.
  let metricsApp: ReturnType<typeof Fastify> | null = null;
  let metricsUrl: string | undefined;
  if (config.metrics.listen) {
    metricsApp = Fastify({ logger: false });
    installMetricsRoute(metricsApp, metrics, config.metrics.token);
    metricsUrl = await metricsApp.listen({ host: config.metrics.listen.host, port: config.metrics.listen.port });
    logger.info({ url: metricsUrl }, 'metrics listening');
  }
  const roles: RunningRoles = await startRoles(deps, metrics);

  if (!opts.quiet) {
    const isDemo = await isDemoWorkspace(database.db);
    const userCount = await deps.users.count();
    const realAdmin = isDemo && (await hasRealAdministrator(database.db));
    const lines = [''];
    if (app) lines.push(`  Escalon is running at ${config.port === 0 ? url : config.publicUrl}  (listening on ${url})`);
    lines.push(`  Database: ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'}`);
    if (isDemo && realAdmin) {
      lines.push('  The demo workspace is still here next to your administrator. Remove it: npx escalon demo remove');
    } else if (isDemo) {
      lines.push(seededNow ? '  Demo workspace created. Sign in as:' : '  Demo workspace. Sign in as:');
      for (const l of demoLogins()) lines.push(`    ${l.role.padEnd(10)} ${l.email.padEnd(26)} ${l.password}   (${l.name})`);
    } else if (userCount === 0) {
      lines.push('  No users yet. Create an administrator:');
      lines.push('    npx escalon users add --email you@example.com --name "Your Name" --role admin --password "<at least 10 characters>"');
    }
    if (config.secretKeyIsDefault) lines.push('  Warning: ESCALON_SECRET_KEY is not set; secrets at rest use a development key.');
    process.stdout.write(lines.join('\n') + '\n\n');
  }

  let stopping: Promise<void> | null = null;
  // Shutdown: HTTP stops accepting at once and lets running requests finish while the worker
  // stops claiming and lets running jobs finish (ESCALON_SHUTDOWN_GRACE_MS); then the database closes.
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all([app?.close(), metricsApp?.close(), roles.stop()]);
      await deps.close();
    })());
  return { app, deps, url, metricsUrl, stop };
}
