import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { ServicesTable } from '../../db/incidents-schema.js';

export const findService = (ex: Executor, id: string) => ex.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
export const findServices = (ex: Executor, ids: string[]) =>
  ids.length === 0 ? Promise.resolve([]) : ex.selectFrom('services').selectAll().where('id', 'in', ids).execute();
export const listServices = (ex: Executor) => ex.selectFrom('services').selectAll().orderBy('position').orderBy('name_en').execute();
export const insertService = (ex: Executor, row: Insertable<ServicesTable>) => ex.insertInto('services').values(row).execute();
export const updateService = (ex: Executor, id: string, patch: Updateable<ServicesTable>) => ex.updateTable('services').set(patch).where('id', '=', id).execute();
export const deleteService = (ex: Executor, id: string) => ex.deleteFrom('services').where('id', '=', id).executeTakeFirst();
export const serviceInUse = async (ex: Executor, id: string) =>
  !!(await ex.selectFrom('incident_services').select('incident_id').where('service_id', '=', id).limit(1).executeTakeFirst());
