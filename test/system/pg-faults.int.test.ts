/**
 * PostgreSQL faults against a running node: its connections terminated under it
 * (pg_terminate_backend, as a restart or failover does), the database made unreachable (a TCP
 * proxy on loopback that the test cuts), and a read-only database (a standby).
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { enqueueJob } from '../../src/jobs/jobs.repository.js';
import { systemClock } from '../../src/lib/clock.js';
import { createTestDatabase, isAvailable, PG_URL, type TestDatabase } from '../helpers/databases.js';
import { countEffects, EFFECT_JOB, effectHandler, startTestNode, waitUntil } from '../helpers/node.js';

/** A TCP proxy in front of PostgreSQL: cut() drops every connection and refuses new ones. */
async function startProxy(
  target: URL,
): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        sockets.add(client).add(upstream);
        for (const sock of [client, upstream]) sock.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = null;
    if (!s) return;
    const closed = new Promise<void>((r) => s.close(() => r()));
    for (const sock of sockets) sock.destroy();
    await closed;
  };
  await listen();
  return { port, cut, restore: listen, close: cut };
}

const withUrl = (base: string, change: (u: URL) => void) => {
  const u = new URL(base);
  change(u);
  return u.toString();
};

describe.runIf(isAvailable('postgres'))('PostgreSQL faults', () => {
  let tdb: TestDatabase;
  let other: DatabaseHandle; // "another node": its own pool, not touched by the faults
  let admin: pg.Client;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await other?.close();
    await admin?.end();
    await tdb?.drop();
  });

  it(
    'keeps serving and firing timers when its pooled and LISTEN connections are terminated',
    { timeout: 30_000 },
    async () => {
      const appName = `escalon-test-kill-${process.pid}-${Date.now().toString(36)}`;
      const url = withUrl((tdb.config as { url: string }).url, (u) =>
        u.searchParams.set('application_name', appName),
      );
      const node = await startTestNode({ kind: 'postgres', url }, tdb.dataDir);
      other = openDatabase(tdb.config);
      // Its own runner with a long backstop: only NOTIFY or the rescan after a reconnect can wake it.
      const runner = new JobRunner({
        db: node.deps.database.db,
        dialect: 'postgres',
        clock: systemClock,
        logger: node.deps.logger,
        listenUrl: url,
        maxSleepMs: 60_000,
      });
      runner.register(EFFECT_JOB, effectHandler);
      const fired = new Map<string, number>();
      runner.observe((job, firedAt) => fired.set(String(job.payload.key), firedAt - job.dueAt));
      try {
        await runner.start();
        const sessions = async () =>
          (
            await admin.query<{ pid: number; query: string }>(
              `select pid, query from pg_stat_activity where application_name = $1`,
              [appName],
            )
          ).rows;
        await waitUntil(
          async () => (await sessions()).some((s) => s.query.startsWith('LISTEN')),
          5000,
          'the LISTEN connection',
        );
        for (let i = 0; i < 5; i++) expect((await node.request('GET', '/api/v1/tickets')).status).toBe(200);

        // A due job written without NOTIFY: nothing wakes the runner for it…
        const insertSilently = (key: string) =>
          sql`insert into jobs (id, kind, dedupe_key, payload, due_at, state, attempts, max_attempts, created_at, updated_at)
            values (${crypto.randomUUID()}, ${EFFECT_JOB}, ${key}, ${JSON.stringify({ key })}, ${Date.now()}, 'pending', 0, 1, ${Date.now()}, ${Date.now()})`.execute(
            other.db,
          );
        // (once the runner's first scan is over: a scan still running would find the row by itself)
      // …and with no wake-up planned soon (a job the node itself wrote, due shortly, would wake
      // the runner and let it find the silent row too).
      const idle = () => {
        const r = runner as unknown as { running: boolean; wakeAt: number };
        return !r.running && r.wakeAt > Date.now() + 2000;
      };
      await new Promise((r) => setTimeout(r, 300));
      await waitUntil(idle, 5000, 'the runner to go idle');
      await insertSilently('silent-1');
        await new Promise((r) => setTimeout(r, 500));
        expect(await countEffects(other.db, 'silent-1')).toBe(0);

        // …until its connections are terminated while idle (one dropped idle connection used to
        // make the process exit): the runner reconnects LISTEN and rescans.
        const terminate = async () =>
          (
            await admin.query(
              `select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`,
              [appName],
            )
          ).rowCount ?? 0;
        const before = (await sessions()).map((s) => s.pid);
        expect(before.length).toBeGreaterThanOrEqual(2);
        expect(await terminate()).toBe(before.length);
        await new Promise((r) => setTimeout(r, 300));
        for (let i = 0; i < 10; i++) expect((await node.request('GET', '/api/v1/tickets')).status).toBe(200);
        expect((await node.request('POST', '/api/v1/tickets', { subject: 'after the kill' })).status).toBe(
          201,
        );
        await waitUntil(
          async () => (await countEffects(other.db, 'silent-1')) === 1,
          5000,
          'the rescan after the LISTEN reconnect',
        );
        await waitUntil(
          async () => (await sessions()).some((s) => s.query.startsWith('LISTEN') && !before.includes(s.pid)),
          5000,
          'a new LISTEN connection',
        );

        // Terminated again under load: requests in flight at that instant answer 503
        // database_unavailable, never a 500; the rest are served.
        const statuses: string[] = [];
        let load = true;
        const loaders = Array.from({ length: 4 }, async () => {
          while (load) {
            const r = await node.request('GET', '/api/v1/tickets');
            statuses.push(r.status === 200 ? '200' : `${r.status} ${r.body?.error?.code}`);
          }
        });
        await new Promise((r) => setTimeout(r, 100));
        expect(await terminate()).toBeGreaterThanOrEqual(2);
        await new Promise((r) => setTimeout(r, 300));
        load = false;
        await Promise.all(loaders);
        expect(statuses.filter((s) => s !== '200' && s !== '503 database_unavailable')).toEqual([]);
        expect(statuses.filter((s) => s === '200').length).toBeGreaterThan(0);
        for (let i = 0; i < 10; i++) expect((await node.request('GET', '/api/v1/tickets')).status).toBe(200);
        await waitUntil(
          async () => (await sessions()).filter((s) => s.query.startsWith('LISTEN')).length === 1,
          5000,
          'LISTEN again',
        );

        // A timer written on another node wakes this runner at its instant again (NOTIFY).
        const dueAt = Date.now() + 300;
        await inTransaction(other.db, (tx) =>
          enqueueJob(
            tx,
            { kind: EFFECT_JOB, payload: { key: 'notified-1' }, dueAt, dedupeKey: 'notified-1' },
            Date.now(),
          ),
        );
        await waitUntil(() => fired.has('notified-1'), 5000, 'the notified timer');
        expect(fired.get('notified-1')!).toBeLessThan(1000); // measured 0–20 ms on a quiet machine
        expect(await countEffects(other.db, 'notified-1')).toBe(1);
        expect(
          node.logs.some((l) => l.msg === 'job listener connection lost; reconnecting with backoff'),
        ).toBe(true);
        expect(node.logs.some((l) => l.msg === 'job listener reconnected')).toBe(true);
      } finally {
        await runner.stop({ graceMs: 1000 });
        await node.close();
      }
    },
  );

  it(
    'answers 503 database_unavailable while the database is unreachable and recovers by itself',
    { timeout: 40_000 },
    async () => {
      const target = new URL(PG_URL);
      const proxy = await startProxy(target);
      const url = withUrl((tdb.config as { url: string }).url, (u) => {
        u.hostname = '127.0.0.1';
        u.port = String(proxy.port);
      });
      const node = await startTestNode({ kind: 'postgres', url }, tdb.dataDir, { migrate: false });
      other ??= openDatabase(tdb.config);
      try {
        await node.deps.jobs.start();
        expect((await node.request('GET', '/readyz')).status).toBe(200);
        const dueAt = Date.now() + 1000;
        await inTransaction(other.db, (tx) =>
          enqueueJob(
            tx,
            { kind: EFFECT_JOB, payload: { key: 'overdue-1' }, dueAt, dedupeKey: 'overdue-1' },
            Date.now(),
          ),
        );

        await proxy.cut();
        const list = await node.request('GET', '/api/v1/tickets');
        expect(list.status).toBe(503);
        expect(list.body.error.code).toBe('database_unavailable');
        expect(list.body.error.requestId).toBeTruthy();
        expect(list.headers['retry-after']).toBe('5');
        const create = await node.request('POST', '/api/v1/tickets', { subject: 'during the outage' });
        expect([create.status, create.body.error.code]).toEqual([503, 'database_unavailable']);
        const ready = await node.request('GET', '/readyz');
        expect([ready.status, ready.body.error.code]).toEqual([503, 'database_unavailable']);

        // The timer falls due during the outage; the runner backs off and says so once.
        await new Promise((r) => setTimeout(r, 3500));
        expect(await countEffects(other.db, 'overdue-1')).toBe(0);
        const outageLogs = node.logs.filter(
          (l) => l.msg === 'the job runner cannot use the database; retrying with backoff until it is back',
        );
        expect(outageLogs.length).toBe(1);
        expect(node.logs.filter((l) => l.msg === 'job runner failed; retrying shortly')).toEqual([]);

        await proxy.restore();
        await waitUntil(
          async () => (await node.request('GET', '/readyz')).status === 200,
          10_000,
          'readiness after the outage',
        );
        await waitUntil(
          async () => (await countEffects(other.db, 'overdue-1')) === 1,
          10_000,
          'the overdue timer',
        );
        expect((await node.request('GET', '/api/v1/tickets')).status).toBe(200);
        expect((await node.request('POST', '/api/v1/tickets', { subject: 'after the outage' })).status).toBe(
          201,
        );
        await new Promise((r) => setTimeout(r, 500));
        expect(await countEffects(other.db, 'overdue-1')).toBe(1);
        expect(node.logs.some((l) => l.msg === 'the database is back; the job runner resumed')).toBe(true);
      } finally {
        await node.close();
        await proxy.close();
      }
    },
  );

  it('answers 503 storage_read_only from a read-only database (a standby), and /readyz fails', async () => {
    const writable = await startTestNode(tdb.config, tdb.dataDir, { migrate: false });
    const url = withUrl((tdb.config as { url: string }).url, (u) =>
      u.searchParams.set('options', `${u.searchParams.get('options')} -c default_transaction_read_only=on`),
    );
    const node = await startTestNode({ kind: 'postgres', url }, tdb.dataDir, {
      migrate: false,
      token: writable.token,
    });
    try {
      const r = await node.request('POST', '/api/v1/tickets', { subject: 'on a standby' });
      expect([r.status, r.body.error.code]).toEqual([503, 'storage_read_only']);
      expect(r.headers['retry-after']).toBeDefined();
      const ready = await node.request('GET', '/readyz');
      expect([ready.status, ready.body.error.code]).toEqual([503, 'storage_read_only']);
      expect((await writable.request('GET', '/readyz')).status).toBe(200);
    } finally {
      await node.close();
      await writable.close();
    }
  });
});
