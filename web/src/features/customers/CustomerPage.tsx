import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import type { ApiJson } from '../../api/typed.js';
import type { Customer, Page, Ticket } from '../../api/types.js';
import { PriorityBadge, StatusBadge, TemperatureBadge } from '../../components/Badges.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loadable } from '../../components/Loadable.js';
import { EmptyState, Notice } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { useSession, useUserTimeZone } from '../../session.js';
import { TIERS, TierBadge, type Organization } from './DirectoryPages.js';
import { useCustomer } from './use-customers.js';

type Escalation = ApiJson<'/api/v1/escalations'>['items'][number];
type Survey = ApiJson<'/api/v1/customers/{id}/satisfaction'>['items'][number];

/** Roles that change a customer's identity (src/modules/customers/customers.policy.ts). */
export const IDENTITY_ROLES = new Set(['supervisor', 'manager', 'admin']);

const customerApi = getRouteApi('/customers/$id');

export function CustomerRoute() {
  const { id } = customerApi.useParams();
  return <CustomerPage id={id} key={id} />;
}

/** A customer: contact data and tier, edit, all their tickets, open escalations and ratings. */
function CustomerPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const customer = useCustomer(client, id);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  return (
    <div className="page customer-page">
      <Loadable query={customer}>
        {(c) => (
          <>
            <div className="page-head">
              <h1 data-testid="customer-name">{c.erasedAt ? t('privacy.erasedName') : c.name}</h1>
              {!c.erasedAt && !editing && (
                <button type="button" className="btn" onClick={() => (setEditing(true), setSaved(false))} data-testid="customer-edit">
                  {t('directory.edit')}
                </button>
              )}
            </div>
            {saved && <Notice>{t('directory.saved')}</Notice>}
            <div className="detail-grid">
              <section className="card" aria-labelledby="contact-title">
                <h2 id="contact-title">{t('directory.contact')}</h2>
                {editing ? <CustomerEditForm customer={c} onDone={(ok) => (setEditing(false), setSaved(ok))} /> : <CustomerFacts customer={c} />}
              </section>
              <OpenEscalations customerId={id} />
            </div>
            <CustomerTickets query={{ requester: id }} />
            <Ratings customerId={id} />
          </>
        )}
      </Loadable>
    </div>
  );
}

function CustomerFacts({ customer: c }: { customer: Customer }) {
  const { t } = useTranslation();
  return (
    <dl className="facts" data-testid="customer-facts">
      <dt>{t('directory.email')}</dt>
      <dd>{c.email ?? '—'}</dd>
      <dt>{t('directory.phone')}</dt>
      <dd>{c.phone ?? '—'}</dd>
      <dt>{t('directory.organization')}</dt>
      <dd>
        {c.organizationId ? (
          <Link to="/organizations/$id" params={{ id: c.organizationId }}>
            {c.organizationName}
          </Link>
        ) : (
          t('directory.noOrganization')
        )}
      </dd>
      <dt>{t('directory.ownTier')}</dt>
      <dd>
        <TierBadge tier={c.tier} />
      </dd>
      <dt>{t('directory.effectiveTier')}</dt>
      <dd>
        <TierBadge tier={c.effectiveTier} /> <span className="muted small">({t('directory.effectiveHint')})</span>
      </dd>
      <dt>{t('directory.language')}</dt>
      <dd>{c.locale === 'en' ? 'English' : '日本語'}</dd>
    </dl>
  );
}

