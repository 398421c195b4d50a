import { promises as dns } from 'node:dns';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { dmarc } from 'mailauth/lib/dmarc/index.js';
import { spf } from 'mailauth/lib/spf/index.js';

/**
 * SPF, DKIM and DMARC of an inbound mail, evaluated with mailauth (Postal Systems' library, the
 * one WildDuck and ZoneMTA use; it follows RFC 7208, 6376 and 7489 and takes an injectable DNS
 * resolver, so tests run offline with real signatures).
 *
 * SPF needs the connection (client IP, HELO, MAIL FROM): only the SMTP receiver knows it. Mail
 * polled over IMAP is evaluated on the message alone: DKIM and DMARC (aligned DKIM only); the
 * Authentication-Results of the receiving MTA are not trusted, since anyone upstream of it
 * could have written such a header.
 *
 * DNS never blocks intake: each lookup gives up after `timeoutMs`, the whole evaluation after
 * three times that (plus 2 s for the signature checks), and an unreachable DNS makes the
 * verdict `temperror`.
 */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** pass: DMARC passed; fail: the domain publishes DMARC and neither SPF nor DKIM aligned; none: no DMARC policy (or no From); temperror: DNS could not answer. */
export type AuthVerdict = 'pass' | 'fail' | 'none' | 'temperror';

export interface MailAuth {
  verdict: AuthVerdict;
  /** smtp: with the connection (SPF too); message: the message alone (IMAP: DKIM and DMARC). */
  basis: 'smtp' | 'message';
  fromDomain: string | null;
  spf: { result: string; domain: string | null } | null;
  dkim: { result: string; domain: string; aligned: boolean }[];
  dmarc: { result: string; policy: string | null; domain: string | null } | null;
}

export interface ConnectionFacts {
  ip?: string | null;
  helo?: string | null;
  mailFrom?: string | null;
}

/** The system resolver with a short timeout and a single try. */
export function systemResolver(timeoutMs: number): DnsResolver {
  const r = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  return (name, rrtype) => r.resolve(name, rrtype);
}

/** A resolver that answers within `timeoutMs` or fails with ETIMEOUT (mailauth maps that to temperror). */
export function withTimeout(resolver: DnsResolver, timeoutMs: number): DnsResolver {
  return (name, rrtype) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(Object.assign(new Error(`DNS ${rrtype} ${name} timed out`), { code: 'ETIMEOUT' })), timeoutMs);
      resolver(name, rrtype).then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
}

const TEMP = 'temperror';

export async function evaluateMailAuth(raw: Buffer, conn: ConnectionFacts | null, opts: { resolver: DnsResolver; timeoutMs: number; mta?: string }): Promise<MailAuth> {
  const basis = conn?.ip ? 'smtp' : 'message';
  const resolver = withTimeout(opts.resolver, opts.timeoutMs) as (name: string, rrtype: string) => Promise<string[][] | string[]>;
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<MailAuth>((resolve) => {
    // Lookups in sequence (SPF may need ten) are capped as a whole; the slack is for the
    // signature checks themselves on a busy machine, which are no DNS failure.
    timer = setTimeout(() => resolve({ verdict: TEMP, basis, fromDomain: null, spf: null, dkim: [], dmarc: null }), opts.timeoutMs * 3 + 2_000);
  });
  try {
    return await Promise.race([evaluate(raw, conn, basis, resolver, opts.mta ?? 'escalon'), cap]);
  } catch {
    // A message mailauth cannot read at all: nothing could be verified.
    return { verdict: 'none', basis, fromDomain: null, spf: null, dkim: [], dmarc: null };
  } finally {
    clearTimeout(timer);
  }
}

async function evaluate(raw: Buffer, conn: ConnectionFacts | null, basis: 'smtp' | 'message', resolver: (name: string, rrtype: string) => Promise<string[][] | string[]>, mta: string): Promise<MailAuth> {
  const dk = await dkimVerify(raw, { resolver, ...(conn?.mailFrom ? { sender: conn.mailFrom } : {}) });
  const dkim = (dk.results ?? []).filter((r) => r.signingDomain).map((r) => ({ result: r.status.result, domain: r.signingDomain, aligned: !!r.status.aligned }));
  let spfResult: MailAuth['spf'] = null;
  if (basis === 'smtp' && conn?.ip) {
    const ip = conn.ip.replace(/^::ffff:/i, '');
    const sender = conn.mailFrom || (conn.helo ? `postmaster@${conn.helo}` : undefined);
    const r = await spf({ ip, helo: conn.helo ?? undefined, sender, mta, resolver });
    spfResult = { result: r.status.result, domain: r.domain ?? null };
  }
  const headerFrom = dk.headerFrom ?? [];
  const fromDomain = headerFrom.length === 1 ? (headerFrom[0]!.split('@').pop() ?? null)?.toLowerCase() ?? null : null;
  if (headerFrom.length === 0) return { verdict: 'none', basis, fromDomain, spf: spfResult, dkim, dmarc: null };
  const d = await dmarc({
    headerFrom,
    spfDomains: spfResult?.result === 'pass' && spfResult.domain ? [spfResult.domain] : [],
    dkimDomains: (dk.results ?? []).filter((r) => r.status.result === 'pass').map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
    resolver,
  });
  const dmarcResult = d ? { result: d.status.result, policy: d.policy ?? null, domain: d.domain ?? null } : null;
  const lookupFailed = dkim.some((x) => x.result === TEMP) || spfResult?.result === TEMP;
  let verdict: AuthVerdict;
  if (!dmarcResult || dmarcResult.result === 'none' || dmarcResult.result === 'permerror') verdict = 'none';
  else if (dmarcResult.result === 'pass') verdict = 'pass';
  else if (dmarcResult.result === TEMP) verdict = 'temperror';
  // A key or SPF record that could not be fetched is not proof of forgery.
  else verdict = lookupFailed ? 'temperror' : 'fail';
  return { verdict, basis, fromDomain, spf: spfResult, dkim, dmarc: dmarcResult };
}

/** Whether a reply with this verdict may not be appended as the customer's message without an agent. */
export const isUnverified = (auth: Pick<MailAuth, 'verdict'> | null): boolean => auth?.verdict === 'fail' || auth?.verdict === 'temperror';
