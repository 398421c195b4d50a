import { useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client.js';
import type { Customer } from '../../api/types.js';

/**
 * Customers by id, fetched once per page load. Ticket lists carry only requesterId; see the
 * report: the list endpoint should embed { id, name } to spare these look-ups.
 */
const cache = new Map<string, Promise<Customer | null>>();

function load(client: ApiClient, id: string): Promise<Customer | null> {
  let p = cache.get(id);
  if (!p) {
    p = client.get<Customer>(`/api/v1/customers/${id}`).catch(() => {
      cache.delete(id);
      return null;
    });
    cache.set(id, p);
  }
  return p;
}

/** Drops a cached customer (after an erasure) so the next look-up fetches it again. */
export function forgetCustomer(id: string): void {
  cache.delete(id);
}

export function useCustomers(client: ApiClient, ids: (string | null)[]): Map<string, Customer> {
  const [map, setMap] = useState<Map<string, Customer>>(new Map());
  const key = [...new Set(ids.filter((x): x is string => !!x))].sort().join(',');
  useEffect(() => {
    let live = true;
    const wanted = key ? key.split(',') : [];
    void Promise.all(wanted.map((id) => load(client, id))).then((rows) => {
      if (!live) return;
      setMap(new Map(rows.filter((c): c is Customer => c !== null).map((c) => [c.id, c])));
    });
    return () => {
      live = false;
    };
  }, [client, key]);
  return map;
}

export function useCustomer(client: ApiClient, id: string | null): { customer: Customer | null; loading: boolean } {
  const map = useCustomers(client, [id]);
  const customer = id ? (map.get(id) ?? null) : null;
  return { customer, loading: id !== null && customer === null && !map.size };
}
