import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { inTransaction } from '../../db/database.js';
import type { ChangeContext } from './tickets.service.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** A row as text with its ids (and the ticket's number) left out: the two paths' rows compare equal. */
const shape = (row: unknown, number: number, tag: string) => JSON.stringify(row).replace(UUID, '<id>').split(String(number)).join('<n>').split(tag).join('<tag>');

/**
 * tickets.addMessagesIn (an incident fan-out's batch of public replies) writes what addMessageIn
 * one ticket at a time writes, with the following solve by updateManyIn as by updateIn: the same
 * message and field events, ticket rows, search documents, deliveries, outgoing message ids,
 * report facts, SLA clocks and jobs, ticket by ticket.
 */
describeEachDb('public replies on many tickets at once', (ctx) => {
  it('gives the same rows as one reply (and one solve) per ticket', async () => {
    const { request, actors, deps, clock } = ctx();
    const db = deps.database.db;
    // Clocks to close and stop: a first-response and a resolution target on every ticket.
    const policy = await request('POST', '/api/v1/sla-policies', actors.admin, { name: 'same rows', targets: { normal: { firstResponse: { seconds: 3600, calendarId: null }, resolution: { seconds: 7200, calendarId: null } }, high: { firstResponse: { seconds: 1800, calendarId: null }, resolution: { seconds: 3600, calendarId: null } } } });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const make = async (tag: string) => {
      const ids: string[] = [];
      // New (a reply opens it), open, pending with a CC, and one whose customer wrote by mail (a thread to follow).
      ids.push((await request('POST', '/api/v1/tickets', actors.agent, { subject: `same ${tag} new`, requesterEmail: `new.${tag}@customers.example`, description: 'Login fails' })).body.id);
      ids.push((await request('POST', '/api/v1/tickets', actors.agent, { subject: `same ${tag} open`, requesterEmail: `open.${tag}@customers.example`, assigneeId: actors.agent.id, priority: 'high' })).body.id);
      ids.push((await request('POST', '/api/v1/tickets', actors.agent, { subject: `same ${tag} pending`, requesterEmail: `pending.${tag}@customers.example`, status: 'pending', cc: [`boss.${tag}@customers.example`] })).body.id);
      const mailed = (await request('POST', '/api/v1/tickets', actors.agent, { subject: `same ${tag} mailed`, requesterEmail: `mailed.${tag}@customers.example`, channel: 'email', status: 'open' })).body.id;
      await db.insertInto('ticket_message_ids').values({ message_id: `in.${tag}@customers.example`, ticket_id: mailed, direction: 'in', created_at: clock.now() }).execute();
      ids.push(mailed);
      return ids;
    };
    const one = await make('tagone');
    const many = await make('tagmany');
    await deps.jobs.drain();
    clock.advance(60_000);
    const now = clock.now();
    const c: ChangeContext = { actorId: actors.agent.id, authorType: 'user', now };
    const body = (i: number) => `The service is restored (${i}).`;
    await inTransaction(db, async (tx) => {
      const tickets = await deps.tickets.loadMany(tx, one);
      for (const [i, id] of one.entries()) {
        await deps.tickets.addMessageIn(tx, tickets.get(id)!, { body: body(i), visibility: 'public', data: { incidentId: 'x' } }, c);
        await deps.tickets.updateIn(tx, id, { status: 'solved' }, c);
      }
    });
    await inTransaction(db, async (tx) => {
      const tickets = await deps.tickets.loadMany(tx, many);
      const added = await deps.tickets.addMessagesIn(tx, many.map((id, i) => ({ ticket: tickets.get(id)!, body: body(i), visibility: 'public' as const, data: { incidentId: 'x' } })), c);
      expect(added.map((a) => a.ticket.id)).toEqual(many);
      await deps.tickets.updateManyIn(tx, added.map((a) => ({ id: a.ticket.id, input: { status: 'solved' as const } })), c);
    });

    const rowsOf = async (id: string, tag: string) => {
      const t = await db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const n = Number(t.number);
      const events = await db.selectFrom('ticket_events').select(['kind', 'visibility', 'author_type', 'author_id', 'body', 'body_format', 'data', 'created_at']).where('ticket_id', '=', id).where('created_at', '=', now).orderBy('id').execute();
      const eventIds = (await db.selectFrom('ticket_events').select('id').where('ticket_id', '=', id).where('created_at', '=', now).execute()).map((e) => e.id);
      const docs = await db.selectFrom('search_documents').select(['kind', 'title', 'body', 'at']).where('ticket_id', '=', id).where('ref_id', 'in', eventIds).orderBy('kind').execute();
      const deliveries = await db.selectFrom('deliveries').select(['id', 'channel', 'event', 'state', 'items', 'sealed', 'scheduled_at', 'message_id']).where('ticket_id', '=', id).orderBy('id').execute();
      const messageIds = await db.selectFrom('ticket_message_ids').select(['message_id', 'direction', 'created_at']).where('ticket_id', '=', id).orderBy('direction').orderBy('message_id').execute();
      const facts = await db.selectFrom('report_ticket_facts').selectAll().where('id', '=', id).executeTakeFirst();
      const clocks = await db.selectFrom('sla_clocks').select(['kind', 'state', 'met_at', 'breached_at', 'consumed_ms']).where('ticket_id', '=', id).orderBy('kind').orderBy('cycle').execute();
      const keys = [id, ...deliveries.map((d) => d.id)];
      const jobs = (await db.selectFrom('jobs').select(['kind', 'payload', 'dedupe_key', 'due_at', 'state', 'max_attempts']).where('created_at', '=', now).execute())
        .filter((j) => keys.some((k) => j.payload.includes(k) || (j.dedupe_key ?? '').includes(k)))
        .map((j) => shape(j, n, tag))
        .sort();
      return {
        ticket: shape({ status: t.status, solved_at: t.solved_at, updated_at: t.updated_at, version: t.version }, n, tag),
        events: events.map((e) => shape(e, n, tag)),
        docs: docs.map((d) => shape(d, n, tag)),
        deliveries: deliveries.map((d) => shape({ ...d, id: null }, n, tag)),
        messageIds: messageIds.map((m) => shape(m, n, tag)),
        facts: shape({ ...facts, id: null }, n, tag),
        clocks: clocks.map((x) => shape(x, n, tag)),
        jobs,
      };
    };
    for (let i = 0; i < one.length; i++) {
      const a = await rowsOf(one[i]!, 'tagone');
      const b = await rowsOf(many[i]!, 'tagmany');
      // The rows are there (a check of the comparison itself), and the same on both paths.
      expect(a.events.filter((e) => e.includes('message.added'))).toHaveLength(1);
      expect(a.deliveries).toHaveLength(1);
      expect(a.clocks.length).toBeGreaterThan(0);
      expect(a.jobs.some((j) => j.includes('"deliver"'))).toBe(true);
      expect(b).toEqual(a);
    }
    // The reply on the mailed ticket threads on the customer's mail, on both paths.
    for (const id of [one[3]!, many[3]!]) {
      const d = await db.selectFrom('deliveries').select('items').where('ticket_id', '=', id).executeTakeFirstOrThrow();
      expect(d.items).toContain('in.');
    }
  });

  it('refuses the whole batch when one ticket is closed, as one by one refuses that ticket', async () => {
    const { request, actors, deps, clock } = ctx();
    const open = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'batch open', requesterEmail: 'b.open@customers.example' })).body.id;
    const closed = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'batch closed', requesterEmail: 'b.closed@customers.example' })).body.id;
    expect((await request('PATCH', `/api/v1/tickets/${closed}`, actors.agent, { status: 'closed' })).status).toBe(200);
    const c: ChangeContext = { actorId: actors.agent.id, authorType: 'user', now: clock.now() };
    await expect(
      inTransaction(deps.database.db, async (tx) => {
        const t = await deps.tickets.loadMany(tx, [open, closed]);
        await deps.tickets.addMessagesIn(tx, [open, closed].map((id) => ({ ticket: t.get(id)!, body: 'x', visibility: 'public' as const })), c);
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const written = await deps.database.db.selectFrom('ticket_events').select('id').where('ticket_id', 'in', [open, closed]).where('kind', '=', 'message.added').execute();
    expect(written).toHaveLength(0);
  });
});
