import { OutboundRefusedError, strictOutbound, type OutboundHttp } from './outbound-http.js';

/**
 * The uniform outcome of one delivery attempt on any outgoing channel (mail, Slack, Teams,
 * webhook). Senders never throw for a channel failure: the delivery worker logs `response`
 * per attempt and decides from `retryable` / `retryAfterMs` whether and when to try again.
 */
export type DeliveryResult =
  { ok: true; response: string } | { ok: false; retryable: boolean; response: string; retryAfterMs?: number };

/** Headers as Node (IncomingHttpHeaders) or fetch (Headers) give them. */
export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_CHARS = 500;

/** Case-insensitive single header value; the first one when repeated. */
export const headerValue = (headers: HeaderBag, name: string): string | undefined => {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
};

/** Keeps logged responses short and on one line. */
export const excerpt = (text: string, max = MAX_RESPONSE_CHARS): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); the date form is
 * why `nowMs` is needed. Returns undefined when absent or unreadable.
 */
export const parseRetryAfter = (value: string | null | undefined, nowMs: number): number | undefined => {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
};

/** 408 and 429 are worth retrying, other 4xx are the request's fault; 5xx are the server's. */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500;

export const failure = (retryable: boolean, response: string, retryAfterMs?: number): DeliveryResult =>
  retryAfterMs === undefined
    ? { ok: false, retryable, response }
    : { ok: false, retryable, response, retryAfterMs };

export interface HttpReply {
  status: number;
  headers: Headers;
  body: string;
}

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** The guarded HTTP client; without one every non-public address is refused. */
  outbound?: OutboundHttp;
}

/**
 * POST once with a timeout and without following redirects (a redirect would send the signed
 * body somewhere the administrator did not configure). Network errors and timeouts come back
 * as a retryable DeliveryResult instead of a throw.
 */
export const postOnce = async (
  url: string,
  body: string,
  options: PostOptions = {},
): Promise<{ ok: true; reply: HttpReply } | { ok: false; result: DeliveryResult }> => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  try {
    const reply = await (options.outbound ?? strictOutbound).post(url, {
      headers: { 'user-agent': 'Escalon', ...options.headers },
      body,
      timeoutMs,
    });
    return { ok: true, reply };
  } catch (err) {
    // A refused address is the configuration's fault: retrying cannot help.
    const refused = err instanceof OutboundRefusedError ? err : (err as { cause?: unknown } | null)?.cause;
    if (refused instanceof OutboundRefusedError) return { ok: false, result: failure(false, `refused: ${refused.message}`) };
    return { ok: false, result: failure(true, describeFetchError(err, timeoutMs)) };
  }
};

/** undici's own timeouts (no answer head, a stalled body, no connection) read as one. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

const describeFetchError = (err: unknown, timeoutMs: number): string => {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError' || TIMEOUT_CODES.has(String((err as { code?: unknown }).code)))
      return `timed out after ${timeoutMs} ms`;
    const cause = (err as { cause?: unknown }).cause;
    const code =
      cause && typeof cause === 'object' && 'code' in cause
        ? String((cause as { code: unknown }).code)
        : undefined;
    const causeMessage = cause instanceof Error ? cause.message : undefined;
    return `network error: ${[code, causeMessage ?? err.message].filter(Boolean).join(' ')}`;
  }
  return `network error: ${String(err)}`;
};

/** Headers that say nothing about the answer itself. */
const UNLOGGED_HEADERS = new Set(['connection', 'keep-alive', 'date', 'transfer-encoding', 'set-cookie']);

/**
 * What the delivery log keeps of an answer: its status and headers, never its body (the far
 * side may be an internal service whose page must not be readable through Escalon).
 */
export const replySummary = (reply: Pick<HttpReply, 'status' | 'headers'>): string => {
  const headers: string[] = [];
  reply.headers.forEach((value, name) => {
    if (!UNLOGGED_HEADERS.has(name.toLowerCase())) headers.push(`${name.toLowerCase()}: ${value}`);
  });
  return excerpt(`HTTP ${reply.status}${headers.length ? ` (${headers.join('; ')})` : ''}`);
};

/**
 * The common HTTP mapping: 2xx ok, 3xx not followed (permanent: the URL is wrong), 408/429/5xx
 * retryable with Retry-After honoured, other 4xx permanent.
 */
export const resultOfHttpReply = (reply: HttpReply, nowMs: number): DeliveryResult => {
  const summary = replySummary(reply);
  if (reply.status >= 200 && reply.status < 300) return { ok: true, response: summary };
  if (reply.status >= 300 && reply.status < 400) {
    return failure(
      false,
      `HTTP ${reply.status} redirect to ${reply.headers.get('location') ?? '(none)'} not followed`,
    );
  }
  const retryable = isRetryableStatus(reply.status);
  return failure(
    retryable,
    summary,
    retryable ? parseRetryAfter(reply.headers.get('retry-after'), nowMs) : undefined,
  );
};
