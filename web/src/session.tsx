import { useQuery } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { qk } from './api/query-keys.js';
import type { ApiClient } from './api/client.js';
import type { Page, Team, User } from './api/types.js';

export interface SessionValue {
  user: User;
  client: ApiClient;
  /** After the user changed their own profile (language, time zone). */
  setUser(user: User): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ value, children }: { value: SessionValue; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside a signed-in screen');
  return v;
}

/** The time zone and language dates are shown in. */
export function useUserTimeZone(): string {
  return useSession().user.timeZone || 'UTC';
}

/** Fetches every page of a list endpoint (used for small directories: users, teams). */
export async function fetchAll<T>(client: ApiClient, path: string, query: Record<string, string | boolean> = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: Page<T> = await client.get<Page<T>>(path, { ...query, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

export interface Directory {
  users: User[];
  teams: Team[];
  userName(id: string | null | undefined): string | null;
  teamName(id: string | null | undefined): string | null;
  reload(): void;
  loaded: boolean;
}

const DirectoryContext = createContext<Directory | null>(null);

/** Users and teams, loaded once after sign-in (and on reload()), so ids can be shown as names everywhere. */
export function DirectoryProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const query = useQuery({
    queryKey: qk.directory.all,
    queryFn: async () => {
      const [users, teams] = await Promise.all([fetchAll<User>(client, '/api/v1/users'), fetchAll<Team>(client, '/api/v1/teams')]);
      return { users, teams };
    },
    staleTime: 60_000,
  });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  const users = query.data?.users;
  const teams = query.data?.teams;
  // names fall back to "a former user" when the directory failed; each screen reports its own errors
  const loaded = query.data !== undefined || query.isError;
  const value = useMemo<Directory>(() => {
    const u = new Map((users ?? []).map((x) => [x.id, x.name]));
    const t = new Map((teams ?? []).map((x) => [x.id, x.name]));
    return {
      users: users ?? [],
      teams: teams ?? [],
      loaded,
      reload,
      userName: (id) => (id ? (u.get(id) ?? null) : null),
      teamName: (id) => (id ? (t.get(id) ?? null) : null),
    };
  }, [users, teams, loaded, reload]);
  return <DirectoryContext.Provider value={value}>{children}</DirectoryContext.Provider>;
}

export function useDirectory(): Directory {
  const v = useContext(DirectoryContext);
  if (!v) throw new Error('useDirectory outside DirectoryProvider');
  return v;
}
