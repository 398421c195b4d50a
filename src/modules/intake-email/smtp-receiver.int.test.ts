/**
 * The SMTP receiver streams each message to a temporary file in the data dir (hashed on the way,
 * fsynced, moved into place) instead of holding it in memory: on SQLite and PostgreSQL, a kept
 * message is byte-identical with its recorded size and hash, a repeated delivery and an
 * oversized one leave no temporary file behind, and the 552 limit still holds.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { buildEml, useSmtpIntake, withHeaders } from './email-test-support.js';
import { inboundIdentity } from './inbound-identity.js';
import { encodeData } from './smtp-test-client.js';

describeEachDb('SMTP receiver streaming to disk', (ctx) => {
  const smtp = useSmtpIntake(() => ctx().deps.intakeEmail);
  let seq = 0;
  const uniq = () => `${Date.now().toString(36)}-${seq++}`;
  const db = () => ctx().deps.database.db;
  const temporaryFiles = () => readdirSync(ctx().deps.intakeEmail.temporaryDir());
  const received = (raw: Buffer): Buffer =>
    Buffer.from(
      encodeData(raw)
        .toString('latin1')
        .replace(/(^|\r\n)\.\./g, '$1.'),
      'latin1',
    );

  it('keeps a 1.5 MB message byte for byte with its size and hash, and leaves no temporary file', async () => {
    const id = `stream-${uniq()}@example.jp`;
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `${i % 7 === 0 ? '.' : ''}line ${i} ${'x'.repeat(60)}`,
    );
    const raw = buildEml(
      withHeaders([
        ['Message-ID', `<${id}>`],
        ['Subject', 'Large log'],
      ]),
      lines.join('\n'),
    );
    expect(raw.length).toBeGreaterThan(1_400_000);
    const r = await smtp.client().send(raw);
    expect(r.code, r.text).toBe(250);
    const row = await db()
      .selectFrom('inbound_messages')
      .selectAll()
      .where('message_id', '=', id)
      .executeTakeFirstOrThrow();
    const kept = readFileSync(join(ctx().db.dataDir, 'inbound', row.raw_key));
    const bytes = received(raw);
    expect(kept.equals(bytes)).toBe(true);
    expect(Number(row.raw_size)).toBe(bytes.length);
    expect(row.raw_sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(row.dedupe_key).toBe(inboundIdentity(bytes).dedupeKey);
    expect(row).toMatchObject({ status: 'processed', reason: 'ticket_created' });
    expect(temporaryFiles()).toEqual([]);

    // Delivered again: counted, the second temporary file removed.
    expect((await smtp.client().send(raw)).text).toContain('already received');
    expect(temporaryFiles()).toEqual([]);
  });

  it('answers 552 past the limit, keeps nothing and leaves no temporary file', async () => {
    const before = Number(
      (
        await db()
          .selectFrom('inbound_messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const raw = buildEml(
      withHeaders([['Message-ID', `<over-${uniq()}@example.jp>`]]),
      `${'y'.repeat(76)}\n`.repeat(40_000),
    );
    expect((await smtp.client().send(raw)).code).toBe(552);
    expect(temporaryFiles()).toEqual([]);
    expect(
      Number(
        (
          await db()
            .selectFrom('inbound_messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(before);
    const ok = `after-${uniq()}@example.jp`;
    expect((await smtp.client().send(buildEml(withHeaders([['Message-ID', `<${ok}>`]])))).code).toBe(250);
  });
});
