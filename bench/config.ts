/**
 * The benchmark configuration every harness shares: what a real desk has configured, created
 * through the same services an administrator uses (like the demo's processes), so the
 * configured figures measure the product as it is used rather than an empty database.
 *
 * - 20 teams, 200 agents (10 per team: 8 members, a supervisor, a manager);
 * - 2 business calendars in Asia/Tokyo with the Japanese holiday preset and closures (year end,
 *   Obon), one with a lunch break;
 * - 4 SLA policies with conditions (customer tier, category, channel) before a catch-all
 *   standard policy, with warnings and notify / add-tag actions;
 * - 500 escalation paths with category, product, tag, priority and keyword conditions; 10 of
 *   them automatic (narrow conditions: the outage category), the rest manual;
 * - 1,000 existing customers in 50 organisations (tiers standard to platinum); each ticket
 *   names its requester by email — existing customers half the time, a new address otherwise,
 *   so customers are looked up or created by email;
 * - tickets with a category, a product, a team, 1–3 tags and a priority.
 *
 * `BENCH_CASES=bare,configured` (the default) selects which cases a harness runs.
 */
import type { Container } from '../src/container.js';
import type { Principal } from '../src/modules/auth/index.js';
import type { CalendarDefinition } from '../src/modules/calendars/index.js';
import type { Level, PathDefinition } from '../src/modules/paths/path.types.js';
import type { CreateTicketInput } from '../src/modules/tickets/tickets.service.js';

export type BenchCase = 'bare' | 'configured';
export const benchCases = (): BenchCase[] =>
  (process.env.BENCH_CASES ?? 'bare,configured').split(',').map((s) => s.trim()) as BenchCase[];

export const CONFIG_SUMMARY =
  '20 teams, 200 agents, 2 Tokyo calendars (JP holidays, closures), 5 SLA policies with conditions, 500 escalation paths (10 automatic), 1,000 customers, requester email per ticket';

export const TEAMS = 20;
export const AGENTS_PER_TEAM = 10;
export const PATHS = 500;
export const AUTO_PATHS = 10;
export const CUSTOMERS = 1000;
export const CATEGORIES = [
  'billing',
  'defect',
  'technical',
  'account',
  'sales',
  'hardware',
  'performance',
  'security',
  'privacy',
  'outage',
] as const;
export const PRODUCTS = Array.from({ length: 12 }, (_, i) => `product-${i}`);
export const TAGS = Array.from({ length: 40 }, (_, i) => `tag-${i}`);
const TIERS = ['standard', 'silver', 'gold', 'platinum'] as const;
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'] as const;
const KEYWORDS = [
  '返金',
  '障害',
  '解約',
  '請求',
  'エラー',
  'ログイン',
  '至急',
  'refund',
  'outage',
  'invoice',
  'password',
  'crash',
];
const H = 3600;

/** Deterministic pseudo-random numbers, so every run sees the same configuration and tickets. */
export function rng(seed = 42): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}
const pickFrom = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const officeHours = (lunch: boolean): CalendarDefinition['weekly'] => {
  const day: [string, string][] = lunch
    ? [
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ]
    : [['09:00', '18:00']];
  return { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] };
};

export interface BenchSetup {
  admin: Principal;
  teamIds: string[];
  agentIds: string[];
  calendarIds: string[];
  pathIds: string[];
  customerEmails: string[];
}

