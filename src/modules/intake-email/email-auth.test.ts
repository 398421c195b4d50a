/** SPF, DKIM and DMARC of inbound mail, offline: a fake DNS and real signatures made here. */
import { describe, expect, it } from 'vitest';
import { evaluateMailAuth, isUnverified } from './email-auth.js';
import { buildEml, dkimKey, dkimSigned, fakeDns, withHeaders } from './email-test-support.js';

const key = dkimKey();
const DNS = {
  'sel._domainkey.example.jp TXT': key.txt,
  '_dmarc.example.jp TXT': [['v=DMARC1; p=reject']],
  'example.jp TXT': [['v=spf1 ip4:192.0.2.10 -all']],
};
const mail = buildEml(withHeaders([]), 'プリンターが壊れました。\n');
const opts = { resolver: fakeDns(DNS), timeoutMs: 500 };
const smtpFrom = (ip: string) => ({ ip, helo: 'mx.example.jp', mailFrom: 'taro@example.jp' });

describe('mail authentication (mailauth)', () => {
  it('passes DMARC with an aligned DKIM signature, on the message alone (IMAP) too', async () => {
    const signed = await dkimSigned(mail, 'example.jp', key.privateKey);
    const imap = await evaluateMailAuth(signed, null, opts);
    expect(imap).toMatchObject({ verdict: 'pass', basis: 'message', fromDomain: 'example.jp', spf: null, dkim: [{ result: 'pass', domain: 'example.jp', aligned: true }], dmarc: { result: 'pass', policy: 'reject' } });
    expect(isUnverified(imap)).toBe(false);
    const smtp = await evaluateMailAuth(signed, smtpFrom('203.0.113.9'), opts);
    expect(smtp).toMatchObject({ verdict: 'pass', basis: 'smtp', spf: { result: 'fail' } });
  });

  it('fails DMARC for an unsigned mail from an address the domain does not allow, and for a signature broken by tampering', async () => {
    const forged = await evaluateMailAuth(mail, smtpFrom('203.0.113.9'), opts);
    expect(forged).toMatchObject({ verdict: 'fail', spf: { result: 'fail', domain: 'example.jp' }, dkim: [], dmarc: { result: 'fail' } });
    expect(isUnverified(forged)).toBe(true);
    const signed = await dkimSigned(mail, 'example.jp', key.privateKey);
    const tampered = Buffer.from(signed.toString('utf8').replace('壊れました', '直りました'));
    const t = await evaluateMailAuth(tampered, null, opts);
    // mailauth says neutral for a body hash that does not verify (RFC 6376 §6.1.3): not a pass.
    expect(t.dkim[0]).toMatchObject({ result: 'neutral', domain: 'example.jp' });
    expect(t.verdict).toBe('fail');
    // A signature by another domain is valid but not aligned with the From.
    const other = dkimKey();
    const foreign = await evaluateMailAuth(await dkimSigned(mail, 'mailer.example', other.privateKey), null, { ...opts, resolver: fakeDns({ ...DNS, 'sel._domainkey.mailer.example TXT': other.txt }) });
    expect(foreign).toMatchObject({ verdict: 'fail', dkim: [{ result: 'pass', domain: 'mailer.example', aligned: false }] });
  });

  it('passes with SPF from an allowed address (SMTP only: IMAP has no connection to check)', async () => {
    expect(await evaluateMailAuth(mail, smtpFrom('192.0.2.10'), opts)).toMatchObject({ verdict: 'pass', spf: { result: 'pass' } });
    expect((await evaluateMailAuth(mail, null, opts)).verdict).toBe('fail');
  });

  it('is none when the domain publishes no DMARC policy', async () => {
    const r = await evaluateMailAuth(buildEml(withHeaders([['From', 'a@nodmarc.example']])), smtpFrom('203.0.113.9'), opts);
    expect(r).toMatchObject({ verdict: 'none', fromDomain: 'nodmarc.example' });
    expect(isUnverified(r)).toBe(false);
  });

  it('gives temperror quickly when DNS does not answer, and when a key lookup fails', async () => {
    const hang = () => new Promise<never>(() => undefined);
    const started = Date.now();
    const r = await evaluateMailAuth(await dkimSigned(mail, 'example.jp', key.privateKey), smtpFrom('192.0.2.10'), { resolver: hang, timeoutMs: 100 });
    expect(r.verdict).toBe('temperror');
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(isUnverified(r)).toBe(true);
    const servfail = async (name: string, rrtype: string) => {
      if (name.includes('_domainkey')) throw Object.assign(new Error('SERVFAIL'), { code: 'ESERVFAIL' });
      return fakeDns(DNS)(name, rrtype);
    };
    expect((await evaluateMailAuth(await dkimSigned(mail, 'example.jp', key.privateKey), null, { resolver: servfail, timeoutMs: 500 })).verdict).toBe('temperror');
  });
});
