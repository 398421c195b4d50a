import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Sortable app-generated ids (UUIDv7): time-ordered, so inserts append to indexes. */
export const newId = (): string => uuidv7();

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isId = (s: string): boolean => UUID_RE.test(s);

/** A random URL-safe secret (tokens, CSRF values, signing secrets). */
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** How a secret token is kept at rest: its SHA-256, hex (links, one-time tokens). */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