const noConditions = {
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

/** Creates the configuration in a migrated, empty workspace (through the services). */
export async function seedBenchConfig(deps: Container): Promise<BenchSetup> {
  const r = rng(7);
  const adminUser = await deps.users.create(null, {
    email: 'bench-admin@bench.example',
    name: 'Bench Admin',
    role: 'admin',
  });
  const admin: Principal = {
    userId: adminUser.id,
    role: 'admin',
    locale: 'en',
    timeZone: 'Asia/Tokyo',
    name: adminUser.name,
    email: adminUser.email,
    via: 'token',
  };

  const agentIds: string[] = [];
  const teamIds: string[] = [];
  for (let t = 0; t < TEAMS; t++) {
    const members: { userId: string; role: 'member' | 'supervisor' | 'manager' }[] = [];
    for (let a = 0; a < AGENTS_PER_TEAM; a++) {
      const role = a === 0 ? 'manager' : a === 1 ? 'supervisor' : a % 3 === 0 ? 'specialist' : 'agent';
      const u = await deps.users.create(null, {
        email: `agent-${t}-${a}@bench.example`,
        name: `Agent ${t}-${a}`,
        role,
        locale: a % 4 === 0 ? 'en' : 'ja',
        timeZone: 'Asia/Tokyo',
      });
      agentIds.push(u.id);
      members.push({ userId: u.id, role: a === 0 ? 'manager' : a === 1 ? 'supervisor' : 'member' });
    }
    teamIds.push(
      (
        await deps.teams.create({
          name: `Team ${t}`,
          description: `Bench team ${t}`,
          contactEmail: `team-${t}@bench.example`,
          contactPhone: null,
          members,
        })
      ).id,
    );
  }

  const closures = [
    { from: '12-29', to: '01-03', name: '年末年始' },
    { from: '08-13', to: '08-16', name: 'お盆' },
  ];
  const calendarIds: string[] = [];
  for (const [i, lunch] of [true, false].entries()) {
    const c = await deps.calendars.create({
      name: `東京 営業時間 ${i + 1} / Tokyo office hours ${i + 1}`,
      definition: {
        timezone: 'Asia/Tokyo',
        weekly: officeHours(lunch),
        holidays: ['2026-06-01'],
        recurringHolidays: ['05-01'],
        holidayPresets: ['jp'],
        closures,
        exceptions: [{ date: '2026-12-26', hours: [['10:00', '15:00']], name: 'Saturday opening' }],
      },
    });
    calendarIds.push(c.id);
  }
  const [cal1, cal2] = calendarIds as [string, string];
  const biz = (seconds: number, calendarId = cal1) => ({ seconds, calendarId });
  const targets = (f: number, calendarId: string) => ({
    low: { firstResponse: biz(8 * H * f, calendarId), resolution: biz(40 * H * f, calendarId) },
    normal: {
      firstResponse: biz(4 * H * f, calendarId),
      nextResponse: biz(8 * H * f, calendarId),
      resolution: biz(24 * H * f, calendarId),
    },
    high: {
      firstResponse: biz(2 * H * f, calendarId),
      nextResponse: biz(4 * H * f, calendarId),
      resolution: biz(16 * H * f, calendarId),
    },
    urgent: {
      firstResponse: { seconds: H, calendarId: null },
      nextResponse: { seconds: 2 * H, calendarId: null },
      resolution: { seconds: 8 * H, calendarId: null },
    },
  });
  const warnings = { firstResponse: [{ elapsedPercent: 75 }], resolution: [{ beforeSeconds: 4 * H }] };
  const actions = {
    onWarning: [{ type: 'notify' as const, recipients: ['assignee' as const] }],
    onBreach: [
      { type: 'notify' as const, recipients: ['assignee' as const, 'team_manager' as const] },
      { type: 'add_tag' as const, tag: 'sla-breached' },
    ],
  };
  await deps.slaPolicies.create({
    name: 'VIP',
    position: 10,
    conditions: { customerTier: ['gold', 'platinum'] },
    targets: targets(0.5, cal1),
    warnings,
    actions,
  });
  await deps.slaPolicies.create({
    name: 'Security and privacy',
    position: 20,
    conditions: { category: ['security', 'privacy'] },
    targets: targets(0.5, cal2),
    warnings,
    actions,
  });
  await deps.slaPolicies.create({
    name: 'Phone and chat',
    position: 30,
    conditions: { channel: ['phone', 'chat'] },
    targets: targets(0.75, cal2),
    warnings,
    actions,
  });
  await deps.slaPolicies.create({
    name: 'Hardware',
    position: 40,
    conditions: { category: ['hardware'], tags: ['tag-1', 'tag-2', 'tag-3'] },
    targets: targets(2, cal1),
    warnings,
    actions,
  });
  await deps.slaPolicies.create({
    name: 'Standard',
    position: 100,
    targets: targets(1, cal1),
    warnings,
    actions,
  });

  const level = (
    name: string,
    teamId: string,
    ackTimeoutSeconds: number,
    calendarId: string | null,
  ): Level => ({
    name,
    kind: 'functional',
    targets: [{ type: 'team', teamId }],
    contact: { department: name, person: null, phone: null, email: null },
    ackTimeoutSeconds,
    calendarId,
    onTimeout: { advance: true, repeatReminders: 1, reminderIntervalSeconds: 30 * 60 },
    requiredBriefFields: [],
  });
  const some = <T>(xs: readonly T[], max: number): T[] => [
    ...new Set(Array.from({ length: 1 + Math.floor(r() * max) }, () => pickFrom(r, xs))),
  ];
  const pathIds: string[] = [];
  for (let p = 0; p < PATHS; p++) {
    const auto = p < AUTO_PATHS;
    const def: PathDefinition = {
      name: `Path ${p}`,
      purpose: `Bench path ${p}`,
      ownerId: agentIds[(p * 7) % agentIds.length]!,
      reviewIntervalDays: 90,
      active: true,
      autoEscalate: auto,
      conditions: auto
        ? { ...noConditions, categories: ['outage'], products: [PRODUCTS[p % PRODUCTS.length]!] }
        : {
            ...noConditions,
            categories:
              r() < 0.7
                ? some(
                    CATEGORIES.filter((c) => c !== 'outage'),
                    3,
                  )
                : [],
            products: r() < 0.4 ? some(PRODUCTS, 2) : [],
            tags: r() < 0.3 ? some(TAGS, 3) : [],
            priorities: r() < 0.3 ? some(['high', 'urgent'] as const, 2) : [],
            keywords: r() < 0.5 ? some(KEYWORDS, 3) : [],
          },
      levels: [
        level('L2', teamIds[p % TEAMS]!, 30 * 60, p % 2 ? cal1 : null),
        level('L3', teamIds[(p + 1) % TEAMS]!, 2 * H, cal2),
      ],
      fallbackUserIds: [admin.userId],
      fallbackTeamId: null,
    };
    pathIds.push((await deps.escalationPaths.create(admin, def, 'bench configuration')).id);
  }

  const orgIds: string[] = [];
  for (let o = 0; o < 50; o++)
    orgIds.push(
      (await deps.customers.createOrganization({ name: `Organisation ${o}`, tier: TIERS[o % TIERS.length] }))
        .id,
    );
  const customerEmails: string[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const email = `customer-${c}@customers.bench.example`;
    await deps.customers.create({
      name: `Customer ${c}`,
      email,
      organizationId: c % 3 === 0 ? orgIds[c % orgIds.length]! : null,
      tier: TIERS[c % 4],
      locale: c % 5 === 0 ? 'en' : 'ja',
    });
    customerEmails.push(email);
  }
  return { admin, teamIds, agentIds, calendarIds, pathIds, customerEmails };
}

/**
 * The i-th ticket of the configured case, as the API receives it: a requester email (an
 * existing customer half the time, a new one otherwise), category, product, team, tags.
 * `run` keeps new addresses unique across runs on the same database.
 */
export function configuredTicket(
  setup: Pick<BenchSetup, 'teamIds' | 'customerEmails'>,
  i: number,
  run = 0,
): CreateTicketInput {
  const r = rng(1000 + i);
  r();
  const existing = r() < 0.5;
  const tags = [
    ...new Set([
      pickFrom(r, TAGS),
      ...(r() < 0.5 ? [pickFrom(r, TAGS)] : []),
      ...(r() < 0.3 ? [pickFrom(r, TAGS)] : []),
    ]),
  ];
  return {
    subject: `プリンターが動きません / Printer does not work #${i}`,
    description:
      'いつもお世話になっております。プリンターが動きません。至急対応をお願いします。 The printer stopped working after the update.',
    priority: pickFrom(r, PRIORITIES),
    category: r() < 0.02 ? 'outage' : pickFrom(r, CATEGORIES.slice(0, 9)),
    product: pickFrom(r, PRODUCTS),
    tags,
    channel: pickFrom(r, ['email', 'web', 'api', 'phone', 'chat'] as const),
    teamId: pickFrom(r, setup.teamIds),
    requesterEmail: existing ? pickFrom(r, setup.customerEmails) : `new-${run}-${i}@requesters.bench.example`,
    requesterName: `Requester ${i}`,
  };
}

/** The bare case's ticket: no requester, no configuration to match. */
export const bareTicket = (i: number): CreateTicketInput => ({
  subject: `Bench ticket ${i}`,
  description: 'プリンターが動きません。至急対応をお願いします。',
  priority: 'normal',
  tags: ['bench'],
  channel: 'api',
});

/**
 * Figures a harness reports for `npm run bench`'s summary table: one line per figure on
 * stdout, `BENCH-RESULT {"harness":…,"figure":…,"db":…,"case":…,"value":…,"unit":…}`.
 */
export function report(r: {
  harness: string;
  figure: string;
  db: string;
  case: BenchCase | '-';
  value: number;
  unit: string;
}): void {
  console.log(`BENCH-RESULT ${JSON.stringify(r)}`);
}

/**
 * For harnesses that start the server as a separate process: migrates the database and seeds
 * the configuration through a container of its own, closed before the server starts.
 */
export async function seedDatabase(
  database: import('../src/db/database.js').DatabaseHandle,
  dataDir: string,
): Promise<BenchSetup> {
  const { loadConfig } = await import('../src/config/config.js');
  const { createContainer } = await import('../src/container.js');
  const { migrateToLatest } = await import('../src/db/database.js');
  const { createLogger } = await import('../src/lib/logger.js');
  await migrateToLatest(database);
  const deps = createContainer(
    loadConfig({ ESCALON_DATA_DIR: dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0', ESCALON_OUTBOUND_ALLOW: '127.0.0.0/8,::1' }),
    createLogger('silent'),
    { database },
  );
  const setup = await seedBenchConfig(deps);
  await deps.close();
  return setup;
}
