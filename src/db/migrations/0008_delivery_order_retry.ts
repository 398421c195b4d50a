import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Forward-only: never edit a landed migration, add a new one.
// Deliveries survive long receiver outages and dead nodes: a sequence number decides their
// order within one ticket (not millisecond timestamps from different nodes), retries run over
// a time window (the instant of the next attempt and the end of the window are kept for the
// console), and a delivery dropped as no longer useful says why. Webhook subscriptions and
// team channels may set their own retry window.
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;
  await db.schema.alterTable('deliveries').addColumn('seq', ms).execute();
  await db.schema.alterTable('deliveries').addColumn('next_attempt_at', ms).execute();
  await db.schema.alterTable('deliveries').addColumn('retry_until', ms).execute();
  await db.schema.alterTable('deliveries').addColumn('drop_reason', 'text').execute();
  await db.schema.alterTable('webhook_subscriptions').addColumn('retry_window_ms', ms).execute();
  await db.schema.alterTable('team_channels').addColumn('retry_window_ms', ms).execute();

  // Every insert gets the next number, whichever module writes the row (notifications,
  // replies): a column default from a sequence on PostgreSQL, a trigger and a counter row on
  // SQLite (one writer, so the counter is the commit order).
  if (dialectOf(db) === 'postgres') {
    await sql`create sequence delivery_seq`.execute(db);
    await sql`update deliveries d set seq = s.n from (select id, row_number() over (order by created_at, id) as n from deliveries) s where d.id = s.id`.execute(
      db,
    );
    await sql`select setval('delivery_seq', coalesce((select max(seq) from deliveries), 0) + 1, false)`.execute(
      db,
    );
    await sql`alter table deliveries alter column seq set default nextval('delivery_seq')`.execute(db);
  } else {
    await sql`update deliveries set seq = rowid`.execute(db);
    await sql`insert into counters (name, value) values ('delivery_seq', coalesce((select max(seq) from deliveries), 0))`.execute(
      db,
    );
    await sql`
      create trigger deliveries_seq after insert on deliveries when new.seq is null begin
        update counters set value = value + 1 where name = 'delivery_seq';
        update deliveries set seq = (select value from counters where name = 'delivery_seq') where id = new.id;
      end`.execute(db);
  }
  // Order is kept per recipient and ticket: the earlier deliveries of one ticket to one receiver.
  await db.schema
    .createIndex('deliveries_order')
    .on('deliveries')
    .columns(['recipient_key', 'ticket_id', 'seq'])
    .execute();
}
