import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './client.js';

/**
 * The console's cache of server state. Data is fresh for a few seconds (live events invalidate
 * what changed, see live-invalidation.ts); a 4xx is an answer, not a glitch, so only network
 * and 5xx failures are retried.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        gcTime: 5 * 60_000,
        retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
