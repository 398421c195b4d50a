import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useSession } from '../../session.js';
import { describeChanges, type Macro, type MacroChanges } from './types.js';
import { useMacros } from './use-macros.js';

const route = getRouteApi('/macros');

const STATUSES = ['open', 'pending', 'on_hold', 'solved'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const PLACEHOLDERS = '{{customer.name}}, {{ticket.number}}, {{ticket.subject}}, {{agent.name}}';

interface Draft {
  id?: string;
  name: string;
  bodyJa: string;
  bodyEn: string;
  scope: 'personal' | 'shared';
  status: string;
  priority: string;
  addTags: string;
  removeTags: string;
  teamId?: string | null;
}
const empty: Draft = { name: '', bodyJa: '', bodyEn: '', scope: 'personal', status: '', priority: '', addTags: '', removeTags: '' };
const tags = (s: string) => s.split(/[,、]/).map((x) => x.trim()).filter(Boolean);

/** Macros management (/macros): personal ones for everyone, shared ones for supervisors and above. */
export function MacrosPage() {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const mayShare = ['supervisor', 'manager', 'admin'].includes(user.role);
  const search = route.useSearch();
  const nav = route.useNavigate();
  const q = search.q ?? '';
  const setQ = (v: string) => void nav({ search: (s) => ({ ...s, q: v || undefined }), replace: true });
  const qc = useQueryClient();
  const list = useMacros(q);
  const items = list.data ?? null;
  const loadError = list.error;
  const reload = () => void qc.invalidateQueries({ queryKey: qk.macros.all });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const changes: MacroChanges = {
      ...(draft.status && { status: draft.status }),
      ...(draft.priority && { priority: draft.priority }),
      ...(draft.teamId !== undefined && { teamId: draft.teamId }),
      ...(tags(draft.addTags).length && { addTags: tags(draft.addTags) }),
      ...(tags(draft.removeTags).length && { removeTags: tags(draft.removeTags) }),
    };
    const body = { name: draft.name, bodyJa: draft.bodyJa, bodyEn: draft.bodyEn, scope: draft.scope, changes };
    setError(null);
    (draft.id ? client.patch<Macro>(`/api/v1/macros/${draft.id}`, body) : client.post<Macro>('/api/v1/macros', body))
      .then(() => {
        setDraft(null);
        setSaved(true);
        reload();
      })
      .catch(setError);
  };
  const remove = (m: Macro) => {
    if (!window.confirm(t('macros.confirmDelete', { name: m.name }))) return;
    client.delete(`/api/v1/macros/${m.id}`).then(reload).catch(setError);
  };
  const edit = (m: Macro) => {
    setSaved(false);
    setDraft({ id: m.id, name: m.name, bodyJa: m.bodyJa, bodyEn: m.bodyEn, scope: m.scope, status: m.changes.status ?? '', priority: m.changes.priority ?? '', addTags: (m.changes.addTags ?? []).join(', '), removeTags: (m.changes.removeTags ?? []).join(', '), ...(m.changes.teamId !== undefined && { teamId: m.changes.teamId }) });
  };
  const text = (k: 'name' | 'bodyJa' | 'bodyEn' | 'addTags' | 'removeTags', area = false) => (
    <label className="field">
      <span>{t(`macros.${k}`)}</span>
      {area ? (
        <textarea rows={6} value={draft![k]} onChange={(e) => setDraft({ ...draft!, [k]: e.target.value })} lang={k === 'bodyJa' ? 'ja' : 'en'} />
      ) : (
        <input type="text" value={draft![k]} onChange={(e) => setDraft({ ...draft!, [k]: e.target.value })} required={k === 'name'} />
      )}
    </label>
  );

  return (
    <div className="page articles-page macros-page">
      <h1>{t('macros.title')}</h1>
      <p className="muted">{t('macros.intro', { placeholders: PLACEHOLDERS })}</p>
      <div className="row">
        <label htmlFor="macros-q" className="sr-only">
          {t('macros.search')}
        </label>
        <input id="macros-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('macros.search')} />
        <button type="button" className="btn btn-primary" onClick={() => (setSaved(false), setDraft({ ...empty }))}>
          {t('macros.new')}
        </button>
      </div>
      {saved && <p role="status">{t('macros.saved')}</p>}
      {(error ?? loadError) != null && <ErrorMessage error={error ?? loadError} />}
      {draft && (
        <form className="article-editor card" onSubmit={save} aria-label={draft.id ? t('macros.edit') : t('macros.new')}>
          {text('name')}
          <div className="grid-2">
            <div>{text('bodyJa', true)}</div>
            <div>{text('bodyEn', true)}</div>
          </div>
          <fieldset>
            <legend>{t('macros.changesTitle')}</legend>
            <div className="row">
              <label className="field">
                <span>{t('macros.status')}</span>
                <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
                  <option value="">{t('macros.keep')}</option>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(`status.${s}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>{t('macros.priority')}</span>
                <select value={draft.priority} onChange={(e) => setDraft({ ...draft, priority: e.target.value })}>
                  <option value="">{t('macros.keep')}</option>
                  {PRIORITIES.map((p) => (
                    <option key={p} value={p}>
                      {t(`priority.${p}`)}
                    </option>
                  ))}
                </select>
              </label>
              {text('addTags')}
              {text('removeTags')}
            </div>
          </fieldset>
          <label className="field">
            <span>{t('macros.scopeLabel')}</span>
            <select value={draft.scope} onChange={(e) => setDraft({ ...draft, scope: e.target.value as Draft['scope'] })}>
              <option value="personal">{t('macros.scope.personal')}</option>
              {(mayShare || draft.scope === 'shared') && <option value="shared">{t('macros.scope.shared')}</option>}
            </select>
          </label>
          <button type="submit" className="btn btn-primary">
            {t('macros.save')}
          </button>{' '}
          <button type="button" className="btn btn-quiet" onClick={() => setDraft(null)}>
            {t('macros.cancel')}
          </button>
        </form>
      )}
      {items?.length === 0 && !draft && <p className="empty">{q.trim() ? t('macros.none') : t('macros.empty')}</p>}
      <ul className="article-list">
        {items?.map((m) => {
          const mine = m.scope === 'personal' || mayShare;
          const changes = describeChanges(m.changes, t);
          return (
            <li key={m.id} className="article-item">
              <strong>{m.name}</strong> <span className="badge">{t(`macros.scope.${m.scope}`)}</span>
              {changes && <span className="muted small"> · {changes}</span>}{' '}
              {mine ? (
                <>
                  <button type="button" className="btn btn-small" onClick={() => edit(m)}>
                    {t('macros.edit')}
                  </button>{' '}
                  <button type="button" className="btn btn-small btn-quiet" onClick={() => remove(m)}>
                    {t('macros.delete')}
                  </button>
                </>
              ) : (
                <span className="muted small">{t('macros.readOnly')}</span>
              )}
              <div className="muted small macro-preview">{(i18n.language.startsWith('ja') ? m.bodyJa || m.bodyEn : m.bodyEn || m.bodyJa).slice(0, 160)}</div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
