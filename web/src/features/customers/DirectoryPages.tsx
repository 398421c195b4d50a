import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import type { Customer, Page } from '../../api/types.js';
import type { ApiJson } from '../../api/typed.js';
import { Loadable } from '../../components/Loadable.js';
import { useSession } from '../../session.js';
import './directory.css';

export type Organization = ApiJson<'/api/v1/organizations/{id}'>;
export const TIERS = ['standard', 'silver', 'gold', 'platinum'] as const;

/** Customers | Organizations. */
export function DirectoryTabs({ active }: { active: 'customers' | 'organizations' }) {
  const { t } = useTranslation();
  return (
    <nav className="tabs" aria-label={t('directory.tabsLabel')}>
      <Link to="/customers" className={active === 'customers' ? 'tab active' : 'tab'} aria-current={active === 'customers' ? 'page' : undefined}>
        {t('directory.customersTitle')}
      </Link>
      <Link to="/organizations" className={active === 'organizations' ? 'tab active' : 'tab'} aria-current={active === 'organizations' ? 'page' : undefined}>
        {t('directory.organizationsTitle')}
      </Link>
    </nav>
  );
}

export function TierBadge({ tier }: { tier: string }) {
  const { t } = useTranslation();
  return <span className={`badge tier tier-${tier}`}>{t(`tiers.${tier}`)}</span>;
}

/** A search box whose text goes to the URL on submit. */
function SearchForm({ id, label, placeholder, value, onSubmit }: { id: string; label: string; placeholder: string; value: string; onSubmit: (q: string) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(draft.trim());
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input id={id} type="search" value={draft} placeholder={placeholder} maxLength={200} onChange={(e) => setDraft(e.target.value)} />
      <button type="submit" className="btn">
        {t('directory.searchSubmit')}
      </button>
      {value && (
        <button type="button" className="btn btn-quiet" onClick={() => onSubmit('')}>
          {t('directory.clear')}
        </button>
      )}
    </form>
  );
}

/** Previous pages are the browser's history (the cursor is in the URL): Back returns to them. */
function Pager({ nextCursor, onNext, onFirst, onFirstPage }: { nextCursor: string | null; onNext: (c: string) => void; onFirst: () => void; onFirstPage: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="list-foot">
      {!onFirstPage && (
        <button type="button" className="btn btn-quiet" onClick={onFirst}>
          {t('directory.first')}
        </button>
      )}
      {nextCursor && (
        <button type="button" className="btn" onClick={() => onNext(nextCursor)} data-testid="directory-next">
          {t('directory.next')}
        </button>
      )}
    </div>
  );
}

const customersApi = getRouteApi('/customers');

/** /customers?q=…&tier=…&org=…&cursor=…: the customer directory. */
export function CustomersPage() {
  const { t } = useTranslation();
  const { client } = useSession();
  const search = customersApi.useSearch();
  const nav = customersApi.useNavigate();
  const query = { q: search.q, tier: search.tier, organizationId: search.org, cursor: search.cursor, limit: 50 };
  const list = useQuery({
    queryKey: [...qk.customers.all, 'list', query],
    queryFn: ({ signal }) => client.get<Page<Customer>>('/api/v1/customers', query, signal),
    placeholderData: (prev) => prev,
  });
  const org = useQuery({
    queryKey: [...qk.customers.all, 'organization', search.org],
    queryFn: ({ signal }) => client.get<Organization>(`/api/v1/organizations/${encodeURIComponent(search.org!)}`, undefined, signal),
    enabled: !!search.org,
  });
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('directory.customersTitle')}</h1>
      </div>
      <DirectoryTabs active="customers" />
      <section className="filters" aria-label={t('queues.filters')}>
        <div className="field inline">
          <label htmlFor="dir-tier">{t('directory.tier')}</label>
          <select id="dir-tier" value={search.tier ?? ''} onChange={(e) => void nav({ search: (s) => ({ ...s, tier: e.target.value || undefined, cursor: undefined }) })}>
            <option value="">{t('directory.anyTier')}</option>
            {TIERS.map((x) => (
              <option key={x} value={x}>
                {t(`tiers.${x}`)}
              </option>
            ))}
          </select>
        </div>
        {search.org && (
          <span className="chip">
            {t('directory.organization')}: {org.data?.name ?? '…'}{' '}
            <button type="button" className="btn btn-quiet btn-small" aria-label={t('directory.allOrganizations')} onClick={() => void nav({ search: (s) => ({ ...s, org: undefined, cursor: undefined }) })}>
              ✕
            </button>
          </span>
        )}
        <SearchForm id="dir-q" label={t('directory.search')} placeholder={t('directory.searchPlaceholder')} value={search.q ?? ''} onSubmit={(q) => void nav({ search: (s) => ({ ...s, q: q || undefined, cursor: undefined }) })} />
      </section>
      <Loadable query={list} empty={t('directory.empty')}>
        {(page) => (
          <>
            <CustomerTable items={page.items} />
            <Pager
              nextCursor={page.nextCursor}
              onFirstPage={!search.cursor}
              onNext={(cursor) => void nav({ search: (s) => ({ ...s, cursor }) })}
              onFirst={() => void nav({ search: (s) => ({ ...s, cursor: undefined }) })}
            />
          </>
        )}
      </Loadable>
    </div>
  );
}

