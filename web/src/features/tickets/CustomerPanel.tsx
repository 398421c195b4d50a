import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import type { Page, Ticket } from '../../api/types.js';
import { StatusBadge, TemperatureBadge } from '../../components/Badges.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession, useUserTimeZone } from '../../session.js';
import { PrivacyActions } from '../customers/PrivacyActions.js';
import { useCustomer, useForgetCustomer } from '../customers/use-customers.js';

/** Who is asking, and what else they asked: so nobody makes the customer repeat themselves. */
export function CustomerPanel({ ticket }: { ticket: Ticket }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const customerQuery = useCustomer(client, ticket.requesterId);
  const loaded = customerQuery.data ?? null;
  const forgetCustomer = useForgetCustomer();
  // After an erasure the page reloads (subjects and messages changed too); until then the
  // panel already shows the customer as erased.
  const [erasedAt, setErasedAt] = useState<string | null>(null);
  const customer = loaded && erasedAt ? { ...loaded, email: null, phone: null, erasedAt } : loaded;
  const othersQuery = useQuery({
    queryKey: qk.tickets.list({ requester: ticket.requesterId, limit: 20, sort: '-created' }),
    queryFn: ({ signal }) => client.get<Page<Ticket>>('/api/v1/tickets', { requester: ticket.requesterId, limit: 20, sort: '-created' }, signal),
    enabled: ticket.requesterId !== null,
  });
  const others = othersQuery.data ? othersQuery.data.items.filter((x) => x.id !== ticket.id) : null;
  const error = othersQuery.error;

  if (!ticket.requesterId) {
    return (
      <section className="card">
        <h2>{t('ticket.customer')}</h2>
        <p className="muted">{t('ticket.noCustomer')}</p>
      </section>
    );
  }
  return (
    <section className="card customer-card" aria-labelledby="customer-title">
      <h2 id="customer-title">{t('ticket.customer')}</h2>
      {!customer ? (
        customerQuery.error ? <ErrorMessage error={customerQuery.error} onRetry={() => void customerQuery.refetch()} /> : <Loading />
      ) : (
        <dl className="facts">
          <dt className="sr-only">{t('admin.name')}</dt>
          <dd className="customer-name">
            {customer.erasedAt ? (
              <>
                {t('privacy.erasedName')}{' '}
                <span className="badge customer-erased" data-testid="customer-erased">
                  {t('privacy.erasedOn', { date: formatDateTime(customer.erasedAt, i18n.language, tz) })}
                </span>
              </>
            ) : (
              <Link to={`/customers/${customer.id}`} data-testid="customer-page-link">
                {customer.name}
              </Link>
            )}
          </dd>
          {customer.email && (
            <>
              <dt>{t('admin.email')}</dt>
              <dd>
                {customer.email}
                {customer.emailBouncing && (
                  <span className="badge email-bouncing" title={t('ticket.emailBouncingHint')} data-testid="email-bouncing">
                    {t('ticket.emailBouncing', { since: formatDateTime(customer.emailBouncing.since, i18n.language, tz), status: customer.emailBouncing.status ?? t('ticket.unknownStatus') })}
                  </span>
                )}
              </dd>
            </>
          )}
          {customer.phone && (
            <>
              <dt>☎</dt>
              <dd>{customer.phone}</dd>
            </>
          )}
          {customer.organizationName && (
            <>
              <dt>{t('ticket.organization')}</dt>
              <dd>{customer.organizationId ? <Link to={`/organizations/${customer.organizationId}`}>{customer.organizationName}</Link> : customer.organizationName}</dd>
            </>
          )}
          <dt>{t('ticket.tier')}</dt>
          <dd>
            <span className={`badge tier tier-${customer.effectiveTier}`}>{t(`tiers.${customer.effectiveTier}`)}</span>
          </dd>
        </dl>
      )}
      {customer && (
        <PrivacyActions
          customer={customer}
          ticketCount={others === null ? null : others.length >= 19 ? '20+' : String(others.length + 1)}
          onErased={(o) => {
            forgetCustomer(o.customerId);
            setErasedAt(o.erasedAt);
            window.location.reload();
          }}
        />
      )}
      <h3>{t('ticket.otherTickets')}</h3>
      {error !== null ? (
        <ErrorMessage error={error} onRetry={() => void othersQuery.refetch()} />
      ) : others === null ? (
        <Loading />
      ) : others.length === 0 ? (
        <p className="muted small">{t('ticket.noOtherTickets')}</p>
      ) : (
        <ul className="other-tickets">
          {others.map((x) => (
            <li key={x.id}>
              <Link to={`/tickets/${x.id}`}>
                #{x.number} {x.subject}
              </Link>
              <div className="other-meta">
                <StatusBadge value={x.status} /> <TemperatureBadge value={x.temperature} />{' '}
                <time className="muted small" dateTime={x.createdAt}>
                  {t('ticket.otherCreated', { time: formatDateTime(x.createdAt, i18n.language, tz) })}
                </time>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
