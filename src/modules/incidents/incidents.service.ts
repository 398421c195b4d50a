/**
 * Major incidents (issue 17): declare from tickets, link and unlink, the affected customers,
 * the task force and its action plan, updates on a cadence of exact timers, resolution, and the
 * RCA. Every side effect (replies on linked tickets, internal notifications, status page mail,
 * reminders) is a job written in the change's transaction; nothing is sent from a request.
 */
import { inTransaction, json, parseJson, type Db, type Executor, type Tx } from '../../db/database.js';
import type { IncidentsTable, IncidentUpdatesTable } from '../../db/incidents-schema.js';
import { cancelJobs, cancelJobsByPrefix, enqueueJob } from '../../jobs/jobs.repository.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, conflict, forbidden, invalid, notFound, type FieldProblem } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import type { Principal } from '../auth/index.js';
import { NOTIFY_JOB, outstandingDeliveries } from '../notifications/index.js';
import { worseStatus, type ServicesService, type ServiceStatus } from '../services/index.js';
import type { SlaClocksService } from '../sla/index.js';
import type { IndexDocumentInput, SearchService } from '../search/index.js';
import type { NewMessage, TicketsService } from '../tickets/index.js';
import {
  cadenceDue,
  cadenceTargets,
  customerLanguage,
  outreachSubject,
  outreachTeamId,
  customerRcaProblems,
  DEFAULT_SETTINGS,
  detectCandidates,
  linkSuggestions,
  draftCustomerRca,
  nextUpdateInstant,
  nextUpdateProblems,
  overdueReminders,
  resolveEscalationPath,
  resolveTargetAt,
  settingsProblems,
  ticketResolutionText,
  ticketUpdateText,
} from './incidents.policy.js';
import { presentIncident, presentRca, presentUpdate, type IncidentView, type TaskView } from './incidents.presenter.js';
import * as repo from './incidents.repository.js';
import type { CadenceTargets, Impact, IncidentSettings, Localised, Severity, TaskForceRole, TaskState, UpdateAudience, UpdateState } from './incidents.types.js';

export const SETTINGS_KEY = 'incidents.settings';
export const FANOUT_JOB = 'incident.fanout';
export const CADENCE_JOB = 'incident.cadence';
export const TASK_DUE_JOB = 'incident.task_due';
export const RCA_DUE_JOB = 'incident.rca_due';
/** The resolution target passed: escalate along the configured path and tell the staff (exact timer, once). */
export const RESOLVE_TARGET_JOB = 'incident.resolve_target';
export const resolveTargetKey = (incidentId: string) => `incident:${incidentId}:resolve-target`;
export const STATUS_FANOUT_JOB = 'status.fanout';
export const STATUS_MAIL_JOB = 'status.mail';
/**
 * Linked tickets answered per fan-out job (one transaction each). Small: on SQLite a batch holds
 * the one writer (and this node's event loop) while it runs, so other users' requests wait for
 * at most one batch (~25 replies, tens of milliseconds), not for a hundred.
 */
export const FANOUT_BATCH = 25;
/**
 * A batch is written while fewer deliveries than this wait to be sent; otherwise it waits and
 * looks again FANOUT_PAUSE_MS later, so the fan-out runs at the senders' pace: the outbox never
 * holds thousands of due jobs (every claim and wake-up query of the runner reads past the due
 * jobs of other kinds, so their cost grows with what waits) and the writer is free between batches.
 */
export const FANOUT_OUTSTANDING_CAP = 100;
export const FANOUT_PAUSE_MS = 50;
/**
 * Even when the senders keep up, the next batch is due a moment after this one: the runner then
 * sleeps between batches (a timer), and the node answers requests and sends mail in between;
 * batches due back to back would run one after another without letting I/O in (SQLite).
 */
export const FANOUT_GAP_MS = 5;
export const FANOUT_START_DELAY_MS = 250;
const MIN = 60_000;

export interface IncidentsDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  tickets: TicketsService;
  services: ServicesService;
  sla: SlaClocksService;
  /** Incidents and their updates are searchable (issue 19: type=incident), written in the change's transaction. */
  search: Pick<SearchService, 'indexDocument' | 'registerSource'>;
  /** The escalation engine (../escalations/index.ts): an incident past its resolution target escalates its anchor ticket along a path. */
  escalations?: { onIncidentTarget(tx: Tx, input: { ticketId: string; pathId: string; incident: { title: string; severity: string }; now: number }): Promise<string | null> };
}

/** The search document of an incident: its title, summary and resolution (both languages). */
export function incidentDocument(inc: IncidentsTable): IndexDocumentInput {
  const resolution = parseJson<Partial<Localised>>(inc.resolution, {});
  return { kind: 'incident', id: inc.id, title: inc.title, fields: [inc.title, inc.summary, resolution.ja, resolution.en], at: Number(inc.declared_at) };
}

/** The search document of one update, headed with its incident's title; its ja and en texts are found. */
export function incidentUpdateDocument(u: Pick<IncidentUpdatesTable, 'id' | 'body_ja' | 'body_en' | 'created_at'>, title: string): IndexDocumentInput {
  return { kind: 'incident_update', id: u.id, title, fields: [u.body_ja, u.body_en], at: Number(u.created_at) };
}

export interface DeclareInput {
  title: string;
  summary?: string;
  severity: Severity;
  ticketIds?: string[];
  services?: { id: string; impact: Impact }[];
  startedAt?: string;
  problemRef?: string | null;
  links?: { label: string; url: string }[];
  internalOnly?: boolean;
  commanderId?: string;
  subscribers?: { userIds?: string[]; teamIds?: string[] };
}

export interface FanoutPayload {
  incidentId: string;
  kind: 'update' | 'resolution';
  updateId: string | null;
  actorId: string | null;
  after: string | null;
  /**
   * 'audience': the first part of the fan-out when organisations or tiers were added: tickets for
   * the customers who have none yet (`after` is then a customer id); the linked tickets follow.
   */
  phase?: 'audience';
}

/** The organisations and tiers added as affected customers. */
const audienceRefs = (audiences: { kind: string; ref: string }[]) => ({
  orgIds: audiences.filter((a) => a.kind === 'organization').map((a) => a.ref),
  tiers: audiences.filter((a) => a.kind === 'tier').map((a) => a.ref),
});
const viaOrganization = (c: { organization_id: string | null }, orgIds: string[]) => c.organization_id !== null && orgIds.includes(c.organization_id);
/** A customer's tier is their own or their organisation's, whichever ranks higher. */
const viaTier = (c: { tier: string; organization_tier: string | null }, tiers: string[]) => tiers.includes(rankedTier(c.tier, c.organization_tier));

export class IncidentsService {
  constructor(private readonly d: IncidentsDeps) {
    d.search.registerSource({
      kind: ['incident', 'incident_update'],
      page: async (ex, afterId, limit) => {
        const rows = await ex.selectFrom('incidents').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
        const updates = rows.length ? await ex.selectFrom('incident_updates').select(['id', 'incident_id', 'body_ja', 'body_en', 'created_at']).where('incident_id', 'in', rows.map((r) => r.id)).execute() : [];
        const docs = rows.flatMap((r) => [incidentDocument(r), ...updates.filter((u) => u.incident_id === r.id).map((u) => incidentUpdateDocument(u, r.title))]);
        return { docs, last: rows.at(-1)?.id ?? null };
      },
    });
  }

  /** The incident's search document, and its updates' (all of them, none, or only the one just posted). */
  private async index(tx: Tx, id: string, updates: { all: true } | { only: string | null }): Promise<void> {
    const inc = await this.load(tx, id);
    await this.d.search.indexDocument(tx, incidentDocument(inc));
    if ('only' in updates && updates.only === null) return;
    let q = tx.selectFrom('incident_updates').select(['id', 'body_ja', 'body_en', 'created_at']).where('incident_id', '=', id);
    if ('only' in updates) q = q.where('id', '=', updates.only!);
    for (const u of await q.execute()) await this.d.search.indexDocument(tx, incidentUpdateDocument(u, inc.title));
  }

  private get db(): Db {
    return this.d.db;
  }

  // ===================================================================== settings

