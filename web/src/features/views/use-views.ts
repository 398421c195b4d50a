import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { qk } from '../../api/query-keys.js';
import { useSession } from '../../session.js';
import type { SavedView } from './types.js';

type Counts = Record<string, { count: number; more: boolean }>;

/** The caller's views (shared + own) with their ticket counts; ticket events refresh the counts. */
export function useViews() {
  const { client } = useSession();
  const views = useQuery({
    queryKey: qk.views.list(),
    queryFn: ({ signal }) => client.get<{ items: SavedView[] }>('/api/v1/views', undefined, signal).then((r) => r.items),
  });
  const counts = useQuery({
    queryKey: qk.views.counts(),
    queryFn: ({ signal }) => client.get<{ items: { id: string; count: number; more: boolean }[] }>('/api/v1/views/counts', undefined, signal).then((r): Counts => Object.fromEntries(r.items.map((c) => [c.id, c]))),
  });
  return { views: views.data ?? null, error: views.error, counts: counts.data ?? {} };
}

/** One view (the queue opens it from ?view=…). */
export function useView(id: string | null) {
  const { client } = useSession();
  return useQuery({
    queryKey: qk.views.detail(id ?? ''),
    queryFn: ({ signal }) => client.get<SavedView>(`/api/v1/views/${encodeURIComponent(id!)}`, undefined, signal),
    enabled: id !== null,
  });
}

export type ViewInput = Partial<Pick<SavedView, 'name' | 'filters' | 'sort' | 'columns' | 'scope'>>;

/** Create, change and delete views; every change refreshes the list, the counts and the view itself. */
export function useViewMutations() {
  const { client } = useSession();
  const qc = useQueryClient();
  const done = (v?: SavedView) => {
    if (v) qc.setQueryData(qk.views.detail(v.id), v);
    void qc.invalidateQueries({ queryKey: qk.views.all });
  };
  return {
    create: useMutation({ mutationFn: (input: ViewInput) => client.post<SavedView>('/api/v1/views', input), onSuccess: done }),
    update: useMutation({ mutationFn: ({ id, ...input }: ViewInput & { id: string }) => client.patch<SavedView>(`/api/v1/views/${encodeURIComponent(id)}`, input), onSuccess: done }),
    remove: useMutation({
      mutationFn: (id: string) => client.delete<void>(`/api/v1/views/${encodeURIComponent(id)}`),
      onSuccess: (_r, id) => {
        qc.removeQueries({ queryKey: qk.views.detail(id) });
        done();
      },
    }),
  };
}
