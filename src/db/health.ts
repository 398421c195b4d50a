import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseHandle } from './database.js';
import { databaseFault, probeWrite, type DatabaseFault } from './dialect.js';

/** Below this much free space the disk counts as full: the next write may be the one that fails. */
export const MIN_FREE_BYTES = 1024 * 1024;

export interface WriteCheckFailure {
  code: DatabaseFault;
  /** For the log (may name paths); the HTTP answer uses a generic message. */
  detail: string;
  cause?: unknown;
}

/**
 * Whether this node can write: enough free space where the SQLite file and the attachments
 * live, then a real committed write (probeWrite). A full disk is checked by space because
 * SQLite in WAL mode may still fit a tiny write into a WAL file it already allocated.
 */
export async function checkWritable(
  handle: DatabaseHandle,
  opts: { now: number; dataDir: string },
): Promise<WriteCheckFailure | null> {
  const dirs = new Set([opts.dataDir]);
  if (handle.file && handle.file !== ':memory:') dirs.add(dirname(handle.file));
  for (const dir of dirs) {
    let free: number;
    try {
      const s = statfsSync(dir);
      free = s.bavail * s.bsize;
    } catch {
      continue; // not created yet (attachments) or not a local path: the write probe decides
    }
    if (free < MIN_FREE_BYTES)
      return {
        code: 'storage_full',
        detail: `only ${Math.floor(free / 1024)} KiB free on the file system of ${dir}`,
      };
  }
  try {
    await probeWrite(handle.db, opts.now);
    return null;
  } catch (err) {
    const code = databaseFault(err) ?? 'database_unavailable';
    return { code, detail: err instanceof Error ? err.message : String(err), cause: err };
  }
}
