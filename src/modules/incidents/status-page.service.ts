/**
 * The public status page: services and their state, active non-internal incidents with their
 * public updates, the last 90 days; e-mail subscribers per service with double opt-in and
 * one-click unsubscribe (RFC 8058). Tokens are HMACs of the subscriber's id under the secret
 * key, and only their SHA-256 is stored, so a database copy cannot unsubscribe anyone and no
 * job payload carries a token.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { enqueueJobs, enqueueJob, pendingJobsWithPrefix } from '../../jobs/jobs.repository.js';
import { inTransaction, parseJson, type Db, type Executor, type Tx } from '../../db/database.js';
import type { StatusSubscribersTable } from '../../db/incidents-schema.js';
import type { DeliveryResult } from '../../integrations/delivery.js';
import { mailDomainOf, type Mailer } from '../../integrations/smtp.js';
import type { Clock } from '../../lib/clock.js';
import { invalid } from '../../lib/errors.js';
import { Coalescer } from '../../lib/coalesce.js';
import { hashToken, newId } from '../../lib/ids.js';
import { overallStatus, type ServicesService, type ServiceStatus } from '../services/index.js';
import { formatInstant, rcaMarkdown, updateStateLabel, type CustomerRcaSections } from './incidents.policy.js';
import * as repo from './incidents.repository.js';
import { STATUS_FANOUT_JOB, STATUS_MAIL_JOB } from './incidents.service.js';
import { renderAtom, renderRcaHtml, renderStatusPage, statusTexts, type Lang, type StatusIncident } from './status-page.presenter.js';

const DAY = 86_400_000;
const EMAIL_RE = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;
/** Subscribers mailed per fan-out job (each gets its own mail job). */
export const SUBSCRIBER_BATCH = 50;
/**
 * A page of mail jobs is written while fewer of this fan-out's mails than this wait; otherwise
 * it waits and looks again SUBSCRIBER_PAUSE_MS later: the outbox holds about a hundred due mail
 * jobs at a time, not ten thousand. The runner's claims and wake-up query read past every due
 * job of another kind (its index has no kind), so their cost grows with what waits: with 600
 * waiting they were 1.5 and 2.8 ms each, once per mail sent.
 */
export const SUBSCRIBER_OUTSTANDING_CAP = 100;
export const SUBSCRIBER_PAUSE_MS = 50;
/** Updates never change once posted; incidents are read again after this long. */
const MAIL_FACTS_MS = 2000;

export interface StatusPageDeps {
  db: Db;
  clock: Clock;
  services: ServicesService;
  mailer: Mailer;
  publicUrl: string;
  mailFrom: string;
  secretKey: string;
  /**
   * How long a rendered page is reused on nodes that did not make the change (default 2 s): the
   * page serves thousands of readers. On the node that made it, a committed change of an
   * incident or a service shows at once (ServicesService.changes).
   */
  cacheMs?: number;
}

/** A rendered page or feed, its bytes and their ETag (computed once per rendering, not per request). */
export interface RenderedPage {
  body: Buffer;
  etag: string;
}

export interface StatusMailPayload {
  subscriberId: string;
  kind: 'confirm' | 'update' | 'rca';
  incidentId?: string;
  updateId?: string | null;
}

export class StatusPageService {
  private readonly cache = new Map<string, { at: number; version: number; value: Promise<RenderedPage> }>();
  /** Subscriber reads of the mail jobs that run together: one query for all of them. */
  private readonly subscribers = new Coalescer<string, StatusSubscribersTable | undefined>(async (ids) => {
    const rows = await repo.subscribersByIds(this.d.db, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  });
  /** An update's mail names its incident and the update: read once per fan-out, not per mail. */
  private readonly mailFacts = new Map<string, { at: number; value: Promise<unknown> }>();
  constructor(private readonly d: StatusPageDeps) {}

  private fact<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = this.d.clock.now();
    const hit = this.mailFacts.get(key);
    if (hit && now - hit.at < MAIL_FACTS_MS && now >= hit.at) return hit.value as Promise<T>;
    if (this.mailFacts.size > 200) this.mailFacts.clear();
    const value = read();
    this.mailFacts.set(key, { at: now, value });
    value.catch(() => this.mailFacts.delete(key));
    return value;
  }

  // ---- reading ----

