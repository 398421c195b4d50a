import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0003 from './0003_escalations.js';

/** Every migration, in order. Names sort; add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0003_escalations': m0003,
};
