import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveRefresh } from '../../api/live.js';
import type { Page } from '../../api/types.js';
import { formatDateTime, formatRelative } from '../../lib/format.js';
import { navigate } from '../../lib/router.js';
import { useSession, useUserTimeZone } from '../../session.js';
import type { Notification } from '../escalations/types.js';
import { notificationHref, notificationText } from './notification-text.js';
import './agent.css';

export { notificationHref } from './notification-text.js';

/** The bell in the top bar: unread count, and a panel of recent notifications to open and mark read. */
export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const [items, setItems] = useState<Notification[] | null>(null);
  const [unread, setUnread] = useState(0);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();

  const load = useCallback(() => {
    client
      .get<Page<Notification> & { unread: number }>('/api/v1/notifications', { limit: 20 })
      .then((p) => {
        setItems(p.items);
        setUnread(p.unread);
        setFailed(false);
      })
      .catch(() => setFailed(true));
  }, [client]);
  useEffect(load, [load]);
  useLiveRefresh(load, { filter: (e) => e.type.startsWith('notification.') || e.type === 'escalation.updated', intervalMs: 30_000 });

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
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) close(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open, close]);

  const markRead = async (n: Notification) => {
    if (n.read) return;
    setItems((xs) => xs?.map((x) => (x.id === n.id ? { ...x, read: true } : x)) ?? xs);
    setUnread((u) => Math.max(0, u - 1));
    await client.post(`/api/v1/notifications/${n.id}/read`).catch(load);
  };
  const markAll = async () => {
    setItems((xs) => xs?.map((x) => ({ ...x, read: true })) ?? xs);
    setUnread(0);
    await client.post('/api/v1/notifications/read-all').catch(load);
  };

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
        <svg className="bell-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
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
              <button type="button" className="btn btn-quiet btn-small" onClick={() => void markAll()}>
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
                        void markRead(n);
                        close(false);
                        if (href) navigate(href);
                      }}
                    >
                      {!n.read && <span className="sr-only">{t('agent.bell.unread')}: </span>}
                      {text.title}
                    </a>
                    {text.body && <div className="small bell-body">{text.body}</div>}
                    <div className="bell-foot">
                      <time className="muted small" dateTime={n.createdAt} title={formatDateTime(n.createdAt, i18n.language, tz)}>
                        {formatRelative(n.createdAt, i18n.language, now)}
                      </time>
                      {!n.read && (
                        <button type="button" className="btn btn-quiet btn-small" onClick={() => void markRead(n)}>
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
