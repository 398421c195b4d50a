import { expect, it } from 'vitest';
import { describeEachDb } from '../../test/helpers/app.js';
import { createSecretBox } from './secret-box.js';
import { rotateSecrets, SEALED_COLUMNS } from './secret-rotation.js';

const NEW_KEY = 'n'.repeat(24) + '-rotated-escalon-key-2026';

describeEachDb('secret key rotation (escalon secrets rotate)', (ctx) => {
  it('re-seals every stored secret so that only the new key opens it, in one audited transaction', async () => {
    const { deps } = ctx();
    const oldKey = deps.config.secretKey;
    const team = await deps.teams.create({ name: 'Rotation team', description: '', contactEmail: null, contactPhone: null, members: [] });
    const webhook = await deps.notifications.createWebhook({ url: 'https://hooks.example.com/escalon', events: ['*'] });
    const channel = await deps.notifications.createTeamChannel({ teamId: team.id, kind: 'slack_bot', config: { token: 'xoxb-rotation-secret', channel: 'C123' } });
    const integration = await deps.messaging.create('Rotation chat');
    const sealedBefore = await sealedValues(deps.database.db);
    expect(Object.keys(sealedBefore).length).toBeGreaterThanOrEqual(3);

    // A wrong old key changes nothing and names what it could not open.
    await expect(rotateSecrets(deps.database.db, deps.audit, 'w'.repeat(40), NEW_KEY)).rejects.toThrow(/Neither the old key nor ESCALON_SECRET_KEY opens/);
    expect(await sealedValues(deps.database.db)).toEqual(sealedBefore);
    await expect(rotateSecrets(deps.database.db, deps.audit, NEW_KEY, NEW_KEY)).rejects.toThrow(/old key is the current ESCALON_SECRET_KEY/);

    const r = await rotateSecrets(deps.database.db, deps.audit, oldKey, NEW_KEY);
    expect(r.rotated).toMatchObject({ webhook_subscriptions: 1, team_channels: 1, messaging_integrations: 1 });
    const after = await sealedValues(deps.database.db);
    const oldBox = createSecretBox(oldKey);
    const newBox = createSecretBox(NEW_KEY);
    for (const [where, sealed] of Object.entries(after)) {
      expect(sealed, where).not.toBe(sealedBefore[where]);
      const [table, id] = where.split(' ') as [string, string];
      const context = SEALED_COLUMNS.find((c) => c.table === table)!.context(id);
      expect(() => oldBox.open(sealed, context), where).toThrow(/could not be decrypted/);
      expect(() => newBox.open(sealed, context), where).not.toThrow();
    }
    expect(newBox.open(after[`webhook_subscriptions ${webhook.row.id}`]!, `webhook_subscriptions.${webhook.row.id}`)).toBe(webhook.secret);
    expect(JSON.parse(newBox.open(after[`team_channels ${channel.id}`]!, `team_channels.${channel.id}`))).toMatchObject({ token: 'xoxb-rotation-secret' });
    expect(newBox.open(after[`messaging_integrations ${integration.id}`]!, `messaging_integrations.${integration.id}.secret`)).toBe(integration.secret);

    const audit = await deps.audit.list({ limit: 10, action: 'secrets.rotated' });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]!.data).toMatchObject({ rotated: { webhook_subscriptions: 1, team_channels: 1, messaging_integrations: 1 } });

    // Running it again finds everything already under the new key.
    const again = await rotateSecrets(deps.database.db, deps.audit, oldKey, NEW_KEY);
    expect(again.alreadyCurrent).toBe(Object.keys(after).length);
    expect(await sealedValues(deps.database.db)).toEqual(after);
  });
});

async function sealedValues(db: Parameters<typeof rotateSecrets>[0]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { table, column } of SEALED_COLUMNS) {
    const rows = (await db.selectFrom(table).select(['id', `${column} as sealed`] as never).execute()) as unknown as { id: string; sealed: string }[];
    for (const r of rows) out[`${table} ${r.id}`] = r.sealed;
  }
  return out;
}
