/**
 * Schema-driven fuzzing of every operation in the OpenAPI document, on SQLite and PostgreSQL:
 * path parameters, query strings and JSON bodies generated from each operation's own schema
 * (mostly fitting values, with ids of real rows, so requests reach services and the database),
 * mixed with hostile values (NUL, huge, unicode, bidi, wrong types, out-of-range numbers).
 * Called as an administrator and anonymously; no answer may be a 5xx.
 *
 * Bounded: a fixed seed and a fixed number of runs per operation (FUZZ_RUNS to change it),
 * shrinking off (endOnFailure), so a run takes well under a minute per database.
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../test/helpers/app.js';
import { fitting, valueOf, hostileString, type JsonSchema } from '../../test/helpers/schema-arbitrary.js';
import { levelBody, pathBody } from '../modules/paths/path-test-support.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_105);
const ADMIN_RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const ANON_RUNS = Math.max(2, Math.round(ADMIN_RUNS / 4));

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: 'path' | 'query'; required?: boolean; schema: JsonSchema }[];
  body?: JsonSchema;
  raw: boolean;
}

interface Doc {
  paths: Record<string, Record<string, { parameters?: Operation['params']; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

function operationsOf(doc: Doc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      ops.push({ method: method.toUpperCase(), path, params: op.parameters ?? [], body: content['application/json']?.schema, raw: /\/attachments$/.test(path) && method === 'post' });
    }
  }
  return ops;
}

const isStream = (op: Operation) => op.path.endsWith('/stream');

/** Every `id` in a JSON answer (ids of rows that exist), and other ids by property name. */
function harvest(value: unknown, into: Set<string>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) harvest(v, into, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && /(^id$|Id$)/.test(k) && v.length < 100) into.add(v);
    else harvest(v, into, depth + 1);
  }
}

type Call = { path: string; query: string; body: string | Buffer | undefined; contentType?: string };

