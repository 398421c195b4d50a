import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Notice } from '../../components/States.js';
import { Link, navigate } from '../../lib/router.js';
import { useSession } from '../../session.js';
import './views.css';
import { QUEUE_COLUMNS, viewHref, type QueueColumn, type SavedView, type ViewFilters } from './types.js';
import { useViewMutations, useViews } from './use-views.js';

const SHARING_ROLES = ['supervisor', 'manager', 'admin'];

/**
 * Saved views beside the queue tabs, each with the number of tickets the user sees in it;
 * "save this view" takes the queue's current filters, sort and columns. The open view can be
 * edited: renamed, its columns chosen and ordered, the filters shown now saved into it, shared
 * (supervisors and above) or deleted.
 */
export function ViewsNav({
  activeId,
  active,
  current,
  columns,
  modified,
  onColumnsDraft,
  onOpen,
}: {
  activeId: string | null;
  /** The open view, once loaded. */
  active: SavedView | null;
  current: { filters: ViewFilters; sort: string };
  /** The columns the table shows now. */
  columns: readonly QueueColumn[];
  /** The queue's filters differ from the open view's. */
  modified: boolean;
  /** Columns being edited (the table previews them); null when the editor closes. */
  onColumnsDraft: (c: QueueColumn[] | null) => void;
  /** A view's link was followed: its filters are applied again. */
  onOpen: () => void;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const { views, counts } = useViews();
  const { create } = useViewMutations();
  const [saving, setSaving] = useState(false);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const mayShare = SHARING_ROLES.includes(user.role);
  const mayEdit = (v: SavedView) => v.scope === 'personal' || mayShare;
  const save = () => {
    if (!name.trim()) return;
    create.mutate(
      { name: name.trim(), filters: current.filters, sort: current.sort, columns: [...columns], scope: shared ? 'shared' : 'personal' },
      {
        onSuccess: (v) => {
          setSaving(false);
          setName('');
          navigate(viewHref(v));
        },
      },
    );
  };
  return (
    <>
      <nav className="views-nav" aria-label={t('views.title')}>
        <span className="muted small">{t('views.title')}:</span>{' '}
        {views?.length === 0 && <span className="muted small">{t('views.none')}</span>}
        {views?.map((v) => {
          const c = counts[v.id];
          return (
            <Link key={v.id} to={viewHref(v)} className={v.id === activeId ? 'tab active' : 'tab'} aria-current={v.id === activeId ? 'page' : undefined} data-testid="saved-view" onClick={() => (setEditing(false), onColumnsDraft(null), setNotice(null), onOpen())}>
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
        {active && modified && !editing && <span className="muted small" data-testid="view-modified">{t('views.modified')}</span>}
        {active && mayEdit(active) && !editing && (
          <button type="button" className="btn btn-small btn-quiet" onClick={() => (setEditing(true), setSaving(false), setNotice(null))} data-testid="edit-view">
            {t('views.edit')}
          </button>
        )}
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
            <button type="button" className="btn btn-small btn-primary" onClick={save} disabled={!name.trim() || create.isPending}>
              {t('views.save')}
            </button>
            <button type="button" className="btn btn-small btn-quiet" onClick={() => setSaving(false)}>
              {t('views.cancel')}
            </button>
          </span>
        ) : (
          !editing && (
            <button type="button" className="btn btn-small btn-quiet" onClick={() => (setSaving(true), setNotice(null))}>
              {t('views.saveThis')}
            </button>
          )
        )}
        {create.error !== null && <ErrorMessage error={create.error} />}
      </nav>
      {notice && <Notice>{notice}</Notice>}
      {editing && active && (
        <ViewEditor
          view={active}
          current={current}
          modified={modified}
          mayShare={mayShare}
          onColumnsDraft={onColumnsDraft}
          onClose={(message) => {
            setEditing(false);
            onColumnsDraft(null);
            setNotice(message);
          }}
        />
      )}
    </>
  );
}

function ViewEditor({
  view,
  current,
  modified,
  mayShare,
  onColumnsDraft,
  onClose,
}: {
  view: SavedView;
  current: { filters: ViewFilters; sort: string };
  modified: boolean;
  mayShare: boolean;
  onColumnsDraft: (c: QueueColumn[] | null) => void;
  onClose: (notice: string | null) => void;
}) {
  const { t } = useTranslation();
  const { update, remove } = useViewMutations();
  const [name, setName] = useState(view.name);
  const [shared, setShared] = useState(view.scope === 'shared');
  const [takeFilters, setTakeFilters] = useState(modified);
  const saved = (view.columns.length ? view.columns : DEFAULT_COLUMNS).filter((c): c is QueueColumn => (QUEUE_COLUMNS as readonly string[]).includes(c));
  // The order: the view's columns first, then the others (unticked).
  const [order, setOrder] = useState<QueueColumn[]>([...saved, ...QUEUE_COLUMNS.filter((c) => !saved.includes(c))]);
  const [shown, setShown] = useState<Set<QueueColumn>>(new Set(saved));
  const draft = (o: QueueColumn[], s: Set<QueueColumn>) => onColumnsDraft(o.filter((c) => s.has(c)));
  const toggle = (c: QueueColumn) => {
    const next = new Set(shown);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    setShown(next);
    draft(order, next);
  };
  const up = (i: number) => {
    if (i === 0) return;
    const next = [...order];
    [next[i - 1], next[i]] = [next[i]!, next[i - 1]!];
    setOrder(next);
    draft(next, shown);
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    update.mutate(
      {
        id: view.id,
        name: name.trim(),
        columns: order.filter((c) => shown.has(c)),
        ...(mayShare && { scope: shared ? 'shared' : 'personal' }),
        ...(takeFilters && { filters: current.filters, sort: current.sort }),
      },
      // The URL already carries the filters now saved.
      { onSuccess: () => onClose(t('views.updated')) },
    );
  };
  const [confirming, setConfirming] = useState(false);
  const del = () => {
    remove.mutate(view.id, { onSuccess: () => (onClose(t('views.deleted')), navigate(viewHref(view).split('?')[0]!)) });
  };
  return (
    <form className="card view-editor" onSubmit={submit} aria-labelledby="view-editor-title" data-testid="view-editor">
      <h2 id="view-editor-title">{t('views.editTitle', { name: view.name })}</h2>
      <div className="field">
        <label htmlFor="view-edit-name">{t('views.name')}</label>
        <input id="view-edit-name" type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} required />
      </div>
      <fieldset className="view-columns">
        <legend>{t('views.columns')}</legend>
        <p className="muted small">{t('views.columnsHint')}</p>
        <ol className="column-list">
          {order.map((c, i) => (
            <li key={c}>
              <label>
                <input type="checkbox" checked={shown.has(c)} onChange={() => toggle(c)} data-testid={`view-col-${c}`} /> {t(`views.col.${c}`)}
              </label>
              {i > 0 && (
                <button type="button" className="btn btn-small btn-quiet" onClick={() => up(i)} aria-label={t('views.moveUp', { name: t(`views.col.${c}`) })}>
                  ↑
                </button>
              )}
            </li>
          ))}
        </ol>
      </fieldset>
      <label className="small">
        <input type="checkbox" checked={takeFilters} onChange={(e) => setTakeFilters(e.target.checked)} data-testid="view-take-filters" /> {t('views.takeFilters')}
      </label>
      {mayShare && (
        <label className="small">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} /> {t('views.shareIt')}
        </label>
      )}
      {(update.error ?? remove.error) !== null && <ErrorMessage error={update.error ?? remove.error} />}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={!name.trim() || shown.size === 0 || update.isPending} data-testid="view-save-changes">
          {t('views.saveChanges')}
        </button>
        <button type="button" className="btn btn-quiet" onClick={() => onClose(null)}>
          {t('views.cancel')}
        </button>
        {confirming ? (
          <span className="row" role="group" aria-label={t('views.confirmDelete', { name: view.name })}>
            <span className="small">{t('views.confirmDelete', { name: view.name })}</span>
            <button type="button" className="btn btn-danger" onClick={del} disabled={remove.isPending} data-testid="view-delete-confirm">
              {t('views.delete')}
            </button>
            <button type="button" className="btn btn-quiet" onClick={() => setConfirming(false)}>
              {t('views.cancel')}
            </button>
          </span>
        ) : (
          <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)} data-testid="view-delete">
            {t('views.delete')}
          </button>
        )}
      </div>
    </form>
  );
}

/** The queue table's columns when no view chooses them. */
export const DEFAULT_COLUMNS: readonly QueueColumn[] = ['number', 'subject', 'requester', 'temperature', 'priority', 'status', 'assignee', 'updated'];
