import { afterEach, describe, expect, it } from 'vitest';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  buildEscalationCard,
  escalationTeamsMessage,
  sendTeamsMessage,
  type TeamsMessage,
} from './teams.js';
import type { EscalationCardView } from './escalation-card.js';
import { closedPort, reply, startReceiver, type LoopbackReceiver, loopbackOutbound } from './loopback-test-support.js';

const out = { outbound: loopbackOutbound };

const NOW = Date.UTC(2026, 0, 5, 0, 0, 0);
const receivers: LoopbackReceiver[] = [];
afterEach(async () => Promise.all(receivers.splice(0).map((r) => r.close())));

const view: EscalationCardView = {
  escalationId: 'esc_0192',
  ask: '本日中に返金可否を判断してください',
  temperature: 'upset',
  dueAtMs: Date.UTC(2026, 0, 5, 9, 30),
  ticket: { number: 1042, subject: '請求の二重計上' },
  url: 'https://escalon.example/escalations/esc_0192',
  acknowledgeUrl: 'https://escalon.example/escalations/esc_0192/acknowledge',
  locale: 'ja',
  timeZone: 'Asia/Tokyo',
};

/** Checks the shape a Teams incoming webhook requires before accepting, as Teams does (400 otherwise). */
const isValidTeamsMessage = (m: TeamsMessage): boolean =>
  m.type === 'message' &&
  m.attachments.length === 1 &&
  m.attachments[0]!.contentType === ADAPTIVE_CARD_CONTENT_TYPE &&
  m.attachments[0]!.content.type === 'AdaptiveCard' &&
  m.attachments[0]!.content.version === '1.4';

describe('buildEscalationCard', () => {
  it('Adaptive Card 1.4, conclusion first, with OpenUrl actions', () => {
    const card = buildEscalationCard(view) as {
      body: Record<string, unknown>[];
      actions: Record<string, unknown>[];
      version: string;
    };
    expect(card.version).toBe('1.4');
    expect(card.body.map((b) => b.text ?? b.type)).toEqual([
      '🟠 エスカレーション #1042',
      '対応依頼',
      '本日中に返金可否を判断してください',
      'FactSet',
    ]);
    expect(card.body[3]!.facts).toEqual([
      { title: '温度感', value: '🟠 不満' },
      { title: '受付期限', value: '2026年1月5日(月) 18:30 JST' },
      { title: 'チケット', value: '#1042 請求の二重計上' },
    ]);
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: '受付', url: view.acknowledgeUrl, style: 'positive' },
      { type: 'Action.OpenUrl', title: '開く', url: view.url },
    ]);
  });

  it('English and acknowledged: only the Open action remains', () => {
    const card = buildEscalationCard({
      ...view,
      locale: 'en',
      timeZone: 'Europe/London',
      acknowledgedBy: 'Ken',
    }) as {
      body: Record<string, unknown>[];
      actions: Record<string, unknown>[];
    };
    expect(card.body[1]!.text).toBe('Action needed');
    expect((card.body[3]!.facts as { value: string }[])[1]!.value).toBe('Mon, Jan 5, 2026, 9:30 AM GMT');
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open', url: view.url }]);
  });
});

describe('sendTeamsMessage against a loopback Teams webhook', () => {
  it('posts a valid message and reports ok', async () => {
    const teams = await startReceiver((req, res) => {
      const ok =
        req.headers['content-type']?.startsWith('application/json') &&
        isValidTeamsMessage(JSON.parse(req.rawBody) as TeamsMessage);
      return ok ? reply(res, 200, '1') : reply(res, 400, 'Bad payload');
    });
    receivers.push(teams);
    const result = await sendTeamsMessage(`${teams.url}/webhookb2/abc`, escalationTeamsMessage(view), NOW, out);
    expect(result).toEqual({ ok: true, response: 'HTTP 200 (content-type: text/plain)' });
    expect((JSON.parse(teams.requests[0]!.rawBody) as TeamsMessage).summary).toBe(
      '🟠 エスカレーション #1042: 本日中に返金可否を判断してください',
    );
  });

  it('treats "200 … returned HTTP error 429" as retryable, 400 as permanent, 429 with Retry-After', async () => {
    const teams = await startReceiver((req, res) => {
      if (req.path === '/throttled-200')
        return reply(res, 200, 'Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0');
      if (req.path === '/bad') return reply(res, 400, 'Summary or Text is required.');
      reply(res, 429, 'Too many requests', { 'retry-after': '15' });
    });
    receivers.push(teams);
    const msg = escalationTeamsMessage(view);
    expect(await sendTeamsMessage(`${teams.url}/throttled-200`, msg, NOW, out)).toMatchObject({
      ok: false,
      retryable: true,
    });
    expect(await sendTeamsMessage(`${teams.url}/bad`, msg, NOW, out)).toMatchObject({
      ok: false,
      retryable: false,
    });
    expect(await sendTeamsMessage(`${teams.url}/429`, msg, NOW, out)).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 15_000,
    });
  });

  it('returns a retryable failure, not a throw, for a closed port', async () => {
    const port = await closedPort();
    expect(
      await sendTeamsMessage(`http://127.0.0.1:${port}/`, escalationTeamsMessage(view), NOW, out),
    ).toMatchObject({ ok: false, retryable: true });
  });
});
