import type { OutboundHttp } from './outbound-http.js';
import { failure, parseRetryAfter, postOnce, resultOfHttpReply, type DeliveryResult } from './delivery.js';
import {
  cardFacts,
  cardLabels,
  cardSummary,
  temperatureMark,
  type EscalationCardView,
} from './escalation-card.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export type AdaptiveCard = Record<string, unknown>;

/** The body Teams incoming webhooks (and Workflows "post to a channel" webhooks) accept. */
export interface TeamsMessage {
  type: 'message';
  /** Shown in notifications and the activity feed. */
  summary?: string;
  attachments: { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }[];
}

/**
 * Adaptive Card 1.4, conclusion first: the ask, then temperature, due time, ticket, and
 * OpenUrl actions. Incoming webhooks cannot carry Action.Submit back to Escalon, so
 * "Acknowledge" opens `acknowledgeUrl` (a link that acknowledges after sign-in) when given.
 */
export const buildEscalationCard = (view: EscalationCardView): AdaptiveCard => {
  const l = cardLabels(view.locale);
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: `${temperatureMark[view.temperature]} ${l.title} #${view.ticket.number}`,
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
    },
    { type: 'TextBlock', text: l.ask, weight: 'Bolder', spacing: 'Medium', wrap: true },
    { type: 'TextBlock', text: view.ask, wrap: true, spacing: 'Small' },
    { type: 'FactSet', facts: cardFacts(view).map((f) => ({ title: f.label, value: f.value })) },
  ];
  if (view.acknowledgedBy) {
    body.push({
      type: 'TextBlock',
      text: `✅ ${l.acknowledgedBy} ${view.acknowledgedBy}`,
      color: 'Good',
      wrap: true,
    });
  }
  const actions: Record<string, unknown>[] = [];
  if (view.acknowledgeUrl && !view.acknowledgedBy) {
    actions.push({
      type: 'Action.OpenUrl',
      title: l.acknowledge,
      url: view.acknowledgeUrl,
      style: 'positive',
    });
  }
  actions.push({ type: 'Action.OpenUrl', title: l.open, url: view.url });
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    lang: view.locale,
    body,
    actions,
  };
};

export const escalationTeamsMessage = (view: EscalationCardView): TeamsMessage => ({
  type: 'message',
  summary: cardSummary(view),
  attachments: [
    { contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: buildEscalationCard(view) },
  ],
});

/**
 * POST to a Teams incoming webhook. Legacy Office 365 connector webhooks answer throttling
 * with HTTP 200 and a text such as "Microsoft Teams endpoint returned HTTP error 429", so the
 * body of a 2xx is checked too. Never throws.
 */
export const sendTeamsMessage = async (
  webhookUrl: string,
  message: TeamsMessage,
  nowMs: number,
  options: { timeoutMs?: number; outbound?: OutboundHttp } = {},
): Promise<DeliveryResult> => {
  const sent = await postOnce(webhookUrl, JSON.stringify(message), {
    timeoutMs: options.timeoutMs,
    outbound: options.outbound,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
  if (!sent.ok) return sent.result;
  const result = resultOfHttpReply(sent.reply, nowMs);
  const embedded = /returned HTTP error (\d{3})/i.exec(sent.reply.body);
  if (result.ok && embedded) {
    const status = Number(embedded[1]);
    const retryable = status === 408 || status === 429 || status >= 500;
    return failure(
      retryable,
      result.response,
      retryable ? parseRetryAfter(sent.reply.headers.get('retry-after'), nowMs) : undefined,
    );
  }
  return result;
};
