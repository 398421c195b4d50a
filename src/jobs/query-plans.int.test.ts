/**
 * Access paths of the hot queries, on both databases, so that a query that walks a whole table
 * fails CI instead of slowing a desk down as it grows (issue 13).
 *
 * A workspace with an SLA policy on a business calendar and an escalation path gets tickets
 * with requesters, and the jobs table holds tens of thousands of pending timers. Then a real
 * workflow runs with every statement captured: a ticket's creation (requester by email, SLA
 * clocks, timers), an agent's reply (clocks stop, timers cancelled by prefix), an escalation
 * whose acknowledgement deadline passes, a breach, the timeline, and the job queue's own
 * queries. Every captured statement is explained:
 *
 * - SQLite (`EXPLAIN QUERY PLAN`, without ANALYZE statistics, as production databases are):
 *   no full scan of a hot table.
 * - PostgreSQL (`EXPLAIN`): the jobs table holds a realistic number of rows and is ANALYZEd, and
 *   no statement may plan a Seq Scan on it. The other hot tables are small here, where a Seq
 *   Scan can be the right plan, so for them the check is that an index access path exists: the
 *   plan with `enable_seqscan = off` has no Seq Scan on them.
 *
 * cancelJobsByPrefix is also checked by name: the dedupe-key index, never the state indexes.
 */