  private async data() {
    const now = this.d.clock.now();
    const services = (await this.d.services.list()).map((s) => ({ id: s.id, name: s.name, status: s.status }));
    const rows = await repo.listIncidents(this.d.db, { publicOnly: true, limit: 200, startedSince: now - 90 * DAY });
    const active = await repo.listIncidents(this.d.db, { publicOnly: true, limit: 50, states: ['active'] });
    const all = [...new Map([...active, ...rows].map((r) => [r.id, r])).values()];
    const ids = all.map((r) => r.id);
    const [svc, updates, rcas] = await Promise.all([
      repo.servicesOf(this.d.db, ids),
      repo.updatesOf(this.d.db, ids, { publicOnly: true }),
      ids.length ? this.d.db.selectFrom('incident_rcas').select(['incident_id', 'state']).where('incident_id', 'in', ids).execute() : Promise.resolve([]),
    ]);
    const incidents: StatusIncident[] = all.map((r) => ({
      id: r.id,
      title: r.title,
      severity: r.severity,
      state: r.state,
      startedAt: Number(r.started_at),
      resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
      services: svc.filter((s) => s.incident_id === r.id).map((s) => ({ ja: s.name_ja, en: s.name_en, impact: s.impact })),
      updates: updates.filter((u) => u.incident_id === r.id).map((u) => ({ state: u.state, body: { ja: u.body_ja, en: u.body_en }, nextUpdateAt: u.next_update_at === null ? null : Number(u.next_update_at), at: Number(u.created_at) })),
      rcaShared: rcas.some((x) => x.incident_id === r.id && x.state === 'shared'),
    }));
    return { now, services, incidents, overall: overallStatus(services.map((s) => s.status as ServiceStatus)) };
  }

  /**
   * The page of `key`, rendered once for every reader: readers that come while it renders share
   * the rendering (50 readers at the instant the page expired made 50 renderings, each a handful
   * of queries: on PostgreSQL that was most of the page's cost). A rendering is reused while no
   * change committed on this node since it began (the version it began under is still current:
   * one that began before a change may have read the old rows) and it is younger than cacheMs
   * (changes made on other nodes). Multi-node: a version read from the database per request
   * would cost a query per reader; a few seconds of staleness elsewhere is what a status page
   * may have.
   */
  private cached(key: string, make: () => Promise<string>): Promise<RenderedPage> {
    const now = this.d.clock.now();
    const version = this.d.services.changes.version;
    const hit = this.cache.get(key);
    // The cache follows the real clock too, so a fake clock in tests never serves a stale page forever.
    if (hit && hit.version === version && now - hit.at < (this.d.cacheMs ?? 2000) && now >= hit.at) return hit.value;
    const value = make().then((text) => {
      const body = Buffer.from(text);
      return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    });
    const entry = { at: now, version, value };
    this.cache.set(key, entry);
    value.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    return value;
  }

  /** Forget rendered pages (the status fan-out calls it on the node that runs it; writes on this node need not). */
  invalidate(): void {
    this.cache.clear();
  }

  /** The status page as served: shared by every reader of the language. */
  page(lang: Lang): Promise<RenderedPage> {
    return this.cached(`html:${lang}`, () => this.renderHtml(lang));
  }

  private async renderHtml(lang: Lang): Promise<string> {
    const d = await this.data();
    return renderStatusPage(lang, { services: d.services, active: d.incidents.filter((i) => i.state === 'active'), history: d.incidents.filter((i) => i.state !== 'active'), overall: d.overall });
  }

  atom(lang: Lang): Promise<RenderedPage> {
    return this.cached(`atom:${lang}`, async () => {
      const d = await this.data();
      const latest = Math.max(0, ...d.incidents.flatMap((i) => i.updates.map((u) => u.at)));
      return renderAtom(lang, this.d.publicUrl, d.incidents, latest || d.now);
    });
  }

  /** A shared customer RCA (障害報告書), or null when there is none to show the public. */
  async publicReport(incidentId: string, lang: Lang, format: 'html' | 'md'): Promise<string | null> {
    const inc = await repo.findIncident(this.d.db, incidentId);
    const rca = inc && inc.internal_only === 0 ? await repo.findRca(this.d.db, incidentId) : undefined;
    if (!inc || !rca || rca.state !== 'shared') return null;
    return this.report(inc.title, rca.customer, lang, format);
  }

  report(title: string, customerJson: string, lang: Lang, format: 'html' | 'md'): string {
    const c = parseJson<Partial<Record<Lang, Partial<CustomerRcaSections>>>>(customerJson, {});
    const s: CustomerRcaSections = { occurred: '', impact: '', cause: '', response: '', prevention: '', ...c[lang] };
    return format === 'md' ? rcaMarkdown(title, lang, s) : renderRcaHtml(lang, title, s);
  }

