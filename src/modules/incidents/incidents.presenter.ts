import { Type, type Static } from '@sinclair/typebox';
import { parseJson } from '../../db/database.js';
import type { IncidentRcasTable, IncidentsTable } from '../../db/incidents-schema.js';
import { Nullable, OneOf, iso } from '../../http/schemas.js';
import { IMPACTS, INCIDENT_STATES, SEVERITIES, TASK_FORCE_ROLES, TASK_STATES, UPDATE_AUDIENCES, UPDATE_STATES, type CadenceTargets } from './incidents.types.js';

export const SeveritySchema = OneOf(SEVERITIES, { description: 'SEV1 (worst) to SEV4; meaning and targets are the workspace\'s' });
export const RoleSchema = OneOf(TASK_FORCE_ROLES);
export const UpdateStateSchema = OneOf(UPDATE_STATES);
export const AudienceSchema = OneOf(UPDATE_AUDIENCES, { description: 'internal: staff only; public: staff, affected customers (on their tickets) and the status page' });
export const TaskStateSchema = OneOf(TASK_STATES);
export const ImpactSchema = OneOf(IMPACTS);
export const Localised = Type.Object({ ja: Type.String({ maxLength: 20000 }), en: Type.String({ maxLength: 20000 }) });
export const Link = Type.Object({ label: Type.String({ maxLength: 200 }), url: Type.String({ maxLength: 2000 }) }, { additionalProperties: false });

export const UpdateView = Type.Object({
  id: Type.String(),
  state: UpdateStateSchema,
  body: Localised,
  audience: AudienceSchema,
  nextUpdateAt: Nullable(Type.String()),
  authorId: Nullable(Type.String()),
  authorName: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type UpdateView = Static<typeof UpdateView>;

export const IncidentView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  severity: SeveritySchema,
  state: OneOf(INCIDENT_STATES),
  internalOnly: Type.Boolean(),
  startedAt: Type.String(),
  declaredAt: Type.String(),
  declaredBy: Nullable(Type.String()),
  problemRef: Nullable(Type.String()),
  links: Type.Array(Link),
  services: Type.Array(Type.Object({ id: Type.String(), name: Localised, impact: ImpactSchema, status: Type.String() })),
  roles: Type.Array(Type.Object({ role: RoleSchema, userId: Type.String(), name: Type.String(), assignedAt: Type.String() })),
  counts: Type.Object({ tickets: Type.Integer(), openTickets: Type.Integer() }),
  cadence: Type.Object({
    internalDueAt: Type.String({ description: 'when the next internal update is due' }),
    customerDueAt: Nullable(Type.String({ description: 'when the next customer update is due; null for internal-only incidents' })),
    nextUpdateAt: Nullable(Type.String({ description: 'the time the last update promised' })),
    lastInternalUpdateAt: Nullable(Type.String()),
    lastCustomerUpdateAt: Nullable(Type.String()),
    updateIntervalMinutes: Type.Integer(),
    resolveDueAt: Type.String(),
  }),
  latestPublicUpdate: Nullable(UpdateView),
  resolution: Nullable(Localised),
  resolvedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  rcaState: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});
export type IncidentView = Static<typeof IncidentView>;

export const TaskView = Type.Object({
  id: Type.String(),
  kind: OneOf(['action', 'corrective'] as const),
  title: Type.String(),
  ownerId: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  dueAt: Nullable(Type.String()),
  state: TaskStateSchema,
  overdue: Type.Boolean(),
  createdAt: Type.String(),
  doneAt: Nullable(Type.String()),
});
export type TaskView = Static<typeof TaskView>;

export const EventView = Type.Object({ id: Type.String(), kind: Type.String(), actorId: Nullable(Type.String()), actorName: Nullable(Type.String()), data: Type.Record(Type.String(), Type.Unknown()), at: Type.String() });

export const LinkedTicketView = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  subject: Type.String(),
  status: Type.String(),
  priority: Type.String(),
  requesterName: Nullable(Type.String()),
  requesterLocale: Nullable(Type.String()),
  linkedAt: Type.String(),
  excludeFromResolution: Type.Boolean(),
});

