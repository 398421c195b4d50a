import type { Executor } from '../db/database.js';

/** Small workspace-wide facts (e.g. whether this is the demo workspace), JSON-encoded. */
export async function getSetting<T>(ex: Executor, key: string): Promise<T | undefined> {
  const row = await ex.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export async function putSetting(ex: Executor, key: string, value: unknown): Promise<void> {
  const v = JSON.stringify(value);
  await ex.insertInto('settings').values({ key, value: v }).onConflict((oc) => oc.column('key').doUpdateSet({ value: v })).execute();
}