export function CustomerTable({ items, showOrganization = true }: { items: Customer[]; showOrganization?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="queue-table directory-table">
        <caption className="sr-only">{t('directory.customersTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('directory.colName')}</th>
            <th scope="col">{t('directory.colEmail')}</th>
            <th scope="col">{t('directory.colPhone')}</th>
            {showOrganization && <th scope="col">{t('directory.colOrganization')}</th>}
            <th scope="col">{t('directory.colTier')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} data-testid="directory-customer">
              <td>
                <Link to="/customers/$id" params={{ id: c.id }}>
                  {c.erasedAt ? t('privacy.erasedName') : c.name}
                </Link>
              </td>
              <td>{c.email ?? '—'}</td>
              <td>{c.phone ?? '—'}</td>
              {showOrganization && (
                <td>
                  {c.organizationId ? (
                    <Link to="/organizations/$id" params={{ id: c.organizationId }}>
                      {c.organizationName}
                    </Link>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              )}
              <td>
                <TierBadge tier={c.effectiveTier} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const orgsApi = getRouteApi('/organizations');

/** /organizations?q=…&cursor=…: the organizations. */
export function OrganizationsPage() {
  const { t } = useTranslation();
  const { client } = useSession();
  const search = orgsApi.useSearch();
  const nav = orgsApi.useNavigate();
  const query = { q: search.q, cursor: search.cursor, limit: 50 };
  const list = useQuery({
    queryKey: [...qk.customers.all, 'organizations', query],
    queryFn: ({ signal }) => client.get<Page<Organization>>('/api/v1/organizations', query, signal),
    placeholderData: (prev) => prev,
  });
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('directory.organizationsTitle')}</h1>
      </div>
      <DirectoryTabs active="organizations" />
      <section className="filters" aria-label={t('queues.filters')}>
        <SearchForm id="org-q" label={t('directory.searchOrgs')} placeholder={t('directory.searchOrgsPlaceholder')} value={search.q ?? ''} onSubmit={(q) => void nav({ search: (s) => ({ ...s, q: q || undefined, cursor: undefined }) })} />
      </section>
      <Loadable query={list} empty={t('directory.emptyOrgs')}>
        {(page) => (
          <>
            <div className="table-wrap">
              <table className="queue-table directory-table">
                <caption className="sr-only">{t('directory.organizationsTitle')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('directory.colName')}</th>
                    <th scope="col">{t('directory.colTier')}</th>
                    <th scope="col">{t('directory.colCustomers')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((o) => (
                    <tr key={o.id}>
                      <td>
                        <Link to="/organizations/$id" params={{ id: o.id }}>
                          {o.name}
                        </Link>
                      </td>
                      <td>
                        <TierBadge tier={o.tier} />
                      </td>
                      <td>{o.customerCount}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              nextCursor={page.nextCursor}
              onFirstPage={!search.cursor}
              onNext={(cursor) => void nav({ search: (s) => ({ ...s, cursor }) })}
              onFirst={() => void nav({ search: (s) => ({ ...s, cursor: undefined }) })}
            />
          </>
        )}
      </Loadable>
    </div>
  );
}
