import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, fetch, type Response } from 'undici';
import { NO_ALLOWANCES, refusalOf, urlRefusal, type OutboundPolicy } from '../lib/outbound-address.js';

/** Thrown (as a fetch cause) when a URL's host or a resolved address is refused. */
export class OutboundRefusedError extends Error {
  readonly code = 'ESCALON_OUTBOUND_REFUSED';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Outbound HTTP through one undici Agent whose `connect.lookup` checks every address a name
 * resolves to, at the moment the connection is made: a name that resolved to a public address
 * when the URL was saved and to 127.0.0.1 now (DNS rebinding) is refused, as is a name with
 * any forbidden address among its answers. IP-literal hosts never reach `lookup`, so they are
 * checked before the request. Redirects are never followed by the callers.
 */
export class OutboundHttp {
  private readonly agent: Agent;

  constructor(readonly policy: OutboundPolicy = NO_ALLOWANCES) {
    this.agent = new Agent({
      connect: {
        lookup: (hostname: string, options: LookupOptions, callback: LookupCallback) => {
          const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
          dnsLookup(hostname, { family, all: true }, (err, addresses) => {
            if (err) return callback(err, []);
            for (const a of addresses) {
              const refusal = refusalOf(this.policy, hostname, a.address);
              if (refusal) return callback(new OutboundRefusedError(refusal), []);
            }
            if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
            if (options.all) return callback(null, addresses);
            return callback(null, addresses[0]!.address, addresses[0]!.family);
          });
        },
      },
    });
  }

  /** Null when `url` may be saved; otherwise why not (the literal host check). */
  refusalOfUrl(url: string): string | null {
    return urlRefusal(this.policy, url);
  }

  async fetch(url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }): Promise<Response> {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const refusal = refusalOf(this.policy, host, host);
      if (refusal) throw new OutboundRefusedError(refusal);
    }
    return fetch(url, { ...init, redirect: 'manual', dispatcher: this.agent });
  }

  /**
   * One POST through the Agent's own request API (undici's dispatcher, not WHATWG fetch): the
   * same guarded lookup and the same kept-alive connections per origin, without fetch's Request,
   * Response and stream objects, which cost more than the rest of a webhook delivery. Never
   * follows redirects. `timeoutMs` bounds the wait for the answer's head and for its body.
   */
  async post(url: string, init: { headers: Record<string, string>; body: string; timeoutMs: number }): Promise<{ status: number; headers: Headers; body: string }> {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const refusal = refusalOf(this.policy, host, host);
      if (refusal) throw new OutboundRefusedError(refusal);
    }
    const res = await this.agent.request({
      origin: u.origin,
      path: `${u.pathname}${u.search}`,
      method: 'POST',
      headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
      body: init.body,
      headersTimeout: init.timeoutMs,
      bodyTimeout: init.timeoutMs,
    });
    const body = await res.body.text();
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    return { status: res.statusCode, headers, body };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Refuses every non-public address: what a sender uses when none is passed. */
export const strictOutbound = new OutboundHttp();
