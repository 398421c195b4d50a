import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseMessageId, parseHeaderFields } from './email-headers.js';
import { buildEml, withHeaders } from './email-test-support.js';
import { InboundIdentityHasher, inboundIdentity } from './inbound-identity.js';

/** The identity as it was computed on a whole buffer before streaming: the hasher must agree byte for byte. */
function wholeBufferIdentity(raw: Buffer) {
  const rawSha256 = createHash('sha256').update(raw).digest('hex');
  const text = raw.subarray(0, 512 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = end === -1 ? text : text.slice(0, end);
  const fields = parseHeaderFields(head);
  const first = (name: string) => fields.find((f) => f.name === name)?.value ?? '';
  const messageId =
    normaliseMessageId(first('message-id')) ?? `sha256-${rawSha256}@synthetic.escalon.invalid`;
  const bodyStart = end === -1 ? raw.length : Buffer.byteLength(text.slice(0, end), 'latin1');
  const body = raw.subarray(bodyStart).toString('latin1').replace(/\r\n/g, '\n').trim();
  const fingerprint = createHash('sha256')
    .update(`${first('from')}\n${first('subject')}\n`, 'latin1')
    .update(body, 'latin1')
    .digest('hex');
  return { messageId, dedupeKey: `${messageId}#${fingerprint.slice(0, 32)}`, rawSha256, size: raw.length };
}

const streamed = (raw: Buffer, cuts: number[]): ReturnType<InboundIdentityHasher['digest']> => {
  const h = new InboundIdentityHasher();
  let at = 0;
  for (const cut of [...cuts.map((c) => Math.min(c, raw.length))].sort((a, b) => a - b)) {
    h.update(raw.subarray(at, Math.max(at, cut)));
    at = Math.max(at, cut);
  }
  return h.update(raw.subarray(at)).digest();
};

describe('InboundIdentityHasher', () => {
  it('gives the whole-buffer identity however the bytes are cut (CRLF, CR, spaces and NBSP across chunks)', () => {
    const byte = fc.constantFrom(0x0d, 0x0a, 0x20, 0x09, 0xa0, 0x41, 0x3a, 0x2e, 0xe3, 0x0b);
    fc.assert(
      fc.property(
        fc.constantFrom('', 'From: a@example.jp\r\nSubject: x\r\n', 'Message-ID: <m@x>\r\nFrom: b@y\n'),
        fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        fc.array(byte, { maxLength: 200 }).map((a) => Buffer.from(a)),
        fc.array(fc.nat(600), { maxLength: 8 }),
        (head, noise, spacey, cuts) => {
          const raw = Buffer.concat([Buffer.from(head, 'latin1'), spacey, noise, spacey]);
          expect(streamed(raw, cuts)).toEqual(wholeBufferIdentity(raw));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees on a real message, a header section beyond the 512 KiB window and an empty message', () => {
    const mail = buildEml(withHeaders([]), '  Hello.\r\n\r\n> quoted\r\n  \r\n');
    expect(streamed(mail, [3, 40, 41, 200])).toEqual(wholeBufferIdentity(mail));
    expect(inboundIdentity(mail)).toEqual(wholeBufferIdentity(mail));
    const hugeHead = Buffer.concat([
      Buffer.from(`X-Long: ${'a'.repeat(600 * 1024)}\r\nFrom: z@z\r\n\r\nbody`, 'latin1'),
    ]);
    expect(streamed(hugeHead, [100, 512 * 1024 - 1, 512 * 1024 + 3])).toEqual(wholeBufferIdentity(hugeHead));
    expect(inboundIdentity(Buffer.alloc(0))).toEqual(wholeBufferIdentity(Buffer.alloc(0)));
  });
});