  // ---- subscriptions ----

  private token(purpose: 'confirm' | 'unsubscribe', id: string): string {
    return `${id}.${createHmac('sha256', this.d.secretKey).update(`status-${purpose}:${id}`).digest('base64url')}`;
  }
  private static hash(token: string): string {
    return hashToken(token);
  }

  /** Double opt-in: the subscription counts once the mailed link is opened. Same answer whether or not the address is known. */
  async subscribe(input: { email: string; serviceId?: string | null; lang: Lang }): Promise<void> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL_RE.test(email) || email.length > 254) throw invalid([{ field: 'email', message: 'must be an email address', code: 'invalid_email' }]);
    const serviceId = input.serviceId || null;
    if (serviceId && !(await this.d.services.findMany(this.d.db, [serviceId])).length) throw invalid([{ field: 'serviceId', message: 'names no service', code: 'unknown_service' }]);
    const now = this.d.clock.now();
    await inTransaction(this.d.db, async (tx) => {
      const existing = (await repo.subscribersByEmail(tx, email)).find((s) => s.service_id === serviceId);
      if (existing?.confirmed_at) return; // already subscribed: nothing to do, nothing revealed
      const id = existing?.id ?? newId();
      if (!existing)
        await repo.insertSubscriber(tx, { id, email, locale: input.lang, service_id: serviceId, confirm_hash: StatusPageService.hash(this.token('confirm', id)), unsubscribe_hash: StatusPageService.hash(this.token('unsubscribe', id)), confirmed_at: null, created_at: now });
      await enqueueJob(tx, { kind: STATUS_MAIL_JOB, payload: { subscriberId: id, kind: 'confirm' }, dueAt: now, dedupeKey: `status-mail:confirm:${id}:${Math.floor(now / 60_000)}`, maxAttempts: 5 }, now);
    });
  }

  async confirm(token: string): Promise<{ lang: Lang } | null> {
    const s = await repo.subscriberByConfirm(this.d.db, StatusPageService.hash(token));
    if (!s || !this.matches(token, 'confirm', s.id)) return null;
    await repo.confirmSubscriber(this.d.db, s.id, this.d.clock.now());
    return { lang: s.locale === 'en' ? 'en' : 'ja' };
  }

  async unsubscribe(token: string): Promise<{ lang: Lang } | null> {
    const s = await repo.subscriberByUnsubscribe(this.d.db, StatusPageService.hash(token));
    if (!s || !this.matches(token, 'unsubscribe', s.id)) return null;
    await repo.deleteSubscriber(this.d.db, s.id);
    return { lang: s.locale === 'en' ? 'en' : 'ja' };
  }

  private matches(token: string, purpose: 'confirm' | 'unsubscribe', id: string): boolean {
    const a = Buffer.from(token);
    const b = Buffer.from(this.token(purpose, id));
    return a.length === b.length && timingSafeEqual(a, b);
  }

  // ---- jobs ----

  /** One page of the subscribers of the incident's services gets a mail job each. */
  async runFanout(tx: Tx, p: { incidentId: string; updateId: string | null; rca?: boolean; after: string | null }, now: number): Promise<void> {
    this.invalidate();
    const inc = await repo.findIncident(tx, p.incidentId);
    if (!inc || inc.internal_only === 1) return;
    const kind = p.rca ? 'rca' : 'update';
    const subject = p.updateId ?? `rca:${inc.id}`;
    // The senders are behind: this page waits (written later, in a job of its own). Looked at
    // before the page is read: a fan-out waits several times for each page it writes.
    if ((await pendingJobsWithPrefix(tx, `status-mail:${kind}:${p.updateId ?? inc.id}:`, SUBSCRIBER_OUTSTANDING_CAP)) >= SUBSCRIBER_OUTSTANDING_CAP) {
      await enqueueJob(tx, { kind: STATUS_FANOUT_JOB, payload: { ...p }, dueAt: now + SUBSCRIBER_PAUSE_MS, dedupeKey: `status-fanout:${subject}:${p.after ?? 'start'}:wait:${newId()}`, maxAttempts: 5 }, now);
      return;
    }
    const serviceIds = (await repo.servicesOf(tx, [inc.id])).map((s) => s.service_id);
    const page = await repo.subscribersPage(tx, serviceIds, p.after, SUBSCRIBER_BATCH);
    await enqueueJobs(
      tx,
      page.map((s) => ({ kind: STATUS_MAIL_JOB, payload: { subscriberId: s.id, kind, incidentId: inc.id, updateId: p.updateId }, dueAt: now, dedupeKey: `status-mail:${kind}:${p.updateId ?? inc.id}:${s.id}`, maxAttempts: 8 })),
      now,
    );
    if (page.length === SUBSCRIBER_BATCH)
      await enqueueJob(tx, { kind: STATUS_FANOUT_JOB, payload: { ...p, after: page.at(-1)!.id }, dueAt: now, dedupeKey: `status-fanout:${subject}:${page.at(-1)!.id}`, maxAttempts: 5 }, now);
  }

  async sendMail(p: StatusMailPayload): Promise<DeliveryResult> {
    const s = await this.subscribers.add(p.subscriberId);
    if (!s) return { ok: true, response: 'subscriber gone' };
    const lang: Lang = s.locale === 'en' ? 'en' : 'ja';
    const t = statusTexts(lang);
    const base = this.d.publicUrl;
    const unsubscribeUrl = `${base}/status/unsubscribe?token=${encodeURIComponent(this.token('unsubscribe', s.id))}`;
    const domain = mailDomainOf(this.d.mailFrom);
    if (p.kind === 'confirm') {
      if (s.confirmed_at) return { ok: true, response: 'already confirmed' };
      const url = `${base}/status/confirm?token=${encodeURIComponent(this.token('confirm', s.id))}`;
      const subject = lang === 'ja' ? `${t.title}: 通知の登録確認` : `${t.title}: confirm your subscription`;
      const text = lang === 'ja' ? `次のリンクを開くと、障害情報のメール通知の登録が完了します。\n${url}\n\nお心当たりがない場合は、このメールを破棄してください。` : `Open this link to receive incident notices by email:\n${url}\n\nIf you did not ask for this, ignore this mail.`;
      return this.d.mailer.send({ from: this.d.mailFrom, to: s.email, subject, text, messageId: `<status.confirm.${s.id}.${this.d.clock.now()}@${domain}>` });
    }
    if (!s.confirmed_at) return { ok: true, response: 'not confirmed' };
    const incidentId = p.incidentId;
    const inc = incidentId ? await this.fact(`incident:${incidentId}`, () => repo.findIncident(this.d.db, incidentId)) : undefined;
    if (!inc) return { ok: true, response: 'incident gone' };
    let subject: string;
    let text: string;
    if (p.kind === 'rca') {
      const rca = await repo.findRca(this.d.db, inc.id);
      if (!rca) return { ok: true, response: 'no RCA' };
      subject = lang === 'ja' ? `障害報告書: ${inc.title}` : `Incident report: ${inc.title}`;
      text = `${this.report(inc.title, rca.customer, lang, 'md')}\n${base}/status/incidents/${inc.id}/report?lang=${lang}`;
    } else {
      const updateId = p.updateId;
      const u = updateId ? await this.fact(`update:${updateId}`, () => repo.findUpdate(this.d.db, updateId)) : undefined;
      if (!u) return { ok: true, response: 'update gone' };
      subject = `[${updateStateLabel(lang, u.state)}] ${inc.title}`;
      const next = u.next_update_at ? `\n\n${t.next}: ${formatInstant(Number(u.next_update_at), lang)}` : '';
      text = `${lang === 'ja' ? u.body_ja : u.body_en}${next}\n\n${base}/status?lang=${lang}`;
    }
    return this.d.mailer.send({
      from: this.d.mailFrom,
      to: s.email,
      subject,
      text: `${text}\n\n${lang === 'ja' ? '配信停止' : 'Unsubscribe'}: ${unsubscribeUrl}`,
      messageId: `<status.${p.kind}.${p.updateId ?? inc.id}.${s.id}@${domain}>`,
      // RFC 8058: mail clients unsubscribe with one POST, no page to fill in.
      headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'List-Id': `<status.${domain}>` },
    });
  }

  // ---- privacy ----

  exportByEmail(ex: Executor, email: string) {
    return repo.subscribersByEmail(ex, email.trim().toLowerCase()).then((rows) => rows.map((r) => ({ email: r.email, locale: r.locale, serviceId: r.service_id, confirmedAt: r.confirmed_at === null ? null : new Date(Number(r.confirmed_at)).toISOString(), createdAt: new Date(Number(r.created_at)).toISOString() })));
  }
  async eraseByEmail(tx: Tx, email: string): Promise<number> {
    const n = (await repo.subscribersByEmail(tx, email.trim().toLowerCase())).length;
    await repo.deleteSubscribersByEmail(tx, email.trim().toLowerCase());
    return n;
  }
}
