import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import {
  ACKNOWLEDGE_ACTION_ID,
  buildEscalationBlocks,
  escalationSlackMessage,
  lookupSlackMember,
  parseSlackInteraction,
  respondToSlackInteraction,
  sendSlackMessage,
  verifySlackRequest,
} from './slack.js';
import type { EscalationCardView } from './escalation-card.js';
import { closedPort, reply, startReceiver, type LoopbackReceiver, loopbackOutbound } from './loopback-test-support.js';

const out = { outbound: loopbackOutbound };

const NOW = Date.UTC(2026, 0, 5, 0, 0, 0);
const receivers: LoopbackReceiver[] = [];
afterEach(async () => Promise.all(receivers.splice(0).map((r) => r.close())));
const receiver = async (...args: Parameters<typeof startReceiver>): Promise<LoopbackReceiver> => {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
};

const view: EscalationCardView = {
  escalationId: 'esc_0192',
  ask: 'Approve a goodwill refund of ¥30,000 <today>',
  temperature: 'angry',
  dueAtMs: Date.UTC(2026, 0, 5, 9, 30),
  ticket: { number: 1042, subject: 'Double charge on invoice' },
  level: 'L2 · Billing',
  escalatedBy: 'Aiko Tanaka',
  url: 'https://escalon.example/escalations/esc_0192',
  locale: 'en',
  timeZone: 'America/New_York',
};

type Block = {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: Record<string, unknown>[];
};

describe('buildEscalationBlocks', () => {
  it('puts the ask first, then temperature, due time in the recipient zone, ticket, and the two buttons', () => {
    const blocks = buildEscalationBlocks(view) as Block[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions']);
    expect(blocks[0]!.text!.text).toBe('🔴 Escalation #1042');
    expect(blocks[1]!.text!.text).toBe('*Action needed*\nApprove a goodwill refund of ¥30,000 &lt;today&gt;');
    expect(blocks[2]!.fields!.map((f) => f.text)).toEqual([
      '*Customer temperature*\n🔴 Angry',
      '*Acknowledge by*\nMon, Jan 5, 2026, 4:30 AM EST',
      '*Ticket*\n#1042 Double charge on invoice',
      '*Level*\nL2 · Billing',
      '*Escalated by*\nAiko Tanaka',
    ]);
    const [ack, open] = blocks[3]!.elements!;
    expect(ack).toMatchObject({
      type: 'button',
      action_id: ACKNOWLEDGE_ACTION_ID,
      value: 'esc_0192',
      style: 'primary',
      text: { text: 'Acknowledge' },
    });
    expect(open).toMatchObject({ type: 'button', url: view.url, text: { text: 'Open' } });
  });

  it('speaks Japanese in Tokyo time, and drops the Acknowledge button once acknowledged', () => {
    const blocks = buildEscalationBlocks({
      ...view,
      locale: 'ja',
      timeZone: 'Asia/Tokyo',
      acknowledgedBy: '鈴木',
    }) as Block[];
    expect(blocks[1]!.text!.text.startsWith('*対応依頼*')).toBe(true);
    expect(blocks[2]!.fields![0]!.text).toBe('*温度感*\n🔴 激怒');
    expect(blocks[2]!.fields![1]!.text).toBe('*受付期限*\n2026年1月5日(月) 18:30 JST');
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context', 'actions']);
    expect(JSON.stringify(blocks)).not.toContain(ACKNOWLEDGE_ACTION_ID);
    expect(JSON.stringify(blocks[3])).toContain('受付済み: 鈴木');
  });
});

describe('sendSlackMessage, incoming-webhook mode (loopback Slack)', () => {
  it('posts the message JSON and reports ok', async () => {
    const slack = await receiver((req, res) => {
      const body = JSON.parse(req.rawBody) as { text?: string; blocks?: unknown[] };
      if (req.headers['content-type'] !== 'application/json; charset=utf-8' || !body.text || !body.blocks)
        return reply(res, 400, 'invalid_payload');
      reply(res, 200, 'ok');
    });
    const result = await sendSlackMessage(
      { mode: 'webhook', webhookUrl: `${slack.url}/services/T/B/X` },
      escalationSlackMessage(view),
      NOW,
      out,
    );
    expect(result).toEqual({ ok: true, response: 'HTTP 200 (content-type: text/plain)' });
    expect(slack.requests[0]!.path).toBe('/services/T/B/X');
    expect(JSON.parse(slack.requests[0]!.rawBody).text).toBe(
      '🔴 Escalation #1042: Approve a goodwill refund of ¥30,000 <today>',
    );
  });

  it('maps channel_is_archived (410) to permanent and 429 to retryable with Retry-After', async () => {
    const slack = await receiver((req, res) =>
      req.path === '/archived'
        ? reply(res, 410, 'channel_is_archived')
        : reply(res, 429, 'rate_limited', { 'retry-after': '7' }),
    );
    const msg = escalationSlackMessage(view);
    expect(
      await sendSlackMessage({ mode: 'webhook', webhookUrl: `${slack.url}/archived` }, msg, NOW, out),
    ).toEqual({
      ok: false,
      retryable: false,
      response: 'HTTP 410 (content-type: text/plain): channel_is_archived',
    });
    expect(
      await sendSlackMessage({ mode: 'webhook', webhookUrl: `${slack.url}/busy` }, msg, NOW, out),
    ).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 7000,
    });
  });
});