function callArbitrary(op: Operation, ids: (collection?: string) => string[], resolveRef: (ref: string) => JsonSchema | undefined): fc.Arbitrary<Call> {
  const pool = (coll?: string) => {
    const list = ids(coll);
    return fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...list) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: hostileString });
  };
  const known = (name: string) => (/(^id$|Id$|^token$)/.test(name) ? pool(collectionOfField(name)) : undefined);
  const opts = { known, resolveRef };
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const pathArb = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, p.schema.enum || p.schema.type === 'integer' ? valueOf(p.schema, opts, 0, p.name) : pool(collectionOfParam(op.path, p.name))])));
  const queryArb = fc.record(
    Object.fromEntries(queryParams.map((p) => [p.name, valueOf(p.schema, { ...opts, hostileWeight: 0.1 }, 0, p.name)])),
    { requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name) },
  );
  const invalidJson = fc.constantFrom('{"a":', '[', '"\\u0000"', '{"__proto__":{"x":1}}', `{"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'null', '0');
  let bodyArb: fc.Arbitrary<{ body: string | Buffer | undefined; contentType?: string }>;
  if (op.raw) {
    bodyArb = fc.record({ body: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), contentType: fc.constantFrom('application/octet-stream', 'image/png', 'text/html', 'application/json', 'x/\u00e9') });
  } else if (op.body) {
    const schemaBody = fitting(op.body, opts, 0).map((v) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' }));
    bodyArb = fc.oneof({ weight: 12, arbitrary: schemaBody }, { weight: 1, arbitrary: invalidJson.map((b) => ({ body: b, contentType: 'application/json' })) }, { weight: 1, arbitrary: fc.constant({ body: undefined }) });
  } else {
    bodyArb = fc.oneof({ weight: 6, arbitrary: fc.constant({ body: undefined }) }, { weight: 1, arbitrary: invalidJson.map((b) => ({ body: b, contentType: 'application/json' })) }, { weight: 1, arbitrary: hostileString.map((b) => ({ body: b, contentType: 'application/x-www-form-urlencoded' })) });
  }
  return fc.record({ pathValues: pathArb, queryValues: queryArb, b: bodyArb }).map(({ pathValues, queryValues, b }) => {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => percentEncode(String(pathValues[name] ?? 'x')));
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(queryValues)) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) q.append(k, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
    }
    return { path, query: q.toString(), body: b.body, contentType: b.contentType };
  });
}

/** encodeURIComponent, but lone surrogates become U+FFFD instead of throwing. */
const percentEncode = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** The collection a path parameter names rows of: the segment before it (/tickets/{id} → tickets). */
const collectionOfParam = (path: string, name: string): string | undefined => {
  const segs = path.split('/');
  const i = segs.indexOf(`{${name}}`);
  return i > 0 ? segs[i - 1] : undefined;
};

/** The collection a body field's id points into (assigneeId → users, slaPolicyId → sla-policies). */
const collectionOfField = (name: string): string | undefined => {
  const base = name.replace(/Ids?$/, '');
  if (/^(user|assignee|requester|receiver|delegate|owner|manager|member|actor|by)$/i.test(base)) return base === 'requester' ? 'customers' : 'users';
  const kebab = base.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return { path: 'escalation-paths', fallbackTeam: 'teams', organization: 'organizations', customer: 'customers', sla: 'sla-policies', 'sla-policy': 'sla-policies' }[kebab as 'path'] ?? `${kebab}s`;
};

const describeCall = (op: Operation, c: Call) =>
  `${op.method} ${c.path}${c.query ? '?' + c.query.slice(0, 300) : ''} ${typeof c.body === 'string' ? c.body.slice(0, 300) : c.body ? `<${c.body.length} bytes>` : ''}`;

/** A few rows of each kind, so generated ids reach real tickets, escalations, paths… */
async function seed(t: TestContext): Promise<void> {
  const { request, actors } = t;
  const must = async (method: string, url: string, body: unknown) => {
    const r = await request(method, url, actors.admin, body);
    expect(r.status, `${url} ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body as { id: string };
  };
  const day = [['09:00', '18:00']];
  const cal = await must('POST', '/api/v1/calendars', { name: 'Tokyo hours', definition: { timezone: 'Asia/Tokyo', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] } } });
  await must('POST', '/api/v1/sla-policies', { name: 'fuzz', position: 0, conditions: {}, targets: { normal: { firstResponse: { seconds: 3600, calendarId: cal.id } } } });
  const team = await must('POST', '/api/v1/teams', { name: 'Fuzz team', members: [{ userId: actors.specialist.id, role: 'member' }] });
  const org = await must('POST', '/api/v1/organizations', { name: 'Fuzz Org' });
  const customer = await must('POST', '/api/v1/customers', { name: '顧客', email: 'fuzz@customer.example', organizationId: org.id });
  const path = await must('POST', '/api/v1/escalation-paths', pathBody(actors.manager.id, [levelBody('L2', [{ type: 'user', userId: actors.specialist.id }]), levelBody('L3', [{ type: 'team', teamId: team.id }])]));
  await must('POST', '/api/v1/rotations', { name: 'Fuzz rota', members: [actors.specialist.id, actors.manager.id], shift: { unit: 'days', days: 1 }, handoffTime: '09:00', timeZone: 'Asia/Tokyo', startDate: '2026-01-01', teamId: team.id });
  await must('POST', '/api/v1/messaging-integrations', { name: 'Fuzz chat' });
  for (let i = 0; i < 3; i++) {
    const ticket = await must('POST', '/api/v1/tickets', { subject: `Fuzz ${i}`, description: 'body', requesterId: customer.id, teamId: team.id });
    await must('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'a reply', visibility: 'public' });
    await must('POST', `/api/v1/tickets/${ticket.id}/escalations`, { pathId: path.id, brief: { ask: 'help', links: [{ url: 'https://crm.example/1', label: 'CRM' }] } });
  }
}

