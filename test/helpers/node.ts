/**
 * One Escalon node in the test process with the real clock, a database of the caller's choice
 * (a URL through a proxy, a file on a small tmpfs) and its log lines kept, for fault tests.
 */
import { Type } from '@sinclair/typebox';
import { pino } from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createContainer, type Container } from '../../src/container.js';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Executor } from '../../src/db/database.js';
import type { AppInstance } from '../../src/http/app-types.js';

export interface TestNode {
  deps: Container;
  app: AppInstance;
  /** Every log line (parsed JSON) the node wrote. */
  logs: { level: number; msg: string; err?: { message?: string; code?: string } }[];
  token: string;
  request(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

export const EFFECT_JOB = 'test.effect';

/** A job whose effect is an audit row named by its key: counting rows proves exactly-once. */
export const effectHandler = {
  mode: 'transactional' as const,
  schema: Type.Object({ key: Type.String() }),
  async handle(tx: Executor, job: { payload: { key: string } }, now: number) {
    await tx
      .insertInto('audit_log')
      .values({
        id: crypto.randomUUID(),
        actor_id: null,
        action: 'effect',
        target_type: 'job',
        target_id: job.payload.key,
        ip: null,
        data: '{}',
        created_at: now,
      })
      .execute();
  },
};

export async function countEffects(db: Executor, key: string): Promise<number> {
  const r = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'effect')
    .where('target_id', '=', key)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function startTestNode(
  database: Config['database'],
  dataDir: string,
  opts: { migrate?: boolean; createAdmin?: boolean; token?: string; handle?: DatabaseHandle } = {},
): Promise<TestNode> {
  const logs: TestNode['logs'] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const config = loadConfig({ ESCALON_DATA_DIR: dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0', ESCALON_OUTBOUND_ALLOW: '127.0.0.0/8,::1' });
  config.database = database;
  const handle = opts.handle ?? openDatabase(database, { logger });
  if (opts.migrate !== false) await migrateToLatest(handle);
  const deps = createContainer(config, logger, { database: handle });
  deps.jobs.register(EFFECT_JOB, effectHandler);
  const app = await buildApp(deps);
  await app.ready();
  let token = opts.token ?? '';
  if (opts.createAdmin !== false && !opts.token) {
    const u = await deps.users.create(null, {
      email: `admin-${crypto.randomUUID().slice(0, 8)}@test.example`,
      name: 'Admin',
      role: 'admin',
      locale: 'en',
      timeZone: 'Asia/Tokyo',
      password: 'test-password-123',
    });
    token = (await deps.auth.createToken(null, u.id, 'test')).token;
  }
  return {
    deps,
    app,
    logs,
    token,
    async request(method, url, body) {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
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
    async close() {
      await deps.jobs.stop({ graceMs: 1000 });
      await app.close();
      await deps.close();
    },
  };
}

/** Polls `check` until it returns true (or throws after timeoutMs). */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return performance.now() - started;
}