/** Edit: identity fields (name, email, tier, organization) only for supervisors and above. */
function CustomerEditForm({ customer: c, onDone }: { customer: Customer; onDone: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const qc = useQueryClient();
  const identity = IDENTITY_ROLES.has(user.role);
  const [form, setForm] = useState({ name: c.name, email: c.email ?? '', phone: c.phone ?? '', tier: c.tier as string, organizationId: c.organizationId ?? '', locale: c.locale });
  const orgs = useQuery({
    queryKey: [...qk.customers.all, 'organizations', { limit: 200 }],
    queryFn: ({ signal }) => client.get<Page<Organization>>('/api/v1/organizations', { limit: 200 }, signal),
    enabled: identity,
  });
  const save = useMutation({
    mutationFn: (patch: Record<string, unknown>) => client.patch<Customer>(`/api/v1/customers/${encodeURIComponent(c.id)}`, patch),
    onSuccess: (next) => {
      qc.setQueryData(qk.customers.detail(c.id), next);
      void qc.invalidateQueries({ queryKey: qk.customers.all });
      onDone(true);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const patch: Record<string, unknown> = {};
    const put = (k: string, now: unknown, was: unknown) => now !== was && (patch[k] = now);
    if (identity) {
      put('name', form.name.trim(), c.name);
      put('email', form.email.trim() || null, c.email);
      put('tier', form.tier, c.tier);
      put('organizationId', form.organizationId || null, c.organizationId);
    }
    put('phone', form.phone.trim() || null, c.phone);
    put('locale', form.locale, c.locale);
    if (Object.keys(patch).length === 0) return onDone(false);
    save.mutate(patch);
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <form onSubmit={submit} className="customer-edit" data-testid="customer-edit-form" noValidate>
      {!identity && <p className="muted small">{t('directory.identityHint')}</p>}
      <div className="field">
        <label htmlFor="ce-name">{t('directory.name')}</label>
        <input id="ce-name" value={form.name} onChange={set('name')} disabled={!identity} maxLength={200} required />
      </div>
      <div className="field">
        <label htmlFor="ce-email">{t('directory.email')}</label>
        <input id="ce-email" type="email" value={form.email} onChange={set('email')} disabled={!identity} maxLength={254} />
      </div>
      <div className="field">
        <label htmlFor="ce-phone">{t('directory.phone')}</label>
        <input id="ce-phone" type="tel" value={form.phone} onChange={set('phone')} maxLength={50} />
      </div>
      <div className="field">
        <label htmlFor="ce-tier">{t('directory.ownTier')}</label>
        <select id="ce-tier" value={form.tier} onChange={set('tier')} disabled={!identity}>
          {TIERS.map((x) => (
            <option key={x} value={x}>
              {t(`tiers.${x}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="ce-org">{t('directory.organization')}</label>
        <select id="ce-org" value={form.organizationId} onChange={set('organizationId')} disabled={!identity}>
          <option value="">{t('directory.noOrganization')}</option>
          {c.organizationId && !orgs.data?.items.some((o) => o.id === c.organizationId) && <option value={c.organizationId}>{c.organizationName}</option>}
          {orgs.data?.items.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="ce-locale">{t('directory.language')}</label>
        <select id="ce-locale" value={form.locale} onChange={set('locale')}>
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </div>
      {save.error !== null && <ErrorMessage error={save.error} fieldLabels={{ name: t('directory.name'), email: t('directory.email'), phone: t('directory.phone'), organizationId: t('directory.organization'), tier: t('directory.ownTier') }} />}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="customer-save">
          {t('directory.save')}
        </button>
        <button type="button" className="btn btn-quiet" onClick={() => onDone(false)}>
          {t('directory.cancel')}
        </button>
      </div>
    </form>
  );
}

function OpenEscalations({ customerId }: { customerId: string }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const query = { customer: customerId, open: true, limit: 50 };
  const list = useQuery({
    queryKey: qk.escalations.list(query),
    queryFn: ({ signal }) => client.get<Page<Escalation>>('/api/v1/escalations', query, signal),
  });
  return (
    <section className="card" aria-labelledby="esc-title" data-testid="customer-escalations">
      <h2 id="esc-title">{t('directory.openEscalations')}</h2>
      <Loadable query={list} empty={t('directory.noEscalations')}>
        {(page) => (
          <ul className="other-tickets">
            {page.items.map((e) => (
              <li key={e.id}>
                <Link to="/escalations/$id" params={{ id: e.id }}>
                  {e.ticketNumber !== null ? t('directory.ticketNumber', { number: e.ticketNumber }) : e.ticketId}
                  {e.brief.ask ? ` — ${e.brief.ask}` : ''}
                </Link>
                <div className="other-meta muted small">
                  {t(`directory.escalationStatus.${e.status}`, { defaultValue: e.status })} · {formatDateTime(e.createdAt, i18n.language, tz)}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Loadable>
    </section>
  );
}

/** Tickets of a customer or an organization (the server leaves out what the reader may not see). */
export function CustomerTickets({ query }: { query: { requester?: string; organization?: string } }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const [limit, setLimit] = useState(50);
  const q = { ...query, sort: '-created', limit };
  const list = useQuery({
    queryKey: qk.tickets.list(q),
    queryFn: ({ signal }) => client.get<Page<Ticket>>('/api/v1/tickets', q, signal),
    placeholderData: (prev) => prev,
  });
  return (
    <section aria-labelledby="tickets-title" data-testid="customer-tickets">
      <h2 id="tickets-title">{t('directory.tickets')}</h2>
      <Loadable query={list} empty={t('directory.noTickets')}>
        {(page) => (
          <>
            <div className="table-wrap">
              <table className="queue-table">
                <caption className="sr-only">{t('directory.tickets')}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="col-num">
                      {t('queues.colNumber')}
                    </th>
                    <th scope="col">{t('queues.colSubject')}</th>
                    <th scope="col">{t('queues.colStatus')}</th>
                    <th scope="col">{t('queues.colPriority')}</th>
                    <th scope="col">{t('queues.colTemperature')}</th>
                    <th scope="col">{t('views.col.created')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((x) => (
                    <tr key={x.id}>
                      <td className="col-num">#{x.number}</td>
                      <td className="col-subject">
                        <Link to="/tickets/$id" params={{ id: x.id }}>
                          {x.subject}
                        </Link>
                      </td>
                      <td>
                        <StatusBadge value={x.status} />
                      </td>
                      <td>
                        <PriorityBadge value={x.priority} />
                      </td>
                      <td>
                        <TemperatureBadge value={x.temperature} />
                      </td>
                      <td>
                        <time dateTime={x.createdAt}>{formatDateTime(x.createdAt, i18n.language, tz)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {page.nextCursor && limit < 200 && (
              <div className="list-foot">
                <button type="button" className="btn" onClick={() => setLimit((n) => Math.min(200, n + 50))}>
                  {t('directory.loadMore')}
                </button>
              </div>
            )}
          </>
        )}
      </Loadable>
    </section>
  );
}

function Ratings({ customerId }: { customerId: string }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const list = useQuery({
    queryKey: [...qk.customers.detail(customerId), 'satisfaction'],
    queryFn: ({ signal }) => client.get<{ items: Survey[] }>(`/api/v1/customers/${encodeURIComponent(customerId)}/satisfaction`, undefined, signal),
  });
  return (
    <section aria-labelledby="csat-title" data-testid="customer-ratings">
      <h2 id="csat-title">{t('directory.satisfaction')}</h2>
      <Loadable query={list} empty={t('directory.noRatings')}>
        {(r) =>
          r.items.length === 0 ? (
            <EmptyState>{t('directory.noRatings')}</EmptyState>
          ) : (
            <ul className="other-tickets">
              {r.items.map((s) => (
                <li key={s.id}>
                  <Link to="/tickets/$id" params={{ id: s.ticketId }}>
                    #{s.ticketNumber}
                  </Link>{' '}
                  {s.rating ? <span className={`badge rating-${s.rating}`}>{t(s.rating === 'good' ? 'directory.ratingGood' : 'directory.ratingBad')}</span> : <span className="muted small">{t(`directory.surveyState.${s.state}`)}</span>}
                  {s.score !== null && <span className="muted small"> {t('directory.score', { score: s.score })}</span>}
                  {s.comment && <blockquote className="small">{s.comment}</blockquote>}
                  <div className="muted small">{formatDateTime(s.ratedAt ?? s.solvedAt, i18n.language, tz)}</div>
                </li>
              ))}
            </ul>
          )
        }
      </Loadable>
    </section>
  );
}
