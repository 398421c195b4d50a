import { Command, Option } from 'commander';
import { ConfigError, loadConfig, settingDocs } from '../config/config.js';
import { createContainer } from '../container.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { resolve } from 'node:path';
import { backupSqlite, postgresBackupAdvice } from '../db/backup.js';
import { hasRealAdministrator, removeDemo } from '../demo/demo-workspace.js';
import { seedDemo } from '../demo/seed.js';
import { rotateSecrets } from '../integrations/secret-rotation.js';
import { createLogger } from '../lib/logger.js';
import { ROLES } from '../modules/auth/index.js';
import { startServer } from '../main.js';
import { randomSecret } from '../lib/ids.js';
import { AppError } from '../lib/errors.js';
import { explainStartupError } from './startup-errors.js';

const program = new Command();
program
  .name('escalon')
  .description('Escalon: escalation management for support teams, call centres and IT help desks.')
  .addHelpText('after', `\nConfiguration (environment variables):\n${settingDocs.map((s) => `  ${s.name.padEnd(30)} ${s.description} [${s.default}]`).join('\n')}`);

let loaded: ReturnType<typeof loadConfig> | undefined;
function config() {
  return (loaded = loadConfig());
}

/** Opens the configured database, migrated, with services, for one command. */
async function withContainer<T>(fn: (deps: ReturnType<typeof createContainer>) => Promise<T>): Promise<T> {
  const cfg = config();
  const logger = createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
  const database = openDatabase(cfg.database, { logger });
  try {
    await migrateToLatest(database);
    return await fn(createContainer(cfg, logger, { database }));
  } finally {
    await database.close();
  }
}

