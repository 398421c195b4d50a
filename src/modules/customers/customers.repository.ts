import type { Executor } from '../../db/database.js';
import type { CustomersTable, OrganizationsTable } from '../../db/schema.js';
import { sql, type Insertable, type Updateable } from 'kysely';

export const findCustomer = (ex: Executor, id: string) => ex.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
export const findCustomerByEmail = (ex: Executor, email: string) =>
  ex.selectFrom('customers').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
export const insertCustomer = (ex: Executor, row: Insertable<CustomersTable>) => ex.insertInto('customers').values(row).execute();
export const updateCustomer = (ex: Executor, id: string, patch: Updateable<CustomersTable>) =>
  ex.updateTable('customers').set(patch).where('id', '=', id).execute();
export const deleteCustomer = (ex: Executor, id: string) => ex.deleteFrom('customers').where('id', '=', id).executeTakeFirst();

/** A LIKE pattern that matches `text` anywhere, its own `%`, `_` and `\\` taken literally (used with ESCAPE '\\'). */
export const containsPattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const likeEscaped = (col: string, pattern: string) => sql<boolean>`lower(${sql.ref(col)}) like ${pattern} escape '\\'`;

const TIER_RANK: Record<string, number> = { standard: 0, silver: 1, gold: 2, platinum: 3 };

export interface CustomerListFilter {
  limit: number;
  /** The last row of the previous page (ordered by name, then id). */
  after?: { name: string; id: string };
  /** Part of the name, email, phone or organization name. */
  q?: string;
  organizationId?: string;
  tier?: string;
}

/** Customers by name; `tier` is the effective one (the higher of their own and their organization's). */
export function listCustomers(ex: Executor, f: CustomerListFilter) {
  let q = ex
    .selectFrom('customers')
    .leftJoin('organizations', 'organizations.id', 'customers.organization_id')
    .selectAll('customers')
    .orderBy('customers.name')
    .orderBy('customers.id')
    .limit(f.limit + 1);
  if (f.after) {
    const { name, id } = f.after;
    q = q.where((eb) => eb.or([eb('customers.name', '>', name), eb.and([eb('customers.name', '=', name), eb('customers.id', '>', id)])]));
  }
  if (f.organizationId) q = q.where('customers.organization_id', '=', f.organizationId);
  if (f.tier) {
    const rank = (col: string) => sql<number>`(case ${sql.ref(col)} when 'platinum' then 3 when 'gold' then 2 when 'silver' then 1 else 0 end)`;
    const own = rank('customers.tier');
    const org = sql<number>`coalesce(${rank('organizations.tier')}, 0)`;
    const wanted = TIER_RANK[f.tier] ?? -1;
    q = q.where(sql<boolean>`(case when ${org} > ${own} then ${org} else ${own} end) = ${wanted}`);
  }
  if (f.q) {
    const like = containsPattern(f.q);
    q = q.where((eb) => eb.or([likeEscaped('customers.name', like), likeEscaped('customers.email', like), likeEscaped('customers.phone', like), likeEscaped('organizations.name', like)]));
  }
  return q.execute();
}

export const findOrganization = (ex: Executor, id: string) => ex.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
export const findOrganizations = (ex: Executor, ids: string[]) =>
  ids.length ? ex.selectFrom('organizations').selectAll().where('id', 'in', ids).execute() : Promise.resolve([]);
export const insertOrganization = (ex: Executor, row: OrganizationsTable) => ex.insertInto('organizations').values(row).execute();
export const updateOrganization = (ex: Executor, id: string, patch: Partial<OrganizationsTable>) =>
  ex.updateTable('organizations').set(patch).where('id', '=', id).execute();
export const deleteOrganization = (ex: Executor, id: string) => ex.deleteFrom('organizations').where('id', '=', id).executeTakeFirst();
/** Organizations by name, optionally those whose name contains `q`. */
export function listOrganizations(ex: Executor, opts: { limit: number; after?: { name: string; id: string }; q?: string }) {
  let q = ex.selectFrom('organizations').selectAll().orderBy('name').orderBy('id').limit(opts.limit + 1);
  if (opts.after) {
    const { name, id } = opts.after;
    q = q.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));
  }
  if (opts.q) q = q.where(likeEscaped('name', containsPattern(opts.q)));
  return q.execute();
}

/** How many customers each organization has. */
export async function customerCounts(ex: Executor, orgIds: string[]): Promise<Map<string, number>> {
  if (!orgIds.length) return new Map();
  const rows = await ex.selectFrom('customers').select(['organization_id', (eb) => eb.fn.countAll<number>().as('n')]).where('organization_id', 'in', orgIds).groupBy('organization_id').execute();
  return new Map(rows.map((r) => [r.organization_id!, Number(r.n)]));
}

/** Marks every customer with this address as bouncing (a hard bounce named it). */
export const markEmailBouncing = (ex: Executor, email: string, detail: { status: string | null; diagnostic: string | null }, now: number) =>
  ex
    .updateTable('customers')
    .set({ email_bouncing_at: now, email_bouncing_status: detail.status, email_bouncing_diagnostic: detail.diagnostic?.slice(0, 500) ?? null, updated_at: now })
    .where('email', '=', email.toLowerCase())
    .returning('id')
    .execute();

export const clearEmailBouncing = (ex: Executor, id: string, now: number) =>
  ex
    .updateTable('customers')
    .set({ email_bouncing_at: null, email_bouncing_status: null, email_bouncing_diagnostic: null, updated_at: now })
    .where('id', '=', id)
    .where('email_bouncing_at', 'is not', null)
    .executeTakeFirst();

export const isEmailBouncing = async (ex: Executor, email: string): Promise<boolean> =>
  (await ex.selectFrom('customers').select('id').where('email', '=', email.toLowerCase()).where('email_bouncing_at', 'is not', null).executeTakeFirst()) !== undefined;
