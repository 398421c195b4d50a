import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Keyboard shortcuts: `?` lists them, `/` focuses the screen's search, `j`/`k` move in a list
 * (any table.queue-table) and `Enter` opens the selected row; a screen adds its own with
 * useShortcut (the ticket: r reply, n internal note, e escalate, a assign to me). Never while
 * typing in a field, and never with Ctrl/Alt/Meta held.
 */
type Handler = () => void;
const screenKeys = new Map<string, Handler[]>();

/** Registers a key for as long as the component is mounted (the latest registration wins). */
export function useShortcut(key: string, handler: Handler): void {
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => {
    const h: Handler = () => ref.current();
    const list = screenKeys.get(key) ?? [];
    list.push(h);
    screenKeys.set(key, list);
    return () => {
      const l = screenKeys.get(key) ?? [];
      l.splice(l.indexOf(h), 1);
    };
  }, [key]);
}

export const isTyping = (el: EventTarget | null): boolean => {
  const e = el as HTMLElement | null;
  if (!e || !e.tagName) return false;
  return e.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName);
};

const ROWS = 'table.queue-table tbody tr';

function moveSelection(step: number): void {
  const rows = [...document.querySelectorAll<HTMLTableRowElement>(ROWS)];
  if (!rows.length) return;
  const current = rows.findIndex((r) => r.classList.contains('row-selected'));
  const next = Math.max(0, Math.min(rows.length - 1, current < 0 ? 0 : current + step));
  rows.forEach((r, i) => {
    r.classList.toggle('row-selected', i === next);
    if (i === next) r.setAttribute('aria-current', 'true');
    else r.removeAttribute('aria-current');
  });
  rows[next]!.scrollIntoView({ block: 'nearest' });
  rows[next]!.querySelector<HTMLAnchorElement>('a')?.focus({ preventScroll: true });
}

const LIST = [
  ['?', 'shortcuts.help'],
  ['/', 'shortcuts.search'],
  ['j / k', 'shortcuts.move'],
  ['Enter', 'shortcuts.open'],
  ['r', 'shortcuts.reply'],
  ['n', 'shortcuts.note'],
  ['e', 'shortcuts.escalate'],
  ['a', 'shortcuts.assign'],
] as const;

/** Mounted once in the shell: the global keys and the `?` dialog. */
export function Shortcuts() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) return;
      if (document.querySelector('dialog[open]:not(.shortcuts-dialog), [role="dialog"]:not(.shortcuts-dialog)')) return;
      const key = e.key;
      if (key === '?') {
        e.preventDefault();
        setOpen(true);
      } else if (key === '/') {
        const search = document.querySelector<HTMLInputElement>('main input[type="search"], main [data-shortcut="search"]');
        if (search) {
          e.preventDefault();
          search.focus();
          search.select?.();
        }
      } else if (key === 'j' || key === 'k') {
        if (!document.querySelector(ROWS)) return;
        e.preventDefault();
        moveSelection(key === 'j' ? 1 : -1);
      } else if (key === 'Enter') {
        const row = document.querySelector<HTMLTableRowElement>(`${ROWS}.row-selected`);
        const link = row?.querySelector<HTMLAnchorElement>('a');
        if (link && document.activeElement !== link) {
          e.preventDefault();
          link.click();
        }
      } else {
        const handlers = screenKeys.get(key);
        if (handlers?.length) {
          e.preventDefault();
          handlers[handlers.length - 1]!();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog ref={dialog} className="shortcuts-dialog" aria-labelledby="shortcuts-title" onClose={() => setOpen(false)}>
      <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
      <table>
        <tbody>
          {LIST.map(([k, label]) => (
            <tr key={k}>
              <th scope="row">
                <kbd>{k}</kbd>
              </th>
              <td>{t(label)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t('shortcuts.notWhileTyping')}</p>
      <button type="button" className="btn" onClick={() => setOpen(false)}>
        {t('shortcuts.close')}
      </button>
    </dialog>
  );
}
