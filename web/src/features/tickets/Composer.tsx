import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { qk } from '../../api/query-keys.js';
import { call } from '../../api/typed.js';
import type { TimelineEvent } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Notice } from '../../components/States.js';
import { useSession } from '../../session.js';
import { ArticlePicker } from '../knowledge/ArticlePicker.js';
import { MacroPicker } from '../macros/MacroPicker.js';
import { describeChanges, hasChanges, type AppliedMacro } from '../macros/types.js';
import { allowedTypesText, fileProblem, formatBytes, useAttachmentLimits, type AttachmentLimits } from './attachments.js';
import { MessageBody } from './MessageBody.js';

type Mode = 'public' | 'internal';

/** A file chosen for the message: uploaded when it is sent (once: a retry reuses the id). */
interface PendingFile {
  key: number;
  file: File;
  /** data: URL of an image, for its thumbnail before upload (the console's CSP allows data: images). */
  preview: string | null;
  uploadedId: string | null;
}

/** Reply to the customer or add an internal note; the mode is always visible so nobody sends a note to a customer by mistake. */
export function Composer({ ticketId, version, onPosted, insert }: { ticketId: string; /** the ticket's version: a change of requester or CCs moves where the reply goes */ version: number; onPosted: (e: TimelineEvent) => void; /** text to add to the public reply (an answer from a similar escalation) */ insert?: { text: string; at: number } | null }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const qc = useQueryClient();
  const [mode, setMode] = useState<Mode>('public');
  const [view, setView] = useState<'write' | 'preview'>('write');
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
  const { data: target = null } = useQuery({
    queryKey: qk.tickets.replyTarget(ticketId, version),
    queryFn: ({ signal }) => call(client, 'get', '/api/v1/tickets/{id}/reply-target', { params: { id: ticketId } }, signal),
  });
  const limits = useAttachmentLimits().data ?? null;
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [fileProblems, setFileProblems] = useState<string[]>([]);
  const [progress, setProgress] = useState<{ done: number; count: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const nextKey = useRef(0);
  // A macro's field changes, made when the reply (or note) is sent.
  const [macro, setMacro] = useState<AppliedMacro | null>(null);
  const [fileKey, setFileKey] = useState(0);

  /** Checks each file against the server's limits before anything is uploaded. */
  const addFiles = (list: File[]) => {
    if (list.length === 0) return;
    const problems: string[] = [];
    const accepted: PendingFile[] = [];
    for (const file of list) {
      const problem = limits ? fileProblem(file, limits, files.length + accepted.length, t, i18n.language) : null;
      if (problem) problems.push(problem);
      else accepted.push({ key: nextKey.current++, file, preview: null, uploadedId: null });
    }
    setFileProblems(problems);
    setDone(null);
    if (accepted.length > 0) setFiles((f) => [...f, ...accepted]);
    for (const p of accepted) {
      if (!p.file.type.startsWith('image/') || p.file.type === 'image/svg+xml') continue;
      const reader = new FileReader();
      reader.onload = () => setFiles((f) => f.map((x) => (x.key === p.key ? { ...x, preview: String(reader.result) } : x)));
      reader.readAsDataURL(p.file);
    }
  };
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const images = Array.from(e.clipboardData.files).filter((f) => f.type.startsWith('image/'));
    if (images.length === 0) return;
    e.preventDefault();
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
    addFiles(images.map((f, i) => (f.name && f.name !== 'image.png' ? f : new File([f], t('compose.pastedName', { stamp: images.length > 1 ? `${stamp}-${i + 1}` : stamp }), { type: f.type }))));
  };
  const onDrop = (e: DragEvent<HTMLElement>) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDragging(false);
    addFiles(Array.from(e.dataTransfer.files));
  };
  const onDragOver = (e: DragEvent<HTMLElement>) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDragging(true);
  };

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
      for (const [i, p] of files.entries()) {
        setProgress({ done: i, count: files.length });
        const id = p.uploadedId ?? (await uploadOne(p.file));
        if (!p.uploadedId) setFiles((f) => f.map((x) => (x.key === p.key ? { ...x, uploadedId: id } : x)));
        attachmentIds.push(id);
      }
      setProgress(null);
      const event = await client.post<TimelineEvent>(`/api/v1/tickets/${ticketId}/messages`, { body, bodyFormat: 'markdown', visibility: mode, ...(attachmentIds.length && { attachmentIds }) });
      setDrafts((d) => ({ ...d, [mode]: '' }));
      setFiles([]);
      setFileProblems([]);
      setView('write');
      setFileKey((k) => k + 1);
      void qc.invalidateQueries({ queryKey: qk.tickets.attachments(ticketId) });
      setDone(mode === 'public' ? t('ticket.sent') : t('ticket.noteAdded'));
      if (macro) {
        await client.post(`/api/v1/macros/${macro.macroId}/apply`, { ticketId, applyChanges: true });
        setDone(`${mode === 'public' ? t('ticket.sent') : t('ticket.noteAdded')} ${t('macros.changesApplied', { changes: describeChanges(macro.changes, t) })}`);
        setMacro(null);
      }
      onPosted(event);
    } catch (err) {
      if (!(err instanceof ComposerStop)) setError(err);
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  /** One upload; a refusal (too large, type, empty) is said with the file's name, in the reader's language. */
  const uploadOne = async (file: File): Promise<string> => {
    try {
      return (await client.upload<{ id: string }>(`/api/v1/tickets/${ticketId}/attachments?filename=${encodeURIComponent(file.name)}`, file)).id;
    } catch (err) {
      if (err instanceof ApiError && limits) {
        const detail = (err.details ?? {}) as { code?: string; contentType?: string };
        const name = file.name;
        const text =
          detail.code === 'attachment_too_large'
            ? t('compose.problems.tooLarge', { name, size: formatBytes(file.size, i18n.language), max: formatBytes(limits.maxBytes, i18n.language) })
            : detail.code === 'attachment_type_not_allowed'
              ? t('compose.problems.typeNotAllowed', { name, type: detail.contentType ?? file.type, types: allowedTypesText(limits.allowedTypes, t) })
              : err.problems.some((p) => p.code === 'file_empty')
                ? t('compose.problems.empty', { name })
                : null;
        if (text) {
          setFileProblems([text]);
          throw new ComposerStop();
        }
      }
      throw err;
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
        <div className="composer-views" role="group" aria-label={t('compose.editorTabs')}>
          {(['write', 'preview'] as const).map((v) => (
            <button key={v} type="button" className={view === v ? 'composer-view active' : 'composer-view'} aria-pressed={view === v} data-testid={`composer-view-${v}`} onClick={() => setView(v)}>
              {t(`compose.${v}`)}
            </button>
          ))}
          <span className="muted small composer-hint">{t('compose.markdownHint')}</span>
        </div>
        <div className={dragging ? 'composer-drop dragging' : 'composer-drop'} onDragOver={onDragOver} onDragLeave={() => setDragging(false)} onDrop={onDrop} data-testid="composer-drop">
          <label htmlFor="composer-body" className="sr-only">
            {mode === 'public' ? t('ticket.composerLabelPublic') : t('ticket.composerLabelInternal')}
          </label>
          <textarea
            id="composer-body"
            rows={5}
            value={body}
            hidden={view === 'preview'}
            placeholder={mode === 'public' ? t('ticket.composerPlaceholderPublic') : t('ticket.composerPlaceholderInternal')}
            onChange={(e) => setDrafts((d) => ({ ...d, [mode]: e.target.value }))}
            onKeyDown={onKeyDown}
            onPaste={onPaste}
            maxLength={100_000}
          />
          {view === 'preview' && (
            <div className="composer-preview" data-testid="composer-preview" aria-live="polite">
              {body.trim() ? <MessageBody body={body} format="markdown" /> : <p className="muted">{t('compose.previewEmpty')}</p>}
            </div>
          )}
          {dragging && <div className="composer-drop-hint" aria-hidden="true">{t('compose.dropping')}</div>}
        </div>
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
          <p className="small">
            {t('compose.dropHere')}{' '}
            <label htmlFor="composer-files" className="link-button">
              {t('compose.choose')}
            </label>
            <input key={fileKey} id="composer-files" type="file" multiple className="sr-only" onChange={(e) => {
                addFiles(Array.from(e.target.files ?? []));
                // The same file can be chosen again after it was removed.
                e.target.value = '';
              }}
            />
          </p>
          {limits && <p className="muted small" data-testid="attachment-limits">{limitsText(limits, t, i18n.language)}</p>}
          {files.length > 0 && (
            <ul className="attachment-list pending" aria-label={t('compose.pending')} data-testid="pending-files">
              {files.map((p) => (
                <li key={p.key} className="attachment-chip">
                  {p.preview && <img className="attachment-thumb-img" src={p.preview} alt="" />}
                  <span className="attachment-name">{p.file.name}</span>
                  <span className="muted small">{formatBytes(p.file.size, i18n.language)}</span>
                  <button type="button" className="btn btn-small btn-quiet" aria-label={t('compose.removeNamed', { name: p.file.name })} disabled={busy} onClick={() => setFiles((f) => f.filter((x) => x.key !== p.key))}>
                    {t('compose.remove')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {fileProblems.map((text) => (
            <p key={text} className="error-box small" role="alert" data-testid="file-problem">
              {text}
            </p>
          ))}
          {progress && <p className="muted small">{t('compose.uploading', { done: progress.done + 1, count: progress.count })}</p>}
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

/** Thrown to stop sending after the composer has said what is wrong (no second error box). */
class ComposerStop extends Error {}

function limitsText(limits: AttachmentLimits, t: ReturnType<typeof useTranslation>['t'], lang: string): string {
  return t('compose.limits', { count: limits.maxCount, size: formatBytes(limits.maxBytes, lang), types: allowedTypesText(limits.allowedTypes, t) });
}