export const CustomerView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  locale: Type.String(),
  tier: Type.String(),
  organizationName: Nullable(Type.String()),
  via: Type.Array(Type.String({ description: 'ticket, organization or tier' })),
  ticketIds: Type.Array(Type.String()),
});

export const RcaView = Type.Object({
  incidentId: Type.String(),
  ownerId: Nullable(Type.String()),
  dueAt: Type.String(),
  state: Type.String({ description: 'requested, in_review, approved, shared' }),
  internal: Type.Record(Type.String(), Type.String()),
  customer: Type.Object({ ja: Type.Record(Type.String(), Type.String()), en: Type.Record(Type.String(), Type.String()) }),
  approvedBy: Nullable(Type.String()),
  approvedAt: Nullable(Type.String()),
  sharedAt: Nullable(Type.String()),
  overdue: Type.Boolean(),
});

type UpdateRow = { id: string; state: string; body_ja: string; body_en: string; audience: string; next_update_at: number | null; author_id: string | null; author_name?: string | null; created_at: number };
export const presentUpdate = (u: UpdateRow): UpdateView => ({
  id: u.id,
  state: u.state as UpdateView['state'],
  body: { ja: u.body_ja, en: u.body_en },
  audience: u.audience as UpdateView['audience'],
  nextUpdateAt: iso(u.next_update_at === null ? null : Number(u.next_update_at)),
  authorId: u.author_id,
  authorName: u.author_name ?? null,
  createdAt: iso(Number(u.created_at))!,
});

export interface IncidentExtras {
  services: IncidentView['services'];
  roles: IncidentView['roles'];
  counts: IncidentView['counts'];
  due: { internal: number; customer: number | null };
  latest: UpdateRow | undefined;
  rcaState: string | null;
}

const n = (v: number | null) => (v === null ? null : Number(v));
export function presentIncident(i: IncidentsTable, x: IncidentExtras): IncidentView {
  const cadence = parseJson<CadenceTargets>(i.cadence, {} as CadenceTargets);
  return {
    id: i.id,
    title: i.title,
    summary: i.summary,
    severity: i.severity as IncidentView['severity'],
    state: i.state as IncidentView['state'],
    internalOnly: i.internal_only === 1,
    startedAt: iso(Number(i.started_at))!,
    declaredAt: iso(Number(i.declared_at))!,
    declaredBy: i.declared_by,
    problemRef: i.problem_ref,
    links: parseJson(i.links, []),
    services: x.services,
    roles: x.roles,
    counts: x.counts,
    cadence: {
      internalDueAt: iso(x.due.internal)!,
      customerDueAt: iso(x.due.customer),
      nextUpdateAt: iso(n(i.next_update_at)),
      lastInternalUpdateAt: iso(n(i.last_internal_update_at)),
      lastCustomerUpdateAt: iso(n(i.last_customer_update_at)),
      updateIntervalMinutes: cadence.updateIntervalMinutes ?? 0,
      resolveDueAt: iso(Number(i.started_at) + (cadence.resolveTargetMinutes ?? 0) * 60_000)!,
    },
    latestPublicUpdate: x.latest ? presentUpdate(x.latest) : null,
    resolution: i.resolution ? parseJson(i.resolution, null) : null,
    resolvedAt: iso(n(i.resolved_at)),
    closedAt: iso(n(i.closed_at)),
    rcaState: x.rcaState,
    createdAt: iso(Number(i.created_at))!,
    updatedAt: iso(Number(i.updated_at))!,
    version: Number(i.version),
  };
}

export function presentRca(r: IncidentRcasTable, now: number) {
  return {
    incidentId: r.incident_id,
    ownerId: r.owner_id,
    dueAt: iso(Number(r.due_at))!,
    state: r.state,
    internal: parseJson<Record<string, string>>(r.internal, {}),
    customer: { ja: {}, en: {}, ...parseJson<Partial<{ ja: Record<string, string>; en: Record<string, string> }>>(r.customer, {}) },
    approvedBy: r.approved_by,
    approvedAt: iso(n(r.approved_at)),
    sharedAt: iso(n(r.shared_at)),
    overdue: r.state === 'requested' && Number(r.due_at) < now,
  };
}
