/**
 * Growth curve: how creation, the console's ticket lists, a ticket page and its timeline behave
 * as the desk accumulates tickets. The workspace is configured through the API (20 teams of 10
 * agents, a Tokyo business calendar with the JP holiday preset, one SLA policy with warnings);
 * tickets are then bulk-loaded straight into the database, written the way the API writes them:
 * one template ticket per priority is created (and answered, and solved) through the API, and its
 * rows — tickets, tags, customers, timeline events, the SLA snapshot, clocks, their timers in
 * `jobs`, reply deliveries — are the shapes the loader copies, with fresh ids, a status that
 * follows the ticket's age (a year of history: most old tickets closed, a backlog left open),
 * and clocks and timers in the state the service would have left them (past due → breached,
 * met → timers cancelled, running → timers pending in the future).
 *
 * At each size (0, then every step up to the maximum) the server (from source) is measured:
 * creation through the API at concurrency 8, and with one client the filtered lists the console
 * and the issue use (p50/p95), a ticket page, its timeline and a text search (issue 19's; shown
 * so it does not get worse).
 *
 *   npx tsx bench/growth.bench.ts [sqlite|postgres] [--max 200000] [--steps 0,100000,500000]
 *   GROWTH_MAX=1000000 npm run bench -- growth
 * Env: GROWTH_MAX, GROWTH_STEPS, GROWTH_DB, GROWTH_CREATE_SECONDS (default 15), GROWTH_REPS (default 40),
 * GROWTH_FLOOD (0..1, default 0: the share of tickets loaded as a burst of untouched new tickets
 * from the last hours, their SLA timers pending — the desk the issue measured).
 */
import http from 'node:http';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  createTestDatabase,
  isAvailable,
  type DbKind,
  type TestDatabase,
} from '../test/helpers/databases.js';
import { runCli, startServerProcess } from '../test/helpers/process.js';
import { percentile, runLoad } from './load.js';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const MAX = Number(flag('max') ?? process.env.GROWTH_MAX ?? 200_000);
const STEPS = (
  flag('steps') ??
  process.env.GROWTH_STEPS ??
  [0, 100_000, 200_000, 500_000, 1_000_000]
    .filter((n) => n < MAX)
    .concat(MAX)
    .join(',')
)
  .split(',')
  .map(Number)
  .filter((n) => n <= MAX);
const CREATE_SECONDS = Number(process.env.GROWTH_CREATE_SECONDS ?? 15);
const REPS = Number(process.env.GROWTH_REPS ?? 40);
const FLOOD = Number(process.env.GROWTH_FLOOD ?? 0);
const positional = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const kinds = (
  positional.length ? positional : process.env.GROWTH_DB ? [process.env.GROWTH_DB] : ['sqlite', 'postgres']
) as DbKind[];

