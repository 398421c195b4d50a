import { useEffect, useState } from 'react';
import { useLiveRefresh } from '../../api/live.js';
import { useSession } from '../../session.js';
import type { SavedView } from './types.js';

/** The caller's views (shared + own) with their ticket counts; `reload` after saving one. */
export function useViews() {
  const { client } = useSession();
  const [views, setViews] = useState<SavedView[] | null>(null);
  const [counts, setCounts] = useState<Record<string, { count: number; more: boolean }>>({});
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    client
      .get<{ items: SavedView[] }>('/api/v1/views')
      .then((r) => live && setViews(r.items))
      .catch(() => live && setViews([]));
    client
      .get<{ items: { id: string; count: number; more: boolean }[] }>('/api/v1/views/counts')
      .then((r) => live && setCounts(Object.fromEntries(r.items.map((c) => [c.id, c]))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [client, n]);
  useLiveRefresh(() => setN((x) => x + 1));
  return { views, counts, reload: () => setN((x) => x + 1) };
}
