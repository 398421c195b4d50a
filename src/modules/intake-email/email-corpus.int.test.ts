/**
 * Feeds every sample message of the shared corpus (/work/shared/corpus/email, a sibling of the
 * repository) through parseInboundEmail + classifyInbound. Nothing may fail with anything but a
 * typed EmailParseError; specific facts are asserted for the Japanese, bounce, ARF and
 * attachment samples. Skipped, with a message, when the corpus is not there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyInbound } from './email-classify.js';
import { parseInboundEmail } from './email-parse.js';
import { EmailParseError, type InboundClassification, type ParsedEmail } from './email.types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Beside the repository (../shared), or beside the folder of worktrees (../../shared).
const corpusDir =
  ['../shared/corpus/email', '../../shared/corpus/email']
    .map((p) => path.resolve(repoRoot, p))
    .find((p) => existsSync(p)) ?? path.resolve(repoRoot, '../shared/corpus/email');
const haveCorpus = existsSync(corpusDir);
if (!haveCorpus) console.warn(`[intake-email] corpus not found at ${corpusDir}: corpus tests skipped.`);

const LIMITS = { maxAttachmentBytes: 25 * 1024 * 1024, maxTotalBytes: 50 * 1024 * 1024 };

/**
 * Sample messages: .eml/.msg/.txt and extension-less files, except licences and READMEs and the
 * `files/` folder of mail-mime-parser (the originals of its attachments, not messages). Other
 * non-messages (mikel-mail/attachments/てすと.txt) are kept on purpose: they must come back as a
 * typed parse error.
 */
function listSamples(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'files' ? [] : listSamples(full);
    if (/^(LICENSE|README)(\.md)?$/i.test(entry.name)) return [];
    return /\.(eml|msg|txt)$/i.test(entry.name) || !entry.name.includes('.') ? [full] : [];
  });
}

type Outcome =
  | { file: string; ok: true; email: ParsedEmail; classification: InboundClassification }
  | { file: string; ok: false; error: EmailParseError };

const outcomes = new Map<string, Outcome>();
const get = (file: string): Outcome => {
  const outcome = outcomes.get(file);
  if (!outcome) throw new Error(`no outcome for ${file}`);
  return outcome;
};
const parsed = (file: string): { email: ParsedEmail; classification: InboundClassification } => {
  const outcome = get(file);
  if (!outcome.ok) throw new Error(`${file} failed to parse: ${outcome.error.reason}`);
  return outcome;
};

