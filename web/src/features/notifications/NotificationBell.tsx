import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { qk } from '../../api/query-keys.js';
import type { Page } from '../../api/types.js';
import { formatDateTime, formatRelative } from '../../lib/format.js';
import { navigate } from '../../lib/router.js';
import { useSession, useUserTimeZone } from '../../session.js';
import type { Notification } from '../escalations/types.js';
import { notificationHref, notificationText } from './notification-text.js';
import './agent.css';

export { notificationHref } from './notification-text.js';

type NotificationPage = Page<Notification> & { unread: number };

/** The bell in the top bar: unread count, and a panel of recent notifications to open and mark read. */
export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: qk.notifications.list(),
    queryFn: ({ signal }) => client.get<NotificationPage>('/api/v1/notifications', { limit: 20 }, signal),
    // The bell is on every screen: without the stream it still looks every 30 s.
    refetchInterval: 30_000,
  });
  const items = list.data?.items ?? null;
  const unread = list.data?.unread ?? 0;
  const failed = list.isError;
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();

  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>('button, a')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close(true);
    };
    const onClick = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node))
        close(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open, close]);

  /** Marking read is safe to show at once: the list changes before the server answers, and is restored if it refuses. */
  const optimistic = <V,>(change: (p: NotificationPage, v: V) => NotificationPage) => ({
    onMutate: async (v: V) => {
      await qc.cancelQueries({ queryKey: qk.notifications.all });
      const before = qc.getQueryData<NotificationPage>(qk.notifications.list());
      if (before) qc.setQueryData(qk.notifications.list(), change(before, v));
      return { before };
    },
    onError: (_e: unknown, _v: V, ctx: { before?: NotificationPage } | undefined) => {
      if (ctx?.before) qc.setQueryData(qk.notifications.list(), ctx.before);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: qk.notifications.all }),
  });
  const readOne = useMutation({
    mutationFn: (n: Notification) => client.post(`/api/v1/notifications/${n.id}/read`),
    ...optimistic<Notification>((p, n) => ({ ...p, items: p.items.map((x) => (x.id === n.id ? { ...x, read: true } : x)), unread: Math.max(0, p.unread - 1) })),
  });
  const readAll = useMutation({
    mutationFn: () => client.post('/api/v1/notifications/read-all'),
    ...optimistic<void>((p) => ({ ...p, items: p.items.map((x) => ({ ...x, read: true })), unread: 0 })),
  });
  const markRead = (n: Notification) => {
    if (!n.read) readOne.mutate(n);
  };
  const markAll = () => readAll.mutate();

  const now = Date.now();
  return (
    <div className="bell">
      <button
        ref={button}
        type="button"
        className="btn btn-quiet bell-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={unread ? t('agent.bell.labelUnread', { count: unread }) : t('agent.bell.label')}
        onClick={() => setOpen((o) => !o)}
        data-testid="notification-bell"
      >
        <svg
          className="bell-icon"
          viewBox="0 0 24 24"
          width="20"
          height="20"
          aria-hidden="true"
          focusable="false"
        >
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div ref={panel} id={panelId} className="bell-panel" role="region" aria-label={t('agent.bell.title')}>
          <div className="bell-head">
            <h2>{t('agent.bell.title')}</h2>
            {unread > 0 && (
              <button type="button" className="btn btn-quiet btn-small" onClick={() => markAll()}>
                {t('agent.bell.markAllRead')}
              </button>
            )}
          </div>
          {failed && <p className="error-box">{t('agent.bell.loadFailed')}</p>}
          {items && items.length === 0 && <p className="muted small bell-empty">{t('agent.bell.empty')}</p>}
          {items && items.length > 0 && (
            <ul className="bell-list">
              {items.map((n) => {
                const href = notificationHref(n);
                const text = notificationText(n, t);
                return (
                  <li key={n.id} className={n.read ? 'bell-item' : 'bell-item unread'}>
                    <a
                      href={href ?? '#'}
                      className="bell-title"
                      onClick={(e) => {
                        e.preventDefault();
                        markRead(n);
                        close(false);
                        if (href) navigate(href);
                      }}
                    >
                      {!n.read && <span className="sr-only">{t('agent.bell.unread')}: </span>}
                      {text.title}
                    </a>
                    {text.body && <div className="small bell-body">{text.body}</div>}
                    <div className="bell-foot">
                      <time
                        className="muted small"
                        dateTime={n.createdAt}
                        title={formatDateTime(n.createdAt, i18n.language, tz)}
                      >
                        {formatRelative(n.createdAt, i18n.language, now)}
                      </time>
                      {!n.read && (
                        <button type="button" className="btn btn-quiet btn-small" onClick={() => markRead(n)}>
                          {t('agent.bell.markRead')}
                        </button>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
