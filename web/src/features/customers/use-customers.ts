import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../api/client.js';
import { qk } from '../../api/query-keys.js';
import type { Customer } from '../../api/types.js';

/**
 * Customers by id through the query cache (one query per customer, shared by every screen that
 * shows them; the live stream's ticket events refresh them). Ticket lists carry only requesterId.
 */
const customerQuery = (client: ApiClient, id: string) => ({
  queryKey: qk.customers.detail(id),
  queryFn: ({ signal }: { signal: AbortSignal }) => client.get<Customer>(`/api/v1/customers/${encodeURIComponent(id)}`, undefined, signal),
  staleTime: 60_000,
});

/** The customers of these ids that could be loaded (a missing one is simply absent). */
export function useCustomers(client: ApiClient, ids: (string | null)[]): Map<string, Customer> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))].sort();
  return useQueries({
    queries: wanted.map((id) => ({ ...customerQuery(client, id), retry: false })),
    combine: (results) => new Map(results.flatMap((r) => (r.data ? [[r.data.id, r.data] as const] : []))),
  });
}

/** One customer: the query itself (loading, error with retry, data). */
export function useCustomer(client: ApiClient, id: string | null) {
  return useQuery({ ...customerQuery(client, id ?? ''), enabled: id !== null });
}

/** Drops a cached customer (after an erasure or an edit) so the next look-up fetches it again. */
export function useForgetCustomer(): (id: string) => void {
  const qc = useQueryClient();
  return (id) => void qc.invalidateQueries({ queryKey: qk.customers.detail(id) });
}