  async settings(ex: Executor = this.db): Promise<IncidentSettings> {
    const row = await ex.selectFrom('settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
    const stored = parseJson<Partial<IncidentSettings>>(row?.value, {});
    return { ...DEFAULT_SETTINGS, ...stored, severities: { ...DEFAULT_SETTINGS.severities, ...stored.severities }, candidates: { ...DEFAULT_SETTINGS.candidates, ...stored.candidates } };
  }

  async putSettings(body: Omit<IncidentSettings, 'escalationPathId' | 'outreachTeamId'> & { escalationPathId?: string | null; outreachTeamId?: string | null }, actor: AuditActor | null): Promise<IncidentSettings> {
    const input: IncidentSettings = { ...body, escalationPathId: body.escalationPathId ?? null, outreachTeamId: body.outreachTeamId ?? null };
    const problems = settingsProblems(input);
    if (problems.length) throw invalid(problems);
    await inTransaction(this.db, async (tx) => {
      const wanted: [string, string][] = [
        ...(input.escalationPathId ? [['escalationPathId', input.escalationPathId] as [string, string]] : []),
        ...Object.entries(input.severities).flatMap(([sev, d]) => (d.escalationPathId ? [[`severities.${sev}.escalationPathId`, d.escalationPathId] as [string, string]] : [])),
      ];
      if (wanted.length) {
        const active = new Set((await tx.selectFrom('escalation_paths').select('id').where('id', 'in', wanted.map((w) => w[1])).where('active', '=', 1).execute()).map((r) => r.id));
        const bad = wanted.filter((w) => !active.has(w[1]));
        if (bad.length) throw invalid(bad.map(([field, id]) => ({ field, message: `escalation path ${id} does not exist or is inactive`, code: 'unknown_escalation_path' })));
      }
      if (input.outreachTeamId && !(await repo.existingTeamIds(tx, [input.outreachTeamId])).has(input.outreachTeamId))
        throw invalid([{ field: 'outreachTeamId', message: `team ${input.outreachTeamId} does not exist`, code: 'unknown_team' }]);
      const before = await this.settings(tx);
      await tx
        .insertInto('settings')
        .values({ key: SETTINGS_KEY, value: json(input) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json(input) }))
        .execute();
      await this.d.audit.change(tx, actor, 'incidents.settings_changed', { type: 'settings', id: SETTINGS_KEY }, before, input);
    });
    return this.settings();
  }

  // ===================================================================== reading

  async list(opts: { states?: string[]; limit: number; cursor?: string }) {
    const key = decodeCursor(opts.cursor);
    const rows = await repo.listIncidents(this.db, { states: opts.states, limit: opts.limit, before: key?.id });
    const page = toPage(rows, opts.limit, (r) => ({ v: null, id: r.id }));
    return { items: await this.presentMany(this.db, page.items), nextCursor: page.nextCursor };
  }

  async get(id: string, ex: Executor = this.db): Promise<IncidentView> {
    const row = await repo.findIncident(ex, id);
    if (!row) throw notFound('Incident', id);
    return (await this.presentMany(ex, [row]))[0]!;
  }

  async presentMany(ex: Executor, rows: IncidentsTable[]): Promise<IncidentView[]> {
    const ids = rows.map((r) => r.id);
    const [services, roles, counts, latest, rcas] = await Promise.all([
      repo.servicesOf(ex, ids),
      repo.rolesOf(ex, ids),
      repo.ticketCounts(ex, ids),
      repo.latestPublicUpdates(ex, ids),
      ids.length ? ex.selectFrom('incident_rcas').select(['incident_id', 'state']).where('incident_id', 'in', ids).execute() : Promise.resolve([]),
    ]);
    return rows.map((r) =>
      presentIncident(r, {
        services: services.filter((s) => s.incident_id === r.id).map((s) => ({ id: s.service_id, name: { ja: s.name_ja, en: s.name_en }, impact: s.impact as Impact, status: s.status })),
        roles: roles.filter((x) => x.incident_id === r.id).map((x) => ({ role: x.role as TaskForceRole, userId: x.user_id, name: x.name, assignedAt: new Date(Number(x.assigned_at)).toISOString() })),
        counts: { tickets: counts.get(r.id)?.total ?? 0, openTickets: counts.get(r.id)?.open ?? 0 },
        due: this.due(r),
        latest: latest.get(r.id),
        rcaState: rcas.find((x) => x.incident_id === r.id)?.state ?? null,
      }),
    );
  }

  private due(r: IncidentsTable) {
    const t = parseJson<CadenceTargets>(r.cadence, cadenceTargets(DEFAULT_SETTINGS, r.severity as Severity));
    const n = (v: number | null) => (v === null ? null : Number(v));
    return cadenceDue(t, {
      declaredAt: Number(r.declared_at),
      internalOnly: r.internal_only === 1,
      lastInternalUpdateAt: n(r.last_internal_update_at),
      lastCustomerUpdateAt: n(r.last_customer_update_at),
      nextUpdateAt: n(r.next_update_at),
    });
  }

  /** The linked tickets the viewer may see (restricted teams' tickets are left out). */
  async linkedTickets(viewer: Principal, id: string, opts: { limit: number; cursor?: string }) {
    await this.load(this.db, id);
    const key = decodeCursor(opts.cursor);
    const rows = await repo.linkedTickets(this.db, id, opts.limit, key?.id);
    const page = toPage(rows, opts.limit, (r) => ({ v: null, id: r.id }));
    const visible = await this.d.tickets.access.visibleIds(viewer, page.items.map((r) => r.id));
    return {
      items: page.items
        .filter((r) => visible.has(r.id))
        .map((r) => ({
          id: r.id,
          number: Number(r.number),
          subject: r.subject,
          status: r.status,
          priority: r.priority,
          requesterName: r.requester_name ?? null,
          requesterLocale: r.requester_locale ?? null,
          linkedAt: new Date(Number(r.linked_at)).toISOString(),
          excludeFromResolution: r.exclude_from_resolution === 1,
        })),
      nextCursor: page.nextCursor,
    };
  }

  /** The incidents a ticket is linked to, with their latest public update (the ticket's banner). */
  async incidentsOfTicket(viewer: Principal, ticketId: string) {
    await this.d.tickets.access.assertRead(viewer, ticketId);
    return this.presentMany(this.db, await repo.incidentsOfTicket(this.db, ticketId));
  }

  /** Affected customers: the linked tickets' requesters, plus the organisations and tiers added. */
  async affectedCustomers(id: string, limit = 1000) {
    await this.load(this.db, id);
    const audiences = await repo.audiencesOf(this.db, id);
    const byId = new Map<string, { id: string; name: string; email: string | null; locale: string; tier: string; organizationName: string | null; via: Set<string>; ticketIds: string[] }>();
    const add = (c: { id: string; name: string; email: string | null; locale: string; tier: string; organization_name: string | null; organization_tier: string | null }, via: string, ticketId?: string) => {
      const e = byId.get(c.id) ?? { id: c.id, name: c.name, email: c.email, locale: c.locale, tier: rankedTier(c.tier, c.organization_tier), organizationName: c.organization_name, via: new Set<string>(), ticketIds: [] };
      e.via.add(via);
      if (ticketId) e.ticketIds.push(ticketId);
      byId.set(c.id, e);
    };
    for (const c of await repo.ticketCustomers(this.db, id, limit)) add(c, 'ticket', c.ticket_id);
    const { orgIds, tiers } = audienceRefs(audiences);
    for (const c of await repo.audienceCustomers(this.db, orgIds, tiers, limit)) {
      if (viaOrganization(c, orgIds)) add(c, 'organization');
      if (viaTier(c, tiers)) add(c, 'tier');
    }
    return {
      audiences: audiences.map((a) => ({ kind: a.kind, ref: a.ref })),
      items: [...byId.values()].map((c) => ({ ...c, via: [...c.via].sort() })),
    };
  }

  async events(id: string) {
    await this.load(this.db, id);
    return (await repo.eventsOf(this.db, id)).map((e) => ({ id: e.id, kind: e.kind, actorId: e.actor_id, actorName: e.actor_name ?? null, data: parseJson<Record<string, unknown>>(e.data, {}), at: new Date(Number(e.created_at)).toISOString() }));
  }

  async updates(id: string, opts: { publicOnly?: boolean } = {}) {
    await this.load(this.db, id);
    return (await repo.updatesOf(this.db, [id], opts)).map(presentUpdate);
  }

