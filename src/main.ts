import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { createContainer, type Container } from './container.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { demoLogins, seedDemo } from './demo/seed.js';
import Fastify from 'fastify';
import { createMetrics, installMetricsRoute } from './http/metrics.js';
import type { AppInstance } from './http/app-types.js';
import { createLogger, type Logger } from './lib/logger.js';
import { getSetting } from './lib/settings.js';
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

/** Boot: config → database → migrations → demo seed → roles (web, worker) → listen. */
export async function startServer(config: Config, opts: { logger?: Logger; quiet?: boolean } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  assertWritableDir(config.dataDir);
  const database = openDatabase(config.database, { logger });
  const applied = await migrateToLatest(database);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');
  const deps = createContainer(config, logger, { database });
  const metrics = createMetrics();

  let seededNow = false;
  if (config.demo) {
    const r = await seedDemo(deps);
    seededNow = r.seeded;
    if (r.seeded) logger.info('demo workspace seeded');
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
    const isDemo = (await getSetting<boolean>(database.db, 'workspace.demo')) === true;
    const userCount = await deps.users.count();
    const lines = [''];
    if (app) lines.push(`  Escalon is running at ${config.port === 0 ? url : config.publicUrl}  (listening on ${url})`);
    lines.push(`  Database: ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'}`);
    if (isDemo) {
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
