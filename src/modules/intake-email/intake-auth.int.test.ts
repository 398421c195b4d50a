/**
 * SPF/DKIM/DMARC on inbound mail, end to end on both databases: the verdict is stored on the
 * message and the timeline; a reply failing DMARC is held for an agent (accepted or rejected),
 * never lost; DNS that does not answer gives temperror without blocking intake. Offline: a
 * fake DNS and DKIM signatures made here with node:crypto keys.
 */
import { expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { buildEml, dkimKey, dkimSigned, fakeDns, useSmtpIntake, withHeaders } from './email-test-support.js';

const key = dkimKey();
const records = fakeDns({
  'sel._domainkey.example.jp TXT': key.txt,
  '_dmarc.example.jp TXT': [['v=DMARC1; p=reject']],
  'example.jp TXT': [['v=spf1 ip4:192.0.2.10 -all']],
});
let dnsDown = false;
const dns = (name: string, rrtype: string) => (dnsDown ? new Promise<never>(() => undefined) : records(name, rrtype));

function suite(label: string, unverified: 'hold' | 'accept') {
  describeEachDb(
    `inbound mail authentication (${label})`,
    (ctx) => {
      const smtp = useSmtpIntake(() => ctx().deps.intakeEmail);
      const db = () => ctx().deps.database.db;
      let seq = 0;
      const mail = (over: Array<[string, string | null]>, body: string) => buildEml(withHeaders([['Message-ID', `<m${seq++}.${label}@example.jp>`], ...over]), body);
      const smtpSend = async (raw: Buffer) => {
        const r = await smtp.client().send(raw, { from: 'taro@example.jp' });
        expect(r.code).toBe(250);
        return /as (\S+)$/.exec(r.text)![1]!;
      };
      const inbound = (id: string) => db().selectFrom('inbound_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const events = (ticketId: string) => db().selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();
      const customerMessages = async (ticketId: string) => (await events(ticketId)).filter((e) => e.kind === 'message.added' && e.author_type === 'customer').map((e) => e.body);

      /** A ticket opened by a DKIM-signed mail of taro@example.jp; returns it and its Message-ID. */
      const openTicket = async (c: TestContext) => {
        const first = mail([['Subject', `Printer ${seq}`]], 'プリンターが壊れました。');
        const id = await smtpSend(await dkimSigned(first, 'example.jp', key.privateKey));
        const row = await inbound(id);
        expect(row).toMatchObject({ status: 'processed', reason: 'ticket_created', auth_verdict: 'pass' });
        const ev = (await events(row.ticket_id!)).find((e) => e.kind === 'message.added')!;
        expect(JSON.parse(ev.data).email.auth).toMatchObject({ verdict: 'pass', basis: 'smtp', dkim: [{ result: 'pass', domain: 'example.jp', aligned: true }], dmarc: { result: 'pass' }, spf: { result: 'fail' } });
        const shown = await c.request('GET', `/api/v1/inbound-messages/${id}`, c.actors.admin);
        expect(shown.body.auth).toMatchObject({ verdict: 'pass' });
        return { ticketId: row.ticket_id!, messageId: row.message_id };
      };
      const forgedReply = (messageId: string, text: string) => mail([['Subject', 'Re: Printer'], ['In-Reply-To', `<${messageId}>`]], text);

      if (unverified === 'hold') {
        it('holds a reply that fails DMARC on the ticket; the agent rejects one and accepts another', async () => {
          const c = ctx();
          const { ticketId, messageId } = await openTicket(c);
          const held = await smtpSend(forgedReply(messageId, '口座を変更しました。こちらに振り込んでください。'));
          const row = await inbound(held);
          expect(row).toMatchObject({ status: 'held', reason: 'unverified_sender', auth_verdict: 'fail', ticket_id: ticketId });
          expect(await customerMessages(ticketId)).toEqual(['プリンターが壊れました。']);
          const note = (await events(ticketId)).find((e) => e.kind === 'email.held')!;
          expect(note).toMatchObject({ visibility: 'internal', body: '口座を変更しました。こちらに振り込んでください。' });
          expect(JSON.parse(note.data)).toMatchObject({ inboundId: held, auth: { verdict: 'fail', dmarc: { result: 'fail' } } });
          expect((await c.request('GET', '/api/v1/inbound-messages?status=held', c.actors.admin)).body.items.map((i: { id: string }) => i.id)).toContain(held);

          expect((await c.request('POST', `/api/v1/inbound-messages/${held}/reject`, null)).status).toBe(401);
          const rejected = await c.request('POST', `/api/v1/inbound-messages/${held}/reject`, c.actors.agent);
          expect(rejected.status).toBe(200);
          expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'unverified_rejected', resolvedBy: c.actors.agent.id });
          expect((await c.request('POST', `/api/v1/inbound-messages/${held}/accept`, c.actors.agent)).status).toBe(409);
          expect(await customerMessages(ticketId)).toEqual(['プリンターが壊れました。']);

          const second = await smtpSend(forgedReply(messageId, '携帯から送っています。'));
          const accepted = await c.request('POST', `/api/v1/inbound-messages/${second}/accept`, c.actors.agent);
          expect(accepted.body).toMatchObject({ status: 'processed', reason: 'reply_added', resolvedBy: c.actors.agent.id });
          expect(await customerMessages(ticketId)).toEqual(['プリンターが壊れました。', '携帯から送っています。']);
          const kinds = (await events(ticketId)).map((e) => e.kind);
          expect(kinds.filter((k) => k.startsWith('email.held'))).toEqual(['email.held', 'email.held_rejected', 'email.held', 'email.held_accepted']);
          const appended = (await events(ticketId)).filter((e) => e.kind === 'message.added').pop()!;
          expect(JSON.parse(appended.data).email).toMatchObject({ auth: { verdict: 'fail' }, acceptedUnverified: true });
        });

        it('tells the assignee, else the team (as codes, with a link), never someone who may not see it; decisions are audited', async () => {
          const c = ctx();
          const { ticketId, messageId } = await openTicket(c);
          const team = await c.request('POST', '/api/v1/teams', c.actors.admin, {
            name: `Held desk ${seq}`,
            restricted: true,
            members: [
              { userId: c.otherAgent.id, role: 'member' },
              { userId: c.actors.supervisor.id, role: 'supervisor' },
            ],
          });
          expect(team.status).toBe(201);
          expect((await c.request('PATCH', `/api/v1/tickets/${ticketId}`, c.actors.admin, { teamId: team.body.id })).status).toBe(200);
          const heldOf = async (actor: typeof c.otherAgent) =>
            (await c.request('GET', '/api/v1/notifications', actor)).body.items.filter((n: { event: string; ticketId: string }) => n.event === 'email.held' && n.ticketId === ticketId);

          const first = await smtpSend(forgedReply(messageId, '振込先が変わりました。'));
          await c.deps.jobs.drain();
          const [n] = await heldOf(c.otherAgent);
          expect(n).toMatchObject({ data: { inboundId: first, from: 'taro@example.jp', reason: 'dmarc_fail', fromDomain: 'example.jp' } });
          expect(n.title).toContain('Reply held for your decision');
          expect(n.body).toContain('Reason: the sender domain publishes DMARC and neither SPF nor DKIM matched the From address');
          expect(n.body).toContain(`/tickets/${ticketId}#held-${first}`);
          expect(await heldOf(c.actors.supervisor)).toHaveLength(1);
          // The agent is no member of the restricted team: not told, and may not decide.
          expect(await heldOf(c.actors.agent)).toHaveLength(0);
          expect((await c.request('POST', `/api/v1/inbound-messages/${first}/accept`, c.actors.agent)).status).toBe(404);
          // Email goes out too, in the reader's language, linking to the held message.
          const mails = await db().selectFrom('deliveries').selectAll().where('event', '=', 'email.held').where('channel', '=', 'email').execute();
          expect(mails.map((d) => d.user_id).sort()).toEqual([c.otherAgent.id, c.actors.supervisor.id].sort());

          // With an assignee, only the assignee hears of it.
          expect((await c.request('PATCH', `/api/v1/tickets/${ticketId}`, c.actors.admin, { assigneeId: c.otherAgent.id })).status).toBe(200);
          const second = await smtpSend(forgedReply(messageId, 'もう一度送ります。'));
          await c.deps.jobs.drain();
          expect((await heldOf(c.otherAgent)).map((x: { data: { inboundId: string } }) => x.data.inboundId)).toEqual([second, first]);
          expect(await heldOf(c.actors.supervisor)).toHaveLength(1);

          // Each decision is an audit entry: who, which ticket and message, what was decided.
          expect((await c.request('POST', `/api/v1/inbound-messages/${first}/reject`, c.otherAgent)).status).toBe(200);
          expect((await c.request('POST', `/api/v1/inbound-messages/${second}/accept`, c.actors.supervisor)).status).toBe(200);
          const rejected = await c.deps.audit.list({ limit: 5, action: 'inbound_message.held_rejected', targetId: first });
          expect(rejected.items[0]).toMatchObject({ actorId: c.otherAgent.id, targetType: 'inbound_message', targetId: first, data: { ticketId, decision: 'reject', outcome: 'rejected', authVerdict: 'fail' } });
          const accepted = await c.deps.audit.list({ limit: 5, action: 'inbound_message.held_accepted', targetId: second });
          expect(accepted.items[0]).toMatchObject({ actorId: c.actors.supervisor.id, data: { ticketId, decision: 'accept', outcome: 'accepted' } });
        });

        it('IMAP mail is judged on the message alone: a signed reply is appended, an unsigned one held', async () => {
          const c = ctx();
          const { ticketId, messageId } = await openTicket(c);
          const signed = await c.deps.intakeEmail.receive(await dkimSigned(forgedReply(messageId, '署名つきの返信'), 'example.jp', key.privateKey), 'imap');
          expect({ ...signed, auth: (await inbound(signed.inboundId)).auth }).toMatchObject({ status: 'processed', reason: 'reply_added' });
          expect(JSON.parse((await inbound(signed.inboundId)).auth!)).toMatchObject({ verdict: 'pass', basis: 'message', spf: null });
          const unsigned = await c.deps.intakeEmail.receive(forgedReply(messageId, '署名なしの返信'), 'imap');
          expect(unsigned).toMatchObject({ status: 'held', reason: 'unverified_sender' });
          expect(await customerMessages(ticketId)).toEqual(['プリンターが壊れました。', '署名つきの返信']);
        });

        it('keeps intake going when DNS does not answer: temperror, stored and held, within the timeout', async () => {
          const c = ctx();
          const { ticketId, messageId } = await openTicket(c);
          dnsDown = true;
          try {
            const started = Date.now();
            const r = await c.deps.intakeEmail.receive(await dkimSigned(forgedReply(messageId, 'DNS が落ちているとき'), 'example.jp', key.privateKey), 'imap');
            expect(Date.now() - started).toBeLessThan(4_000);
            expect(r.status).toBe('held');
            expect((await inbound(r.inboundId)).auth_verdict).toBe('temperror');
            // A new ticket is never held, whatever the verdict.
            const fresh = await c.deps.intakeEmail.receive(mail([['Subject', 'New while DNS is down']], '新しい問い合わせ'), 'imap');
            expect(fresh).toMatchObject({ status: 'processed', reason: 'ticket_created' });
          } finally {
            dnsDown = false;
          }
          expect(await customerMessages(ticketId)).toEqual(['プリンターが壊れました。']);
        });
      } else {
        it('ESCALON_EMAIL_UNVERIFIED=accept appends a reply failing DMARC, with its verdict stored', async () => {
          const c = ctx();
          const { ticketId, messageId } = await openTicket(c);
          const id = await smtpSend(forgedReply(messageId, 'accept モードの返信'));
          expect(await inbound(id)).toMatchObject({ status: 'processed', reason: 'reply_added', auth_verdict: 'fail' });
          expect(await customerMessages(ticketId)).toEqual(['プリンターが壊れました。', 'accept モードの返信']);
        });
      }
    },
    { env: { ESCALON_EMAIL_UNVERIFIED: unverified, ESCALON_EMAIL_AUTH_DNS_TIMEOUT_MS: '300' }, dnsResolver: dns },
  );
}

suite('hold', 'hold');
suite('accept', 'accept');
