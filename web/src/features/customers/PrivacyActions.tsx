import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import type { Customer } from '../../api/types.js';
import type { EraseOutcome } from '../../../../src/modules/privacy/privacy.presenter.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useSession } from '../../session.js';
import './privacy.css';

/** Roles granted 'customers.privacy' on the server (src/modules/auth/auth.policy.ts). */
const PRIVACY_ROLES = new Set(['supervisor', 'manager', 'admin']);

/**
 * Customer data requests (APPI / GDPR) on the customer panel, for supervisors and above:
 * download the export (JSON, or the readable summary in the customer's language) and erase
 * the customer after typing the confirmation word.
 */
export function PrivacyActions({ customer, ticketCount, onErased }: { customer: Customer; ticketCount: string | null; onErased: (o: EraseOutcome) => void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  if (!PRIVACY_ROLES.has(user.role)) return null;
  const base = `/api/v1/customers/${encodeURIComponent(customer.id)}/export`;
  return (
    <div className="privacy-actions" data-testid="privacy-actions">
      <h3>{t('privacy.actions')}</h3>
      <p className="muted small">{t('privacy.exportHint')}</p>
      <div className="privacy-buttons">
        <a className="btn btn-small" href={`${base}?format=json`} download data-testid="export-json">
          {t('privacy.exportJson')}
        </a>
        <a className="btn btn-small" href={`${base}?format=summary`} download data-testid="export-summary">
          {t('privacy.exportSummary')}
        </a>
        {!customer.erasedAt && (
          <button type="button" className="btn btn-small btn-danger" onClick={() => setOpen(true)} data-testid="erase-customer">
            {t('privacy.erase')}
          </button>
        )}
      </div>
      {open && <EraseDialog customer={customer} ticketCount={ticketCount} onClose={() => setOpen(false)} onErased={onErased} />}
    </div>
  );
}

function EraseDialog({ customer, ticketCount, onClose, onErased }: { customer: Customer; ticketCount: string | null; onClose: () => void; onErased: (o: EraseOutcome) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const inputId = useId();
  const [typed, setTyped] = useState('');
  const qc = useQueryClient();
  // The erasure changes the customer, their tickets and what search finds.
  const erase = useMutation({
    mutationFn: () => client.post<EraseOutcome>(`/api/v1/customers/${encodeURIComponent(customer.id)}/erase`),
    onSuccess: () => Promise.all([qk.customers.all, qk.tickets.all, qk.search.all].map((queryKey) => qc.invalidateQueries({ queryKey }))),
  });
  const busy = erase.isPending;
  const error = erase.error;
  const outcome = erase.data ?? null;
  const word = t('privacy.confirmWord');
  const matches = typed.trim().toLowerCase() === word.toLowerCase();

  // Modal with the browser's own focus trap; Escape closes (the dialog's cancel event).
  useEffect(() => {
    const d = dialogRef.current;
    if (d && !d.open) d.showModal();
    d?.querySelector<HTMLInputElement>('input')?.focus();
  }, []);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (outcome) return close();
    if (!matches || busy) return;
    erase.mutate();
  };
  const close = () => {
    if (outcome) onErased(outcome);
    onClose();
  };

  return (
    <dialog
      ref={dialogRef}
      className="modal erase-dialog"
      aria-labelledby={titleId}
      data-testid="erase-dialog"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <header className="modal-head">
          <h2 id={titleId}>{outcome ? t('privacy.doneTitle') : t('privacy.dialogTitle', { name: customer.name })}</h2>
          <button type="button" className="btn btn-quiet" onClick={close} aria-label={t('privacy.close')}>
            ✕
          </button>
        </header>
        <div className="modal-body">
          {outcome ? (
            <p role="status" data-testid="erase-outcome">
              {outcome.alreadyErased ? t('privacy.alreadyErased') : t('privacy.done', outcome.counts)}
            </p>
          ) : (
            <>
              <p>{t('privacy.dialogIntro')}</p>
              <ul className="erase-list">
                <li>{t('privacy.willRedact', { n: ticketCount ?? '…' })}</li>
                <li>{t('privacy.willDelete')}</li>
                <li>{t('privacy.willAnonymise')}</li>
                <li>{t('privacy.willKeep')}</li>
              </ul>
              <p className="erase-warning">
                <strong>{t('privacy.irreversible')}</strong>
              </p>
              <label htmlFor={inputId}>{t('privacy.typeToConfirm', { word })}</label>
              <input id={inputId} className="input" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} data-testid="erase-confirm-input" />
              {error !== null && <ErrorMessage error={error} />}
            </>
          )}
        </div>
        <footer className="modal-foot">
          {outcome ? (
            <button type="submit" className="btn btn-primary">
              {t('privacy.close')}
            </button>
          ) : (
            <>
              <button type="button" className="btn" onClick={close}>
                {t('privacy.cancel')}
              </button>
              <button type="submit" className="btn btn-danger" disabled={!matches || busy} data-testid="erase-confirm">
                {busy ? t('privacy.erasing') : t('privacy.confirm')}
              </button>
            </>
          )}
        </footer>
      </form>
    </dialog>
  );
}