  // ===================================================================== declare

  async declare(actor: Principal, input: DeclareInput, auditActor: AuditActor | null): Promise<IncidentView> {
    const now = this.d.clock.now();
    const startedAt = input.startedAt ? Date.parse(input.startedAt) : now;
    const problems: FieldProblem[] = [];
    if (!Number.isFinite(startedAt) || startedAt > now) problems.push({ field: 'startedAt', message: 'must be an instant that is not in the future', code: 'not_in_future' });
    if (!input.title.trim()) problems.push({ field: 'title', message: 'must not be blank', code: 'required' });
    if (problems.length) throw invalid(problems);
    const settings = await this.settings();
    const id = newId();
    await inTransaction(this.db, async (tx) => {
      const cadence = cadenceTargets(settings, input.severity);
      await repo.insertIncident(tx, {
        id,
        title: input.title.trim(),
        summary: input.summary ?? '',
        severity: input.severity,
        state: 'active',
        internal_only: input.internalOnly ? 1 : 0,
        started_at: startedAt,
        declared_at: now,
        declared_by: actor.userId,
        problem_ref: input.problemRef ?? null,
        links: json(input.links ?? []),
        cadence: json(cadence),
        last_internal_update_at: null,
        last_customer_update_at: null,
        next_update_at: null,
        resolution: null,
        resolved_at: null,
        resolved_by: null,
        closed_at: null,
        created_at: now,
        updated_at: now,
        version: 1,
      });
      await this.event(tx, id, 'incident.declared', actor.userId, { severity: input.severity, title: input.title.trim(), ticketCount: input.ticketIds?.length ?? 0 }, now);
      await this.setServices(tx, id, input.services ?? [], now);
      const commander = input.commanderId ?? actor.userId;
      await this.assignRoleIn(tx, id, 'commander', commander, actor.userId, now);
      if (input.subscribers) await this.subscribersIn(tx, id, input.subscribers);
      if (input.ticketIds?.length) await this.linkIn(tx, actor, id, input.ticketIds, settings, now);
      await this.armCadence(tx, id, now);
      await this.armResolveTarget(tx, id, now);
      await this.notifyStaff(tx, await this.load(tx, id), 'incident.declared', { actorName: await this.nameOf(tx, actor.userId) }, now);
      await this.index(tx, id, { all: true });
      await this.d.audit.record(tx, { actorId: actor.userId, action: 'incident.declared', targetType: 'incident', targetId: id, ip: auditActor?.ip ?? null, data: { severity: input.severity } });
    });
    return this.get(id);
  }

