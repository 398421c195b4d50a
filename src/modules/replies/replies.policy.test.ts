import { describe, expect, it } from 'vitest';
import { allowsAutomaticMail, looksAutomated, renderReplyMail, replyLanguage, replySubject, replyTarget } from './replies.policy.js';

describe('replies policy', () => {
  it('threads the subject as Re: <subject> [#n] once', () => {
    expect(replySubject('Printer broken', 1042)).toBe('Re: Printer broken [#1042]');
    expect(replySubject('Re: RE: [#1042] Printer broken', 1042)).toBe('Re: Printer broken [#1042]');
    expect(replySubject('Re: 請求書について [#7]', 7)).toBe('Re: 請求書について [#7]');
  });
  it('knows machine addresses', () => {
    for (const a of ['MAILER-DAEMON@x.example', 'postmaster@x.example', 'no-reply@x.example', 'noreply@x.example', 'do-not-reply@x.example', '', null]) expect(looksAutomated(a), String(a)).toBe(true);
    for (const a of ['hana@aozora.example', 'replyguy@x.example', 'nora@x.example']) expect(looksAutomated(a), a).toBe(false);
  });
  it('caps automatic mail per address', () => {
    expect(allowsAutomaticMail('hana@aozora.example', 4)).toBe(true);
    expect(allowsAutomaticMail('hana@aozora.example', 5)).toBe(false);
    expect(allowsAutomaticMail('noreply@aozora.example', 0)).toBe(false);
  });
  it('picks the customer language', () => {
    expect(replyLanguage('en', 'プリンター')).toBe('en');
    expect(replyLanguage('', 'プリンターが壊れた')).toBe('ja');
    expect(replyLanguage(null, 'Printer')).toBe('en');
  });
  it('sends to requester and CCs, never to our own address, and warns about machines', () => {
    const t = replyTarget({ channel: 'email', requesterEmail: 'Hana@aozora.example', cc: ['ken@aozora.example', 'support@escalon.example', 'hana@aozora.example', 'noreply@aozora.example'], own: ['support@escalon.example'], messaging: null });
    expect(t).toEqual({ channel: 'email', to: 'hana@aozora.example', cc: ['ken@aozora.example', 'noreply@aozora.example'], deliverable: true, warnings: [{ code: 'automated_address', address: 'noreply@aozora.example' }] });
    expect(replyTarget({ channel: 'phone', requesterEmail: null, cc: [], own: [], messaging: null })).toMatchObject({ channel: 'none', deliverable: false, warnings: [{ code: 'no_address' }] });
    expect(replyTarget({ channel: 'chat', requesterEmail: 'a@b.example', cc: [], own: [], messaging: { hasConversation: true, outboundUrl: null } })).toMatchObject({ deliverable: false, warnings: [{ code: 'no_outbound_url' }] });
  });
  it('escapes the body in HTML and puts the footer in the customer language', () => {
    const m = renderReplyMail({ body: 'Hi <b>you</b>\n\nBye', number: 5, lang: 'ja', privateUrl: 'https://x.example/t/abc', agentName: 'Sato' });
    expect(m.html).toContain('Hi &lt;b&gt;you&lt;/b&gt;');
    expect(m.text).toContain('お問い合わせ番号: #5');
    expect(m.html).toContain('<a href="https://x.example/t/abc">');
  });
});
