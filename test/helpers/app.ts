import { afterAll, beforeAll, describe } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createContainer, type Container } from '../../src/container.js';
import { migrateToLatest } from '../../src/db/database.js';
import type { AppInstance } from '../../src/http/app-types.js';
import { FakeClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import type { Role } from '../../src/modules/auth/index.js';
import { allDatabases, createTestDatabase, isAvailable, type DbKind, type TestDatabase } from './databases.js';

export const TEST_PASSWORD = 'test-password-123';

/** Tests' webhook, Slack and Teams receivers listen on loopback, which production refuses. */
export const LOOPBACK_ALLOW = '127.0.0.0/8,::1';

export interface Actor {
  id: string;
  email: string;
  role: Role;
  token: string;
  auth: { authorization: string };
}

export interface TestContext {
  kind: DbKind;
  app: AppInstance;
  deps: Container;
  clock: FakeClock;
  db: TestDatabase;
  /** One user per role, each with an API token. */
  actors: Record<Role, Actor>;
  /** A second agent, for "not yours" checks. */
  otherAgent: Actor;
  request(method: string, url: string, actor: Actor | null, body?: unknown): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** DNS of the inbound mail check; default: offline, every name ENOTFOUND. */
  dnsResolver?: (name: string, rrtype: string) => Promise<unknown>;
  configure?: (config: Config) => void;
}

export async function createTestApp(kind: DbKind, opts: TestAppOptions = {}): Promise<TestContext> {
  const db = await createTestDatabase(kind);
  const config = loadConfig({ ESCALON_DATA_DIR: db.dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0', ESCALON_OUTBOUND_ALLOW: LOOPBACK_ALLOW, ...opts.env });
  config.database = db.config;
  opts.configure?.(config);
  const database = db.open();
  await migrateToLatest(database);
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 0, 0, 0)); // Monday 09:00 in Tokyo
  const offlineDns = async (name: string) => {
    throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  const deps = createContainer(config, createLogger('silent'), { clock, database, dnsResolver: opts.dnsResolver ?? offlineDns });
  const app = await buildApp(deps, { logger: false });
  await app.ready();

  const make = async (role: Role, name: string): Promise<Actor> => {
    const email = `${name}@test.example`;
    const u = await deps.users.create(null, { email, name, role, locale: 'en', timeZone: 'Asia/Tokyo', password: TEST_PASSWORD });
    const { token } = await deps.auth.createToken(null, u.id, 'test');
    return { id: u.id, email, role, token, auth: { authorization: `Bearer ${token}` } };
  };
  const actors = {} as Record<Role, Actor>;
  for (const role of ['agent', 'specialist', 'supervisor', 'manager', 'admin'] as Role[]) actors[role] = await make(role, role);
  const otherAgent = await make('agent', 'agent2');

  return {
    kind,
    app,
    deps,
    clock,
    db,
    actors,
    otherAgent,
    async request(method, url, actor, body) {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { ...(actor ? actor.auth : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      let parsed: unknown = res.body;
      try {
        parsed = res.body ? JSON.parse(res.body) : null;
      } catch {
        /* not JSON */
      }
      return { status: res.statusCode, body: parsed, headers: res.headers };
    },
  };
}

export async function closeTestApp(ctx: TestContext | undefined): Promise<void> {
  if (!ctx) return;
  await ctx.app.close();
  await ctx.deps.close();
  await ctx.db.drop();
}

/**
 * Runs a suite once per database. The context is created in beforeAll and shared by the
 * suite's tests; suites that need isolation create their own data.
 */
export function describeEachDb(name: string, fn: (get: () => TestContext) => void, opts: TestAppOptions = {}): void {
  for (const kind of allDatabases) {
    const d = isAvailable(kind) ? describe : describe.skip;
    d(`${name} [${kind}]`, () => {
      let ctx: TestContext | undefined;
      beforeAll(async () => {
        ctx = await createTestApp(kind, opts);
      });
      afterAll(async () => closeTestApp(ctx));
      fn(() => {
        if (!ctx) throw new Error('test app not initialised');
        return ctx;
      });
    });
  }
}
