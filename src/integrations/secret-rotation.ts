import type { AuditService } from '../modules/audit/index.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError } from '../lib/errors.js';
import { createSecretBox } from './secret-box.js';

/**
 * Every column sealed with the secret box, with the context its rows are sealed under (see the
 * services that seal them). A new sealed column is added here, or rotation leaves it behind.
 */
export const SEALED_COLUMNS = [
  { table: 'webhook_subscriptions', column: 'secret', context: (id: string) => `webhook_subscriptions.${id}` },
  { table: 'team_channels', column: 'config', context: (id: string) => `team_channels.${id}` },
  { table: 'messaging_integrations', column: 'secret', context: (id: string) => `messaging_integrations.${id}.secret` },
] as const;

export interface RotationResult {
  /** Re-sealed from the old key to the current one, per table. */
  rotated: Record<string, number>;
  /** Already sealed with the current key (a second run, or rows written after a restart). */
  alreadyCurrent: number;
}

/**
 * Re-seals every stored secret from oldKey to currentKey in one transaction, with an audit
 * entry: afterwards only the current key opens them. A value neither key opens stops the
 * rotation (nothing changes) and is named, so no secret is lost or left under the old key.
 */
export async function rotateSecrets(db: Db, audit: AuditService, oldKey: string, currentKey: string): Promise<RotationResult> {
  if (oldKey === currentKey) throw new AppError('validation_failed', 'The old key is the current ESCALON_SECRET_KEY; set ESCALON_SECRET_KEY to the new key, and pass the key it replaces as --old-key.');
  if (oldKey.length === 0) throw new AppError('validation_failed', '--old-key is empty.');
  const oldBox = createSecretBox(oldKey);
  const newBox = createSecretBox(currentKey);
  return inTransaction(db, async (tx) => {
    const rotated: Record<string, number> = {};
    let alreadyCurrent = 0;
    const unreadable: string[] = [];
    for (const { table, column, context } of SEALED_COLUMNS) {
      rotated[table] = 0;
      const rows = (await tx.selectFrom(table).select(['id', `${column} as sealed`] as never).execute()) as unknown as { id: string; sealed: string }[];
      for (const row of rows) {
        const ctx = context(row.id);
        let plain: string;
        try {
          plain = oldBox.open(row.sealed, ctx);
        } catch {
          try {
            newBox.open(row.sealed, ctx);
            alreadyCurrent++;
          } catch {
            unreadable.push(`${table}.${row.id}`);
          }
          continue;
        }
        await tx
          .updateTable(table)
          .set({ [column]: newBox.seal(plain, ctx) } as never)
          .where('id', '=', row.id)
          .execute();
        rotated[table]++;
      }
    }
    if (unreadable.length)
      throw new AppError('validation_failed', `Neither the old key nor ESCALON_SECRET_KEY opens ${unreadable.length} stored secret(s): ${unreadable.join(', ')}. Nothing was changed; check --old-key.`, { unreadable });
    await audit.record(tx, { actorId: null, action: 'secrets.rotated', targetType: 'secret_key', data: { rotated, alreadyCurrent } });
    return { rotated, alreadyCurrent };
  });
}
