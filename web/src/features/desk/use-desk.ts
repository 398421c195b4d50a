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
