import { useRouter, useRouterState, type AnyRouter } from '@tanstack/react-router';
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';

/**
 * String-based navigation helpers on top of the TanStack router (web/src/routes.tsx), for screens
 * written before it: `<Link to="/tickets/abc">`, `navigate('/admin/audit?targetId=…')`,
 * `usePath()`, `useSearch()`. New code uses @tanstack/react-router's typed `Link`, `useNavigate`
 * and a route's `useSearch()` instead (see the top of routes.tsx).
 */

let active: AnyRouter | null = null;

/** Called once by the app with the router it renders. */
export function setActiveRouter(router: AnyRouter | null): void {
  active = router;
}

export function usePath(): string {
  return useRouterState({ select: (s) => s.location.pathname });
}

/** The query string (`?a=1`, or ''). */
export function useSearch(): string {
  return useRouterState({ select: (s) => s.location.searchStr });
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (active) void active.navigate({ href: to, replace: opts.replace });
  else if (opts.replace) window.location.replace(to);
  else window.location.assign(to);
}

/** Matches "/tickets/:id" style patterns; returns the parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(s[i]!);
    else if (seg !== s[i]) return null;
  }
  return params;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children: ReactNode };

export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const router = useRouter();
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    void router.navigate({ href: to });
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
