import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { findNul } from './hardening.js';

describe('findNul (the NUL refusal before validation)', () => {
  it('names the first string or key holding U+0000', () => {
    expect(findNul({ a: 'ok', b: ['x', 'y\0'] }, 'body')).toBe('body.b.1');
    expect(findNul({ ['k\0']: 1 }, 'query')).toBe('query.k\\u0000');
    expect(findNul({ a: { b: 'fine' } }, 'body')).toBeNull();
  });

  it('leaves bytes and streams alone, at once (an upload body is the request stream)', () => {
    const bytes = new Uint8Array(5_000_000);
    const stream = new PassThrough();
    // A stream holds cycles and buffers: walking it would never end in practice.
    Object.assign(stream, { self: stream, chunk: Buffer.from('a\0b') });
    const t0 = performance.now();
    expect(findNul(bytes, 'body')).toBeNull();
    expect(findNul(bytes.buffer, 'body')).toBeNull();
    expect(findNul(stream, 'body')).toBeNull();
    expect(findNul({ file: stream }, 'body')).toBeNull();
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