describe.skipIf(!haveCorpus)('email corpus', () => {
  beforeAll(async () => {
    for (const full of listSamples(corpusDir).sort()) {
      const file = path.relative(corpusDir, full).split(path.sep).join('/');
      try {
        const email = await parseInboundEmail(readFileSync(full), LIMITS);
        outcomes.set(file, { file, ok: true, email, classification: classifyInbound(email) });
      } catch (error) {
        // Anything but an EmailParseError is a defect: let it fail the whole suite loudly.
        if (!(error instanceof EmailParseError)) throw error;
        outcomes.set(file, { file, ok: false, error });
      }
    }
    const tally: Record<string, number> = {};
    for (const o of outcomes.values()) {
      const key = o.ok ? o.classification.kind : `parse_error:${o.error.reason}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    console.info(`[intake-email] corpus: ${outcomes.size} files`, tally);
  });

  it('parses or classifies every sample, failing only with typed reasons', () => {
    expect(outcomes.size).toBeGreaterThan(150);
    const failures = [...outcomes.values()]
      .filter((o) => !o.ok)
      .map((o) => [o.file, o.ok ? '' : o.error.reason]);
    expect(failures).toEqual([
      ['mikel-mail/attachments/てすと.txt', 'no_headers'],
      ['mikel-mail/emails/sample_output_multipart', 'empty'],
    ]);
    for (const o of outcomes.values()) {
      if (!o.ok) continue;
      expect(o.email.messageId, o.file).not.toMatch(/[<>\s]/);
      expect(typeof o.email.visibleText, o.file).toBe('string');
    }
  });

  it('decodes the Japanese samples (ISO-2022-JP, Shift_JIS, UTF-8, RFC 2047, RFC 2231)', () => {
    const iso = parsed('mikel-mail/emails/multi_charset/japanese_iso_2022.eml').email;
    expect(iso.subject).toBe('まみむめも');
    expect(iso.text).toBe('すみません。');
    expect(iso.messageIdSynthetic).toBe(true);

    const sjis = parsed('mikel-mail/emails/multi_charset/japanese_shift_jis.eml').email;
    expect(sjis.text).toContain('あいうえお');
    expect(sjis.text).toContain('このメールはテスト用のメールです。');
    expect(sjis.text).toContain('今後ともよろしくお願い申し上げます！');

    expect(parsed('mikel-mail/emails/multi_charset/japanese.eml').email.text).toContain('かきくえこ');
    expect(parsed('mikel-mail/emails/rfc2822/example14.eml').email.subject).toContain('テストテスト');

    const attached = parsed('mikel-mail/emails/multi_charset/japanese_attachment.eml').email.attachments;
    expect(attached.map((a) => a.filename)).toEqual(['てすと.txt']);
    expect(
      attached[0]?.content.equals(readFileSync(path.join(corpusDir, 'mikel-mail/attachments/てすと.txt'))),
    ).toBe(true);

    const longName = parsed('mikel-mail/emails/multi_charset/japanese_attachment_long_name.eml').email;
    expect(longName.subject).toBe('まみむめも'.repeat(10));
    expect(longName.attachments[0]?.filename).toBe(`${'かきくけこ'.repeat(5)}.txt`);
  });

  it('classifies the postal-mime bounce with the original message id', () => {
    expect(parsed('postal-mime/bounce.eml').classification).toEqual({
      kind: 'bounce',
      reason: 'delivery_status_report',
      originalMessageId: 'e85f1c9b-9b51-4028-8ec0-0a657155028e@app.fastmail.com',
      recipient: 'htfgvhyufthdgcvhgjyfthgc@ethereal.email',
      status: '5.0.0',
      diagnostic: 'smtp; 550 No such user here',
      failures: [
        {
          recipient: 'htfgvhyufthdgcvhgjyfthgc@ethereal.email',
          status: '5.0.0',
          diagnostic: 'smtp; 550 No such user here',
          action: 'failed',
        },
      ],
    });
  });

  it('classifies the other delivery reports: failures as bounces, delays as reports', () => {
    const kinds = (files: string[]): string[] =>
      files.map((f) => parsed(`mikel-mail/emails/${f}`).classification.kind);
    expect(
      kinds([
        'multipart_report_emails/multi_address_bounce1.eml',
        'multipart_report_emails/multi_address_bounce2.eml',
        'multipart_report_emails/multipart_report_multiple_status.eml',
        'multipart_report_emails/report_530.eml',
      ]),
    ).toEqual(['bounce', 'bounce', 'bounce', 'bounce']);
    expect(parsed('mikel-mail/emails/multipart_report_emails/report_530.eml').classification).toMatchObject({
      originalMessageId: '200712232303.lBNN3jDq002941@mail12.rrrr.com.au',
      recipient: 'edwin@zzzzzzz.com',
      status: '5.3.0',
    });
    for (const f of [
      'multipart_report_emails/report_422.eml',
      'mime_emails/raw_email_with_mimepart_without_content_type.eml',
    ]) {
      expect(parsed(`mikel-mail/emails/${f}`).classification).toEqual({
        kind: 'auto_reply',
        reason: 'delivery_report',
        detail: 'delayed',
      });
    }
  });

  it('does not treat the ARF abuse report as a customer message', () => {
    expect(parsed('postal-mime/arf.eml').classification).toEqual({
      kind: 'auto_reply',
      reason: 'feedback_report',
      detail: 'abuse',
    });
  });

  it('decodes mail-mime-parser attachments byte-identical to the originals in files/', () => {
    const original = (name: string): Buffer =>
      readFileSync(path.join(corpusDir, 'mail-mime-parser/emails/files', name));
    const samples: Array<[string, string[]]> = [
      ['m0011.txt', ['blueball.png', 'greenball.png', 'redball.png']],
      ['m0024.txt', ['Biodiversite de semaine en semaine.doc']],
      ['m1003.txt', ['redball.png', 'greenball.png', 'blueball.png']],
      ['m2012.txt', ['blueball.png', 'farmerandstork.txt']],
      ['m3006.txt', ['abc.txt']],
      ['m4006.txt', ['winmail.dat']],
    ];
    for (const [file, names] of samples) {
      const attachments = parsed(`mail-mime-parser/emails/${file}`).email.attachments;
      for (const name of names) {
        const attachment = attachments.find((a) => a.filename === name);
        expect(attachment?.content.equals(original(name)), `${file} ${name}`).toBe(true);
      }
    }
    const inline = parsed('mail-mime-parser/emails/m0016.txt').email;
    expect(inline.attachments.filter((a) => a.inline).map((a) => a.filename)).toEqual([
      'blueball.png',
      'redball.png',
    ]);
    for (const a of inline.attachments) expect(inline.html ?? '').toContain(`src="cid:${a.contentId}"`);
  });

  it('opens a ticket for no automated sample and for every human one it can tell apart by structure', () => {
    // Told apart by structure alone, independently of the classifier: a report, an RFC 3834
    // header, Precedence bulk/junk, a null or daemon return path or sender.
    const daemon = /^(mailer-daemon|postmaster|post_master)$/i;
    const automated = (e: ParsedEmail): boolean => {
      const first = (n: string) => (e.headers[n]?.[0] ?? '').toLowerCase();
      return (
        e.contentType.value === 'multipart/report' ||
        (first('auto-submitted') !== '' && !first('auto-submitted').startsWith('no')) ||
        /^(bulk|junk|auto_reply)\b/.test(first('precedence')) ||
        e.returnPath === '' ||
        daemon.test((e.returnPath ?? '').split('@')[0] ?? '') ||
        daemon.test((e.from?.address ?? '').split('@')[0] ?? '')
      );
    };
    const ok = [...outcomes.values()].filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
    const machines = ok.filter((o) => automated(o.email));
    const people = ok.filter((o) => !automated(o.email));
    expect(machines.length).toBeGreaterThanOrEqual(9);
    // Automated mail never becomes a ticket (0 %, was the issue's ~2 %)…
    expect(machines.filter((o) => o.classification.kind === 'message').map((o) => o.file)).toEqual([]);
    // …and the weighed signals take no human mail for a machine's.
    expect(people.filter((o) => o.classification.kind !== 'message').map((o) => o.file)).toEqual([]);
    console.info(
      `[intake-email] corpus: ${machines.length} automated samples, ${people.length} human samples; misclassified 0`,
    );
  });

  it('treats the ordinary samples as messages', () => {
    const kinds = [...outcomes.values()].filter((o) => o.ok).map((o) => (o.ok ? o.classification.kind : ''));
    expect(kinds.filter((k) => k === 'message').length).toBeGreaterThan(150);
    expect(parsed('mikel-mail/emails/plain_emails/raw_email_reply.eml').classification.kind).toBe('message');
  });
});
