import type { OutboundHttp } from './outbound-http.js';
import { postOnce, resultOfHttpReply, type DeliveryResult } from './delivery.js';
import { signWebhook } from './webhook-signer.js';

/** What a generic webhook consumer receives as the JSON body. */
export interface WebhookEnvelope {
  /** Delivery id, stable across retries of the same delivery: the consumer's dedupe key. */
  id: string;
  /** Dotted past-tense event name, e.g. `escalation.requested`. */
  event: string;
  /** ISO 8601 instant the event happened. */
  occurredAt: string;
  data: unknown;
}

export const EVENT_HEADER = 'X-Escalon-Event';
export const DELIVERY_HEADER = 'X-Escalon-Delivery';

/**
 * POST one signed webhook delivery (see webhook-signer.ts for the verification recipe).
 * Never throws: failures come back as a DeliveryResult for the delivery worker.
 */
export const postWebhook = async (
  url: string,
  body: WebhookEnvelope,
  secret: string,
  nowMs: number,
  options: { timeoutMs?: number; outbound?: OutboundHttp } = {},
): Promise<DeliveryResult> => {
  const rawBody = JSON.stringify(body);
  const sent = await postOnce(url, rawBody, {
    timeoutMs: options.timeoutMs,
    outbound: options.outbound,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...signWebhook(secret, rawBody, nowMs),
      [EVENT_HEADER]: body.event,
      [DELIVERY_HEADER]: body.id,
    },
  });
  return sent.ok ? resultOfHttpReply(sent.reply, nowMs) : sent.result;
};
