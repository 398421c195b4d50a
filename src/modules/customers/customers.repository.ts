import type { Executor } from '../../db/database.js';
import type { CustomersTable, OrganizationsTable } from '../../db/schema.js';
import type { Insertable, Updateable } from 'kysely';

export const findCustomer = (ex: Executor, id: string) => ex.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
export const findCustomerByEmail = (ex: Executor, email: string) =>
  ex.selectFrom('customers').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
export const insertCustomer = (ex: Executor, row: Insertable<CustomersTable>) => ex.insertInto('customers').values(row).execute();
export const updateCustomer = (ex: Executor, id: string, patch: Updateable<CustomersTable>) =>
  ex.updateTable('customers').set(patch).where('id', '=', id).execute();
export const deleteCustomer = (ex: Executor, id: string) => ex.deleteFrom('customers').where('id', '=', id).executeTakeFirst();

export function listCustomers(ex: Executor, opts: { limit: number; after?: string; q?: string; organizationId?: string }) {
  let q = ex.selectFrom('customers').selectAll().orderBy('id').limit(opts.limit + 1);
  if (opts.after) q = q.where('id', '>', opts.after);
  if (opts.organizationId) q = q.where('organization_id', '=', opts.organizationId);
  if (opts.q) {
    const like = `%${opts.q.toLowerCase()}%`;
    q = q.where((eb) => eb.or([eb(eb.fn('lower', ['name']), 'like', like), eb('email', 'like', like), eb('phone', 'like', like)]));
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
export function listOrganizations(ex: Executor, opts: { limit: number; after?: string }) {
  let q = ex.selectFrom('organizations').selectAll().orderBy('id').limit(opts.limit + 1);
  if (opts.after) q = q.where('id', '>', opts.after);
  return q.execute();
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
