import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { navigate } from '../../lib/router.js';
import { useSession } from '../../session.js';
import type { Article } from './types.js';

/**
 * A resolved escalation's answer turned into a knowledge article: the server pre-fills it (ja/en
 * from the brief and the answer) and the knowledge page opens on it, to be read and edited.
 */
export function ArticleFromAnswer({ escalationId }: { escalationId: string }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const create = () => {
    setBusy(true);
    setError(null);
    client
      .post<Article>(`/api/v1/escalations/${encodeURIComponent(escalationId)}/article`)
      .then((a) => navigate(`/knowledge?id=${encodeURIComponent(a.id)}`))
      .catch((e: unknown) => {
        setError(e);
        setBusy(false);
      });
  };
  return (
    <>
      <button type="button" className="btn btn-small" onClick={create} disabled={busy} data-testid="article-from-answer">
        {t('search.articles.fromAnswer')}
      </button>
      {error !== null && <ErrorMessage error={error} />}
    </>
  );
}