describe('sendSlackMessage, bot-token mode (loopback Slack Web API)', () => {
  /** Behaves like chat.postMessage: 200 + {ok:false,error} for most failures, 429 for rate limits. */
  const fakeSlackApi = () =>
    receiver((req, res) => {
      if (req.path !== '/api/chat.postMessage') return reply(res, 404, 'unknown_method');
      if (req.headers.authorization !== 'Bearer xoxb-good')
        return reply(res, 200, { ok: false, error: 'invalid_auth' });
      const body = JSON.parse(req.rawBody) as { channel: string; thread_ts?: string };
      if (body.channel === 'C_BUSY')
        return reply(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' });
      if (body.channel === 'C_DOWN') return reply(res, 200, { ok: false, error: 'internal_error' });
      if (body.channel === 'C_PROXY') return reply(res, 200, '<html>maintenance</html>');
      if (body.channel === 'C_GONE') return reply(res, 200, { ok: false, error: 'channel_not_found' });
      reply(res, 200, { ok: true, channel: body.channel, ts: '1767571200.000100' });
    });

  it('posts with the Bearer token and returns the message ts', async () => {
    const slack = await fakeSlackApi();
    const dest = {
      mode: 'bot' as const,
      token: 'xoxb-good',
      channel: 'C_OK',
      apiBaseUrl: `${slack.url}/api/`,
    };
    const result = await sendSlackMessage(
      dest,
      { ...escalationSlackMessage(view), threadTs: '1767571100.000001' },
      NOW,
      out,
    );
    expect(result).toEqual({ ok: true, response: 'ok channel=C_OK ts=1767571200.000100' });
    expect(JSON.parse(slack.requests[0]!.rawBody)).toMatchObject({
      channel: 'C_OK',
      thread_ts: '1767571100.000001',
    });
  });

  it('maps Slack errors: invalid_auth and channel_not_found permanent; ratelimited and internal_error retryable', async () => {
    const slack = await fakeSlackApi();
    const base = `${slack.url}/api`;
    const send = (token: string, channel: string) =>
      sendSlackMessage({ mode: 'bot', token, channel, apiBaseUrl: base }, escalationSlackMessage(view), NOW, out);
    expect(await send('xoxb-revoked', 'C_OK')).toEqual({
      ok: false,
      retryable: false,
      response: 'slack error: invalid_auth',
    });
    expect(await send('xoxb-good', 'C_GONE')).toEqual({
      ok: false,
      retryable: false,
      response: 'slack error: channel_not_found',
    });
    expect(await send('xoxb-good', 'C_BUSY')).toEqual({
      ok: false,
      retryable: true,
      response: 'HTTP 429 (content-type: application/json; retry-after: 30)',
      retryAfterMs: 30_000,
    });
    expect(await send('xoxb-good', 'C_DOWN')).toEqual({
      ok: false,
      retryable: true,
      response: 'slack error: internal_error',
    });
    expect(await send('xoxb-good', 'C_PROXY')).toMatchObject({ ok: false, retryable: true });
  });

  it('returns a retryable failure, not a throw, when Slack is unreachable', async () => {
    const port = await closedPort();
    const result = await sendSlackMessage(
      { mode: 'bot', token: 'xoxb-good', channel: 'C', apiBaseUrl: `http://127.0.0.1:${port}/api` },
      escalationSlackMessage(view),
      NOW,
      out,
    );
    expect(result).toMatchObject({ ok: false, retryable: true });
  });
});

describe('Slack interactivity: signed button press from a loopback "Slack" to a receiver that verifies it', () => {
  const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
  /** Signs the way Slack does, independently of verifySlackRequest. */
  const slackSign = (ts: number, body: string) =>
    `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;

  const payload = {
    type: 'block_actions',
    user: { id: 'U2CERLKJA', username: 'roadrunner', team_id: 'T1DC2JH3J' },
    team: { id: 'T1DC2JH3J' },
    actions: [{ action_id: ACKNOWLEDGE_ACTION_ID, value: 'esc_0192', type: 'button' }],
    response_url: 'https://hooks.slack.com/actions/T1/1/abc',
  };
  const rawBody = `payload=${encodeURIComponent(JSON.stringify(payload))}`;

  it("matches Slack's documented example signature", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = {
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    expect(verifySlackRequest(SIGNING_SECRET, headers, body, 1531420618_000 + 60_000)).toBe(true);
    expect(verifySlackRequest(SIGNING_SECRET, headers, `${body}x`, 1531420618_000)).toBe(false);
  });

  it('accepts a fresh signed request and parses the button press; refuses stale, tampered and unsigned ones', async () => {
    const seen: { status: number; interaction?: unknown }[] = [];
    const escalon = await receiver((req, res) => {
      if (!verifySlackRequest(SIGNING_SECRET, req.headers, req.rawBody, NOW)) {
        seen.push({ status: 401 });
        return reply(res, 401, 'invalid signature');
      }
      const interaction = parseSlackInteraction(req.rawBody);
      seen.push({ status: 200, interaction });
      reply(res, 200, '');
    });
    const post = (ts: number, body: string, signature?: string) =>
      fetch(`${escalon.url}/api/v1/integrations/slack/interactions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          ...(signature === undefined ? {} : { 'x-slack-signature': signature }),
        },
        body,
      }).then((r) => r.status);

    const fresh = Math.floor(NOW / 1000) - 10;
    expect(await post(fresh, rawBody, slackSign(fresh, rawBody))).toBe(200);
    const stale = Math.floor(NOW / 1000) - 301;
    expect(await post(stale, rawBody, slackSign(stale, rawBody))).toBe(401);
    expect(await post(fresh, rawBody.replace('esc_0192', 'esc_9999'), slackSign(fresh, rawBody))).toBe(401);
    expect(await post(fresh, rawBody)).toBe(401);
    expect(seen[0]!.interaction).toEqual({
      userId: 'U2CERLKJA',
      userName: 'roadrunner',
      teamId: 'T1DC2JH3J',
      actionId: ACKNOWLEDGE_ACTION_ID,
      value: 'esc_0192',
      responseUrl: 'https://hooks.slack.com/actions/T1/1/abc',
    });
  });

  it('parseSlackInteraction keeps an email when present and rejects malformed bodies with bad_request', () => {
    const withEmail = `payload=${encodeURIComponent(JSON.stringify({ ...payload, user: { id: 'U1', email: 'a@b.example' } }))}`;
    expect(parseSlackInteraction(withEmail)).toMatchObject({ userId: 'U1', userEmail: 'a@b.example' });
    for (const bad of ['', 'payload=%7Bnot-json', `payload=${encodeURIComponent('{"user":{"id":"U1"}}')}`]) {
      expect(() => parseSlackInteraction(bad)).toThrow(AppError);
    }
  });

  it('respondToSlackInteraction replaces the original message at the response_url', async () => {
    const hooks = await receiver((_req, res) => reply(res, 200, 'ok'));
    const result = await respondToSlackInteraction(
      `${hooks.url}/actions/T1/1/abc`,
      escalationSlackMessage({ ...view, acknowledgedBy: 'Ken' }),
      NOW,
      out,
    );
    expect(result.ok).toBe(true);
    expect(JSON.parse(hooks.requests[0]!.rawBody)).toMatchObject({ replace_original: true });
  });
});

