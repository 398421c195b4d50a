import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import type { Customer, Page } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loadable } from '../../components/Loadable.js';
import { Notice } from '../../components/States.js';
import { useSession } from '../../session.js';
import { CustomerTickets, IDENTITY_ROLES } from './CustomerPage.js';
import { CustomerTable, TIERS, TierBadge, type Organization } from './DirectoryPages.js';

const orgApi = getRouteApi('/organizations/$id');

export function OrganizationRoute() {
  const { id } = orgApi.useParams();
  return <OrganizationPage id={id} key={id} />;
}

/** An organization: its tier, its customers and their tickets; name and tier edited by supervisors and above. */
function OrganizationPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const org = useQuery({
    queryKey: [...qk.customers.all, 'organization', id],
    queryFn: ({ signal }) => client.get<Organization>(`/api/v1/organizations/${encodeURIComponent(id)}`, undefined, signal),
  });
  const customers = useQuery({
    queryKey: [...qk.customers.all, 'list', { organizationId: id, limit: 200 }],
    queryFn: ({ signal }) => client.get<Page<Customer>>('/api/v1/customers', { organizationId: id, limit: 200 }, signal),
  });
  return (
    <div className="page">
      <Loadable query={org}>
        {(o) => (
          <>
            <div className="page-head">
              <h1 data-testid="organization-name">{o.name}</h1>
              <TierBadge tier={o.tier} />
              {IDENTITY_ROLES.has(user.role) && !editing && (
                <button type="button" className="btn" onClick={() => (setEditing(true), setSaved(false))}>
                  {t('directory.edit')}
                </button>
              )}
            </div>
            {saved && <Notice>{t('directory.saved')}</Notice>}
            {editing && <OrganizationEditForm org={o} onDone={(ok) => (setEditing(false), setSaved(ok))} />}
            <section aria-labelledby="org-customers">
              <h2 id="org-customers">
                {t('directory.customers')} <span className="muted small">{t('directory.customerCount', { count: o.customerCount })}</span>
              </h2>
              <Loadable query={customers} empty={t('directory.noCustomers')}>
                {(page) => <CustomerTable items={page.items} showOrganization={false} />}
              </Loadable>
            </section>
            <CustomerTickets query={{ organization: id }} />
          </>
        )}
      </Loadable>
    </div>
  );
}

function OrganizationEditForm({ org, onDone }: { org: Organization; onDone: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const qc = useQueryClient();
  const [name, setName] = useState(org.name);
  const [tier, setTier] = useState<string>(org.tier);
  const save = useMutation({
    mutationFn: (patch: Record<string, unknown>) => client.patch<Organization>(`/api/v1/organizations/${encodeURIComponent(org.id)}`, patch),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: qk.customers.all });
      onDone(true);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const patch: Record<string, unknown> = {};
    if (name.trim() !== org.name) patch.name = name.trim();
    if (tier !== org.tier) patch.tier = tier;
    if (Object.keys(patch).length === 0) return onDone(false);
    save.mutate(patch);
  };
  return (
    <form className="card customer-edit" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="oe-name">{t('directory.name')}</label>
        <input id="oe-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
      </div>
      <div className="field">
        <label htmlFor="oe-tier">{t('directory.tier')}</label>
        <select id="oe-tier" value={tier} onChange={(e) => setTier(e.target.value)}>
          {TIERS.map((x) => (
            <option key={x} value={x}>
              {t(`tiers.${x}`)}
            </option>
          ))}
        </select>
      </div>
      {save.error !== null && <ErrorMessage error={save.error} fieldLabels={{ name: t('directory.name'), tier: t('directory.tier') }} />}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {t('directory.save')}
        </button>
        <button type="button" className="btn btn-quiet" onClick={() => onDone(false)}>
          {t('directory.cancel')}
        </button>
      </div>
    </form>
  );
}
