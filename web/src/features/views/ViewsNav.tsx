import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Link, navigate } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { viewHref, type SavedView, type ViewFilters } from './types.js';
import { useViews } from './use-views.js';

const DEFAULT_COLUMNS = ['number', 'subject', 'status', 'priority', 'requester', 'assignee', 'updated'];

/**
 * Saved views beside the queue tabs, each with the number of tickets the user sees in it, and
 * "save this view" taking the queue's current filters.
 */
export function ViewsNav({ activeId, current }: { activeId: string | null; current: { filters: ViewFilters; sort: string } }) {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const { views, counts, reload } = useViews();
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mayShare = ['supervisor', 'manager', 'admin'].includes(user.role);
  const save = () => {
    if (!name.trim()) return;
    setError(null);
    client
      .post<SavedView>('/api/v1/views', { name: name.trim(), filters: current.filters, sort: current.sort, columns: DEFAULT_COLUMNS, scope: shared ? 'shared' : 'personal' })
      .then((v) => {
        setSaving(false);
        setName('');
        reload();
        navigate(viewHref(v));
      })
      .catch(setError);
  };
  return (
    <nav className="views-nav" aria-label={t('views.title')}>
      <span className="muted small">{t('views.title')}:</span>{' '}
      {views?.length === 0 && <span className="muted small">{t('views.none')}</span>}
      {views?.map((v) => {
        const c = counts[v.id];
        return (
          <Link key={v.id} to={viewHref(v)} className={v.id === activeId ? 'tab active' : 'tab'} aria-current={v.id === activeId ? 'page' : undefined} data-testid="saved-view">
            {v.name}
            {v.scope === 'shared' && <span className="muted small"> ({t('views.shared')})</span>}
            {c && (
              <span className="badge" aria-label={t('views.count', { count: c.count })}>
                {c.more ? `${c.count}+` : c.count}
              </span>
            )}
          </Link>
        );
      })}{' '}
      {saving ? (
        <span className="row">
          <label htmlFor="view-name" className="sr-only">
            {t('views.name')}
          </label>
          <input id="view-name" type="text" value={name} placeholder={t('views.name')} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), save())} />
          {mayShare && (
            <label className="small">
              <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} /> {t('views.shareIt')}
            </label>
          )}
          <button type="button" className="btn btn-small btn-primary" onClick={save} disabled={!name.trim()}>
            {t('views.save')}
          </button>
          <button type="button" className="btn btn-small btn-quiet" onClick={() => setSaving(false)}>
            {t('views.cancel')}
          </button>
        </span>
      ) : (
        <button type="button" className="btn btn-small btn-quiet" onClick={() => setSaving(true)}>
          {t('views.saveThis')}
        </button>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </nav>
  );
}
