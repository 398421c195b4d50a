import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { qk } from '../../api/query-keys.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { formatDateTime } from '../../lib/format.js';
import { useSession, useUserTimeZone } from '../../session.js';
import type { Escalation } from './types.js';

interface EscalationMessage {
  id: string;
  kind: 'info' | 'question';
  body: string;
  author: { id: string; name: string } | null;
  createdAt: string;
}

/**
 * The conversation on an open escalation: the person who escalated adds what is asked for,
 * a receiver asks a question, without returning it. Everything is also on the ticket's timeline.
 */
export function EscalationThread({ escalation, open }: { escalation: Escalation; open: boolean }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const tz = useUserTimeZone();
  const inputId = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  const url = `/api/v1/escalations/${escalation.id}/messages`;
  const qc = useQueryClient();
  const thread = useQuery({ queryKey: qk.escalations.thread(escalation.id), queryFn: ({ signal }) => client.get<{ items: EscalationMessage[] }>(url, undefined, signal).then((r) => r.items) });
  const items = thread.data ?? null;
  const error = thread.error;
  const load = () => void qc.invalidateQueries({ queryKey: qk.escalations.thread(escalation.id) });

  const isRequester = escalation.requestedBy?.id === user.id;
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setSendError(null);
    try {
      await client.post(url, { body: text });
      setText('');
      load();
    } catch (err) {
      setSendError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!open && items !== null && items.length === 0) return null;
  return (
    <section className="card esc-thread" aria-labelledby={`${inputId}-title`} data-testid="esc-thread">
      <h2 id={`${inputId}-title`}>{t('agent.thread.title')}</h2>
      {error !== null && <ErrorMessage error={error} onRetry={load} />}
      {items !== null && items.length === 0 && <p className="muted small">{t('agent.thread.empty')}</p>}
      {items !== null && items.length > 0 && (
        <ol className="plain-list thread-list">
          {items.map((m) => (
            <li key={m.id} className={`thread-item thread-${m.kind}`}>
              <div className="muted small">
                <span className="badge">{t(`agent.thread.kind.${m.kind}`)}</span> {m.author?.name ?? t('agent.thread.someone')} · {formatDateTime(m.createdAt, i18n.language, tz)}
              </div>
              <p className="pre">{m.body}</p>
            </li>
          ))}
        </ol>
      )}
      {open && (
        <form onSubmit={(e) => void send(e)}>
          <label htmlFor={inputId}>{isRequester ? t('agent.thread.labelInfo') : t('agent.thread.labelQuestion')}</label>
          <textarea id={inputId} rows={3} maxLength={20000} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" className="btn" disabled={busy || !text.trim()}>
            {isRequester ? t('agent.thread.sendInfo') : t('agent.thread.sendQuestion')}
          </button>
          {sendError !== null && <ErrorMessage error={sendError} />}
        </form>
      )}
    </section>
  );
}
