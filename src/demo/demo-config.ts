/**
 * The demo workspace's processes: a Tokyo business calendar with the Japanese holidays, SLA
 * policies, an on-call rotation and escalation paths — created through the same services an
 * administrator uses, before the demo tickets arrive, so the tickets carry real SLA clocks and
 * the billing disputes and outages are escalated by their paths.
 */
import type { Container } from '../container.js';
import type { Principal } from '../modules/auth/index.js';
import type { Level, PathDefinition } from '../modules/paths/index.js';

const H = 3600;

/** What the demo seed names its calendar, SLA policies and rotation (`escalon demo remove` finds them by these). */
export const DEMO_CALENDAR_NAME = '東京本社 営業時間 / Tokyo office hours';
export const DEMO_SLA_POLICY_NAMES = ['VIP (ゴールド以上) / VIP customers', '標準 / Standard'];
export const DEMO_ROTATION_NAME = '開発オンコール / Engineering on-call';
/** The reason recorded on version 1 of every demo escalation path. */
export const DEMO_PATH_REASON = 'demo workspace';
const noConditions = { categories: [], products: [], tags: [], tagMode: 'any' as const, priorities: [], channels: [], customerTiers: [], customerTemperatures: [], keywords: [] };

export async function seedDemoConfig(deps: Container, admin: Principal, users: Map<string, string>, teams: Map<string, string>): Promise<void> {
  const u = (k: string) => users.get(k)!;
  const t = (k: string) => teams.get(k)!;

  const calendar = await deps.calendars.create({
    name: DEMO_CALENDAR_NAME,
    definition: {
      timezone: 'Asia/Tokyo',
      weekly: {
        mon: [['09:00', '12:00'], ['13:00', '18:00']],
        tue: [['09:00', '12:00'], ['13:00', '18:00']],
        wed: [['09:00', '12:00'], ['13:00', '18:00']],
        thu: [['09:00', '12:00'], ['13:00', '18:00']],
        fri: [['09:00', '12:00'], ['13:00', '18:00']],
        sat: [],
        sun: [],
      },
      holidays: [],
      recurringHolidays: [],
      holidayPresets: ['jp'],
      closures: [{ from: '12-29', to: '01-03' }],
      exceptions: [],
    },
  });
  const biz = (seconds: number) => ({ seconds, calendarId: calendar.id });
  const wall = (seconds: number) => ({ seconds, calendarId: null });

  await deps.slaPolicies.create({
    name: DEMO_SLA_POLICY_NAMES[0]!,
    position: 10,
    conditions: { customerTier: ['gold', 'platinum'] },
    targets: {
      low: { firstResponse: biz(4 * H), resolution: biz(24 * H) },
      normal: { firstResponse: biz(2 * H), nextResponse: biz(4 * H), resolution: biz(16 * H) },
      high: { firstResponse: biz(1 * H), nextResponse: biz(2 * H), resolution: biz(8 * H) },
      urgent: { firstResponse: wall(30 * 60), nextResponse: wall(1 * H), resolution: wall(4 * H) },
    },
    warnings: { firstResponse: [{ elapsedPercent: 75 }], resolution: [{ beforeSeconds: 2 * H }] },
    actions: {
      onWarning: [{ type: 'notify', recipients: ['assignee'] }],
      onBreach: [{ type: 'notify', recipients: ['assignee', 'team_manager'] }, { type: 'add_tag', tag: 'sla-breached' }, { type: 'raise_priority' }],
    },
  });
  await deps.slaPolicies.create({
    name: DEMO_SLA_POLICY_NAMES[1]!,
    position: 100,
    targets: {
      low: { firstResponse: biz(8 * H), resolution: biz(40 * H) },
      normal: { firstResponse: biz(4 * H), nextResponse: biz(8 * H), resolution: biz(24 * H) },
      high: { firstResponse: biz(2 * H), nextResponse: biz(4 * H), resolution: biz(16 * H) },
      urgent: { firstResponse: wall(1 * H), nextResponse: wall(2 * H), resolution: wall(8 * H) },
    },
    warnings: { firstResponse: [{ elapsedPercent: 75 }], resolution: [{ beforeSeconds: 4 * H }] },
    actions: {
      onWarning: [{ type: 'notify', recipients: ['assignee'] }],
      onBreach: [{ type: 'notify', recipients: ['assignee', 'team_manager'] }, { type: 'add_tag', tag: 'sla-breached' }],
    },
  });

  const rotation = await deps.rotations.create({
    name: DEMO_ROTATION_NAME,
    members: [u('eng'), u('sv_en')],
    shift: { unit: 'days', days: 7 },
    handoffTime: '09:00',
    timeZone: 'Asia/Tokyo',
    startDate: '2026-01-05',
    teamId: t('eng'),
  });

  const level = (name: string, kind: Level['kind'], targets: Level['targets'], contact: Level['contact'], ackTimeoutSeconds: number, calendarId: string | null, onTimeout: Level['onTimeout'], requiredBriefFields: Level['requiredBriefFields'] = []): Level => ({
    name,
    kind,
    targets,
    contact,
    ackTimeoutSeconds,
    calendarId,
    onTimeout,
    requiredBriefFields,
  });
  const paths: PathDefinition[] = [
    {
      name: '請求トラブル / Billing disputes',
      purpose: '請求額の相違・二重請求・返金の要求。結論（いくら・いつまでに）を先に書いてください。 / Wrong amounts, double charges and refunds: state the amount and the deadline first.',
      ownerId: u('manager'),
      reviewIntervalDays: 90,
      active: true,
      autoEscalate: true,
      conditions: { ...noConditions, categories: ['billing-dispute'] },
      levels: [
        level('請求チーム / Billing team', 'functional', [{ type: 'team', teamId: t('billing') }], { department: '請求 / Billing', person: null, phone: '03-1234-5610', email: 'billing@demo.example' }, 30 * 60, calendar.id, { advance: true, repeatReminders: 2, reminderIntervalSeconds: 15 * 60, reminderBackoff: 2 }, ['ask', 'tried']),
        level('部長承認 / Department head', 'hierarchical', [{ type: 'user', userId: u('manager') }], { department: '請求 / Billing', person: '山本 部長', phone: '03-1234-5601', email: 'yamamoto@demo.example' }, 1 * H, calendar.id, { advance: true, repeatReminders: 1, reminderIntervalSeconds: 30 * 60 }),
      ],
      fallbackUserIds: [u('admin')],
      fallbackTeamId: null,
    },
    {
      name: '重大障害 / Outages',
      purpose: 'サービス停止・業務停止。24時間対応。 / Service down for a customer: around the clock.',
      ownerId: u('sv_en'),
      reviewIntervalDays: 30,
      active: true,
      autoEscalate: true,
      conditions: { ...noConditions, categories: ['outage'] },
      levels: [
        level('技術サポート / Technical support', 'functional', [{ type: 'team', teamId: t('tech') }], { department: '技術サポート / Technical support', person: null, phone: '03-1234-5620', email: 'tech@demo.example' }, 15 * 60, null, { advance: true, repeatReminders: 1, reminderIntervalSeconds: 5 * 60 }),
        level('開発オンコール / Engineering on-call', 'functional', [{ type: 'rotation', rotationId: rotation.id }], { department: '開発 / Engineering', person: null, phone: '03-1234-5630', email: 'eng@demo.example' }, 15 * 60, null, { advance: true, repeatReminders: 2, reminderIntervalSeconds: 5 * 60 }),
        level('開発責任者 / Head of engineering', 'hierarchical', [{ type: 'user', userId: u('sv_en') }], { department: '開発 / Engineering', person: 'Emily Clark', phone: '03-1234-5631', email: 'emily@demo.example' }, 30 * 60, null, { advance: true, repeatReminders: 1, reminderIntervalSeconds: 10 * 60 }),
      ],
      fallbackUserIds: [u('admin'), u('manager')],
      fallbackTeamId: null,
    },
    {
      name: '苦情・法的リスク / Complaints and legal risk',
      purpose: '強い苦情・責任者対応の要求・法的リスク。営業責任者と法務に同時に上げます。 / Serious complaints, requests for a manager, legal risk: supervisor and legal at once.',
      ownerId: u('manager'),
      reviewIntervalDays: 60,
      active: true,
      autoEscalate: false,
      conditions: { ...noConditions, categories: ['complaint'] },
      levels: [
        level('SV と法務 / Supervisor and legal', 'hierarchical', [{ type: 'role', role: 'supervisor_of_assignee' }, { type: 'team', teamId: t('legal') }], { department: '一次対応 SV・法務 / Front-line supervisor, Legal', person: '佐藤 花子', phone: '03-1234-5640', email: 'legal@demo.example' }, 1 * H, calendar.id, { advance: true, repeatReminders: 1, reminderIntervalSeconds: 30 * 60 }, ['ask', 'concern', 'tried']),
        level('部長 / Department head', 'hierarchical', [{ type: 'user', userId: u('manager') }], { department: '一次対応 / Front line', person: '山本 部長', phone: '03-1234-5601', email: 'yamamoto@demo.example' }, 2 * H, calendar.id, { advance: true, repeatReminders: 1, reminderIntervalSeconds: 1 * H }),
      ],
      fallbackUserIds: [u('admin')],
      fallbackTeamId: null,
    },
    // Manual paths for the everyday questions an agent cannot answer alone, so that most active
    // demo tickets have a path; general questions and feature requests are left to direct escalation.
    {
      name: '契約・請求の相談 / Billing and contract questions',
      purpose: '返金・解約・領収書・見積など、請求チームの判断が要る相談。 / Refunds, cancellations, receipts and quotes that need the billing team.',
      ownerId: u('manager'),
      reviewIntervalDays: 180,
      active: true,
      autoEscalate: false,
      conditions: { ...noConditions, categories: ['billing', 'sales'] },
      levels: [
        level('請求チーム / Billing team', 'functional', [{ type: 'team', teamId: t('billing') }], { department: '請求 / Billing', person: null, phone: '03-1234-5610', email: 'billing@demo.example' }, 4 * H, calendar.id, { advance: true, repeatReminders: 1, reminderIntervalSeconds: 1 * H }, ['ask']),
        level('部長承認 / Department head', 'hierarchical', [{ type: 'user', userId: u('manager') }], { department: '請求 / Billing', person: '山本 部長', phone: '03-1234-5601', email: 'yamamoto@demo.example' }, 8 * H, calendar.id, { advance: false, repeatReminders: 1, reminderIntervalSeconds: 2 * H }),
      ],
      fallbackUserIds: [u('admin')],
      fallbackTeamId: null,
    },
    {
      name: '技術的な問題 / Technical problems',
      purpose: '不具合・性能・連携・機器・セキュリティ・アカウントの問題。再現手順と環境を書いてください。 / Defects, performance, integrations, hardware, security and sign-in problems: give the steps and the environment.',
      ownerId: u('sv_en'),
      reviewIntervalDays: 90,
      active: true,
      autoEscalate: false,
      conditions: { ...noConditions, categories: ['defect', 'technical', 'performance', 'security', 'hardware', 'account'] },
      levels: [
        level('技術サポート / Technical support', 'functional', [{ type: 'team', teamId: t('tech') }], { department: '技術サポート / Technical support', person: null, phone: '03-1234-5620', email: 'tech@demo.example' }, 2 * H, calendar.id, { advance: true, repeatReminders: 1, reminderIntervalSeconds: 30 * 60 }, ['ask', 'environment']),
        level('開発 / Engineering', 'functional', [{ type: 'team', teamId: t('eng') }], { department: '開発 / Engineering', person: null, phone: '03-1234-5630', email: 'eng@demo.example' }, 4 * H, calendar.id, { advance: false, repeatReminders: 1, reminderIntervalSeconds: 1 * H }),
      ],
      fallbackUserIds: [u('sv_en')],
      fallbackTeamId: null,
    },
    {
      name: '法務・個人情報 / Legal and privacy',
      purpose: '個人情報の削除・開示、データの保管場所、訴訟ホールドなど法務の判断が要る依頼。 / Data deletion or disclosure, data residency, litigation holds: anything legal must decide.',
      ownerId: u('manager'),
      reviewIntervalDays: 90,
      active: true,
      autoEscalate: false,
      conditions: { ...noConditions, categories: ['legal', 'privacy'] },
      levels: [
        level('法務 / Legal', 'functional', [{ type: 'team', teamId: t('legal') }], { department: '法務 / Legal', person: '渡辺 法子', phone: '03-1234-5640', email: 'legal@demo.example' }, 4 * H, calendar.id, { advance: true, repeatReminders: 1, reminderIntervalSeconds: 1 * H }, ['ask', 'concern']),
        level('部長 / Department head', 'hierarchical', [{ type: 'user', userId: u('manager') }], { department: '法務 / Legal', person: '山本 部長', phone: '03-1234-5601', email: 'yamamoto@demo.example' }, 8 * H, calendar.id, { advance: false, repeatReminders: 1, reminderIntervalSeconds: 2 * H }),
      ],
      fallbackUserIds: [u('admin')],
      fallbackTeamId: null,
    },
  ];
  for (const p of paths) await deps.escalationPaths.create(admin, p, DEMO_PATH_REASON);
}
