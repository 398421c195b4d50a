import type { RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { SatisfactionSurveysTable } from '../../db/schema.js';

export type SurveyRow = SatisfactionSurveysTable;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const normalise = (r: Record<string, unknown>): SurveyRow => ({
  ...(r as unknown as SurveyRow),
  escalated: Number(r.escalated),
  solved_at: Number(r.solved_at),
  due_at: Number(r.due_at),
  sent_at: num(r.sent_at),
  expires_at: num(r.expires_at),
  rated_at: num(r.rated_at),
  score: num(r.score),
  created_at: Number(r.created_at),
  updated_at: Number(r.updated_at),
});

export async function surveyOfTicket(ex: Executor, ticketId: string): Promise<SurveyRow | undefined> {
  const r = await ex.selectFrom('satisfaction_surveys').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();
  return r ? normalise(r as unknown as Record<string, unknown>) : undefined;
}

export async function surveyById(ex: Executor, id: string): Promise<SurveyRow | undefined> {
  const r = await ex.selectFrom('satisfaction_surveys').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? normalise(r as unknown as Record<string, unknown>) : undefined;
}

export async function surveyByTokenHash(ex: Executor, hash: string): Promise<SurveyRow | undefined> {
  const r = await ex.selectFrom('satisfaction_surveys').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  return r ? normalise(r as unknown as Record<string, unknown>) : undefined;
}

export const insertSurvey = (ex: Executor, row: SatisfactionSurveysTable) => ex.insertInto('satisfaction_surveys').values(row).onConflict((oc) => oc.column('ticket_id').doNothing()).execute();

export const updateSurvey = (ex: Executor, id: string, set: Partial<SatisfactionSurveysTable>) => ex.updateTable('satisfaction_surveys').set(set).where('id', '=', id).execute();

/** The latest instant a survey went to this customer, other than `exceptId`. */
export async function lastSentTo(ex: Executor, customerId: string, exceptId: string): Promise<number | null> {
  const r = await ex
    .selectFrom('satisfaction_surveys')
    .select((eb) => eb.fn.max('sent_at').as('at'))
    .where('customer_id', '=', customerId)
    .where('id', '!=', exceptId)
    .where('sent_at', 'is not', null)
    .executeTakeFirst();
  return num(r?.at);
}

/**
 * Whether the ticket was solved by a major incident's mass resolution: linked, not excluded from
 * the resolution, and the incident resolved (the issue: no survey for those unless chosen).
 */
export async function solvedByIncident(ex: Executor, ticketId: string): Promise<boolean> {
  const r = await ex
    .selectFrom('incident_tickets')
    .innerJoin('incidents', 'incidents.id', 'incident_tickets.incident_id')
    .select('incident_tickets.ticket_id')
    .where('incident_tickets.ticket_id', '=', ticketId)
    .where('incident_tickets.exclude_from_resolution', '=', 0)
    .where('incidents.state', 'in', ['resolved', 'closed'])
    .executeTakeFirst();
  return r !== undefined;
}

/** The first escalation path the ticket went through, and whether it was escalated at all. */
export async function escalationOf(ex: Executor, ticketId: string): Promise<{ pathId: string | null; escalated: boolean }> {
  const rows = await ex.selectFrom('escalations').select(['path_id']).where('ticket_id', '=', ticketId).orderBy('requested_at').limit(20).execute();
  return { pathId: rows.find((r) => r.path_id !== null)?.path_id ?? null, escalated: rows.length > 0 };
}

export interface SurveyFilter {
  visible: RawBuilder<boolean> | null;
  state?: string;
  rating?: string;
  teamId?: string;
  customerId?: string;
  ticketId?: string;
  fromMs?: number;
  toMs?: number;
  beforeId?: string;
}

export async function listSurveys(ex: Executor, f: SurveyFilter, limit: number): Promise<(SurveyRow & { ticket_number: number })[]> {
  let q = ex.selectFrom('satisfaction_surveys').innerJoin('tickets', 'tickets.id', 'satisfaction_surveys.ticket_id').selectAll('satisfaction_surveys').select('tickets.number as ticket_number');
  if (f.visible) q = q.where(f.visible);
  if (f.state) q = q.where('satisfaction_surveys.state', '=', f.state);
  if (f.rating) q = q.where('satisfaction_surveys.rating', '=', f.rating);
  if (f.teamId) q = q.where('satisfaction_surveys.team_id', '=', f.teamId);
  if (f.customerId) q = q.where('satisfaction_surveys.customer_id', '=', f.customerId);
  if (f.ticketId) q = q.where('satisfaction_surveys.ticket_id', '=', f.ticketId);
  if (f.fromMs !== undefined) q = q.where('satisfaction_surveys.created_at', '>=', f.fromMs);
  if (f.toMs !== undefined) q = q.where('satisfaction_surveys.created_at', '<', f.toMs);
  if (f.beforeId) q = q.where('satisfaction_surveys.id', '<', f.beforeId);
  const rows = await q.orderBy('satisfaction_surveys.id', 'desc').limit(limit + 1).execute();
  return rows.map((r) => ({ ...normalise(r as unknown as Record<string, unknown>), ticket_number: Number(r.ticket_number) }));
}

export const pathOwner = (ex: Executor, pathId: string) =>
  ex
    .selectFrom('escalation_paths')
    .innerJoin('users', 'users.id', 'escalation_paths.owner_id')
    .select(['users.id', 'users.role', 'users.locale', 'users.time_zone', 'users.name', 'users.email'])
    .where('escalation_paths.id', '=', pathId)
    .executeTakeFirst();

