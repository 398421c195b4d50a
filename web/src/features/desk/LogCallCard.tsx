import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Notice } from '../../components/States.js';
import { useSession } from '../../session.js';
import { CallFields, callBody, emptyCall, type CallDraft } from './CallFields.js';
import './desk.css';

/** "Log a call" on a ticket's side panel: the call becomes a timeline entry (call.logged). */
export function LogCallCard({ ticketId, onLogged }: { ticketId: string; onLogged: () => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<CallDraft>(emptyCall);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.post(`/api/v1/tickets/${ticketId}/calls`, callBody(draft));
      setDraft(emptyCall);
      setOpen(false);
      setDone(true);
      onLogged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card desk-log-call" aria-labelledby="log-call-title">
      <h2 id="log-call-title">{t('desk.call.title')}</h2>
      {done && !open && <Notice>{t('desk.call.logged')}</Notice>}
      {!open ? (
        <button
          type="button"
          className="btn"
          onClick={() => {
            setOpen(true);
            setDone(false);
          }}
        >
          ☎ {t('desk.call.open')}
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <CallFields idPrefix="log-call" value={draft} onChange={setDraft} />
          {error !== null && <ErrorMessage error={error} fieldLabels={t('desk.fields', { returnObjects: true }) as Record<string, string>} />}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {t('desk.call.submit')}
            </button>
            <button type="button" className="btn btn-quiet" onClick={() => setOpen(false)}>
              {t('desk.newTicket.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
