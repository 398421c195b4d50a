import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import { call, type ApiJson } from '../../api/typed.js';
import { useSession } from '../../session.js';
import { typeAllowed } from '../../../../src/modules/tickets/attachment.policy.js';

export type Attachment = ApiJson<'/api/v1/tickets/{id}/attachments'>['items'][number];
export type AttachmentLimits = ApiJson<'/api/v1/attachments/limits'>;

/** The server's limits: shown before a file is chosen, checked before it is uploaded. */
export function useAttachmentLimits() {
  const { client } = useSession();
  return useQuery({ queryKey: qk.attachmentLimits(), queryFn: ({ signal }) => call(client, 'get', '/api/v1/attachments/limits', {}, signal), staleTime: Infinity });
}

/** A ticket's files (on messages and on their own); live ticket events refresh them. */
export function useTicketAttachments(ticketId: string) {
  const { client } = useSession();
  return useQuery({
    queryKey: qk.tickets.attachments(ticketId),
    queryFn: ({ signal }) => call(client, 'get', '/api/v1/tickets/{id}/attachments', { params: { id: ticketId } }, signal).then((r) => r.items),
  });
}

export function formatBytes(n: number, lang: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: i === 0 || v >= 10 ? 0 : 1 }).format(v)} ${units[i]}`;
}

const TYPE_GROUPS: [RegExp, string][] = [
  [/^image\//, 'images'],
  [/^text\/plain$/, 'text'],
  [/^text\/csv$/, 'csv'],
  [/^application\/pdf$/, 'pdf'],
  [/^application\/zip$/, 'zip'],
  [/^application\/(msword|vnd\.ms-|vnd\.openxmlformats-officedocument)/, 'office'],
  [/^message\/rfc822$/, 'mail'],
];

/** "images, PDF, text, Office documents" from the allowed MIME types (unknown ones as they are). */
export function allowedTypesText(allowed: readonly string[], t: TFunction): string {
  if (allowed.includes('*')) return t('compose.anyType');
  const names: string[] = [];
  for (const type of allowed) {
    const group = TYPE_GROUPS.find(([re]) => re.test(type))?.[1];
    const name = group ? t(`compose.typeNames.${group}`) : type;
    if (!names.includes(name)) names.push(name);
  }
  return names.join(t('macros.separator'));
}

/** Why a file cannot go with the message (before it is uploaded), or null. */
export function fileProblem(file: File, limits: AttachmentLimits, already: number, t: TFunction, lang: string): string | null {
  const name = file.name;
  if (already >= limits.maxCount) return t('compose.problems.tooMany', { max: limits.maxCount, name });
  if (file.size === 0) return t('compose.problems.empty', { name });
  if (file.size > limits.maxBytes) return t('compose.problems.tooLarge', { name, size: formatBytes(file.size, lang), max: formatBytes(limits.maxBytes, lang) });
  // The browser's guess from the name; the server sniffs the bytes and has the last word.
  if (file.type && !typeAllowed(file.type, limits.allowedTypes)) return t('compose.problems.typeNotAllowed', { name, type: file.type, types: allowedTypesText(limits.allowedTypes, t) });
  return null;
}

const fileUrl = (id: string, download = false) => `/api/v1/attachments/${encodeURIComponent(id)}${download ? '?download=1' : ''}`;

/** Files as chips: images as thumbnails that open larger, everything else as a download link. */
export function AttachmentChips({ items }: { items: Attachment[] }) {
  const { t, i18n } = useTranslation();
  const [shown, setShown] = useState<Attachment | null>(null);
  if (items.length === 0) return null;
  return (
    <ul className="attachment-list" aria-label={t('compose.attachments')} data-testid="attachment-list">
      {items.map((a) => (
        <li key={a.id} className="attachment-chip" data-testid="attachment">
          {a.previewable && (
            <button type="button" className="attachment-thumb" onClick={() => setShown(a)} aria-label={t('compose.showLarger', { name: a.filename })}>
              <img src={fileUrl(a.id)} alt="" loading="lazy" />
            </button>
          )}
          <a href={fileUrl(a.id, true)} download={a.filename} className="attachment-name" aria-label={t('compose.downloadNamed', { name: a.filename })}>
            {a.filename}
          </a>
          <span className="muted small">{formatBytes(a.size, i18n.language)}</span>
        </li>
      ))}
      {shown && <Lightbox attachment={shown} onClose={() => setShown(null)} />}
    </ul>
  );
}

/** The image at full size in a modal dialog (Escape or the button closes it; focus returns). */
function Lightbox({ attachment, onClose }: { attachment: Attachment; onClose: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    const opener = document.activeElement as HTMLElement | null;
    d?.showModal();
    return () => {
      d?.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog ref={dialog} className="lightbox" aria-label={attachment.filename} onClose={onClose} onClick={(e) => e.target === dialog.current && onClose()} data-testid="lightbox">
      <img src={fileUrl(attachment.id)} alt={attachment.filename} />
      <div className="lightbox-foot">
        <span className="small">{attachment.filename}</span>
        <a className="btn btn-small" href={fileUrl(attachment.id, true)} download={attachment.filename}>
          {t('compose.download')}
        </a>
        <button type="button" className="btn btn-small" onClick={onClose} autoFocus>
          {t('compose.close')}
        </button>
      </div>
    </dialog>
  );
}
