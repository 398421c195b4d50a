import type { Container } from '../container.js';
import { createContainer } from '../container.js';
import { FakeClock } from '../lib/clock.js';
import { putSetting } from '../lib/settings.js';
import type { Principal } from '../modules/auth/index.js';
import { seedDemoConfig } from './demo-config.js';
import { DEMO_PASSWORD, demoCustomers, demoOrganizations, demoTeams, demoTickets, demoUsers } from './demo-data.js';

export interface DemoLogin {
  email: string;
  name: string;
  role: string;
  password: string;
}

export const demoLogins = (): DemoLogin[] => demoUsers.map((u) => ({ email: u.email, name: u.name, role: u.role, password: DEMO_PASSWORD }));

/**
 * Seeds the demo workspace through the same services the API uses, so demo data is exactly
 * what real use would produce. Ticket history is spread over the past days with a moving clock.
 */
export async function seedDemo(deps: Container): Promise<{ seeded: boolean; logins: DemoLogin[] }> {
  if ((await deps.users.count()) > 0) return { seeded: false, logins: [] };
  const now = deps.clock.now();
  const clock = new FakeClock(now - 14 * 24 * 3600_000);
  const seeding = createContainer(deps.config, deps.logger, { clock, database: deps.database });

  const userIds = new Map<string, string>();
  for (const u of demoUsers) {
    const created = await seeding.users.create(null, { email: u.email, name: u.name, role: u.role, locale: u.locale, timeZone: u.locale === 'ja' ? 'Asia/Tokyo' : 'America/Los_Angeles', password: DEMO_PASSWORD });
    userIds.set(u.key, created.id);
  }
  const teamIds = new Map<string, string>();
  for (const t of demoTeams) {
    const members = demoUsers.flatMap((u) => u.teams.filter(([k]) => k === t.key).map(([, role]) => ({ userId: userIds.get(u.key)!, role })));
    const created = await seeding.teams.create({ name: t.name, description: t.description, contactEmail: t.contactEmail, contactPhone: t.contactPhone, members });
    teamIds.set(t.key, created.id);
  }
  const orgIds = new Map<string, string>();
  for (const o of demoOrganizations) orgIds.set(o.key, (await seeding.customers.createOrganization({ name: o.name, tier: o.tier })).id);
  const customerIds = new Map<string, string>();
  for (const c of demoCustomers) {
    const created = await seeding.customers.create({ name: c.name, email: c.email, phone: c.phone, organizationId: c.org ? orgIds.get(c.org)! : null, locale: c.locale });
    customerIds.set(c.key, created.id);
  }

  const principalOf = (key: string): Principal => {
    const u = demoUsers.find((x) => x.key === key)!;
    return { userId: userIds.get(key)!, role: u.role, locale: u.locale, timeZone: 'Asia/Tokyo', name: u.name, email: u.email, via: 'token' };
  };
  await seedDemoConfig(seeding, principalOf('admin'), userIds, teamIds);
  const frontAgent = principalOf('agent');
  // Oldest first, so ticket numbers follow arrival order.
  const ordered = [...demoTickets].sort((a, b) => b.hoursAgo - a.hoursAgo);
  for (const t of ordered) {
    clock.set(now - t.hoursAgo * 3600_000);
    const creator = t.assignee ? principalOf(t.assignee) : frontAgent;
    const ticket = await seeding.tickets.create(creator, {
      subject: t.subject,
      description: t.body,
      requesterId: customerIds.get(t.customer)!,
      category: t.category,
      product: t.product,
      priority: t.priority,
      temperature: t.temperature,
      channel: t.channel,
      teamId: teamIds.get(t.team)!,
      tags: t.tags,
    });
    let step = 0;
    const later = () => clock.set(now - t.hoursAgo * 3600_000 + ++step * 17 * 60_000);
    if (t.assignee) {
      later();
      await seeding.tickets.update(creator, ticket.id, { assigneeId: userIds.get(t.assignee)! });
    }
    for (const [who, visibility, text] of t.thread ?? []) {
      later();
      if (who !== 'customer') await seeding.tickets.addMessage(principalOf(who), ticket.id, { body: text, visibility });
    }
    const current = await seeding.tickets.get(null, ticket.id);
    if (current.status !== t.status) {
      later();
      if (t.status === 'closed' && current.status !== 'solved') await seeding.tickets.update(creator, ticket.id, { status: 'solved' });
      await seeding.tickets.update(creator, ticket.id, { status: t.status });
    }
  }
  await seedDemoEscalations(seeding, clock, now, principalOf);
  await putSetting(deps.database.db, 'workspace.demo', true);
  return { seeded: true, logins: demoLogins() };
}

/**
 * A few escalations in flight so every screen has something to show: the complaint handed to
 * the supervisor and legal with a full brief, and the first billing dispute acknowledged.
 */
async function seedDemoEscalations(seeding: Container, clock: FakeClock, now: number, principalOf: (key: string) => Principal): Promise<void> {
  const all = (await seeding.tickets.list(null, {}, { limit: 200 })).items;
  const complaint = all.find((t) => t.category === 'complaint');
  const complaintPath = (await seeding.escalationPaths.list()).items.find((p) => p.name.startsWith('苦情'));
  if (complaint && complaintPath) {
    clock.set(now - 2 * 3600_000);
    await seeding.escalations.escalate(principalOf('sv'), complaint.id, {
      pathId: complaintPath.id,
      brief: {
        category: 'complaint',
        ask: '責任者からの謝罪電話と、プリンター交換の可否を本日中に判断してください。 / Decide today: an apology call from a manager and whether we replace the printer.',
        concern: '3回たらい回しにされ、解約を示唆しています。SNS への投稿も懸念されます。',
        tried: '感熱紙の向きを確認、再起動、ドライバー再インストールを案内済み（効果なし）。',
        environment: 'Escalon POS、店舗1台、レシートプリンター TM-30',
        customerTemperature: 'angry',
        impact: { scope: 'this_customer', revenueRisk: true, legalRisk: false, note: '年間契約 ¥480,000' },
      },
    });
  }
  const billing = (await seeding.escalations.list(principalOf('admin'), { state: 'requested', limit: 50 })).items.find((e) => e.path?.name.startsWith('請求'));
  if (billing) {
    clock.set(now - 30 * 60_000);
    await seeding.escalations.acknowledge(principalOf('billing'), billing.id);
  }
}
