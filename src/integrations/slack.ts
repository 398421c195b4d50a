import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../lib/errors.js';
import type { OutboundHttp } from './outbound-http.js';
import {
  failure,
  headerValue,
  parseRetryAfter,
  postOnce,
  replySummary,
  resultOfHttpReply,
  type DeliveryResult,
  type HeaderBag,
} from './delivery.js';
import {
  cardFacts,
  cardLabels,
  cardSummary,
  temperatureMark,
  truncate,
  type EscalationCardView,
} from './escalation-card.js';

export const SLACK_API_BASE_URL = 'https://slack.com/api';
export const ACKNOWLEDGE_ACTION_ID = 'escalation.acknowledge';
export const OPEN_ACTION_ID = 'escalation.open';

/**
 * Where a Slack message goes: an incoming-webhook URL (one channel, no interactivity needed
 * to post), or a bot token and channel through `chat.postMessage` (`apiBaseUrl` is only
 * changed by tests, which point it at a loopback server).
 */
export type SlackDestination =
  | { mode: 'webhook'; webhookUrl: string }
  | { mode: 'bot'; token: string; channel: string; apiBaseUrl?: string };

export interface SlackMessage {
  /** Fallback text: the notification preview and what screen readers announce. */
  text: string;
  blocks?: SlackBlock[];
  threadTs?: string;
}

export type SlackBlock = Record<string, unknown>;

/** Slack errors that will go away by themselves; every other `error` needs a person. */
const RETRYABLE_SLACK_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

