import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorMessage } from './ErrorMessage.js';
import { EmptyState, Loading } from './States.js';

/**
 * The one loading → error → empty → content sequence. Give it a query; it shows a spinner until
 * the first answer, the error with a retry button, `empty` when `isEmpty(data)` (default: an
 * empty array or `items`), else `children(data)`. While a background refresh runs the old data
 * stays on screen; a failed refresh shows the error above it.
 */
export function Loadable<T>({
  query,
  children,
  empty,
  isEmpty = defaultIsEmpty,
  loadingLabel,
}: {
  query: Pick<UseQueryResult<T>, 'data' | 'error' | 'isPending' | 'refetch'>;
  children: (data: T) => ReactNode;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  loadingLabel?: string;
}) {
  const retry = () => void query.refetch();
  if (query.isPending && query.error === null) return <Loading label={loadingLabel} />;
  if (query.data === undefined) return <ErrorMessage error={query.error} onRetry={retry} />;
  return (
    <>
      {query.error !== null && <ErrorMessage error={query.error} onRetry={retry} />}
      {empty !== undefined && isEmpty(query.data) ? <EmptyState>{empty}</EmptyState> : children(query.data)}
    </>
  );
}

function defaultIsEmpty(data: unknown): boolean {
  if (Array.isArray(data)) return data.length === 0;
  const items = (data as { items?: unknown } | null)?.items;
  return Array.isArray(items) && items.length === 0;
}
