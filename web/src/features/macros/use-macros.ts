import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { qk } from '../../api/query-keys.js';
import { useDebounced } from '../../lib/use-debounced.js';
import { useSession } from '../../session.js';
import type { Macro } from './types.js';

/**
 * The macros the user sees (shared + own), searched by `q` (GET /api/v1/macros). Saving,
 * deleting or applying invalidates `qk.macros.all`; the previous list stays on screen while a
 * new search loads.
 */
export function useMacros(q: string, opts: { enabled?: boolean; limit?: number } = {}) {
  const { client } = useSession();
  const text = useDebounced(q.trim(), 150);
  return useQuery<Macro[]>({
    queryKey: qk.macros.list({ q: text, limit: opts.limit ?? null }),
    enabled: opts.enabled ?? true,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      client.get<{ items: Macro[] }>('/api/v1/macros', { ...(text && { q: text }), ...(opts.limit && { limit: String(opts.limit) }) }, signal).then((r) => r.items),
  });
}
