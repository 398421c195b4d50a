import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PRIORITIES, type Customer, type Priority, type Ticket } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Link, navigate } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { CallFields, emptyCall, callBody, type CallDraft } from './CallFields.js';
import { useCustomerSearch } from './use-desk.js';
import './desk.css';

type CustomerChoice = { kind: 'existing'; customer: Customer } | { kind: 'new'; name: string; email: string; phone: string };

/**
 * Open a ticket on behalf of a customer (found by search, or entered as new); "new call" logs
 * the phone call on it in the same request (POST /api/v1/calls).
 */
export function NewTicketPage({ call: startAsCall }: { call: boolean }) {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const [isCall, setIsCall] = useState(startAsCall);
  const [choice, setChoice] = useState<CustomerChoice | null>(null);
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [assignToMe, setAssignToMe] = useState(true);
  const [callDraft, setCallDraft] = useState<CallDraft>(emptyCall);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missingCustomer, setMissingCustomer] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!choice || (choice.kind === 'new' && !choice.name.trim())) {
      setMissingCustomer(true);
      return;
    }
    setMissingCustomer(false);
    setBusy(true);
    setError(null);
    const fields = { subject, priority, ...(assignToMe && { assigneeId: user.id }) };
    const who =
      choice.kind === 'existing'
        ? { requesterId: choice.customer.id }
        : { customer: { name: choice.name.trim(), email: choice.email.trim() || null, phone: choice.phone.trim() || null } };
    try {
      let ticket: Ticket;
      if (isCall) {
        ticket = (await client.post<{ ticket: Ticket }>('/api/v1/calls', { ...callBody(callDraft), ticket: { ...fields, ...who } })).ticket;
      } else {
        let requesterId = choice.kind === 'existing' ? choice.customer.id : null;
        if (choice.kind === 'new') {
          requesterId = choice.email.trim()
            ? null
            : (await client.post<Customer>('/api/v1/customers', { name: choice.name.trim(), ...(choice.phone.trim() && { phone: choice.phone.trim() }) })).id;
        }
        ticket = await client.post<Ticket>('/api/v1/tickets', {
          ...fields,
          ...(description.trim() && { description }),
          ...(requesterId ? { requesterId } : choice.kind === 'new' ? { requesterEmail: choice.email.trim(), requesterName: choice.name.trim() } : {}),
        });
      }
      navigate(`/tickets/${ticket.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="page desk-new">
      <Link to="/queues/mine" className="back-link">
        ← {t('ticket.back')}
      </Link>
      <div className="page-head">
        <h1>{isCall ? t('desk.newTicket.callTitle') : t('desk.newTicket.title')}</h1>
      </div>
      <p className="muted">{t('desk.newTicket.intro')}</p>
      <form className="card desk-form" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset>
          <legend>{t('desk.newTicket.customer')}</legend>
          <CustomerPicker choice={choice} onChoose={setChoice} />
          {missingCustomer && (
            <p className="field-problems" role="alert">
              {t('desk.newTicket.noCustomer')}
            </p>
          )}
        </fieldset>
        <div className="field">
          <label htmlFor="nt-subject">{t('desk.newTicket.subject')}</label>
          <input id="nt-subject" value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={500} required />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="nt-priority">{t('desk.newTicket.priority')}</label>
            <select id="nt-priority" value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </div>
          <label className="check">
            <input type="checkbox" checked={assignToMe} onChange={(e) => setAssignToMe(e.target.checked)} /> {t('desk.newTicket.assignToMe')}
          </label>
          <label className="check">
            <input type="checkbox" checked={isCall} onChange={(e) => setIsCall(e.target.checked)} /> {t('desk.newTicket.isCall')}
          </label>
        </div>
        {isCall ? (
          <fieldset>
            <legend>{t('desk.call.title')}</legend>
            <CallFields idPrefix="nt-call" value={callDraft} onChange={setCallDraft} />
          </fieldset>
        ) : (
          <div className="field">
            <label htmlFor="nt-description">{t('desk.newTicket.description')}</label>
            <textarea id="nt-description" rows={5} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={100_000} />
          </div>
        )}
        {error !== null && <ErrorMessage error={error} fieldLabels={t('desk.fields', { returnObjects: true }) as Record<string, string>} />}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('desk.newTicket.creating') : isCall ? t('desk.newTicket.submitCall') : t('desk.newTicket.submit')}
          </button>
          <Link to="/queues/mine" className="btn btn-quiet">
            {t('desk.newTicket.cancel')}
          </Link>
        </div>
      </form>
    </div>
  );
}

function CustomerPicker({ choice, onChoose }: { choice: CustomerChoice | null; onChoose: (c: CustomerChoice | null) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const search = useCustomerSearch();

  if (choice?.kind === 'existing') {
    const c = choice.customer;
    return (
      <p className="desk-chosen" data-testid="chosen-customer">
        <strong>{t('desk.newTicket.chosen', { name: c.name })}</strong> <span className="muted small">{[c.email, c.phone, c.organizationName].filter(Boolean).join(' · ')}</span>{' '}
        <button type="button" className="btn btn-quiet btn-small" onClick={() => onChoose(null)}>
          {t('desk.newTicket.change')}
        </button>
      </p>
    );
  }
  const fresh = choice?.kind === 'new' ? choice : null;
  const setFresh = (patch: Partial<{ name: string; email: string; phone: string }>) => onChoose({ kind: 'new', name: '', email: '', phone: '', ...fresh, ...patch });
  return (
    <div className="desk-picker">
      <div className="search" role="search">
        <label htmlFor="nt-customer-q" className="sr-only">
          {t('desk.newTicket.search')}
        </label>
        <input
          id="nt-customer-q"
          type="search"
          value={draft}
          placeholder={t('desk.newTicket.searchPlaceholder')}
          maxLength={200}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              search.run(draft);
            }
          }}
        />
        <button type="button" className="btn" onClick={() => search.run(draft)}>
          {t('desk.newTicket.searchButton')}
        </button>
      </div>
      {search.error !== null && <ErrorMessage error={search.error} />}
      {search.results && search.results.length === 0 && <p className="muted small">{t('desk.newTicket.noMatch', { q: search.query })}</p>}
      {search.results && search.results.length > 0 && (
        <ul className="desk-results" aria-label={t('desk.newTicket.search')}>
          {search.results.map((c) => (
            <li key={c.id}>
              <span>
                {c.name} <span className="muted small">{[c.email, c.phone, c.organizationName].filter(Boolean).join(' · ')}</span>
              </span>
              <button type="button" className="btn btn-small" onClick={() => onChoose({ kind: 'existing', customer: c })} aria-label={`${t('desk.newTicket.choose')}: ${c.name}`}>
                {t('desk.newTicket.choose')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {fresh === null ? (
        <button type="button" className="btn btn-quiet" onClick={() => setFresh({})}>
          + {t('desk.newTicket.orNew')}
        </button>
      ) : (
        <div className="desk-new-customer">
          <h3>{t('desk.newTicket.orNew')}</h3>
          <div className="field-row">
            <div className="field">
              <label htmlFor="nt-new-name">{t('desk.newTicket.newName')}</label>
              <input id="nt-new-name" value={fresh.name} onChange={(e) => setFresh({ name: e.target.value })} maxLength={200} />
            </div>
            <div className="field">
              <label htmlFor="nt-new-email">{t('desk.newTicket.newEmail')}</label>
              <input id="nt-new-email" type="email" value={fresh.email} onChange={(e) => setFresh({ email: e.target.value })} maxLength={254} />
            </div>
            <div className="field">
              <label htmlFor="nt-new-phone">{t('desk.newTicket.newPhone')}</label>
              <input id="nt-new-phone" type="tel" value={fresh.phone} onChange={(e) => setFresh({ phone: e.target.value })} maxLength={50} />
            </div>
          </div>
          <button type="button" className="btn btn-quiet btn-small" onClick={() => onChoose(null)}>
            {t('desk.newTicket.cancel')}
          </button>
        </div>
      )}
    </div>
  );
}
