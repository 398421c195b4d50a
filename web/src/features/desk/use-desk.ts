import { useCallback, useRef, useState } from 'react';
import { isAbort } from '../../api/client.js';
import type { Customer, Page } from '../../api/types.js';
import { useSession } from '../../session.js';

/** Customer search for the new-ticket screen (GET /api/v1/customers?q=: name, email or phone). */
export function useCustomerSearch() {
  const { client } = useSession();
  const [results, setResults] = useState<Customer[] | null>(null);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  const run = useCallback(
    (q: string) => {
      abort.current?.abort();
      const trimmed = q.trim();
      setQuery(trimmed);
      if (!trimmed) return setResults(null);
      const ctrl = new AbortController();
      abort.current = ctrl;
      client
        .get<Page<Customer>>('/api/v1/customers', { q: trimmed, limit: 10 }, ctrl.signal)
        .then((p) => {
          setResults(p.items);
          setError(null);
        })
        .catch((err: unknown) => !isAbort(err) && setError(err));
    },
    [client],
  );
  return { results, query, error, run };
}

export interface BulkChanges {
  status?: string;
  priority?: string;
  teamId?: string | null;
  assigneeId?: string | null;
  addTags?: string[];
  removeTags?: string[];
}

export interface BulkOutcome {
  updated: number;
  unchanged: number;
  failed: number;
  results: { id: string; ok: boolean; number?: number; changed?: number; error?: { code: string; message: string } }[];
}

/** POST /api/v1/tickets/bulk */
export function useBulkUpdate() {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    async (ids: string[], changes: BulkChanges): Promise<BulkOutcome | null> => {
      setBusy(true);
      setError(null);
      try {
        return await client.post<BulkOutcome>('/api/v1/tickets/bulk', { ids, changes });
      } catch (err) {
        setError(err);
        return null;
      } finally {
        setBusy(false);
      }
    },
    [client],
  );
  return { run, busy, error };
}
