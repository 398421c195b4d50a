import { hash, verify } from '@node-rs/argon2';
import { passwordProblems, type PasswordProblem } from './auth.policy.js';

// Argon2id (the library's default algorithm) with OWASP's recommended minimum cost
// (19 MiB, 2 iterations). @node-rs/argon2 ships prebuilt binaries in its npm packages.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, options);

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

/** A hash of a throwaway password, verified against when the user does not exist (uniform timing). */
let dummy: Promise<string> | undefined;
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword('escalon-timing-equaliser'));

/**
 * The common-password list of zxcvbn-ts (@zxcvbn-ts/language-common: ~49,000 passwords from
 * breach corpora, maintained with zxcvbn-ts), loaded once on first use.
 */
let common: Promise<ReadonlySet<string>> | undefined;
const commonPasswords = (): Promise<ReadonlySet<string>> =>
  (common ??= import('@zxcvbn-ts/language-common').then(
    (m) => new Set(m.dictionary['passwords-common'].map((p) => p.toLowerCase())),
  ));

/** The password rules with the common-password list applied. */
export async function checkPassword(password: string, email: string | null): Promise<PasswordProblem[]> {
  const list = await commonPasswords();
  return passwordProblems(password, email, (lower) => list.has(lower));
}
