import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import { createSecretBox, isSealed } from './secret-box.js';

const KEY = 'a-master-key-of-at-least-32-characters!!';

const expectCannotOpen = (fn: () => unknown): void => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('internal');
    return;
  }
  throw new Error('expected open() to fail');
};

const flipOneChar = (part: string): string =>
  `${part.slice(0, -2)}${part.at(-2) === 'A' ? 'B' : 'A'}${part.slice(-1)}`;

describe('secret box', () => {
  const box = createSecretBox(KEY);

  it('round-trips, including Japanese and empty text, with a fresh IV each time', () => {
    for (const plain of ['xoxb-1234-secret', 'パスワード🔑', '']) {
      const sealed = box.seal(plain);
      expect(isSealed(sealed)).toBe(true);
      expect(sealed).toMatch(/^v1:[\w-]{16}:[\w-]{22}:[\w-]*$/);
      expect(sealed).not.toContain(plain || '\u0000');
      expect(box.open(sealed)).toBe(plain);
    }
    expect(box.seal('same')).not.toBe(box.seal('same'));
    expect(createSecretBox(KEY).open(box.seal('other instance'))).toBe('other instance');
  });

  it('fails with an AppError when the ciphertext, tag or iv is altered', () => {
    const [v, iv, tag, ct] = box.seal('whsec_abcdefghijklmnop').split(':') as [
      string,
      string,
      string,
      string,
    ];
    expectCannotOpen(() => box.open([v, iv, tag, flipOneChar(ct)].join(':')));
    expectCannotOpen(() => box.open([v, iv, flipOneChar(tag), ct].join(':')));
    expectCannotOpen(() => box.open([v, flipOneChar(iv), tag, ct].join(':')));
    expectCannotOpen(() => box.open(['v2', iv, tag, ct].join(':')));
    expectCannotOpen(() => box.open('not sealed at all'));
  });

  it('fails under a different master key or a different context', () => {
    const sealed = box.seal('token', 'integrations.1.token');
    expect(box.open(sealed, 'integrations.1.token')).toBe('token');
    expectCannotOpen(() => box.open(sealed, 'integrations.2.token'));
    expectCannotOpen(() => createSecretBox(`${KEY}x`).open(sealed, 'integrations.1.token'));
  });
});
