import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useSession } from '../../session.js';
import type { AppliedMacro, Macro } from './types.js';
import { useMacros } from './use-macros.js';

/**
 * The composer's macro button: search shared and own macros, insert one rendered for this
 * ticket (in the requester's language); its field changes are handed back to be made when the
 * reply is sent.
 */
export function MacroPicker({ ticketId, onInsert }: { ticketId: string; onInsert: (m: AppliedMacro) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [error, setError] = useState<unknown>(null);
  const list = useMacros(q, { enabled: open, limit: 20 });
  const items = list.data ?? null;
  const insert = (m: Macro) => {
    setError(null);
    client
      .post<AppliedMacro>(`/api/v1/macros/${m.id}/apply`, { ticketId })
      .then((r) => {
        onInsert(r);
        setOpen(false);
        setQ('');
      })
      .catch(setError);
  };
  if (!open)
    return (
      <button type="button" className="btn btn-quiet" data-testid="macro-button" onClick={() => setOpen(true)}>
        {t('macros.button')}
      </button>
    );
  return (
    <div className="article-picker" role="group" aria-label={t('macros.pickerTitle')}>
      <div className="row">
        <label htmlFor="macro-q" className="sr-only">
          {t('macros.search')}
        </label>
        <input id="macro-q" type="search" autoFocus value={q} onChange={(e) => setQ(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()} placeholder={t('macros.search')} />
        <button type="button" className="btn btn-quiet" onClick={() => setOpen(false)}>
          {t('macros.cancel')}
        </button>
      </div>
      {(error ?? list.error) !== null && <ErrorMessage error={error ?? list.error} />}
      {items && items.length === 0 && <p className="muted small">{t('macros.none')}</p>}
      <ul className="article-picks">
        {items?.map((m) => (
          <li key={m.id}>
            <strong>{m.name}</strong> <span className="muted small">{t(`macros.scope.${m.scope}`)}</span>{' '}
            <button type="button" className="btn btn-small" onClick={() => insert(m)}>
              {t('macros.insert')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