program
  .command('start')
  .description('Run Escalon: migrate, seed the demo workspace on first start (on a developer machine; see ESCALON_DEMO), serve the API and console, run the workers')
  .action(async () => {
    const cfg = config();
    const server = await startServer(cfg);
    let signalled = false;
    const shutdown = (signal: string) => {
      if (signalled) return;
      signalled = true;
      server.deps.logger.info({ signal, graceMs: cfg.shutdownGraceMs }, 'shutting down');
      // The grace period bounds jobs and requests; this bounds everything else (a hung close).
      const force = setTimeout(() => {
        server.deps.logger.error('shutdown did not finish in time; exiting');
        process.exit(1);
      }, cfg.shutdownGraceMs + 5000);
      force.unref();
      server.stop().then(
        () => process.exit(0),
        (err) => {
          server.deps.logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const cfg = config();
    const database = openDatabase(cfg.database);
    try {
      const applied = await migrateToLatest(database);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    } finally {
      await database.close();
    }
  });

program
  .command('seed-demo')
  .description('Seed the demo workspace (teams, users of every role, customers, tickets) into an empty database')
  .action(() =>
    withContainer(async (deps) => {
      const r = await seedDemo(deps);
      if (!r.seeded) {
        console.error('The database already has users; the demo workspace is only seeded into an empty database.');
        process.exitCode = 1;
        return;
      }
      console.log('Demo workspace seeded. Sign in as:');
      for (const l of r.logins) console.log(`  ${l.role.padEnd(10)} ${l.email.padEnd(26)} ${l.password}`);
    }),
  );

// Production: demo removal, secret-key rotation, backups (issue 14).
program
  .command('demo')
  .description('The demo workspace')
  .command('remove')
  .description('Delete the demo workspace: its users, teams, customers, tickets, escalations, paths, SLA policies, calendar and rotation (what real users created stays)')
  .action(() =>
    withContainer(async (deps) => {
      const r = await removeDemo(deps);
      console.log(`Demo workspace removed: ${r.users} users, ${r.teams} teams, ${r.customers} customers, ${r.organizations} organisations, ${r.tickets} tickets, ${r.escalations} escalations, ${r.escalationPaths} escalation paths, ${r.slaPolicies} SLA policies, ${r.calendars} calendars, ${r.rotations} rotations, ${r.hands} raised hands, ${r.jobs} pending jobs.`);
      if (!(await hasRealAdministrator(deps.database.db))) console.log('No administrator is left; create one: npx escalon users add --role admin --email … --name …');
    }),
  );

// Search (issue 19): rebuild the index when the tokenizer changed or rows are missing.
program
  .command('search')
  .description('The search index')
  .command('reindex')
  .description('Rebuild the search index with the current tokenizer: resumes where an interrupted run stopped, does nothing when the index is current (unless --force); Escalon keeps serving meanwhile')
  .option('--force', 'rebuild every document even when the index is current')
  .option('--batch <n>', 'sources (tickets, escalations, customers…) per transaction', '200')
  .action((opts: { force?: boolean; batch: string }) =>
    withContainer(async (deps) => {
      const batch = Number(opts.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new Error('--batch must be a whole number from 1 to 10000');
      const before = await deps.search.status();
      console.log(`Search index: tokenizer version ${before.version ?? 'none'} (current ${before.current})${before.building ? ', an interrupted rebuild goes on' : ''}, ${before.staleDocuments} document(s) of an older version.`);
      const started = deps.clock.now();
      let last = 0;
      const r = await deps.search.reindex({
        batch,
        force: opts.force,
        onProgress: (p) => {
          if (!p.done && deps.clock.now() - last < 1000) return;
          last = deps.clock.now();
          const rate = Math.round(p.documents / Math.max(0.001, (deps.clock.now() - started) / 1000));
          console.log(p.done ? `Done: ${p.documents} document(s) in ${((deps.clock.now() - started) / 1000).toFixed(1)} s (${rate}/s).` : `  ${p.source}/${p.sources} ${p.kind}: ${p.documents} document(s), ${rate}/s`);
        },
      });
      if (!r.rebuilt) console.log('The search index is current; nothing to do (--force rebuilds it anyway).');
    }),
  );

program
  .command('secrets')
  .description('Secrets at rest')
  .command('rotate')
  .description('Re-encrypt every stored secret (webhook, team channel and messaging secrets) from the old key to the current ESCALON_SECRET_KEY, in one transaction')
  .requiredOption('--old-key <key>', 'the ESCALON_SECRET_KEY the secrets were sealed with until now')
  .action((opts: { oldKey: string }) =>
    withContainer(async (deps) => {
      const r = await rotateSecrets(deps.database.db, deps.audit, opts.oldKey, deps.config.secretKey);
      const total = Object.values(r.rotated).reduce((a, b) => a + b, 0);
      console.log(`Re-encrypted ${total} stored secret(s) with the current ESCALON_SECRET_KEY${r.alreadyCurrent ? ` (${r.alreadyCurrent} already were)` : ''}. Restart every Escalon node with the new key.`);
    }),
  );

program
  .command('backup')
  .description('Copy the SQLite database, consistent even while Escalon is running and writing (for PostgreSQL it explains pg_dump)')
  .argument('<file>', 'the backup file to create (never overwritten)')
  .action(async (file: string) => {
    const cfg = config();
    if (cfg.database.kind === 'postgres') {
      console.error(postgresBackupAdvice(cfg.database.url));
      process.exitCode = 2;
      return;
    }
    const r = await backupSqlite(cfg.database.file, resolve(file));
    console.log(`Backed up ${cfg.database.file} to ${r.file} (${(r.bytes / 1024 / 1024).toFixed(1)} MiB). Attachments and raw mail live in ${cfg.dataDir}: copy that directory too.`);
  });

const users = program.command('users').description('Manage users');
users
  .command('add')
  .description('Create a user (prints a generated password on stderr when --password is not given)')
  .requiredOption('--email <email>', 'sign-in address')
  .requiredOption('--name <name>', 'display name')
  .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
  .option('--password <password>', 'password (at least 12 characters, not containing the email, not a common password)')
  .addOption(new Option('--locale <locale>', 'language').choices(['ja', 'en']).default('ja'))
  .option('--time-zone <zone>', 'IANA time zone', 'Asia/Tokyo')
  .action((opts: { email: string; name: string; role: (typeof ROLES)[number]; password?: string; locale: 'ja' | 'en'; timeZone: string }) =>
    withContainer(async (deps) => {
      const password = opts.password ?? randomSecret(12);
      const user = await deps.users.create(null, { email: opts.email, name: opts.name, role: opts.role, locale: opts.locale, timeZone: opts.timeZone, password });
      console.log(`Created ${user.role} ${user.email} (${user.id})`);
      if (!opts.password) console.error(`Generated password: ${password}`);
    }),
  );

const tokens = program.command('tokens').description('Manage API tokens');
tokens
  .command('create')
  .description('Create an API token for a user; prints only the token on stdout (it is shown once)')
  .requiredOption('--email <email>', 'the user the token acts as')
  .option('--name <name>', 'what the token is for', 'cli')
  .option('--expires-at <instant>', 'ISO-8601 instant after which the token answers 401 token_expired (default: never)')
  .action((opts: { email: string; name: string; expiresAt?: string }) =>
    withContainer(async (deps) => {
      const user = await deps.users.findByEmail(opts.email);
      if (!user) throw new AppError('not_found', `No user with email ${opts.email}.`);
      const expiresAt = opts.expiresAt === undefined ? null : Date.parse(opts.expiresAt);
      if (Number.isNaN(expiresAt)) throw new AppError('bad_request', `--expires-at ${opts.expiresAt} is not an ISO-8601 instant (e.g. 2026-12-31T23:59:59+09:00).`);
      const { token } = await deps.auth.createToken(null, user.id, opts.name, undefined, { expiresAt });
      process.stdout.write(token + '\n');
    }),
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else if (err instanceof AppError) console.error(`Error: ${err.message}`);
  else {
    // Problems an operator can fix get one line saying what to fix; anything else is a bug
    // and keeps its stack for the report.
    const line = explainStartupError(err, loaded);
    console.error(line ? `Escalon could not start: ${line}` : err);
  }
  process.exit(1);
});