async function fuzz(t: TestContext, who: 'admin' | 'anonymous'): Promise<string[]> {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as Doc;
  const ops = operationsOf(doc);
  expect(ops.length).toBeGreaterThan(50);
  const admin = t.actors.admin;
  const resolveRef = (ref: string) => doc.components?.schemas?.[ref.replace('#/components/schemas/', '')];

  // Ids of rows that exist: every list the administrator can read, less the administrator's own
  // account and tokens (revoking them would turn the rest of the run into 401s).
  const found = new Set<string>([t.actors.agent.id, t.actors.specialist.id, t.actors.supervisor.id, t.actors.manager.id, t.otherAgent.id]);
  const byCollection = new Map<string, Set<string>>([['users', new Set(found)]]);
  for (const op of ops.filter((o) => o.method === 'GET' && !o.path.includes('{') && o.path !== '/api/v1/tokens' && !isStream(o))) {
    const r = await t.app.inject({ method: 'GET', url: op.path, headers: admin.auth });
    if (r.statusCode !== 200 || !(r.headers['content-type'] ?? '').toString().includes('json')) continue;
    const own = new Set<string>();
    for (const item of (r.json() as { items?: { id?: unknown }[] }).items ?? []) if (typeof item?.id === 'string') own.add(item.id);
    const coll = op.path.split('/').pop()!;
    byCollection.set(coll, new Set([...(byCollection.get(coll) ?? []), ...own]));
    harvest(r.json(), found);
  }
  const tokens = (await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: admin.auth })).json() as { items?: { id: string; userId?: string }[] };
  const mine = new Set([admin.id, ...(tokens.items ?? []).map((tok) => tok.id)]);
  const ids = (collection?: string) => {
    const list = [...(collection ? (byCollection.get(collection) ?? found) : found)].filter((id) => !mine.has(id));
    return list.length ? list : [...found].filter((id) => !mine.has(id));
  };

  let sent = 0;
  const failures: string[] = [];
  const runs = who === 'admin' ? ADMIN_RUNS : ANON_RUNS;
  for (const [i, op] of ops.entries()) {
    // The live event stream never ends for a signed-in caller; anonymously it must still say 401.
    if (who === 'admin' && isStream(op)) continue;
    const opStarted = Date.now();
    const statuses: Record<number, number> = {};
    const details = await fc.check(
      fc.asyncProperty(callArbitrary(op, ids, resolveRef), async (c) => {
        const res = await t.app.inject({
          method: op.method as 'GET',
          url: c.query ? `${c.path}?${c.query}` : c.path,
          headers: { ...(who === 'admin' ? admin.auth : {}), ...(c.contentType ? { 'content-type': c.contentType } : {}) },
          ...(c.body !== undefined && { payload: c.body }),
          remoteAddress: `10.77.${i % 250}.${(sent++ % 250) + 1}`,
        });
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (process.env.FUZZ_DEBUG && res.statusCode === 400 && who === 'admin') appendFileSync(process.env.FUZZ_DEBUG + '.400', `${op.method} ${op.path} ${res.body.slice(0, 250)}\n`);
        if (res.statusCode >= 500) throw new Error(`${res.statusCode} ${res.body.slice(0, 300)}`);
      }),
      { seed: SEED + i, numRuns: runs, endOnFailure: true },
    );
    if (process.env.FUZZ_DEBUG) appendFileSync(process.env.FUZZ_DEBUG, `${t.kind} ${who} ${op.method} ${op.path} ${Date.now() - opStarted} ms ${JSON.stringify(statuses)}${details.failed ? ' FAILED' : ''}\n`);
    if (details.failed) {
      const c = details.counterexample?.[0] as Call | undefined;
      failures.push(`${who}: ${c ? describeCall(op, c) : op.method + ' ' + op.path} -> ${String((details.errorInstance as Error | undefined)?.message ?? 'failed')}`);
    }
  }
  // The run really was the administrator's to the end.
  expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: admin.auth })).statusCode).toBe(200);
  return failures;
}

describeEachDb(
  'OpenAPI fuzz: no operation answers 5xx',
  (ctx) => {
    it(
      'as an administrator and anonymously, with schema-shaped and hostile inputs',
      async () => {
        const started = Date.now();
        await seed(ctx());
        const failures = [...(await fuzz(ctx(), 'admin')), ...(await fuzz(ctx(), 'anonymous'))];
        console.info(`[fuzz ${ctx().kind}] ${((Date.now() - started) / 1000).toFixed(1)} s`);
        expect(failures, failures.join('\n')).toEqual([]);
      },
      Number(process.env.FUZZ_TIMEOUT_MS ?? 120_000),
    );
  },
  // Generous limits so the throttles answer 429 rarely and the forms get exercised.
  { env: { ESCALON_LOGIN_RATE_LIMIT: '10000', ESCALON_CONTACT_RATE_LIMIT: '10000' } },
);
