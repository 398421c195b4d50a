import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineEvent } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Notice } from '../../components/States.js';
import { useSession } from '../../session.js';
import { ArticlePicker } from '../knowledge/ArticlePicker.js';
import { MacroPicker } from '../macros/MacroPicker.js';
import { describeChanges, hasChanges, type AppliedMacro } from '../macros/types.js';

type Mode = 'public' | 'internal';

/** GET /api/v1/tickets/{id}/reply-target */
interface ReplyTarget {
  channel: 'email' | 'messaging' | 'none';
  to: string | null;
  cc: string[];
  deliverable: boolean;
  warnings: { code: 'no_address' | 'no_outbound_url' | 'automated_address' | 'address_bouncing'; address?: string; status?: string }[];
}

/** Reply to the customer or add an internal note; the mode is always visible so nobody sends a note to a customer by mistake. */
export function Composer({ ticketId, onPosted, refreshKey, insert }: { ticketId: string; onPosted: (e: TimelineEvent) => void; refreshKey?: unknown; /** text to add to the public reply (an answer from a similar escalation) */ insert?: { text: string; at: number } | null }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [mode, setMode] = useState<Mode>('public');
  const [drafts, setDrafts] = useState<Record<Mode, string>>({ public: '', internal: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const body = drafts[mode];
  useEffect(() => {
    if (!insert?.text) return;
    setMode('public');
    setDrafts((d) => ({ ...d, public: d.public ? `${d.public}\n\n${insert.text}` : insert.text }));
  }, [insert]);
  const [target, setTarget] = useState<ReplyTarget | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  // A macro's field changes, made when the reply (or note) is sent.
  const [macro, setMacro] = useState<AppliedMacro | null>(null);
  const [fileKey, setFileKey] = useState(0);
  useEffect(() => {
    let live = true;
    client
      .get<ReplyTarget>(`/api/v1/tickets/${ticketId}/reply-target`)
      .then((r) => live && setTarget(r))
      .catch(() => live && setTarget(null));
    return () => {
      live = false;
    };
  }, [client, ticketId, refreshKey]);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!body.trim()) {
      setError(null);
      setDone(t('ticket.emptyBody'));
      return;
    }
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      // Files go up first; the message then names them, so a reply carries its attachments.
      const attachmentIds: string[] = [];
      for (const f of files) attachmentIds.push((await client.upload<{ id: string }>(`/api/v1/tickets/${ticketId}/attachments?filename=${encodeURIComponent(f.name)}`, f)).id);
      const event = await client.post<TimelineEvent>(`/api/v1/tickets/${ticketId}/messages`, { body, visibility: mode, ...(attachmentIds.length && { attachmentIds }) });
      setDrafts((d) => ({ ...d, [mode]: '' }));
      setFiles([]);
      setFileKey((k) => k + 1);
      setDone(mode === 'public' ? t('ticket.sent') : t('ticket.noteAdded'));
      if (macro) {
        await client.post(`/api/v1/macros/${macro.macroId}/apply`, { ticketId, applyChanges: true });
        setDone(`${mode === 'public' ? t('ticket.sent') : t('ticket.noteAdded')} ${t('macros.changesApplied', { changes: describeChanges(macro.changes, t) })}`);
        setMacro(null);
      }
      onPosted(event);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // Ctrl+Enter / ⌘+Enter sends, as in most help desks.
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
  };

  const tabId = (m: Mode) => `composer-tab-${m}`;
  return (
    <form className={`composer composer-${mode}`} onSubmit={(e) => void submit(e)}>
      <div className="composer-tabs" role="tablist" aria-label={t('ticket.timeline')}>
        {(['public', 'internal'] as const).map((m) => (
          <button
            key={m}
            id={tabId(m)}
            type="button"
            role="tab"
            aria-selected={mode === m}
            aria-controls="composer-panel"
            tabIndex={mode === m ? 0 : -1}
            className={mode === m ? 'composer-tab active' : 'composer-tab'}
            onClick={() => {
              setMode(m);
              setDone(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                const next = m === 'public' ? 'internal' : 'public';
                setMode(next);
                document.getElementById(tabId(next))?.focus();
              }
            }}
          >
            {m === 'public' ? t('ticket.publicReply') : t('ticket.internalNote')}
          </button>
        ))}
      </div>
      <div id="composer-panel" role="tabpanel" aria-labelledby={tabId(mode)} className="composer-panel">
        <label htmlFor="composer-body" className="sr-only">
          {mode === 'public' ? t('ticket.composerLabelPublic') : t('ticket.composerLabelInternal')}
        </label>
        <textarea
          id="composer-body"
          rows={5}
          value={body}
          placeholder={mode === 'public' ? t('ticket.composerPlaceholderPublic') : t('ticket.composerPlaceholderInternal')}
          onChange={(e) => setDrafts((d) => ({ ...d, [mode]: e.target.value }))}
          onKeyDown={onKeyDown}
          maxLength={100_000}
        />
        <MacroPicker
          ticketId={ticketId}
          onInsert={(m) => {
            setDrafts((d) => ({ ...d, [mode]: d[mode] ? `${d[mode]}\n\n${m.text}` : m.text }));
            setMacro(hasChanges(m.changes) ? m : null);
          }}
        />
        {macro && (
          <p className="small muted" data-testid="macro-changes">
            {t('macros.changesPending', { changes: describeChanges(macro.changes, t) })}{' '}
            <button type="button" className="btn btn-small btn-quiet" onClick={() => setMacro(null)}>
              {t('macros.discardChanges')}
            </button>
          </p>
        )}
        <ArticlePicker ticketId={ticketId} onInsert={(text) => setDrafts((d) => ({ ...d, [mode]: d[mode] ? `${d[mode]}\n\n${text}` : text }))} />
        <div className="composer-files">
          <label htmlFor="composer-files" className="small">
            {t('ticket.attachFiles')}
          </label>{' '}
          <input key={fileKey} id="composer-files" type="file" multiple onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
          {files.length > 0 && <span className="muted small"> {t('ticket.filesChosen', { count: files.length, names: files.map((f) => f.name).join(', ') })}</span>}
        </div>
        <div className="composer-foot">
          {mode === 'public' && target ? (
            <span className={target.deliverable ? 'small reply-target' : 'small reply-target reply-target-none'} data-testid="reply-target">
              {target.channel === 'email' ? (target.cc.length > 0 ? t('ticket.replyTarget.emailCc', { to: target.to, count: target.cc.length }) : t('ticket.replyTarget.email', { to: target.to })) : target.channel === 'messaging' ? t('ticket.replyTarget.messaging') : t('ticket.replyTarget.none')}
            </span>
          ) : (
            <span className="muted small">{mode === 'public' ? t('ticket.customerSees') : t('ticket.staffOnly')}</span>
          )}
          <button type="submit" className={mode === 'public' ? 'btn btn-primary' : 'btn btn-note'} disabled={busy}>
            {busy ? t('ticket.sending') : mode === 'public' ? t('ticket.send') : t('ticket.addNote')}
          </button>
        </div>
        {mode === 'public' &&
          target?.warnings.map((w) => (
            <p key={w.code + (w.address ?? '')} className="warning-box small" role="note" data-testid="reply-warning">
              {t(`ticket.replyTarget.${w.code}`, { address: w.address, status: w.status ?? t('ticket.unknownStatus') })}
            </p>
          ))}
        {error !== null && <ErrorMessage error={error} />}
        {done && <Notice>{done}</Notice>}
      </div>
    </form>
  );
}