export const sendSlackMessage = async (
  destination: SlackDestination,
  message: SlackMessage,
  nowMs: number,
  options: { timeoutMs?: number; outbound?: OutboundHttp } = {},
): Promise<DeliveryResult> => {
  const payload: Record<string, unknown> = { text: message.text, blocks: message.blocks };
  if (message.threadTs) payload.thread_ts = message.threadTs;

  if (destination.mode === 'webhook') {
    const sent = await postOnce(destination.webhookUrl, JSON.stringify(payload), {
      timeoutMs: options.timeoutMs,
      outbound: options.outbound,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    // Incoming webhooks answer 200 "ok", or a 4xx with a reason such as `channel_is_archived`:
    // only such a reason token is kept of the body.
    if (!sent.ok) return sent.result;
    const result = resultOfHttpReply(sent.reply, nowMs);
    const reason = sent.reply.body.trim();
    return !result.ok && /^[a-z_]{1,60}$/.test(reason) ? { ...result, response: `${result.response}: ${reason}` } : result;
  }

  const base = (destination.apiBaseUrl ?? SLACK_API_BASE_URL).replace(/\/+$/, '');
  const sent = await postOnce(
    `${base}/chat.postMessage`,
    JSON.stringify({ ...payload, channel: destination.channel }),
    {
      timeoutMs: options.timeoutMs,
      outbound: options.outbound,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${destination.token}`,
      },
    },
  );
  if (!sent.ok) return sent.result;
  const { reply } = sent;
  const retryAfterMs = parseRetryAfter(reply.headers.get('retry-after'), nowMs);
  let body: { ok?: unknown; error?: unknown; ts?: unknown; channel?: unknown; warning?: unknown } | undefined;
  try {
    body = JSON.parse(reply.body) as typeof body;
  } catch {
    body = undefined;
  }
  if (reply.status !== 200 || !body || typeof body !== 'object') {
    const result = resultOfHttpReply(reply, nowMs);
    // A 200 that is not Slack's JSON is a proxy or outage page; try again later.
    return result.ok ? failure(true, `unexpected Slack reply: ${replySummary(reply)}`) : result;
  }
  if (body.ok === true) {
    return {
      ok: true,
      response: `ok channel=${String(body.channel)} ts=${String(body.ts)}${body.warning ? ` warning=${String(body.warning)}` : ''}`,
    };
  }
  const error = typeof body.error === 'string' ? body.error : 'unknown_error';
  return failure(
    RETRYABLE_SLACK_ERRORS.has(error),
    `slack error: ${error}`,
    RETRYABLE_SLACK_ERRORS.has(error) ? retryAfterMs : undefined,
  );
};

/**
 * Updates the message a button was pressed on (the interaction's `response_url`), e.g. to
 * replace the buttons with "Acknowledged by …".
 */
export const respondToSlackInteraction = async (
  responseUrl: string,
  message: SlackMessage,
  nowMs: number,
  options: { timeoutMs?: number; outbound?: OutboundHttp } = {},
): Promise<DeliveryResult> => {
  const sent = await postOnce(
    responseUrl,
    JSON.stringify({ replace_original: true, text: message.text, blocks: message.blocks }),
    {
      timeoutMs: options.timeoutMs,
      outbound: options.outbound,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    },
  );
  return sent.ok ? resultOfHttpReply(sent.reply, nowMs) : sent.result;
};

/** Slack mrkdwn treats &, < and > as control characters (links, mentions). */
const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Block Kit for an escalation, conclusion first; pair it with `cardSummary(view)` as the text. */
export const buildEscalationBlocks = (view: EscalationCardView): SlackBlock[] => {
  const l = cardLabels(view.locale);
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${temperatureMark[view.temperature]} ${l.title} #${view.ticket.number}`, 150),
        emoji: true,
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*${l.ask}*\n${escapeMrkdwn(view.ask)}`, 3000) },
    },
    {
      type: 'section',
      // Slack allows at most 10 fields of 2000 characters.
      fields: cardFacts(view)
        .slice(0, 10)
        .map((f) => ({ type: 'mrkdwn', text: truncate(`*${f.label}*\n${escapeMrkdwn(f.value)}`, 2000) })),
    },
  ];
  if (view.acknowledgedBy) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `✅ ${l.acknowledgedBy} ${escapeMrkdwn(view.acknowledgedBy)}` }],
    });
    blocks.push({ type: 'actions', elements: [openButton(view, l.open)] });
  } else {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACKNOWLEDGE_ACTION_ID,
          style: 'primary',
          text: { type: 'plain_text', text: l.acknowledge, emoji: true },
          value: view.escalationId,
        },
        openButton(view, l.open),
      ],
    });
  }
  return blocks;
};

const openButton = (view: EscalationCardView, label: string): SlackBlock => ({
  type: 'button',
  action_id: OPEN_ACTION_ID,
  text: { type: 'plain_text', text: label, emoji: true },
  url: view.url,
  value: view.escalationId,
});

/** Text + blocks ready for `sendSlackMessage`. */
export const escalationSlackMessage = (view: EscalationCardView): SlackMessage => ({
  text: cardSummary(view),
  blocks: buildEscalationBlocks(view),
});

/**
 * Slack's request signing: `X-Slack-Signature: v0=<hex HMAC-SHA256(signingSecret,
 * "v0:" + X-Slack-Request-Timestamp + ":" + rawBody)>`; requests more than five minutes from
 * now are refused as possible replays.
 */
export const verifySlackRequest = (
  signingSecret: string,
  headers: HeaderBag,
  rawBody: string | Buffer,
  nowMs: number,
): boolean => {
  const timestamp = headerValue(headers, 'x-slack-request-timestamp');
  const signature = headerValue(headers, 'x-slack-signature');
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > 300) return false;
  if (!/^v0=[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(signature.slice(3), 'hex'), expected);
};

export interface SlackInteraction {
  userId: string;
  userEmail?: string;
  userName?: string;
  teamId?: string;
  actionId: string;
  value: string;
  responseUrl: string;
}

/**
 * The button press inside an interactivity request (`application/x-www-form-urlencoded` with a
 * JSON `payload`). Verify the request first; throws AppError('bad_request') when malformed.
 * Slack does not send e-mail addresses in interaction payloads; `userEmail` is only present
 * when an app (or a test) adds it, so map `userId` through users.info or a stored link.
 */
export const parseSlackInteraction = (rawBody: string | Buffer): SlackInteraction => {
  const bad = (why: string): AppError => new AppError('bad_request', `Not a Slack interaction: ${why}.`);
  const json = new URLSearchParams(rawBody.toString()).get('payload');
  if (!json) throw bad('no payload field');
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (err) {
    throw new AppError('bad_request', 'Not a Slack interaction: payload is not JSON.', undefined, {
      cause: err,
    });
  }
  const p = payload as {
    type?: unknown;
    user?: { id?: unknown; email?: unknown; username?: unknown; name?: unknown; team_id?: unknown };
    team?: { id?: unknown };
    actions?: { action_id?: unknown; value?: unknown }[];
    response_url?: unknown;
  };
  const action = Array.isArray(p.actions) ? p.actions[0] : undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const userId = str(p.user?.id);
  const actionId = str(action?.action_id);
  const responseUrl = str(p.response_url);
  if (!userId) throw bad('no user');
  if (!actionId) throw bad('no action');
  if (!responseUrl) throw bad('no response_url');
  const interaction: SlackInteraction = { userId, actionId, value: str(action?.value) ?? '', responseUrl };
  const email = str(p.user?.email);
  const name = str(p.user?.username) ?? str(p.user?.name);
  const teamId = str(p.team?.id) ?? str(p.user?.team_id);
  if (email) interaction.userEmail = email;
  if (name) interaction.userName = name;
  if (teamId) interaction.teamId = teamId;
  return interaction;
};

/** A Slack member as users.info describes them (the email needs the users:read.email scope). */
export interface SlackMember {
  id: string;
  email: string | null;
  /** Slack's own flag; false means the address was never confirmed and proves nothing. */
  emailConfirmed: boolean;
  deleted: boolean;
}

/**
 * `users.info` for one member: who a Slack id really is, by the email Slack verified. Returns
 * null when Slack does not know the member; throws AppError('unavailable') when Slack cannot
 * be asked (network, rate limit, missing scope), so nothing is linked on a guess.
 */
export const lookupSlackMember = async (
  apiBaseUrl: string,
  token: string,
  slackUserId: string,
  options: { timeoutMs?: number; outbound?: OutboundHttp } = {},
): Promise<SlackMember | null> => {
  const base = apiBaseUrl.replace(/\/+$/, '');
  const sent = await postOnce(`${base}/users.info`, new URLSearchParams({ user: slackUserId }).toString(), {
    timeoutMs: options.timeoutMs,
    outbound: options.outbound,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
  });
  const unavailable = (why: string) =>
    new AppError('unavailable', `Slack could not confirm who this member is (${why}).`);
  if (!sent.ok) throw unavailable(sent.result.response);
  let body: {
    ok?: unknown;
    error?: unknown;
    user?: { id?: unknown; deleted?: unknown; is_email_confirmed?: unknown; profile?: { email?: unknown } };
  };
  try {
    body = JSON.parse(sent.reply.body) as typeof body;
  } catch {
    throw unavailable(`unexpected reply: ${replySummary(sent.reply)}`);
  }
  if (body.ok !== true) {
    if (body.error === 'user_not_found') return null;
    throw unavailable(`slack error: ${typeof body.error === 'string' ? body.error : 'unknown_error'}`);
  }
  const u = body.user ?? {};
  const email =
    typeof u.profile?.email === 'string' && u.profile.email.includes('@')
      ? u.profile.email.trim().toLowerCase()
      : null;
  return {
    id: typeof u.id === 'string' ? u.id : slackUserId,
    email,
    emailConfirmed: u.is_email_confirmed !== false,
    deleted: u.deleted === true,
  };
};
