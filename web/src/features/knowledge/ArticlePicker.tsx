import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useSession } from '../../session.js';
import { Highlight } from '../search/Highlight.js';
import { articleText, type Article } from './types.js';

/** The composer's "insert article": search articles, insert one (its use is counted). */
export function ArticlePicker({ ticketId, onInsert }: { ticketId: string; onInsert: (text: string) => void }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Article[]>([]);
  const [error, setError] = useState<unknown>(null);
  // Not a <form>: the picker sits inside the composer's form.
  const find = () => {
    setError(null);
    client
      .get<{ items: Article[] }>('/api/v1/articles', q.trim() ? { q: q.trim(), limit: '10' } : { limit: '10' })
      .then((r) => setItems(r.items))
      .catch(setError);
  };
  const insert = (a: Article) => {
    client
      .post<Article>(`/api/v1/articles/${a.id}/uses`, { ticketId })
      .then(() => {
        onInsert(articleText(a, i18n.language).body);
        setOpen(false);
      })
      .catch(setError);
  };
  if (!open)
    return (
      <button type="button" className="btn btn-quiet" onClick={() => setOpen(true)}>
        {t('search.articles.insert')}
      </button>
    );
  return (
    <div className="article-picker" role="group" aria-label={t('search.articles.insertTitle')}>
      <div className="row">
        <label htmlFor="article-q" className="sr-only">
          {t('search.articles.search')}
        </label>
        <input
          id="article-q"
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              find();
            }
          }}
          placeholder={t('search.articles.search')}
        />
        <button type="button" className="btn" onClick={find}>
          {t('search.box')}
        </button>
        <button type="button" className="btn btn-quiet" onClick={() => setOpen(false)}>
          {t('search.articles.cancel')}
        </button>
      </div>
      {error !== null && <ErrorMessage error={error} />}
      <ul className="article-picks">
        {items.map((a) => (
          <li key={a.id}>
            <strong>{a.match ? <Highlight {...a.match.title} /> : articleText(a, i18n.language).title}</strong>{' '}
            <button type="button" className="btn btn-small" onClick={() => insert(a)}>
              {t('search.articles.insertButton')}
            </button>
            {a.match && (
              <div className="muted small">
                <Highlight {...a.match.snippet} />
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