import { Kysely, sql, type LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { createContainer, type Container } from '../container.js';
import { migrateToLatest, type DatabaseHandle } from '../db/database.js';
import { createPostgresDialect, createSqliteDialect } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { FakeClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import type { Principal } from '../modules/auth/index.js';
import {
  allDatabases,
  createTestDatabase,
  isAvailable,
  type TestDatabase,
} from '../../test/helpers/databases.js';
import { cancelJobs, cancelJobsByPrefix, claimDueJobs, findJobByKey, nextWakeAt } from './jobs.repository.js';

const HOT = [
  'jobs',
  'tickets',
  'ticket_tags',
  'ticket_events',
  'sla_clocks',
  'ticket_sla',
  'escalations',
  'escalation_recipients',
  'deliveries',
  'customers',
  'notifications',
];
const PENDING = 30_000;
const H = 3600;

interface Captured {
  sql: string;
  parameters: readonly unknown[];
}

for (const kind of allDatabases) {
  describe.skipIf(!isAvailable(kind))(`query plans (${kind})`, () => {
    let tdb: TestDatabase;
    let handle: DatabaseHandle;
    let deps: Container;
    let explain: (q: Captured, opts?: { noSeqScan?: boolean }) => Promise<string>;
    let native: { close(): void } | null = null;
    const captured = new Map<string, Captured>();
    let capturing = false;
    const log = (e: LogEvent) => {
      if (capturing && e.level === 'query')
        captured.set(e.query.sql, { sql: e.query.sql, parameters: e.query.parameters });
    };
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 0, 0, 0)); // Monday 09:00 in Tokyo
    let admin: Principal;
    let pathId: string;

    beforeAll(async () => {
      tdb = await createTestDatabase(kind);
      if (tdb.config.kind === 'sqlite') {
        const s = createSqliteDialect(tdb.config.file);
        const explainer = createSqliteDialect(tdb.config.file).native;
        native = explainer;
        const db = new Kysely<Database>({ dialect: s.dialect, log });
        handle = { db, dialect: 'sqlite', close: () => db.destroy() };
        explain = async (q) =>
          (
            explainer.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as {
              detail: string;
            }[]
          )
            .map((r) => r.detail)
            .join('\n');
      } else {
        const p = createPostgresDialect(tdb.config.url);
        const db = new Kysely<Database>({ dialect: p.dialect, log });
        handle = { db, dialect: 'postgres', pgPool: p.pool, close: () => db.destroy() };
        explain = async (q, opts = {}) => {
          const c = await p.pool.connect();
          try {
            await c.query('begin');
            if (opts.noSeqScan) await c.query('set local enable_seqscan = off');
            const r = await c.query<{ 'QUERY PLAN': string }>(`explain ${q.sql}`, q.parameters as unknown[]);
            return r.rows.map((x) => x['QUERY PLAN']).join('\n');
          } finally {
            await c.query('rollback');
            c.release();
          }
        };
      }
      await migrateToLatest(handle);
      deps = createContainer(
        loadConfig({ ESCALON_DATA_DIR: tdb.dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0' }),
        createLogger('silent'),
        { clock, database: handle },
      );

      const u = await deps.users.create(null, { email: 'admin@plans.example', name: 'Admin', role: 'admin' });
      admin = {
        userId: u.id,
        role: 'admin',
        locale: 'en',
        timeZone: 'Asia/Tokyo',
        name: 'Admin',
        email: u.email,
        via: 'token',
      };
      const team = await deps.teams.create({ name: 'Support', members: [{ userId: u.id, role: 'manager' }] });
      const weekday: [string, string][] = [['09:00', '18:00']];
      const cal = await deps.calendars.create({
        name: 'Tokyo',
        definition: {
          timezone: 'Asia/Tokyo',
          weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [], sun: [] },
          holidayPresets: ['jp'],
          closures: [{ from: '12-29', to: '01-03' }],
        },
      });
      const biz = (seconds: number) => ({ seconds, calendarId: cal.id });
      const t = { firstResponse: biz(4 * H), nextResponse: biz(8 * H), resolution: biz(24 * H) };
      await deps.slaPolicies.create({
        name: 'Standard',
        position: 1,
        targets: { low: t, normal: t, high: t, urgent: t },
        warnings: { firstResponse: [{ elapsedPercent: 75 }], resolution: [{ beforeSeconds: 4 * H }] },
        actions: {
          onWarning: [{ type: 'notify', recipients: ['assignee'] }],
          onBreach: [
            { type: 'notify', recipients: ['assignee', 'team_manager'] },
            { type: 'add_tag', tag: 'sla-breached' },
          ],
        },
      });
      const level = (name: string, ackTimeoutSeconds: number) => ({
        name,
        kind: 'functional' as const,
        targets: [{ type: 'team' as const, teamId: team.id }],
        contact: { department: null, person: null, phone: null, email: null },
        ackTimeoutSeconds,
        calendarId: null,
        onTimeout: { advance: true, repeatReminders: 1, reminderIntervalSeconds: 600 },
        requiredBriefFields: [],
      });
      const conditions = {
        categories: [],
        products: [],
        tags: [],
        tagMode: 'any' as const,
        priorities: [],
        channels: [],
        customerTiers: [],
        customerTemperatures: [],
        keywords: [],
      };
      pathId = (
        await deps.escalationPaths.create(
          admin,
          {
            name: 'Escalate',
            purpose: '',
            ownerId: u.id,
            reviewIntervalDays: 90,
            active: true,
            conditions,
            levels: [level('L2', 60), level('L3', 3600)],
            fallbackUserIds: [],
            fallbackTeamId: null,
          },
          'plans',
        )
      ).id;

      // Tickets with requesters (half of them repeat customers) and escalations.
      for (let i = 0; i < 60; i++) {
        const ticket = await deps.tickets.create(admin, {
          subject: `Ticket ${i}`,
          description: 'プリンターが動きません。',
          teamId: team.id,
          requesterEmail: `customer-${i % 30}@plans.example`,
          tags: [`tag-${i % 7}`],
        });
        if (i % 4 === 0)
          await deps.escalations.escalate(admin, ticket.id, { pathId, brief: { ask: 'please' } });
      }
      // Many pending far-future timers and finished jobs, as a desk accumulates them.
      const now = clock.now();
      for (let start = 0; start < PENDING; start += 2000) {
        const rows = Array.from({ length: 2000 }, (_, k) => {
          const i = start + k;
          return {
            id: `fill-${String(i).padStart(6, '0')}`,
            // Mostly network jobs: a claim or wake-up for timers must not walk them.
            kind: i % 10 === 1 ? 'sla.breach' : 'deliver',
            dedupe_key: `sla:fill${String(i).padStart(6, '0')}:breach`,
            payload: '{}',
            due_at: now + 30 * 86_400_000 + i * 1000,
            state: i % 10 === 0 ? 'done' : 'pending',
            attempts: 0,
            max_attempts: 1,
            locked_by: null,
            locked_until: null,
            last_error: null,
            created_at: now,
            updated_at: now,
          };
        });
        await handle.db.insertInto('jobs').values(rows).execute();
      }
      if (kind === 'postgres') await sql`analyze`.execute(handle.db);

      // The workflow, captured.
      capturing = true;
      const ticket = await deps.tickets.create(admin, {
        subject: 'Captured',
        description: '請求書が届きません。',
        teamId: team.id,
        requesterEmail: 'new-customer@plans.example',
        tags: ['billing'],
      });
      await deps.tickets.create(admin, {
        subject: 'Captured 2',
        description: 'Again',
        requesterEmail: 'customer-1@plans.example',
      });
      const esc = await deps.escalations.escalate(admin, ticket.id, { pathId, brief: { ask: 'please' } });
      await deps.tickets.addMessage(admin, ticket.id, {
        body: 'We are looking into it.',
        visibility: 'public',
      });
      clock.advance(2 * 60_000); // the acknowledgement deadline passes: the next level
      await deps.jobs.drain();
      clock.advance(3 * 24 * 3600_000); // resolution breached
      await deps.jobs.drain();
      await deps.escalations.get(null, esc.id);
      await deps.tickets.timeline(null, ticket.id, { limit: 50 });
      await deps.sla.clocksFor(ticket.id);
      const n = clock.now();
      await cancelJobsByPrefix(handle.db, 'sla:fill000123:', n);
      await cancelJobs(handle.db, ['sla:fill000124:breach'], n);
      await findJobByKey(handle.db, 'sla:fill000125:breach');
      await nextWakeAt(handle.db);
      await claimDueJobs(handle.db, handle.dialect, 'plans', n, 60_000, 100);
      // What the runner's loops run: claims and wake-ups for some kinds only.
      await nextWakeAt(handle.db, { onlyKinds: ['sla.breach', 'escalation.timer'] });
      await claimDueJobs(handle.db, handle.dialect, 'plans', n, 60_000, 50, { only: ['sla.breach', 'notify'] });
      capturing = false;
    }, 240_000);

    afterAll(async () => {
      await deps?.close();
      native?.close();
      await tdb?.drop();
    });

    it('cancelJobsByPrefix reads the dedupe-key index, not the state indexes', async () => {
      const q = [...captured.values()].find(
        (c) => /update "?jobs"? set state = 'cancelled'/i.test(c.sql) && /dedupe_key.*>=/.test(c.sql),
      );
      expect(q, 'the prefix cancel was captured').toBeDefined();
      const plan = await explain(q!);
      if (kind === 'sqlite') {
        expect(plan).toMatch(
          /SEARCH jobs USING INDEX sqlite_autoindex_jobs_\d+ \(dedupe_key>\? AND dedupe_key<\?\)/,
        );
      } else {
        expect(plan).toContain('jobs_pending_key');
        expect(plan).not.toMatch(/Seq Scan|BitmapAnd|jobs_due|jobs_lease/);
      }
    });

    it('a claim and a wake-up for some kinds read one index range per kind, never the other kinds\' jobs', async () => {
      const claims = [...captured.values()].filter(
        (c) => /update jobs set state = 'running'/i.test(c.sql) && /state = 'pending' and kind = /.test(c.sql),
      );
      const wakes = [...captured.values()].filter((c) => /select min\(due_at\) from jobs where state = 'pending' and kind = /.test(c.sql));
      expect(claims.length, 'a claim by kind was captured').toBeGreaterThan(0);
      expect(wakes.length, 'a wake-up by kind was captured').toBeGreaterThan(0);
      for (const q of [...claims, ...wakes]) {
        const plan = await explain(q);
        if (kind === 'sqlite') {
          expect(plan).toMatch(/SEARCH (jobs|j) USING (COVERING )?INDEX jobs_kind_due \(state=\? AND kind=\?/);
          expect(plan).not.toMatch(/^SCAN (jobs|j)\b|jobs_due_order|jobs_lease \(state=\?\)$/m);
        } else {
          expect(plan).toContain('jobs_kind_due');
          expect(plan).not.toMatch(/Seq Scan on jobs|jobs_due_order/);
        }
      }
    });

    it('claimDueJobs reads ordered index ranges and sorts no due jobs', async () => {
      const claims = [...captured.values()].filter((c) => /update jobs set state = 'running'/i.test(c.sql));
      const pending = claims.filter((c) => /state = 'pending' and due_at <=/.test(c.sql));
      const lapsed = claims.filter((c) => /state = 'running' and locked_until </.test(c.sql));
      expect(pending.length, 'the pending claim was captured').toBeGreaterThan(0);
      expect(lapsed.length, 'the lapsed-lease claim was captured').toBeGreaterThan(0);
      for (const q of [...pending, ...lapsed]) {
        const plan = await explain(q);
        const index = pending.includes(q) ? 'jobs_due_order' : 'jobs_lease';
        if (kind === 'sqlite') {
          expect(plan).toMatch(new RegExp(`SEARCH jobs USING (COVERING )?INDEX ${index} \\(state=\\? AND`));
          expect(plan).not.toMatch(/TEMP B-TREE|MULTI-INDEX OR|^SCAN jobs\b/m);
        } else {
          expect(plan).toContain(index);
          expect(plan).not.toMatch(/Seq Scan|BitmapOr|Sort/);
        }
      }
    });

    it('no captured statement walks a hot table', async () => {
      const problems: string[] = [];
      let explained = 0;
      for (const q of captured.values()) {
        if (
          /^\s*(begin|commit|rollback|savepoint|release|set local|select pg_notify|select nextval|select pg_advisory)/i.test(
            q.sql,
          )
        )
          continue;
        if (/^\s*insert\b/i.test(q.sql) && !/\bselect\b/i.test(q.sql)) continue; // plain inserts read nothing
        const plan = await explain(q);
        explained++;
        for (const table of HOT) {
          const scan =
            kind === 'sqlite' ? new RegExp(`^SCAN ${table}\\b`, 'm') : new RegExp(`Seq Scan on ${table}\\b`);
          if (!scan.test(plan)) continue;
          // PostgreSQL, small table: a Seq Scan is fine when an index path exists.
          if (kind === 'postgres' && table !== 'jobs' && !scan.test(await explain(q, { noSeqScan: true })))
            continue;
          problems.push(`${table}: ${q.sql}\n${plan}`);
        }
      }
      expect(explained).toBeGreaterThan(30);
      expect(problems).toEqual([]);
    });
  });
}
