import { qk } from '../../api/query-keys.js';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page, Ticket } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link, navigate } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { useIncidentData, type Incident, type Service } from './incidents-api.js';
import './incidents.css';

const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
export const mayDeclare = (role: string) => ['supervisor', 'manager', 'admin'].includes(role);

/** The incident list, and (for supervisors and above) the declare form; ?tickets=1,2 pre-fills a selection. */
export function IncidentsPage() {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const list = useIncidentData(qk.incidents.list({ limit: 100 }), (signal) => client.get<Page<Incident>>('/api/v1/incidents', { limit: 100 }, signal));
  const services = useIncidentData(qk.incidents.services(), (signal) => client.get<{ items: Service[] }>('/api/v1/services', undefined, signal));
  const preset = new URLSearchParams(window.location.search).get('tickets') ?? '';
  const [open, setOpen] = useState(preset !== '');
  const lang = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <div className="page">
      <header className="page-head">
        <h1>{t('incidents.listTitle')}</h1>
        <span className="incident-head-actions">
          {/* The services catalogue is managers' and administrators' (services.manage); the settings are administrators'. */}
          {['manager', 'admin'].includes(user.role) && (
            <Link to="/admin/services" className="btn btn-quiet">
              {t('incidents.manageServices')}
            </Link>
          )}
          {user.role === 'admin' && (
            <Link to="/admin/incident-settings" className="btn btn-quiet">
              {t('incidents.settingsLink')}
            </Link>
          )}
          {mayDeclare(user.role) && (
            <button type="button" className="btn btn-primary" onClick={() => setOpen(!open)} aria-expanded={open}>
              {t('incidents.declare')}
            </button>
          )}
        </span>
      </header>
      {open && <DeclareForm services={services.data?.items ?? []} presetNumbers={preset} />}
      {list.error ? <ErrorMessage error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.items.length === 0 && <EmptyState>{t('incidents.none')}</EmptyState>}
      {list.data && list.data.items.length > 0 && (
        <table className="incident-table">
          <thead>
            <tr>
              <th>{t('incidents.severity')}</th>
              <th>{t('incidents.title')}</th>
              <th>{t('incidents.services')}</th>
              <th>{t('incidents.tickets')}</th>
              <th>{t('incidents.startedAt', { date: '' })}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((i) => (
              <tr key={i.id}>
                <td>
                  <span className={`sev sev-${i.severity}`}>{i.severity}</span> {t(`incidents.state.${i.state}`)}
                </td>
                <td>
                  <Link to={`/incidents/${i.id}`}>{i.title}</Link>
                </td>
                <td>{i.services.map((s) => s.name[lang]).join(', ')}</td>
                <td>{t('incidents.ticketCounts', { total: i.counts.tickets, open: i.counts.openTickets })}</td>
                <td>{formatDateTime(i.startedAt, lang, user.timeZone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function DeclareForm({ services, presetNumbers }: { services: Service[]; presetNumbers: string }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const lang = i18n.language === 'en' ? 'en' : 'ja';
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [severity, setSeverity] = useState('SEV2');
  const [numbers, setNumbers] = useState(presetNumbers);
  const [serviceId, setServiceId] = useState('');
  const [impact, setImpact] = useState('major_outage');
  const [internalOnly, setInternalOnly] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const wanted = numbers.split(/[\s,、]+/).map((n) => n.replace(/^#/, '')).filter(Boolean);
      const ticketIds: string[] = [];
      const missing: string[] = [];
      for (const n of wanted) {
        const page = await client.get<Page<Ticket>>('/api/v1/tickets', { text: n, limit: 5 });
        const hit = page.items.find((x) => String(x.number) === n);
        if (hit) ticketIds.push(hit.id);
        else missing.push(n);
      }
      if (missing.length) throw new Error(t('incidents.unknownTickets', { numbers: missing.join(', ') }));
      const created = await client.post<Incident>('/api/v1/incidents', { title, summary, severity, ticketIds, internalOnly, services: serviceId ? [{ id: serviceId, impact }] : [] });
      navigate(`/incidents/${created.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="incident-section" onSubmit={(e) => void submit(e)} aria-label={t('incidents.declareTitle')}>
      <h2>{t('incidents.declareTitle')}</h2>
      <div className="row-form">
        <label>
          {t('incidents.title')}
          <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} size={40} />
        </label>
        <label>
          {t('incidents.severity')}
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          {t('incidents.ticketNumbers')}
          <input value={numbers} onChange={(e) => setNumbers(e.target.value)} placeholder="1001, 1002" />
        </label>
        <label>
          {t('incidents.services')}
          <select value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
            <option value="">—</option>
            {services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name[lang]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('incidents.impact')}
          <select value={impact} onChange={(e) => setImpact(e.target.value)}>
            {['degraded', 'partial_outage', 'major_outage', 'maintenance'].map((s) => (
              <option key={s} value={s}>
                {t(`incidents.serviceStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        {t('incidents.summary')}
        <textarea value={summary} onChange={(e) => setSummary(e.target.value)} maxLength={20000} />
      </label>
      <label>
        <input type="checkbox" checked={internalOnly} onChange={(e) => setInternalOnly(e.target.checked)} /> {t('incidents.internalOnly')}
      </label>
      {error ? <ErrorMessage error={error} /> : null}
      <p>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? t('incidents.declaring') : t('incidents.declareButton')}
        </button>
      </p>
    </form>
  );
}