const DAY = 86_400_000;
const NOW = Date.now();
type Status = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
const ACTIVE = ['new', 'open', 'pending', 'on_hold'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const TAGS = [
  'billing',
  'login',
  'printer',
  'vpn',
  'mail',
  'invoice',
  'refund',
  'outage',
  'hardware',
  'account',
  'network',
  'license',
];
const CATEGORIES = ['問い合わせ', '障害', '要望', '請求', 'アカウント', 'ハードウェア', 'ネットワーク', null];
const PRODUCTS = ['Escalon Cloud', 'Desk Pro', 'Scanner X2', 'Router 5', null, null];
const CHANNELS = ['email', 'email', 'web', 'phone', 'api', 'chat'] as const;
const PHRASES = [
  'プリンターが動きません。至急対応をお願いします。',
  '請求書の金額が見積もりと異なっています。確認をお願いできますか。',
  'VPN に接続できなくなりました。昨日までは問題ありませんでした。',
  'The scanner stops after the first page and shows error E-42.',
  'We were charged twice on the last invoice, please refund one of them.',
  'ログインしようとするとパスワードが違うと表示されます。',
  'Mail to our customers bounces since this morning.',
  'ライセンスの更新手続きについて教えてください。',
];
const REPLIES = [
  'ご連絡ありがとうございます。確認して折り返しご連絡いたします。',
  'Thanks for the report — could you send us a screenshot of the error?',
  '設定を変更しましたので、もう一度お試しください。',
];

// Deterministic pseudo-random numbers, so two runs load the same desk.
// (mulberry32: 32-bit integer arithmetic, so no precision is lost in doubles.)
let seed = 42;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const weighted = <T>(pairs: [T, number][]): T => {
  let r = rnd() * pairs.reduce((s, p) => s + p[1], 0);
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[pairs.length - 1]![0];
};
const idAt = (ms: number) => uuidv7({ msecs: Math.floor(ms) });

type Row = Record<string, unknown>;

// ------------------------------------------------------------------------------ HTTP client

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of several routes
): Promise<{ status: number; ms: number; body: any }> {
  const u = new URL(path, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload && {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
async function must(base: string, token: string, method: string, path: string, body?: unknown) {
  const r = await call(base, token, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// --------------------------------------------------------------------------- raw database

interface Raw {
  all(sql: string, params?: unknown[]): Promise<Row[]>;
  insert(table: string, rows: Row[]): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  close(): Promise<void>;
}

function openRaw(db: TestDatabase): Raw {
  if (db.config.kind === 'sqlite') {
    const s = new SQLite(db.config.file);
    s.pragma('journal_mode = WAL');
    s.pragma('synchronous = OFF');
    s.pragma('cache_size = -262144');
    const stmts = new Map<string, SQLite.Statement>();
    return {
      all: async (q, p = []) => s.prepare(q.replace(/\$\d+/g, '?')).all(...(p as unknown[])) as Row[],
      async insert(table, rows) {
        if (!rows.length) return;
        const cols = Object.keys(rows[0]!);
        const per = Math.max(1, Math.floor(999 / cols.length));
        for (let i = 0; i < rows.length; i += per) {
          const chunk = rows.slice(i, i + per);
          const key = `${table}:${cols.join(',')}:${chunk.length}`;
          let st = stmts.get(key);
          if (!st) {
            const one = `(${cols.map(() => '?').join(',')})`;
            st = s.prepare(
              `insert into ${table} (${cols.join(',')}) values ${Array(chunk.length).fill(one).join(',')}`,
            );
            stmts.set(key, st);
          }
          st.run(...chunk.flatMap((r) => cols.map((c) => r[c] as unknown)));
        }
      },
      begin: async () => void s.exec('begin'),
      commit: async () => void s.exec('commit'),
      close: async () => void s.close(),
    };
  }
  const client = new pg.Client({ connectionString: db.config.url });
  const connected = client.connect();
  return {
    async all(q, p = []) {
      await connected;
      return (await client.query(q, p)).rows as Row[];
    },
    async insert(table, rows) {
      await connected;
      if (!rows.length) return;
      const cols = Object.keys(rows[0]!);
      const per = Math.max(1, Math.floor(30_000 / cols.length));
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        const values: unknown[] = [];
        const tuples = chunk.map(
          (r) => `(${cols.map((c) => (values.push(r[c]), `$${values.length}`)).join(',')})`,
        );
        await client.query(`insert into ${table} (${cols.join(',')}) values ${tuples.join(',')}`, values);
      }
    },
    begin: async () => void (await connected, await client.query('begin')),
    commit: async () => void (await client.query('commit')),
    close: () => client.end(),
  };
}

// ---------------------------------------------------------------------------- the workspace

interface Workspace {
  adminId: string;
  teams: { id: string; members: string[] }[];
  templates: Record<string, Record<string, Row[]>>; // priority → table → rows of the template ticket
  replied: Record<string, Row[]>; // the answered template's rows (deliveries, reply events)
  customer: Row;
  someAgent: string;
  someTeam: string;
}

async function configure(base: string, token: string, raw: Raw): Promise<Workspace> {
  const adminId = (await raw.all('select id from users where email = $1', ['growth@test.example']))[0]!
    .id as string;
  const cal = await must(base, token, 'POST', '/api/v1/calendars', {
    name: 'Tokyo office',
    definition: {
      timezone: 'Asia/Tokyo',
      weekly: {
        mon: [
          ['09:00', '12:00'],
          ['13:00', '18:00'],
        ],
        tue: [
          ['09:00', '12:00'],
          ['13:00', '18:00'],
        ],
        wed: [
          ['09:00', '12:00'],
          ['13:00', '18:00'],
        ],
        thu: [
          ['09:00', '12:00'],
          ['13:00', '18:00'],
        ],
        fri: [
          ['09:00', '12:00'],
          ['13:00', '18:00'],
        ],
        sat: [],
        sun: [],
      },
      holidayPresets: ['jp'],
      recurringHolidays: ['12-29', '12-30', '12-31', '01-02', '01-03'],
    },
  });
  const t = (s: number) => ({ seconds: s, calendarId: cal.id });
  await must(base, token, 'POST', '/api/v1/sla-policies', {
    name: 'Standard',
    targets: {
      low: { firstResponse: t(8 * 3600), nextResponse: t(16 * 3600), resolution: t(80 * 3600) },
      normal: { firstResponse: t(4 * 3600), nextResponse: t(8 * 3600), resolution: t(40 * 3600) },
      high: { firstResponse: t(2 * 3600), nextResponse: t(4 * 3600), resolution: t(16 * 3600) },
      urgent: { firstResponse: t(1800), nextResponse: t(3600), resolution: t(8 * 3600) },
    },
    warnings: { firstResponse: [{ elapsedPercent: 75 }], resolution: [{ elapsedPercent: 80 }] },
  });
  const teams: Workspace['teams'] = [];
  for (let i = 0; i < 20; i++) {
    const members: string[] = [];
    for (let j = 0; j < 10; j++)
      members.push(
        (
          await must(base, token, 'POST', '/api/v1/users', {
            email: `agent${i}-${j}@growth.example`,
            name: `Agent ${i}-${j}`,
            role: 'agent',
            locale: 'ja',
            timeZone: 'Asia/Tokyo',
          })
        ).id,
      );
    const team = await must(base, token, 'POST', '/api/v1/teams', {
      name: `Team ${i}`,
      members: members.map((userId) => ({ userId, role: 'member' })),
    });
    teams.push({ id: team.id, members });
  }
  // One template per priority, created through the API like a mail from a customer.
  const templates: Workspace['templates'] = {};
  const ids: string[] = [];
  for (const priority of PRIORITIES) {
    const tk = await must(base, token, 'POST', '/api/v1/tickets', {
      subject: `Template ${priority}`,
      description: PHRASES[0],
      priority,
      tags: ['printer'],
      channel: 'email',
      teamId: teams[0]!.id,
      requesterEmail: `template-${priority}@customer.example`,
      requesterName: 'Template',
    });
    ids.push(tk.id);
    templates[priority] = await rowsOf(raw, tk.id);
  }
  // The normal one is answered by an agent and solved: the rows a reply writes.
  const replied = ids[1]!;
  await must(base, token, 'PATCH', `/api/v1/tickets/${replied}`, { assigneeId: teams[0]!.members[0] });
  await must(base, token, 'POST', `/api/v1/tickets/${replied}/messages`, {
    body: REPLIES[0],
    visibility: 'public',
  });
  await must(base, token, 'PATCH', `/api/v1/tickets/${replied}`, { status: 'solved' });
  const customer = (
    await raw.all('select * from customers where email = $1', ['template-normal@customer.example'])
  )[0]!;
  return {
    adminId,
    teams,
    templates,
    replied: await rowsOf(raw, replied),
    customer,
    someAgent: teams[3]!.members[2]!,
    someTeam: teams[5]!.id,
  };
}

async function rowsOf(raw: Raw, ticketId: string): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of [
    'tickets',
    'ticket_tags',
    'ticket_events',
    'ticket_sla',
    'sla_clocks',
    'deliveries',
    'ticket_message_ids',
  ]) {
    out[table] = await raw.all(
      `select * from ${table} where ${table === 'tickets' ? 'id' : 'ticket_id'} = $1 order by 1`,
      [ticketId],
    );
  }
  const clockIds = out.sla_clocks!.map((c) => c.id as string);
  out.jobs = (await raw.all(`select * from jobs order by id`)).filter(
    (j) =>
      clockIds.some((c) => String(j.dedupe_key ?? '').includes(c)) || String(j.payload).includes(ticketId),
  );
  return out;
}

// ----------------------------------------------------------------------------- the loader

let ticketNumber = 5_000_000; // far above what the API hands out during the run

/** Rows of `count` tickets spread over the last year, in the states the service leaves them. */
function generate(ws: Workspace, count: number, customerPool: string[]) {
  const out: Record<string, Row[]> = {
    customers: [],
    tickets: [],
    ticket_tags: [],
    ticket_events: [],
    ticket_sla: [],
    sla_clocks: [],
    jobs: [],
    deliveries: [],
  };
  const tplEvent = (kind: string) => ws.templates.normal!.ticket_events!.find((e) => e.kind === kind)!;
  const replyEvent = ws.replied.ticket_events!.find(
    (e) => e.kind === 'message.added' && e.author_type === 'user',
  )!;
  const fieldEvent =
    ws.replied.ticket_events!.find((e) => e.kind === 'field.changed') ?? tplEvent('ticket.created');
  const clockTpl = ws.templates.normal!.sla_clocks!.find((c) => c.kind === 'first_response')!;
  const jobTpl =
    ws.templates.normal!.jobs!.find((j) => j.kind === 'sla.breach') ?? ws.templates.normal!.jobs![0]!;
  const deliveryTpl = ws.replied.deliveries![0];
  for (let n = 0; n < count; n++) {
    // GROWTH_FLOOD: the share of tickets that arrived in the last hours and nobody touched yet
    // (an integration's burst; the issue's desk): their clocks run and their timers are pending.
    const flood = rnd() < FLOOD;
    const age = flood
      ? Math.floor(rnd() * 8 * 3600_000) + 60_000
      : Math.floor(Math.pow(rnd(), 1.15) * 365 * DAY) + 60_000;
    const created = NOW - age;
    const id = idAt(created);
    const priority = weighted<(typeof PRIORITIES)[number]>([
      ['low', 20],
      ['normal', 55],
      ['high', 18],
      ['urgent', 7],
    ]);
    const status = weighted<Status>(
      flood
        ? [['new', 1]]
        : age < DAY
          ? [
              ['new', 50],
              ['open', 25],
              ['pending', 15],
              ['on_hold', 5],
              ['solved', 5],
            ]
          : age < 14 * DAY
            ? [
                ['new', 10],
                ['open', 15],
                ['pending', 15],
                ['on_hold', 5],
                ['solved', 25],
                ['closed', 30],
              ]
            : [
                ['new', 3],
                ['open', 3],
                ['pending', 2],
                ['on_hold', 1],
                ['solved', 6],
                ['closed', 85],
              ],
    );
    const team = rnd() < 0.9 ? pick(ws.teams) : null;
    const assignee = status === 'new' ? null : team ? pick(team.members) : null;
    let requester: string;
    if (customerPool.length === 0 || rnd() < 0.3) {
      requester = idAt(created);
      out.customers!.push({
        ...ws.customer,
        id: requester,
        name: `Customer ${customerPool.length}`,
        email: `c${customerPool.length}-${requester.slice(-8)}@customer.example`,
        created_at: created,
        updated_at: created,
      });
      customerPool.push(requester);
    } else requester = pick(customerPool);
    const tags = rnd() < 0.6 ? [...new Set([pick(TAGS), ...(rnd() < 0.3 ? [pick(TAGS)] : [])])] : [];
    const replyAt = status === 'new' ? null : created + Math.floor(Math.min(age * 0.5, rnd() * 6 * 3600_000));
    const doneAt =
      status === 'solved' || status === 'closed'
        ? Math.min(NOW - 1000, (replyAt ?? created) + Math.floor(rnd() * 3 * DAY))
        : null;
    const updated = doneAt ?? replyAt ?? created;
    const tpl = ws.templates[priority]!;
    const number = ++ticketNumber;
    out.tickets!.push({
      ...tpl.tickets![0]!,
      id,
      number,
      subject: `${pick(['プリンター', '請求書', 'VPN', 'Scanner', 'Invoice', 'ログイン', 'Mail', 'ライセンス'])} — ${number}`,
      status,
      priority,
      category: pick(CATEGORIES),
      product: pick(PRODUCTS),
      tags: JSON.stringify(tags),
      channel: pick(CHANNELS),
      requester_id: requester,
      team_id: team?.id ?? null,
      assignee_id: assignee,
      created_by: ws.adminId,
      created_at: created,
      updated_at: updated,
      solved_at: doneAt,
      closed_at: status === 'closed' ? doneAt : null,
      version: status === 'new' ? 1 : 4,
    });
    for (const tag of tags) out.ticket_tags!.push({ ticket_id: id, tag });
    // SLA: the snapshot and the two clocks started at creation (next response starts later).
    const snapRow = tpl.ticket_sla![0]!;
    out.ticket_sla!.push({ ...snapRow, ticket_id: id, applied_at: created });
    const clocks: Row[] = [];
    for (const c of tpl.sla_clocks!) {
      const target = Number(c.target_seconds) * 1000;
      const due = created + target * 3; // business hours: roughly three wall-clock units per business unit
      const stoppedAt = c.kind === 'first_response' ? replyAt : doneAt;
      const pausedNow = c.kind === 'resolution' && (status === 'pending' || status === 'on_hold');
      let state: string;
      let met: number | null = null;
      let breachedAt: number | null = null;
      if (stoppedAt !== null) {
        met = stoppedAt;
        state = stoppedAt > due ? 'breached' : 'met';
        if (state === 'breached') breachedAt = due;
      } else if (due < NOW) {
        state = 'breached';
        breachedAt = due;
      } else state = pausedNow ? 'paused' : 'running';
      const clockId = idAt(created);
      const row: Row = {
        ...clockTpl,
        ...c,
        id: clockId,
        ticket_id: id,
        state,
        started_at: created,
        consumed_ms: state === 'paused' ? Math.floor(target / 2) : 0,
        segment_started_at: state === 'running' ? created : null,
        due_at: state === 'running' || state === 'breached' ? due : null,
        met_at: met,
        breached_at: breachedAt,
        superseded_at: null,
        created_at: created,
        updated_at: met ?? breachedAt ?? created,
      };
      clocks.push(row);
      out.sla_clocks!.push(row);
      // Its timers: pending while running and in the future, done once fired, cancelled once stopped.
      const warnAt = created + Math.floor(target * 3 * 0.75);
      const jobState = (at: number) =>
        state === 'running'
          ? at > NOW
            ? 'pending'
            : 'done'
          : state === 'breached' && stoppedAt === null
            ? 'done'
            : at < (stoppedAt ?? NOW)
              ? 'done'
              : 'cancelled';
      out.jobs!.push({
        ...jobTpl,
        id: idAt(created),
        kind: 'sla.warning',
        dedupe_key: `sla:${clockId}:warn:0`,
        payload: JSON.stringify({ clockId, cycle: 1, index: 0 }),
        due_at: warnAt,
        state: jobState(warnAt),
        attempts: jobState(warnAt) === 'done' ? 1 : 0,
        created_at: created,
        updated_at: created,
      });
      out.jobs!.push({
        ...jobTpl,
        id: idAt(created),
        kind: 'sla.breach',
        dedupe_key: `sla:${clockId}:breach`,
        payload: JSON.stringify({ clockId, cycle: 1 }),
        due_at: due,
        state: jobState(due),
        attempts: jobState(due) === 'done' ? 1 : 0,
        created_at: created,
        updated_at: created,
      });
    }
    // Timeline: created, policy applied, the inquiry; then the reply, assignment, status changes.
    const ev = (base: Row, at: number, extra: Row) =>
      out.ticket_events!.push({ ...base, id: idAt(at), ticket_id: id, created_at: at, ...extra });
    ev(tplEvent('ticket.created'), created, {
      author_id: ws.adminId,
      data: JSON.stringify({ channel: 'email', number }),
    });
    ev(tplEvent('sla.policy_applied'), created, {
      data: JSON.stringify({
        policyId: snapRow.policy_id,
        policyName: snapRow.policy_name,
        policyVersion: 1,
        clocks: clocks.map((c) => ({
          kind: c.kind,
          targetSeconds: Number(c.target_seconds),
          dueAt: new Date(Number(c.started_at) + Number(c.target_seconds) * 3000).toISOString(),
        })),
      }),
    });
    ev(tplEvent('message.added'), created, {
      author_id: requester,
      body: `${pick(PHRASES)}\n\n${pick(PHRASES)}`,
    });
    if (assignee)
      ev(tplEvent('ticket.created'), (replyAt ?? created) - 1000, {
        kind: 'ticket.assigned',
        author_id: assignee,
        data: JSON.stringify({ field: 'assigneeId', from: null, to: assignee }),
      });
    if (replyAt !== null) {
      const replyId = idAt(replyAt);
      out.ticket_events!.push({
        ...replyEvent,
        id: replyId,
        ticket_id: id,
        author_id: assignee ?? ws.adminId,
        body: pick(REPLIES),
        created_at: replyAt,
      });
      ev(fieldEvent, replyAt, {
        author_id: assignee ?? ws.adminId,
        data: JSON.stringify({ field: 'status', from: 'new', to: status === 'new' ? 'open' : 'pending' }),
      });
      if (deliveryTpl)
        out.deliveries!.push({
          ...deliveryTpl,
          id: idAt(replyAt),
          ticket_id: id,
          event_id: replyId,
          message_id: `<${replyId}@growth.example>`,
          recipient_key: `customer:${requester}`,
          group_key: null,
          scheduled_at: replyAt,
          delivered_at: replyAt + 2000,
          created_at: replyAt,
          updated_at: replyAt + 2000,
        });
    }
    if (doneAt !== null)
      ev(fieldEvent, doneAt, {
        author_id: assignee ?? ws.adminId,
        data: JSON.stringify({ field: 'status', from: 'pending', to: status }),
      });
  }
  return out;
}

async function load(raw: Raw, ws: Workspace, count: number, pool: string[]) {
  const batch = 20_000;
  for (let done = 0; done < count; done += batch) {
    const rows = generate(ws, Math.min(batch, count - done), pool);
    await raw.begin();
    for (const table of [
      'customers',
      'tickets',
      'ticket_tags',
      'ticket_sla',
      'sla_clocks',
      'jobs',
      'ticket_events',
      'deliveries',
    ])
      await raw.insert(table, rows[table]!);
    await raw.commit();
  }
}

// --------------------------------------------------------------------------- measurements

type Figures = Record<string, string>;

async function measure(base: string, token: string, ws: Workspace, kind: DbKind): Promise<Figures> {
  const f: Figures = {};
  const pool = Array.from({ length: 500 }, (_, i) => `repeat${i}@customer.example`);
  const create = await runLoad({
    url: `${base}/api/v1/tickets`,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: (i) =>
      JSON.stringify({
        subject: `Growth ${i}`,
        description: PHRASES[i % PHRASES.length],
        priority: PRIORITIES[i % 4],
        tags: [TAGS[i % TAGS.length]],
        channel: 'email',
        teamId: ws.teams[i % 20]!.id,
        requesterEmail:
          i % 3 === 0 ? `new-${process.pid}-${Date.now()}-${i}@customer.example` : pool[i % pool.length],
        requesterName: 'Growth',
      }),
    concurrency: 8,
    seconds: CREATE_SECONDS,
    expectStatus: 201,
  });
  f['create c8 (tickets/s)'] = `${create.rps.toFixed(0)}/s${create.errors ? ` (${create.errors} err)` : ''}`;
  f['create c8 p50 / p99 (ms)'] = `${create.p50.toFixed(0)} / ${create.p99.toFixed(0)}`;

  const active = ACTIVE.map((s) => `status=${s}`).join('&');
  const lists: [string, string][] = [
    ['?status=new&sort=-updated', 'status=new&sort=-updated'],
    ['?sla=at_risk', 'sla=at_risk'],
    ['?status=open&priority=high', 'status=open&priority=high'],
    ['queue all (active, -created)', `${active}&sort=-created&limit=50`],
    ['queue all (active, created)', `${active}&sort=created&limit=50`],
    ['queue mine (assignee, active)', `assignee=${ws.someAgent}&${active}&sort=-created&limit=50`],
    ['queue team (active, -updated)', `team=${ws.someTeam}&${active}&sort=-updated&limit=50`],
    ['queue unassigned (active)', `assignee=none&${active}&sort=-created&limit=50`],
    ['at risk (active, -updated, 100)', `${active}&sla=at_risk&slaWindow=3600&sort=-updated&limit=100`],
    ['supervisor (7 days window)', `${active}&sla=at_risk&slaWindow=604800&sort=-updated&limit=100`],
    ['breached', `sla=breached&sort=-updated`],
    ['all, -updated', `sort=-updated&limit=50`],
  ];
  for (const [label, q] of lists) {
    const times: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const r = await call(base, token, 'GET', `/api/v1/tickets?${q}`);
      if (r.status !== 200) throw new Error(`${q}: ${r.status} ${JSON.stringify(r.body)}`);
      times.push(r.ms);
    }
    times.sort((a, b) => a - b);
    f[`${label} p50 / p95`] = `${percentile(times, 50).toFixed(1)} / ${percentile(times, 95).toFixed(1)}`;
  }
  // Pages 2-4 of the active queue, as "load more" asks for them.
  {
    const times: number[] = [];
    for (let i = 0; i < Math.max(4, REPS / 4); i++) {
      let cursor: string | null = (await call(base, token, 'GET', `/api/v1/tickets?${active}&limit=50`)).body
        .nextCursor;
      for (let p = 0; p < 3 && cursor; p++) {
        const r = await call(
          base,
          token,
          'GET',
          `/api/v1/tickets?${active}&limit=50&cursor=${encodeURIComponent(cursor)}`,
        );
        times.push(r.ms);
        cursor = r.body.nextCursor;
      }
    }
    times.sort((a, b) => a - b);
    f['queue pages 2-4 p50 / p95'] =
      `${percentile(times, 50).toFixed(1)} / ${percentile(times, 95).toFixed(1)}`;
  }
  // A ticket page and its timeline, for tickets spread over the table.
  const sample = (await call(base, token, 'GET', `/api/v1/tickets?sort=-created&limit=100`)).body.items.map(
    (t: { id: string }) => t.id,
  ) as string[];
  const older = (await call(base, token, 'GET', `/api/v1/tickets?sort=created&limit=100`)).body.items.map(
    (t: { id: string }) => t.id,
  ) as string[];
  const ids = [...sample, ...older];
  for (const [label, path] of [
    ['GET ticket', (id: string) => `/api/v1/tickets/${id}`],
    ['GET timeline', (id: string) => `/api/v1/tickets/${id}/timeline`],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < REPS; i++)
      times.push((await call(base, token, 'GET', path(ids[i % ids.length]!))).ms);
    times.sort((a, b) => a - b);
    f[`${label} p50 / p95`] = `${percentile(times, 50).toFixed(1)} / ${percentile(times, 95).toFixed(1)}`;
  }
  {
    const times: number[] = [];
    for (let i = 0; i < 5; i++)
      times.push((await call(base, token, 'GET', `/api/v1/tickets?text=scanner`)).ms);
    times.sort((a, b) => a - b);
    f['?text=scanner (issue 19) p50'] = percentile(times, 50).toFixed(0);
  }
  void kind;
  return f;
}

function printTable(kind: DbKind, columns: { size: number; figures: Figures; loadSeconds: number }[]) {
  const labels = Object.keys(columns[0]!.figures);
  const head = ['', ...columns.map((c) => `${c.size.toLocaleString('en')} tickets`)];
  const rows = [
    ...labels.map((l) => [l, ...columns.map((c) => c.figures[l] ?? '')]),
    ['bulk load to this size (s)', ...columns.map((c) => c.loadSeconds.toFixed(0))],
  ];
  const w = head.map((_, i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
  console.log(
    `\n${kind}: growth curve (list/page figures: ms, one client; create: concurrency 8, ${CREATE_SECONDS} s)`,
  );
  console.log(`| ${head.map((h, i) => h.padEnd(w[i]!)).join(' | ')} |`);
  console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  for (const r of rows) console.log(`| ${r.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`);
}

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  const db = await createTestDatabase(kind);
  const env = {
    ESCALON_DATABASE_URL: db.config.kind === 'sqlite' ? `sqlite:${db.config.file}` : db.config.url,
    ESCALON_DATA_DIR: db.dataDir,
    ESCALON_DEMO: '0',
    ESCALON_LOG_LEVEL: 'warn',
  };
  runCli(
    [
      'users',
      'add',
      '--email',
      'growth@test.example',
      '--name',
      'Growth',
      '--role',
      'admin',
      '--password',
      'load-test-passphrase-1',
    ],
    env,
  );
  const token = runCli(['tokens', 'create', '--email', 'growth@test.example'], env).stdout.trim();
  const raw = openRaw(db);
  let server = await startServerProcess(env);
  const ws = await configure(server.url, token, raw);
  const pool: string[] = [];
  const columns: { size: number; figures: Figures; loadSeconds: number }[] = [];
  let loaded = 0;
  for (const size of STEPS) {
    let loadSeconds = 0;
    if (size > loaded) {
      // The loader writes alone (a long write transaction would block the server's writes on SQLite).
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
      const t0 = performance.now();
      await load(raw, ws, size - loaded, pool);
      if (kind === 'postgres') await raw.all('analyze'); // what autovacuum does after a bulk load
      loadSeconds = (performance.now() - t0) / 1000;
      console.log(
        `${kind}: loaded ${(size - loaded).toLocaleString('en')} tickets in ${loadSeconds.toFixed(0)} s`,
      );
      loaded = size;
      server = await startServerProcess(env);
    }
    const figures = await measure(server.url, token, ws, kind);
    columns.push({ size, figures, loadSeconds });
    console.log(`${kind} at ${size.toLocaleString('en')}: ${JSON.stringify(figures)}`);
  }
  printTable(kind, columns);
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));
  await raw.close();
  if (!process.env.GROWTH_KEEP) await db.drop();
  else console.log(`${kind}: database kept: ${JSON.stringify(db.config)}`);
}
agent.destroy();
