import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useSession } from '../../session.js';
import { Highlight } from '../search/Highlight.js';
import { articleText, type Article } from './types.js';

type Draft = Pick<Article, 'titleJa' | 'bodyJa' | 'titleEn' | 'bodyEn' | 'visibility'> & { category: string; product: string; reviewAt: string; id?: string; version?: number };
const empty: Draft = { titleJa: '', bodyJa: '', titleEn: '', bodyEn: '', visibility: 'internal', category: '', product: '', reviewAt: '' };

/** Knowledge articles: search, list with review flags, write and edit in Japanese and English. */
const knowledgeApi = getRouteApi('/knowledge');

export function ArticlesPage() {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Article[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  // A linked article (search results, the playbook) is shown first, in full.
  const { id: linkedId } = knowledgeApi.useSearch();
  const [linked, setLinked] = useState<Article | null>(null);
  useEffect(() => {
    setLinked(null);
    if (linkedId) client.get<Article>(`/api/v1/articles/${encodeURIComponent(linkedId)}`).then(setLinked).catch(setError);
  }, [linkedId]);
  const load = (query = q) =>
    client
      .get<{ items: Article[] }>('/api/v1/articles', query.trim() ? { q: query.trim() } : {})
      .then((r) => setItems(r.items))
      .catch(setError);
  useEffect(() => void load(''), []);

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const body = { titleJa: draft.titleJa, bodyJa: draft.bodyJa, titleEn: draft.titleEn, bodyEn: draft.bodyEn, visibility: draft.visibility, category: draft.category || null, product: draft.product || null, ...(draft.reviewAt && { reviewAt: draft.reviewAt }) };
    const req = draft.id ? client.patch<Article>(`/api/v1/articles/${draft.id}`, { ...body, expectedVersion: draft.version }) : client.post<Article>('/api/v1/articles', body);
    setError(null);
    req
      .then(() => {
        setDraft(null);
        setSaved(true);
        void load();
      })
      .catch(setError);
  };
  const field = (k: keyof Draft, label: string, area = false) => (
    <label className="field">
      <span>{label}</span>
      {area ? (
        <textarea rows={6} value={String(draft![k] ?? '')} onChange={(e) => setDraft({ ...draft!, [k]: e.target.value })} />
      ) : (
        <input type={k === 'reviewAt' ? 'date' : 'text'} value={String(draft![k] ?? '')} onChange={(e) => setDraft({ ...draft!, [k]: e.target.value })} />
      )}
    </label>
  );

  return (
    <div className="page articles-page">
      <h1>{t('search.articles.title')}</h1>
      <form
        className="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label htmlFor="articles-q" className="sr-only">
          {t('search.articles.search')}
        </label>
        <input id="articles-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('search.articles.search')} />
        <button type="submit" className="btn">
          {t('search.box')}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => (setSaved(false), setDraft({ ...empty }))}>
          {t('search.articles.new')}
        </button>
      </form>
      {saved && <p role="status">{t('search.articles.saved')}</p>}
      {error !== null && <ErrorMessage error={error} />}
      {draft && (
        <form className="article-editor card" onSubmit={save}>
          <div className="grid-2">
            <div>
              {field('titleJa', t('search.articles.titleJa'))}
              {field('bodyJa', t('search.articles.bodyJa'), true)}
            </div>
            <div>
              {field('titleEn', t('search.articles.titleEn'))}
              {field('bodyEn', t('search.articles.bodyEn'), true)}
            </div>
          </div>
          <div className="row">
            {field('category', t('search.articles.category'))}
            {field('product', t('search.articles.product'))}
            {field('reviewAt', t('search.articles.reviewAt'))}
            <label className="field">
              <span>{t('search.articles.visibility')}</span>
              <select value={draft.visibility} onChange={(e) => setDraft({ ...draft, visibility: e.target.value as Draft['visibility'] })}>
                <option value="internal">{t('search.articles.internal')}</option>
                <option value="public">{t('search.articles.public')}</option>
              </select>
            </label>
          </div>
          <button type="submit" className="btn btn-primary">
            {t('search.articles.save')}
          </button>{' '}
          <button type="button" className="btn btn-quiet" onClick={() => setDraft(null)}>
            {t('search.articles.cancel')}
          </button>
        </form>
      )}
      {items.length === 0 && !draft && <p className="empty">{t('search.articles.none')}</p>}
      <ul className="article-list">
        {(linked ? [linked, ...items.filter((a) => a.id !== linked.id)] : items).map((a) => {
          const text = articleText(a, i18n.language);
          const isLinked = a.id === linked?.id;
          return (
            <li key={a.id} className={isLinked ? 'article-item article-linked' : 'article-item'} aria-current={isLinked ? 'true' : undefined} data-testid={isLinked ? 'linked-article' : undefined}>
              <strong>{a.match ? <Highlight {...a.match.title} /> : text.title}</strong>{' '}
              <span className="badge">{t(`search.articles.${a.visibility}`)}</span>{' '}
              {a.reviewFlags.includes('review_due') && <span className="badge badge-warn">{t('search.articles.reviewDue')}</span>}{' '}
              {a.reviewFlags.includes('never_used') && <span className="badge badge-warn">{t('search.articles.neverUsed')}</span>}{' '}
              {a.reviewFlags.includes('answer_returned') && (
                <span className="badge badge-warn" title={t('search.articles.answerReturnedHint')}>
                  {t('search.articles.answerReturned')}
                </span>
              )}
              <span className="muted small"> · {t('search.articles.uses', { count: a.useCount })}</span>{' '}
              <button
                type="button"
                className="btn btn-small btn-quiet"
                onClick={() => setDraft({ id: a.id, version: a.version, titleJa: a.titleJa, bodyJa: a.bodyJa, titleEn: a.titleEn, bodyEn: a.bodyEn, visibility: a.visibility, category: a.category ?? '', product: a.product ?? '', reviewAt: a.reviewAt?.slice(0, 10) ?? '' })}
              >
                {t('search.articles.edit')}
              </button>
              <p className="small">{a.match ? <Highlight {...a.match.snippet} /> : isLinked ? text.body : text.body.slice(0, 200)}</p>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
