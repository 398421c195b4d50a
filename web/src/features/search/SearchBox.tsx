import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../lib/router.js';

/** The top bar's search box: searches everything (results on /search). */
export function SearchBox() {
  const { t } = useTranslation();
  const [q, setQ] = useState(() => new URLSearchParams(window.location.search).get('q') ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <form role="search" className="topbar-search" onSubmit={submit}>
      <label htmlFor="global-search" className="sr-only">
        {t('search.box')}
      </label>
      <input id="global-search" type="search" value={q} placeholder={t('search.boxPlaceholder')} onChange={(e) => setQ(e.target.value)} maxLength={200} />
    </form>
  );
}