describe('lookupSlackMember (users.info on a loopback Slack Web API)', () => {
  const fakeUsersInfo = () =>
    receiver((req, res) => {
      if (req.path !== '/api/users.info') return reply(res, 404, 'unknown_method');
      if (req.headers.authorization !== 'Bearer xoxb-good')
        return reply(res, 200, { ok: false, error: 'invalid_auth' });
      const user = new URLSearchParams(req.rawBody).get('user');
      if (user === 'U_OK')
        return reply(res, 200, {
          ok: true,
          user: {
            id: 'U_OK',
            deleted: false,
            is_email_confirmed: true,
            profile: { email: ' Hanako@Example.COM ' },
          },
        });
      if (user === 'U_UNCONFIRMED')
        return reply(res, 200, {
          ok: true,
          user: { id: user, is_email_confirmed: false, profile: { email: 'x@example.com' } },
        });
      if (user === 'U_NOSCOPE') return reply(res, 200, { ok: true, user: { id: user, profile: {} } });
      reply(res, 200, { ok: false, error: 'user_not_found' });
    });

  it('returns the confirmed email, lowercased; null for an unknown member', async () => {
    const slack = await fakeUsersInfo();
    const base = `${slack.url}/api`;
    expect(await lookupSlackMember(base, 'xoxb-good', 'U_OK', { outbound: loopbackOutbound })).toEqual({
      id: 'U_OK',
      email: 'hanako@example.com',
      emailConfirmed: true,
      deleted: false,
    });
    expect(slack.requests[0]!.rawBody).toBe('user=U_OK');
    expect((await lookupSlackMember(base, 'xoxb-good', 'U_UNCONFIRMED', { outbound: loopbackOutbound }))?.emailConfirmed).toBe(false);
    expect((await lookupSlackMember(base, 'xoxb-good', 'U_NOSCOPE', { outbound: loopbackOutbound }))?.email).toBeNull();
    expect(await lookupSlackMember(base, 'xoxb-good', 'U_NOBODY', { outbound: loopbackOutbound })).toBeNull();
  });

  it('throws unavailable when Slack cannot say (bad token, unreachable): nothing is linked on a guess', async () => {
    const slack = await fakeUsersInfo();
    await expect(lookupSlackMember(`${slack.url}/api`, 'xoxb-bad', 'U_OK', { outbound: loopbackOutbound })).rejects.toMatchObject({
      code: 'unavailable',
    });
    await expect(
      lookupSlackMember(`http://127.0.0.1:${await closedPort()}`, 'xoxb-good', 'U_OK', { outbound: loopbackOutbound }),
    ).rejects.toBeInstanceOf(AppError);
  });
});