  async change(actor: Principal, id: string, input: { title?: string; summary?: string; severity?: Severity; problemRef?: string | null; links?: { label: string; url: string }[]; services?: { id: string; impact: Impact }[] }) {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const before = await this.loadActive(tx, id);
      const settings = await this.settings(tx);
      await repo.updateIncident(tx, id, {
        ...(input.title !== undefined && { title: input.title.trim() }),
        ...(input.summary !== undefined && { summary: input.summary }),
        ...(input.severity !== undefined && { severity: input.severity, cadence: json(cadenceTargets(settings, input.severity)) }),
        ...(input.problemRef !== undefined && { problem_ref: input.problemRef }),
        ...(input.links !== undefined && { links: json(input.links) }),
        updated_at: now,
      });
      if (input.severity !== undefined && input.severity !== before.severity) {
        await this.event(tx, id, 'incident.severity_changed', actor.userId, { from: before.severity, to: input.severity }, now);
        await this.armCadence(tx, id, now);
        await this.armResolveTarget(tx, id, now);
      }
      if (input.services) {
        await this.restoreServices(tx, id, now);
        await tx.deleteFrom('incident_services').where('incident_id', '=', id).execute();
        await this.setServices(tx, id, input.services, now);
        await this.event(tx, id, 'incident.services_changed', actor.userId, { serviceIds: input.services.map((s) => s.id) }, now);
      }
      // A new title heads the updates' documents too.
      if (input.title !== undefined || input.summary !== undefined) await this.index(tx, id, input.title !== undefined && input.title.trim() !== before.title ? { all: true } : { only: null });
    });
    return this.get(id);
  }

  private async setServices(tx: Tx, id: string, services: { id: string; impact: Impact }[], now: number) {
    if (!services.length) return;
    const found = await this.d.services.findMany(tx, services.map((s) => s.id));
    const missing = services.filter((s) => !found.some((f) => f.id === s.id));
    if (missing.length) throw invalid(missing.map((m) => ({ field: 'services', message: `service ${m.id} does not exist`, code: 'unknown_service' })));
    await repo.insertIncidentServices(tx, services.map((s) => ({ incident_id: id, service_id: s.id, impact: s.impact, status_before: found.find((f) => f.id === s.id)!.status })));
    for (const s of services) {
      const current = found.find((f) => f.id === s.id)!.status as ServiceStatus;
      const next = worseStatus(current, s.impact);
      if (next !== current) await this.d.services.setStatusIn(tx, s.id, next, now);
    }
  }

  /** The services' state returns: to what it was before, unless another active incident still names it. */
  private async restoreServices(tx: Tx, id: string, now: number) {
    for (const s of await repo.servicesOf(tx, [id])) {
      const others = await repo.activeIncidentsOfService(tx, s.service_id, id);
      const back = others.reduce<ServiceStatus>((acc, o) => worseStatus(acc, o.impact as ServiceStatus), s.status_before as ServiceStatus);
      await this.d.services.setStatusIn(tx, s.service_id, back, now);
    }
  }

  // ===================================================================== linking

  async link(actor: Principal, id: string, ticketIds: string[]) {
    const now = this.d.clock.now();
    const settings = await this.settings();
    await inTransaction(this.db, async (tx) => {
      await this.loadActive(tx, id);
      await this.linkIn(tx, actor, id, ticketIds, settings, now);
    });
    return this.get(id);
  }

  private async linkIn(tx: Tx, actor: Principal, id: string, ticketIds: string[], settings: IncidentSettings, now: number) {
    const ids = [...new Set(ticketIds)];
    const found = await repo.ticketsExist(tx, ids);
    const missing = ids.filter((t) => !found.some((f) => f.id === t));
    if (missing.length) throw invalid(missing.slice(0, 20).map((t) => ({ field: 'ticketIds', message: `ticket ${t} does not exist`, code: 'unknown_ticket' })));
    // Linking changes what the customer is told: the agent must be able to write each ticket.
    for (const t of ids) await this.d.tickets.access.assertWrite(actor, t, tx);
    const already = new Set(await repo.linkedTicketIds(tx, id));
    const fresh = ids.filter((t) => !already.has(t));
    if (!fresh.length) return;
    await repo.insertLinks(tx, fresh.map((t) => ({ incident_id: id, ticket_id: t, linked_by: actor.userId, linked_at: now })));
    if (settings.slaRule === 'pause') await this.d.sla.hold(tx, fresh, `incident:${id}`, now);
    for (const t of fresh)
      await this.d.tickets.appendEvent(tx, t, { kind: 'incident.linked', visibility: 'internal', authorType: 'user', authorId: actor.userId, data: { incidentId: id } }, now);
    const total = (await repo.linkedTicketIds(tx, id)).length;
    await this.event(tx, id, 'tickets.linked', actor.userId, { ticketIds: fresh.slice(0, 50), count: fresh.length, total }, now);
  }

  async unlink(actor: Principal, id: string, ticketId: string) {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      await this.load(tx, id);
      await this.d.tickets.access.assertWrite(actor, ticketId, tx, 'Linked ticket', ticketId);
      if (!(await repo.deleteLink(tx, id, ticketId))) throw notFound('Linked ticket', ticketId);
      await this.d.sla.release(tx, [ticketId], `incident:${id}`, now);
      await this.d.tickets.appendEvent(tx, ticketId, { kind: 'incident.unlinked', visibility: 'internal', authorType: 'user', authorId: actor.userId, data: { incidentId: id } }, now);
      const total = (await repo.linkedTicketIds(tx, id)).length;
      await this.event(tx, id, 'tickets.unlinked', actor.userId, { ticketIds: [ticketId], count: 1, total }, now);
    });
  }

  async setExcluded(actor: Principal, id: string, ticketId: string, excluded: boolean) {
    await inTransaction(this.db, async (tx) => {
      await this.loadActive(tx, id);
      await this.d.tickets.access.assertWrite(actor, ticketId, tx, 'Linked ticket', ticketId);
      if (!(await repo.setExcluded(tx, id, ticketId, excluded))) throw notFound('Linked ticket', ticketId);
      await this.event(tx, id, excluded ? 'ticket.excluded' : 'ticket.included', actor.userId, { ticketId }, this.d.clock.now());
    });
  }

  async addAudience(actor: Principal, id: string, a: { kind: 'organization' | 'tier'; ref: string }) {
    await inTransaction(this.db, async (tx) => {
      await this.loadActive(tx, id);
      if (a.kind === 'organization' && !(await tx.selectFrom('organizations').select('id').where('id', '=', a.ref).executeTakeFirst()))
        throw invalid([{ field: 'ref', message: `organization ${a.ref} does not exist`, code: 'unknown_organization' }]);
      await repo.insertAudience(tx, { incident_id: id, kind: a.kind, ref: a.ref, added_by: actor.userId, added_at: this.d.clock.now() });
      await this.event(tx, id, 'customers.added', actor.userId, a, this.d.clock.now());
    });
    return this.affectedCustomers(id);
  }

  async removeAudience(actor: Principal, id: string, a: { kind: string; ref: string }) {
    await inTransaction(this.db, async (tx) => {
      await this.loadActive(tx, id);
      if (!(await repo.deleteAudience(tx, id, a.kind, a.ref))) throw notFound('Audience', `${a.kind}:${a.ref}`);
      await this.event(tx, id, 'customers.removed', actor.userId, a, this.d.clock.now());
    });
  }

  async setSubscribers(actor: Principal, id: string, s: { userIds?: string[]; teamIds?: string[] }) {
    await inTransaction(this.db, async (tx) => {
      await this.load(tx, id);
      await this.subscribersIn(tx, id, s);
      await this.event(tx, id, 'subscribers.changed', actor.userId, { users: s.userIds?.length ?? 0, teams: s.teamIds?.length ?? 0 }, this.d.clock.now());
    });
    return this.subscribers(id);
  }

  async subscribers(id: string) {
    const rows = await repo.subscribersOf(this.db, id);
    return { userIds: rows.filter((r) => r.kind === 'user').map((r) => r.ref_id), teamIds: rows.filter((r) => r.kind === 'team').map((r) => r.ref_id) };
  }

  private async subscribersIn(tx: Tx, id: string, s: { userIds?: string[]; teamIds?: string[] }) {
    const userIds = [...new Set(s.userIds ?? [])];
    const teamIds = [...new Set(s.teamIds ?? [])];
    const users = await repo.existingUserIds(tx, userIds);
    const teams = await repo.existingTeamIds(tx, teamIds);
    const problems = [...userIds.filter((u) => !users.has(u)).map((u) => ({ field: 'userIds', message: `user ${u} does not exist or is deactivated`, code: 'unknown_or_deactivated_user' })), ...teamIds.filter((t) => !teams.has(t)).map((t) => ({ field: 'teamIds', message: `team ${t} does not exist`, code: 'unknown_team' }))];
    if (problems.length) throw invalid(problems);
    await repo.replaceSubscribers(tx, id, [...userIds.map((u) => ({ kind: 'user', ref_id: u })), ...teamIds.map((t) => ({ kind: 'team', ref_id: t }))]);
  }

  // ===================================================================== task force

  async assignRole(actor: Principal, id: string, role: TaskForceRole, userId: string | null) {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      await this.loadActive(tx, id);
      if (userId === null) {
        if (role === 'commander') throw invalid([{ field: 'userId', message: 'an active incident always has a commander; hand the role over instead', code: 'commander_required' }]);
        const before = await repo.findRole(tx, id, role);
        await repo.deleteRole(tx, id, role);
        await this.event(tx, id, 'role.stood_down', actor.userId, { role, from: before?.user_id ?? null }, now);
        if (before) await this.notifyStaff(tx, await this.load(tx, id), 'incident.role_changed', { role, actorName: await this.nameOf(tx, actor.userId) }, now, [...new Set([...(await this.staffOf(tx, id)), before.user_id])]);
        return;
      }
      const before = await repo.findRole(tx, id, role);
      await this.assignRoleIn(tx, id, role, userId, actor.userId, now);
      // The one handing over hears too (they are no longer on the task force in that role).
      if (before?.user_id !== userId)
        await this.notifyStaff(tx, await this.load(tx, id), 'incident.role_changed', { role, personName: await this.nameOf(tx, userId), actorName: await this.nameOf(tx, actor.userId) }, now, [...new Set([...(await this.staffOf(tx, id)), ...(before ? [before.user_id] : [])])]);
    });
    return this.get(id);
  }

  private async assignRoleIn(tx: Tx, id: string, role: TaskForceRole, userId: string, by: string, now: number) {
    if (!(await repo.existingUserIds(tx, [userId])).has(userId)) throw invalid([{ field: 'userId', message: `user ${userId} does not exist or is deactivated`, code: 'unknown_or_deactivated_user' }]);
    const before = await repo.findRole(tx, id, role);
    if (before?.user_id === userId) return;
    await repo.putRole(tx, { incident_id: id, role, user_id: userId, assigned_by: by, assigned_at: now });
    // A handover is recorded with who had the role (the RCA timeline shows it).
    await this.event(tx, id, before ? 'role.handed_over' : 'role.assigned', by, { role, from: before?.user_id ?? null, to: userId }, now);
  }

  async tasks(id: string, kind: 'action' | 'corrective' = 'action'): Promise<TaskView[]> {
    await this.load(this.db, id);
    const now = this.d.clock.now();
    return (await repo.tasksOf(this.db, id, kind)).map((t) => ({
      id: t.id,
      kind: t.kind as 'action' | 'corrective',
      title: t.title,
      ownerId: t.owner_id,
      ownerName: t.owner_name ?? null,
      dueAt: t.due_at === null ? null : new Date(Number(t.due_at)).toISOString(),
      state: t.state as TaskState,
      overdue: t.due_at !== null && Number(t.due_at) < now && (t.state === 'open' || t.state === 'in_progress'),
      createdAt: new Date(Number(t.created_at)).toISOString(),
      doneAt: t.done_at === null ? null : new Date(Number(t.done_at)).toISOString(),
    }));
  }

  async addTask(actor: Principal, id: string, input: { kind?: 'action' | 'corrective'; title: string; ownerId?: string | null; dueAt?: string | null }) {
    const now = this.d.clock.now();
    const taskId = newId();
    const dueAt = parseInstant(input.dueAt, 'dueAt');
    await inTransaction(this.db, async (tx) => {
      await this.load(tx, id);
      if (input.ownerId && !(await repo.existingUserIds(tx, [input.ownerId])).has(input.ownerId)) throw invalid([{ field: 'ownerId', message: `user ${input.ownerId} does not exist or is deactivated`, code: 'unknown_or_deactivated_user' }]);
      const kind = input.kind ?? 'action';
      await repo.insertTask(tx, { id: taskId, incident_id: id, kind, title: input.title.trim(), owner_id: input.ownerId ?? null, due_at: dueAt, state: 'open', created_by: actor.userId, created_at: now, updated_at: now, done_at: null });
      await this.event(tx, id, 'task.added', actor.userId, { taskId, kind, title: input.title.trim(), ownerId: input.ownerId ?? null }, now);
      await this.armTask(tx, taskId, dueAt, now);
    });
    return (await this.tasks(id, input.kind ?? 'action')).find((t) => t.id === taskId)!;
  }

  async changeTask(actor: Principal, id: string, taskId: string, input: { title?: string; ownerId?: string | null; dueAt?: string | null; state?: TaskState }) {
    const now = this.d.clock.now();
    let kind: 'action' | 'corrective' = 'action';
    await inTransaction(this.db, async (tx) => {
      const t = await repo.findTask(tx, taskId);
      if (!t || t.incident_id !== id) throw notFound('Task', taskId);
      kind = t.kind as typeof kind;
      if (input.ownerId && !(await repo.existingUserIds(tx, [input.ownerId])).has(input.ownerId)) throw invalid([{ field: 'ownerId', message: `user ${input.ownerId} does not exist or is deactivated`, code: 'unknown_or_deactivated_user' }]);
      const dueAt = input.dueAt !== undefined ? parseInstant(input.dueAt, 'dueAt') : t.due_at === null ? null : Number(t.due_at);
      const finished = input.state === 'done' || input.state === 'cancelled';
      await repo.updateTask(tx, taskId, {
        ...(input.title !== undefined && { title: input.title.trim() }),
        ...(input.ownerId !== undefined && { owner_id: input.ownerId }),
        ...(input.dueAt !== undefined && { due_at: dueAt }),
        ...(input.state !== undefined && { state: input.state, done_at: finished ? now : null }),
        updated_at: now,
      });
      await this.event(tx, id, input.state && input.state !== t.state ? `task.${input.state}` : 'task.changed', actor.userId, { taskId, title: input.title ?? t.title, ...(input.ownerId !== undefined && { ownerId: input.ownerId }) }, now);
      if (finished) await cancelJobs(tx, [`incident-task:${taskId}`], now);
      else await this.armTask(tx, taskId, dueAt, now);
    });
    return (await this.tasks(id, kind)).find((t) => t.id === taskId)!;
  }

  /** A task's reminder fires at its due instant exactly (replaced when the due time moves). */
  private async armTask(tx: Tx, taskId: string, dueAt: number | null, now: number) {
    const key = `incident-task:${taskId}`;
    if (dueAt === null) return void (await cancelJobs(tx, [key], now));
    await enqueueJob(tx, { kind: TASK_DUE_JOB, payload: { taskId, dueAt }, dueAt, dedupeKey: key, maxAttempts: 5 }, now, { replace: true });
  }

  // ===================================================================== updates

  async postUpdate(actor: Principal, id: string, input: { state: UpdateState; body: Localised; audience: UpdateAudience; nextUpdateAt?: string | null }) {
    const now = this.d.clock.now();
    const requested = parseInstant(input.nextUpdateAt, 'nextUpdateAt');
    const problems = [...nextUpdateProblems(now, requested), ...(!input.body.ja.trim() ? [{ field: 'body.ja', message: 'must be written (both languages)', code: 'both_languages_required' }] : []), ...(!input.body.en.trim() ? [{ field: 'body.en', message: 'must be written (both languages)', code: 'both_languages_required' }] : [])];
    if (problems.length) throw invalid(problems);
    const updateId = newId();
    return inTransaction(this.db, async (tx) => {
      const inc = await this.loadActive(tx, id);
      const audience = inc.internal_only === 1 ? 'internal' : input.audience;
      const t = parseJson<CadenceTargets>(inc.cadence, cadenceTargets(DEFAULT_SETTINGS, inc.severity as Severity));
      const next = nextUpdateInstant(t, now, requested);
      await repo.insertUpdate(tx, { id: updateId, incident_id: id, state: input.state, body_ja: input.body.ja, body_en: input.body.en, audience, next_update_at: next, author_id: actor.userId, created_at: now });
      await repo.updateIncident(tx, id, { last_internal_update_at: now, ...(audience === 'public' && { last_customer_update_at: now }), next_update_at: next, updated_at: now });
      await this.event(tx, id, 'update.posted', actor.userId, { updateId, state: input.state, audience, nextUpdateAt: next }, now);
      await this.index(tx, id, { only: updateId });
      await this.armCadence(tx, id, now);
      await this.notifyStaff(tx, inc, 'incident.update_posted', { updateId, state: input.state, audience, bodyJa: input.body.ja, bodyEn: input.body.en, nextUpdateAt: next, actorName: await this.nameOf(tx, actor.userId) }, now);
      if (audience === 'public') {
        await this.queueFanout(tx, { incidentId: id, kind: 'update', updateId, actorId: actor.userId, after: null, ...(await this.audiencePhase(tx, inc)) }, now);
        await enqueueJob(tx, { kind: STATUS_FANOUT_JOB, payload: { incidentId: id, updateId, after: null }, dueAt: now, dedupeKey: `status-fanout:${updateId}:start`, maxAttempts: 5 }, now);
      }
      // Read before the commit starts the fan-out (see resolve).
      return presentUpdate((await repo.findUpdate(tx, updateId))!);
    });
  }

  /** The cadence clocks of an incident, re-armed after every change that moves them (exact timers). */
  private async armCadence(tx: Tx, id: string, now: number) {
    const inc = (await repo.findIncident(tx, id))!;
    const due = this.due(inc);
    for (const audience of ['internal', 'customer'] as const) {
      const key = `incident:${id}:cadence:${audience}`;
      await cancelJobs(tx, [`${key}:commander`], now);
      const at = due[audience];
      if (at === null) {
        await cancelJobs(tx, [key], now);
        continue;
      }
      await enqueueJob(tx, { kind: CADENCE_JOB, payload: { incidentId: id, audience, stage: 'communications_lead', dueAt: at }, dueAt: at, dedupeKey: key, maxAttempts: 5 }, now, { replace: true });
    }
  }

  /**
   * The resolution target's timer: at the incident's start plus its severity's target, exactly
   * (replaced when the severity changes; cancelled by the resolution). Once passed, it does not re-arm.
   */
  private async armResolveTarget(tx: Tx, id: string, now: number) {
    const inc = (await repo.findIncident(tx, id))!;
    if (await repo.hasEvent(tx, id, 'resolve_target.passed')) return;
    const t = parseJson<CadenceTargets>(inc.cadence, cadenceTargets(DEFAULT_SETTINGS, inc.severity as Severity));
    const dueAt = resolveTargetAt(t, Number(inc.started_at));
    await enqueueJob(tx, { kind: RESOLVE_TARGET_JOB, payload: { incidentId: id, dueAt }, dueAt: Math.max(dueAt, now), dedupeKey: resolveTargetKey(id), maxAttempts: 5 }, now, { replace: true });
  }

  /** The fan-out starts with the audience phase when organisations or tiers were added (not for internal-only incidents). */
  private async audiencePhase(tx: Tx, inc: IncidentsTable): Promise<{ phase?: 'audience' }> {
    return inc.internal_only !== 1 && (await repo.audiencesOf(tx, inc.id)).length ? { phase: 'audience' } : {};
  }

  /**
   * The fan-out's next job: the first batch a moment after the request that caused it (so that
   * request's answer leaves first: on SQLite the batches run their queries on this node's event
   * loop), the next ones FANOUT_GAP_MS apart; `waitFor` asks for the same batch again later
   * (the senders are behind), under a key of its own.
   */
  private async queueFanout(tx: Tx, p: FanoutPayload, now: number, waitFor?: number, next?: 'linked') {
    // The linked tickets follow the audience phase at once (that phase's first batch had the start delay).
    const delay = waitFor ?? (next === 'linked' ? 0 : p.after === null ? FANOUT_START_DELAY_MS : FANOUT_GAP_MS);
    const key = `incident-fanout:${p.incidentId}:${p.updateId ?? p.kind}:${p.phase ? `${p.phase}:` : ''}${p.after ?? 'start'}${waitFor === undefined ? '' : `:wait:${newId()}`}`;
    await enqueueJob(tx, { kind: FANOUT_JOB, payload: { ...p }, dueAt: now + delay, dedupeKey: key, maxAttempts: 5 }, now);
  }

  /** Staff who hear of the incident: its task force and its subscribers (people and team members). */
  private async staffOf(ex: Executor, id: string): Promise<string[]> {
    const subs = await repo.subscribersOf(ex, id);
    const roles = await repo.rolesOf(ex, [id]);
    const members = await repo.teamMemberIds(ex, subs.filter((s) => s.kind === 'team').map((s) => s.ref_id));
    return [...new Set([...roles.map((r) => r.user_id), ...subs.filter((s) => s.kind === 'user').map((s) => s.ref_id), ...members])];
  }

  private async nameOf(ex: Executor, userId: string): Promise<string | undefined> {
    return (await ex.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst())?.name;
  }

  private async notifyStaff(tx: Tx, inc: IncidentsTable, event: string, data: Record<string, unknown>, now: number, userIds?: string[]) {
    const ids = userIds ?? (await this.staffOf(tx, inc.id));
    if (!ids.length) return;
    await enqueueJob(
      tx,
      {
        kind: NOTIFY_JOB,
        payload: { event, recipients: { userIds: ids }, data: { incidentId: inc.id, incidentTitle: inc.title, severity: inc.severity, ...data } },
        dueAt: now,
        dedupeKey: `notify:incident:${inc.id}:${newId()}`,
        maxAttempts: 5,
      },
      now,
    );
  }

  // ===================================================================== resolve

  async resolve(actor: Principal, id: string, input: { resolution: Localised; excludeTicketIds?: string[] }) {
    const now = this.d.clock.now();
    const problems = (['ja', 'en'] as const).filter((l) => !input.resolution[l].trim()).map((l) => ({ field: `resolution.${l}`, message: 'must be written (both languages)', code: 'both_languages_required' }));
    if (problems.length) throw invalid(problems);
    return inTransaction(this.db, async (tx) => {
      const inc = await this.loadActive(tx, id);
      const commander = await repo.findRole(tx, id, 'commander');
      if (commander?.user_id !== actor.userId && !['manager', 'admin'].includes(actor.role))
        throw forbidden('Only the incident commander or a manager declares the resolution.');
      for (const t of input.excludeTicketIds ?? []) await repo.setExcluded(tx, id, t, true);
      await repo.updateIncident(tx, id, { state: 'resolved', resolution: json(input.resolution), resolved_at: now, resolved_by: actor.userId, next_update_at: null, updated_at: now });
      const updateId = newId();
      if (inc.internal_only !== 1)
        await repo.insertUpdate(tx, { id: updateId, incident_id: id, state: 'resolved', body_ja: input.resolution.ja, body_en: input.resolution.en, audience: 'public', next_update_at: null, author_id: actor.userId, created_at: now });
      await this.event(tx, id, 'incident.resolved', actor.userId, { excluded: input.excludeTicketIds?.length ?? 0 }, now);
      await this.index(tx, id, { only: inc.internal_only !== 1 ? updateId : null });
      await this.notifyStaff(tx, inc, 'incident.resolved', { bodyJa: input.resolution.ja, bodyEn: input.resolution.en, actorName: await this.nameOf(tx, actor.userId) }, now);
      await this.restoreServices(tx, id, now);
      // The task force is stood down: the roles end (their history stays in the events).
      const roles = await repo.rolesOf(tx, [id]);
      await repo.deleteRoles(tx, id);
      await this.event(tx, id, 'task_force.stood_down', actor.userId, { roles: roles.map((r) => ({ role: r.role, userId: r.user_id })) }, now);
      await cancelJobsByPrefix(tx, `incident:${id}:cadence:`, now);
      await cancelJobs(tx, [resolveTargetKey(id)], now);
      await this.queueFanout(tx, { incidentId: id, kind: 'resolution', updateId: null, actorId: actor.userId, after: null, ...(await this.audiencePhase(tx, inc)) }, now);
      if (inc.internal_only !== 1) await enqueueJob(tx, { kind: STATUS_FANOUT_JOB, payload: { incidentId: id, updateId, after: null }, dueAt: now, dedupeKey: `status-fanout:${updateId}:start`, maxAttempts: 5 }, now);
      // The answer is read in the transaction: after the commit the fan-out's batches start, and
      // on SQLite each of this request's reads would wait behind one of them.
      return this.get(id, tx);
    });
  }

  async close(actor: Principal, id: string) {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const inc = await this.load(tx, id);
      if (inc.state !== 'resolved') throw conflict('Only a resolved incident can be closed.', { state: inc.state });
      const rca = await repo.findRca(tx, id);
      if (!rca || (rca.state !== 'approved' && rca.state !== 'shared')) throw conflict('Closing needs an approved RCA: request one, write it and have a manager approve it.', { rcaState: rca?.state ?? null });
      await repo.updateIncident(tx, id, { state: 'closed', closed_at: now, updated_at: now });
      await this.event(tx, id, 'incident.closed', actor.userId, {}, now);
    });
    return this.get(id);
  }

  // ===================================================================== jobs

  /** One batch of linked tickets answered (an update, or the resolution that solves them). */
  async runFanout(tx: Tx, p: FanoutPayload, now: number): Promise<void> {
    const inc = await repo.findIncident(tx, p.incidentId);
    if (!inc) return;
    const update = p.updateId ? await repo.findUpdate(tx, p.updateId) : undefined;
    if (p.kind === 'update' && !update) return;
    // The senders are behind: this batch waits (written later, in a job of its own).
    if ((await outstandingDeliveries(tx, FANOUT_OUTSTANDING_CAP)) >= FANOUT_OUTSTANDING_CAP) return this.queueFanout(tx, p, now, FANOUT_PAUSE_MS);
    if (p.phase === 'audience') return this.runAudienceFanout(tx, inc, p, now);
    const resolution = parseJson<Localised | null>(inc.resolution, null);
    const batch = await repo.linkedTicketPage(tx, p.incidentId, p.after, FANOUT_BATCH);
    const ctx = { actorId: p.actorId, authorType: 'user' as const, now };
    // The batch's tickets and their requesters' languages in two statements, not two per ticket;
    // the resolution releases the batch's SLA holds at once (before the replies, as one by one did).
    const ids = batch.map((l) => l.ticket_id);
    const tickets = await this.d.tickets.loadMany(tx, ids);
    const locales = await repo.customerLocales(tx, [...tickets.values()].map((t) => t.requesterId).filter((x): x is string => x !== null));
    if (p.kind === 'resolution') await this.d.sla.release(tx, ids, `incident:${inc.id}`, now);
    const replies: NewMessage[] = [];
    for (const link of batch) {
      // (The release writes clocks only, never the ticket row: the batch's rows stay current.)
      const ticket = tickets.get(link.ticket_id);
      if (!ticket) continue;
      if (ticket.status === 'closed' || inc.internal_only === 1) continue;
      if (p.kind === 'resolution' && link.exclude_from_resolution === 1) continue;
      const lang = customerLanguage(ticket.requesterId ? locales.get(ticket.requesterId) : null);
      const body =
        p.kind === 'update'
          ? ticketUpdateText(lang, { title: inc.title, state: update!.state, body: lang === 'ja' ? update!.body_ja : update!.body_en, nextUpdateAt: update!.next_update_at === null ? null : Number(update!.next_update_at) })
          : ticketResolutionText(lang, { title: inc.title, body: resolution?.[lang] ?? '' });
      // A public reply by the author: the replies module mails it threaded on the customer's own ticket.
      replies.push({ ticket, body, visibility: 'public', data: { incidentId: inc.id, ...(p.updateId && { incidentUpdateId: p.updateId }) } });
    }
    // The batch's replies in one go (tickets.addMessagesIn: the same rows as one by one, set-wise).
    const replied = await this.d.tickets.addMessagesIn(tx, replies, ctx);
    // A public reply by staff never solves a ticket (tickets.policy statusAfterMessage): the resolution solves them, in one change.
    if (p.kind === 'resolution') {
      const solving = replied.filter((r) => r.ticket.status !== 'solved').map((r) => ({ id: r.ticket.id, input: { status: 'solved' as const } }));
      await this.d.tickets.updateManyIn(tx, solving, ctx);
    }
    if (batch.length === FANOUT_BATCH) await this.queueFanout(tx, { ...p, after: batch.at(-1)!.ticket_id }, now);
  }

  /**
   * The first part of a fan-out when organisations or tiers were added: one batch of those
   * affected customers who have no linked ticket gets a ticket each (pending, in their language,
   * linked to the incident). The linked-ticket part that follows then answers on it with every
   * other linked ticket, so the replies module mails them threaded and their answer comes back
   * to that ticket; later updates find it linked. Customers without an email address are skipped.
   */
  private async runAudienceFanout(tx: Tx, inc: IncidentsTable, p: FanoutPayload, now: number): Promise<void> {
    const { orgIds, tiers } = audienceRefs(await repo.audiencesOf(tx, inc.id));
    const page = await repo.audienceCustomers(tx, orgIds, tiers, FANOUT_BATCH, p.after);
    const chosen = page.filter((c) => c.email && (viaOrganization(c, orgIds) || viaTier(c, tiers)));
    const heard = await repo.customersWithLinkedTicket(tx, inc.id, chosen.map((c) => c.id));
    const fresh = chosen.filter((c) => !heard.has(c.id));
    const settings = await this.settings(tx);
    const ctx = { actorId: p.actorId, authorType: p.actorId ? ('user' as const) : ('system' as const), now };
    const team = fresh.length ? await this.outreachTeam(tx, inc, settings) : { teamId: null, source: null };
    for (const c of fresh) {
      const ticket = await this.d.tickets.createIn(tx, { subject: outreachSubject(customerLanguage(c.locale), inc.title), requesterId: c.id, channel: 'email', status: 'pending', teamId: team.teamId }, ctx);
      await repo.insertLinks(tx, [{ incident_id: inc.id, ticket_id: ticket.id, linked_by: p.actorId, linked_at: now }]);
      if (inc.state === 'active' && settings.slaRule === 'pause') await this.d.sla.hold(tx, [ticket.id], `incident:${inc.id}`, now);
      await this.d.tickets.appendEvent(tx, ticket.id, { kind: 'incident.linked', visibility: 'internal', authorType: ctx.authorType, authorId: p.actorId, data: { incidentId: inc.id, audience: true } }, now);
    }
    if (fresh.length) await this.event(tx, inc.id, 'audience.reached', p.actorId, { count: fresh.length, kind: p.kind, teamId: team.teamId, teamSource: team.source }, now);
    if (page.length === FANOUT_BATCH) await this.queueFanout(tx, { ...p, after: page.at(-1)!.id }, now);
    else await this.queueFanout(tx, { incidentId: p.incidentId, kind: p.kind, updateId: p.updateId, actorId: p.actorId, after: null }, now, undefined, 'linked');
  }

  /**
   * The team of the outreach tickets (incidents.policy outreachTeamId). The commander is the
   * task force's, or, once the resolution stood the task force down, the last one it had.
   */
  private async outreachTeam(tx: Tx, inc: IncidentsTable, settings: IncidentSettings) {
    const services = await repo.serviceOwners(tx, inc.id);
    let commander = (await repo.findRole(tx, inc.id, 'commander'))?.user_id;
    if (!commander) {
      const stood = await repo.lastEvent(tx, inc.id, 'task_force.stood_down');
      commander = parseJson<{ roles?: { role: string; userId: string }[] }>(stood?.data, {}).roles?.find((r) => r.role === 'commander')?.userId;
    }
    const commanderTeams = commander ? await repo.teamsOfUser(tx, commander) : [];
    const validSetting = settings.outreachTeamId && (await repo.existingTeamIds(tx, [settings.outreachTeamId])).has(settings.outreachTeamId) ? settings.outreachTeamId : null;
    return outreachTeamId({ services: services.map((s) => ({ ownerTeamId: s.owner_team_id, impact: s.impact, position: Number(s.position) })), commanderTeams, settingTeamId: validSetting });
  }

  /** An update is overdue: the communications lead hears at the due instant, then the commander. */
  async runCadence(tx: Tx, p: { incidentId: string; audience: 'internal' | 'customer'; stage: 'communications_lead' | 'commander'; dueAt: number }, now: number): Promise<void> {
    const inc = await repo.findIncident(tx, p.incidentId);
    if (!inc || inc.state !== 'active') return;
    // Re-armed by an update meanwhile: this reminder is stale.
    if (this.due(inc)[p.audience] !== p.dueAt) return;
    const roles = await repo.rolesOf(tx, [inc.id]);
    const holder = (r: string) => roles.find((x) => x.role === r)?.user_id;
    const to = p.stage === 'communications_lead' ? (holder('communications_lead') ?? holder('commander')) : holder('commander');
    await this.event(tx, inc.id, 'update.overdue', null, { audience: p.audience, stage: p.stage, dueAt: p.dueAt, notified: to ?? null }, now);
    if (to) await this.notifyStaff(tx, inc, 'incident.update_overdue', { audience: p.audience, stage: p.stage, dueAt: new Date(p.dueAt).toISOString() }, now, [to]);
    if (p.stage === 'communications_lead') {
      const t = parseJson<CadenceTargets>(inc.cadence, cadenceTargets(DEFAULT_SETTINGS, inc.severity as Severity));
      const commander = overdueReminders(t, p.dueAt)[1]!;
      await enqueueJob(tx, { kind: CADENCE_JOB, payload: { ...p, stage: 'commander' }, dueAt: commander.at, dedupeKey: `incident:${inc.id}:cadence:${p.audience}:commander`, maxAttempts: 5 }, now, { replace: true });
    }
  }

  /**
   * The resolution target passed with the incident still active: its anchor ticket (the first
   * linked one still open) escalates along the path of its severity (or the workspace default),
   * and the task force and subscribers hear of it. Once: a stale timer (severity changed) or a
   * second run does nothing.
   */
  async runResolveTarget(tx: Tx, p: { incidentId: string; dueAt: number }, now: number): Promise<void> {
    const inc = await repo.findIncident(tx, p.incidentId);
    if (!inc || inc.state !== 'active') return;
    const t = parseJson<CadenceTargets>(inc.cadence, cadenceTargets(DEFAULT_SETTINGS, inc.severity as Severity));
    if (resolveTargetAt(t, Number(inc.started_at)) !== p.dueAt) return;
    if (await repo.hasEvent(tx, inc.id, 'resolve_target.passed')) return;
    const pathId = resolveEscalationPath(await this.settings(tx), inc.severity as Severity);
    const anchor = pathId && this.d.escalations ? await repo.firstOpenLinkedTicket(tx, inc.id) : undefined;
    const escalationId = anchor && pathId ? await this.d.escalations!.onIncidentTarget(tx, { ticketId: anchor, pathId, incident: { title: inc.title, severity: inc.severity }, now }) : null;
    await this.event(tx, inc.id, 'resolve_target.passed', null, { dueAt: p.dueAt, pathId, ticketId: anchor ?? null, escalationId }, now);
    await this.notifyStaff(tx, inc, 'incident.resolve_target_passed', { dueAt: new Date(p.dueAt).toISOString(), escalationId }, now);
  }

  async runTaskDue(tx: Tx, p: { taskId: string; dueAt: number }, now: number): Promise<void> {
    const t = await repo.findTask(tx, p.taskId);
    if (!t || Number(t.due_at) !== p.dueAt || (t.state !== 'open' && t.state !== 'in_progress') || !t.owner_id) return;
    const inc = await repo.findIncident(tx, t.incident_id);
    if (!inc) return;
    await this.event(tx, inc.id, 'task.overdue', null, { taskId: t.id, title: t.title, ownerId: t.owner_id }, now);
    await this.notifyStaff(tx, inc, 'incident.task_overdue', { taskId: t.id, taskTitle: t.title, kind: t.kind }, now, [t.owner_id]);
  }

  async runRcaDue(tx: Tx, p: { incidentId: string; dueAt: number }, now: number): Promise<void> {
    const r = await repo.findRca(tx, p.incidentId);
    const inc = await repo.findIncident(tx, p.incidentId);
    if (!r || !inc || Number(r.due_at) !== p.dueAt || r.state !== 'requested' || !r.owner_id) return;
    await this.event(tx, inc.id, 'rca.overdue', null, { ownerId: r.owner_id }, now);
    await this.notifyStaff(tx, inc, 'incident.rca_overdue', {}, now, [r.owner_id]);
  }

  // ===================================================================== RCA

  async requestRca(actor: Principal, id: string, input: { ownerId: string; dueAt: string }) {
    const now = this.d.clock.now();
    const dueAt = parseInstant(input.dueAt, 'dueAt')!;
    if (dueAt <= now) throw invalid([{ field: 'dueAt', message: 'must be in the future', code: 'must_be_future' }]);
    await inTransaction(this.db, async (tx) => {
      const inc = await this.load(tx, id);
      if (inc.state === 'active') throw conflict('An RCA is requested once the incident is resolved.', { state: inc.state });
      if (await repo.findRca(tx, id)) throw conflict('An RCA was requested already; change its owner or due date instead.');
      if (!(await repo.existingUserIds(tx, [input.ownerId])).has(input.ownerId)) throw invalid([{ field: 'ownerId', message: `user ${input.ownerId} does not exist or is deactivated`, code: 'unknown_or_deactivated_user' }]);
      const services = await repo.servicesOf(tx, [id]);
      const draft = draftCustomerRca({ startedAt: Number(inc.started_at), resolvedAt: inc.resolved_at === null ? null : Number(inc.resolved_at), services: services.map((s) => ({ ja: s.name_ja, en: s.name_en })), correctiveTitles: [], resolution: parseJson(inc.resolution, null), timeZone: 'Asia/Tokyo' });
      await repo.insertRca(tx, { incident_id: id, owner_id: input.ownerId, due_at: dueAt, state: 'requested', internal: '{}', customer: json(draft), requested_by: actor.userId, approved_by: null, approved_at: null, shared_at: null, created_at: now, updated_at: now });
      await this.event(tx, id, 'rca.requested', actor.userId, { ownerId: input.ownerId, dueAt }, now);
      await enqueueJob(tx, { kind: RCA_DUE_JOB, payload: { incidentId: id, dueAt }, dueAt, dedupeKey: `incident-rca:${id}`, maxAttempts: 5 }, now, { replace: true });
      await this.notifyStaff(tx, inc, 'incident.rca_requested', { dueAt: new Date(dueAt).toISOString() }, now, [input.ownerId]);
    });
    return this.rca(id);
  }

  async rcaRow(id: string) {
    const r = await repo.findRca(this.db, id);
    if (!r) throw notFound('RCA of incident', id);
    return r;
  }

  async rca(id: string) {
    const r = await repo.findRca(this.db, id);
    if (!r) throw notFound('RCA of incident', id);
    return presentRca(r, this.d.clock.now());
  }

  async saveRca(actor: Principal, id: string, input: { internal?: Record<string, string>; customer?: { ja?: Record<string, string>; en?: Record<string, string> }; submit?: boolean }) {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const r = await repo.findRca(tx, id);
      if (!r) throw notFound('RCA of incident', id);
      if (r.state === 'approved' || r.state === 'shared') throw conflict('The RCA is approved; it no longer changes.', { state: r.state });
      const customer = parseJson<{ ja: Record<string, string>; en: Record<string, string> }>(r.customer, { ja: {}, en: {} });
      const merged = { ja: { ...customer.ja, ...input.customer?.ja }, en: { ...customer.en, ...input.customer?.en } };
      if (input.submit) {
        const problems = customerRcaProblems(merged);
        if (problems.length) throw invalid(problems, 'Every section of the customer report is needed in Japanese and English before review.');
      }
      await repo.updateRca(tx, id, { internal: json({ ...parseJson(r.internal, {}), ...input.internal }), customer: json(merged), ...(input.submit && { state: 'in_review' }), updated_at: now });
      await cancelJobs(tx, input.submit ? [`incident-rca:${id}`] : [], now);
      await this.event(tx, id, input.submit ? 'rca.submitted' : 'rca.edited', actor.userId, {}, now);
    });
    return this.rca(id);
  }

  async approveRca(actor: Principal, id: string) {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const r = await repo.findRca(tx, id);
      if (!r) throw notFound('RCA of incident', id);
      if (r.state !== 'in_review') throw conflict('Only an RCA submitted for review can be approved.', { state: r.state });
      await repo.updateRca(tx, id, { state: 'approved', approved_by: actor.userId, approved_at: now, updated_at: now });
      await this.event(tx, id, 'rca.approved', actor.userId, {}, now);
      const inc = await this.load(tx, id);
      await this.notifyStaff(tx, inc, 'incident.rca_approved', { actorName: await this.nameOf(tx, actor.userId) }, now, [...new Set([...(await this.staffOf(tx, id)), ...(r.owner_id ? [r.owner_id] : [])])]);
    });
    return this.rca(id);
  }

  /** The approved customer report is shared: on the status page, and by mail to its subscribers. */
  async shareRca(actor: Principal, id: string) {
    const now = this.d.clock.now();
    await inTransaction(this.db, async (tx) => {
      const inc = await this.load(tx, id);
      const r = await repo.findRca(tx, id);
      if (!r) throw notFound('RCA of incident', id);
      if (r.state !== 'approved') throw conflict('Only an approved RCA can be shared.', { state: r.state });
      await repo.updateRca(tx, id, { state: 'shared', shared_at: now, updated_at: now });
      await this.event(tx, id, 'rca.shared', actor.userId, {}, now);
      if (inc.internal_only !== 1) await enqueueJob(tx, { kind: STATUS_FANOUT_JOB, payload: { incidentId: id, updateId: null, rca: true, after: null }, dueAt: now, dedupeKey: `status-fanout:rca:${id}:start`, maxAttempts: 5 }, now);
    });
    return this.rca(id);
  }

  /** The RCA's timeline: built from the incident's own events (with linked-ticket counts over time). */
  async rcaTimeline(id: string) {
    return this.events(id);
  }

  // ===================================================================== candidates

  async candidates() {
    const settings = await this.settings();
    const now = this.d.clock.now();
    const rows = await repo.recentUnlinkedTickets(this.db, now - settings.candidates.windowMinutes * MIN, 2000);
    const tickets = rows.map((r) => ({ id: r.id, number: Number(r.number), subject: r.subject, category: r.category, product: r.product, createdAt: Number(r.created_at) }));
    const byId = new Map(tickets.map((t) => [t.id, t]));
    return detectCandidates(tickets, settings.candidates, now).map((c) => ({
      reason: c.reason,
      firstAt: new Date(c.firstAt).toISOString(),
      lastAt: new Date(c.lastAt).toISOString(),
      tickets: c.ticketIds.map((id) => ({ id, number: byId.get(id)!.number, subject: byId.get(id)!.subject })),
    }));
  }

  /** New tickets (since the incident started, at most a day back) that look like part of it, for linking. */
  async suggestions(viewer: Principal, id: string) {
    const inc = await this.load(this.db, id);
    const settings = await this.settings();
    const linked = await repo.linkedProfile(this.db, id, 200);
    const services = await repo.servicesOf(this.db, [id]);
    const now = this.d.clock.now();
    const rows = await repo.recentTicketsOutside(this.db, id, Math.max(Number(inc.started_at), now - 86_400_000), 500);
    const visible = await this.d.tickets.access.visibleIds(viewer, rows.map((r) => r.id));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const found = linkSuggestions(
      {
        texts: [inc.title, ...services.flatMap((s) => [s.name_ja, s.name_en]), ...linked.map((l) => l.subject)],
        categories: linked.map((l) => l.category ?? ''),
        products: linked.map((l) => l.product ?? ''),
        organizationIds: linked.map((l) => l.organization_id).filter((x): x is string => !!x),
      },
      rows.filter((r) => visible.has(r.id)).map((r) => ({ id: r.id, number: Number(r.number), subject: r.subject, category: r.category, product: r.product, createdAt: Number(r.created_at), organizationId: r.organization_id })),
      settings.candidates.subjectSimilarity,
    );
    return found.slice(0, 50).map((f) => ({ id: f.id, number: Number(byId.get(f.id)!.number), subject: byId.get(f.id)!.subject, reasons: f.reasons }));
  }

  // ===================================================================== helpers

  private async load(ex: Executor, id: string): Promise<IncidentsTable> {
    const r = await repo.findIncident(ex, id);
    if (!r) throw notFound('Incident', id);
    return r;
  }

  private async loadActive(ex: Executor, id: string): Promise<IncidentsTable> {
    const r = await this.load(ex, id);
    if (r.state !== 'active') throw conflict(`The incident is ${r.state}; this needs an active incident.`, { state: r.state });
    return r;
  }

  /** Every change of an incident writes an event: the status page of this node shows it once committed. */
  private event(ex: Executor, incidentId: string, kind: string, actorId: string | null, data: Record<string, unknown>, now: number) {
    this.d.services.changes.touch(ex);
    return repo.insertEvent(ex, { id: newId(), incident_id: incidentId, kind, actor_id: actorId, data: json(data), created_at: now });
  }
}

const TIER_RANK = ['standard', 'silver', 'gold', 'platinum'];
const rankedTier = (own: string, org: string | null) => (org && TIER_RANK.indexOf(org) > TIER_RANK.indexOf(own) ? org : own);

function parseInstant(v: string | null | undefined, field: string): number | null {
  if (v === undefined || v === null) return null;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw new AppError('validation_failed', `${field} must be an ISO-8601 instant.`, { problems: [{ field, message: 'must be an ISO-8601 instant', code: 'invalid_instant' }] });
  return ms;
}
