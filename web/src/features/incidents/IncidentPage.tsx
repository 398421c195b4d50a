import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page, Ticket } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import { countdown, useIncidentPage, useNow, type Incident, type IncidentEvent, type Rca } from './incidents-api.js';
import './incidents.css';

const ROLES = ['commander', 'communications_lead', 'technical_lead', 'customer_liaison', 'scribe'];
const SECTIONS = ['occurred', 'impact', 'cause', 'response', 'prevention'];

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="incident-section" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** One incident: summary, cadence countdown, update composer, task force, tickets, customers, plan, timeline, resolution, RCA. */
export function IncidentPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const directory = useDirectory();
  const { data, error, reload } = useIncidentPage(id);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // "Exclude from resolution" boxes show the value being saved until the page's data has it (a controlled box snapped back meanwhile).
  const [excluding, setExcluding] = useState<Record<string, boolean>>({});
  useEffect(() => setExcluding({}), [data]);
  const lang = i18n.language === 'en' ? 'en' : 'ja';
  const fmt = (iso: string | null | undefined) => formatDateTime(iso ?? null, lang, user.timeZone);
  const act = async (fn: () => Promise<unknown>, done?: string) => {
    setActionError(null);
    try {
      await fn();
      if (done) setNotice(done);
      reload();
    } catch (e) {
      setActionError(e);
    }
  };
  if (error) return <div className="page"><ErrorMessage error={error} onRetry={reload} /></div>;
  if (!data) return <div className="page"><Loading /></div>;
  const inc = data.incident;
  const active = inc.state === 'active';
  const holder = (role: string) => inc.roles.find((r) => r.role === role);
  return (
    <div className="page">
      <Link to="/incidents" className="back-link">
        ← {t('incidents.back')}
      </Link>
      <header className="page-head">
        <h1>
          <span className={`sev sev-${inc.severity}`}>{inc.severity}</span> {inc.title}
        </h1>
        <span>{t(`incidents.state.${inc.state}`)}</span>
      </header>
      <p className="muted">
        {t('incidents.startedAt', { date: fmt(inc.startedAt) })}
        {inc.problemRef ? ` · ${t('incidents.problemRef')}: ${inc.problemRef}` : ''}
        {inc.internalOnly ? ` · ${t('incidents.internalOnly')}` : ''}
      </p>
      {inc.summary && <p>{inc.summary}</p>}
      {notice && <p role="status" className="notice">{notice}</p>}
      {actionError ? <ErrorMessage error={actionError} /> : null}
      <div className="incident-grid">
        <div>
          {active && <Cadence incident={inc} />}
          {active && <Composer incident={inc} onPosted={() => void act(async () => undefined, t('incidents.posted'))} />}
          <Section title={t('incidents.updates')}>
            {data.updates.length === 0 ? <p className="muted">—</p> : null}
            {data.updates.map((u) => (
              <article key={u.id} className="upd">
                <strong>{t(`incidents.updateState.${u.state}`)}</strong> <span className="muted small">{fmt(u.createdAt)} · {t(`incidents.audience.${u.audience}`)} · {u.authorName}</span>
                <p>{u.body[lang]}</p>
                {u.nextUpdateAt && <p className="muted small">{t('incidents.nextUpdateAt')}: {fmt(u.nextUpdateAt)}</p>}
              </article>
            ))}
          </Section>
          <Section title={`${t('incidents.tickets')} (${t('incidents.ticketCounts', { total: inc.counts.tickets, open: inc.counts.openTickets })})`}>
            <table className="incident-table">
              <tbody>
                {data.tickets.map((tk) => (
                  <tr key={tk.id}>
                    <td><Link to={`/tickets/${tk.id}`}>#{tk.number}</Link></td>
                    <td>{tk.subject}</td>
                    <td>{t(`status.${tk.status}`, { defaultValue: tk.status })}</td>
                    <td>{tk.requesterName} {tk.requesterLocale ? `(${t(`languages.${tk.requesterLocale}`, { defaultValue: tk.requesterLocale })})` : ''}</td>
                    <td>
                      {active && (
                        <label className="small">
                          <input
                            type="checkbox"
                            checked={excluding[tk.id] ?? tk.excludeFromResolution}
                            onChange={(e) => {
                              const excludeFromResolution = e.target.checked;
                              setExcluding((x) => ({ ...x, [tk.id]: excludeFromResolution }));
                              void act(() =>
                                client.patch(`/api/v1/incidents/${id}/tickets/${tk.id}`, { excludeFromResolution }).catch((err: unknown) => {
                                  setExcluding(({ [tk.id]: _, ...rest }) => rest);
                                  throw err;
                                }),
                              );
                            }}
                          /> {t('incidents.excluded')}
                        </label>
                      )}
                    </td>
                    <td>{active && <button type="button" className="btn btn-small btn-quiet" onClick={() => void act(() => client.delete(`/api/v1/incidents/${id}/tickets/${tk.id}`))}>{t('incidents.unlink')}</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {active && data.suggested.length > 0 && (
              <div>
                <h3 className="small">{t('incidents.suggested')}</h3>
                <ul>
                  {data.suggested.slice(0, 10).map((sg) => (
                    <li key={sg.id}>
                      <Link to={`/tickets/${sg.id}`}>#{sg.number}</Link> {sg.subject} <span className="muted small">({sg.reasons.map((r) => t(`incidents.suggestReason.${r}`)).join(', ')})</span>{' '}
                      <button type="button" className="btn btn-small" onClick={() => void act(() => client.post(`/api/v1/incidents/${id}/tickets`, { ticketIds: [sg.id] }))}>{t('incidents.link')}</button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {active && <LinkForm onLink={(ids) => act(() => client.post(`/api/v1/incidents/${id}/tickets`, { ticketIds: ids }))} />}
          </Section>
          {active && <ResolveForm onResolve={(body) => act(() => client.post(`/api/v1/incidents/${id}/resolve`, body))} />}
          {inc.resolvedAt && <p className="notice">{t('incidents.resolvedNote', { date: fmt(inc.resolvedAt) })}</p>}
          {inc.state !== 'active' && <RcaEditor id={id} rca={data.rca} act={act} />}
        </div>
        <div>
          <Section title={t('incidents.taskForce')}>
            <table className="incident-table">
              <tbody>
                {ROLES.map((role) => (
                  <tr key={role}>
                    <th scope="row">{t(`incidents.role.${role}`)}</th>
                    <td>
                      {active ? (
                        <select aria-label={t(`incidents.role.${role}`)} value={holder(role)?.userId ?? ''} onChange={(e) => void act(() => client.put(`/api/v1/incidents/${id}/roles/${role}`, { userId: e.target.value || null }))}>
                          <option value="">{t('incidents.unassigned')}</option>
                          {directory.users.map((u) => (
                            <option key={u.id} value={u.id}>{u.name}</option>
                          ))}
                        </select>
                      ) : (holder(role)?.name ?? '—')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Section title={t('incidents.services')}>
            <ul>
              {inc.services.map((s) => (
                <li key={s.id}>{s.name[lang]} — {t(`incidents.serviceStatus.${s.status}`)}</li>
              ))}
            </ul>
          </Section>
          <Section title={`${t('incidents.customers')} (${t('incidents.customersCount', { n: data.customers.length })})`}>
            <ul>
              {data.customers.slice(0, 50).map((c) => (
                <li key={c.id}>{c.name} <span className="muted small">{[c.organizationName, c.tier && t(`tiers.${c.tier}`, { defaultValue: c.tier }), c.locale && t(`languages.${c.locale}`, { defaultValue: c.locale })].filter(Boolean).join(' · ')} · {c.via.map((v) => t(`incidents.via.${v}`)).join(', ')}</span></li>
              ))}
            </ul>
            {active && (
              <div className="row-form">
                <label>
                  {t('incidents.addTier')}
                  <select id="tier-pick" defaultValue="platinum">
                    {['platinum', 'gold', 'silver', 'standard'].map((x) => <option key={x} value={x}>{t(`tiers.${x}`)}</option>)}
                  </select>
                </label>
                <button type="button" className="btn btn-small" onClick={() => void act(() => client.post(`/api/v1/incidents/${id}/audiences`, { kind: 'tier', ref: (document.getElementById('tier-pick') as HTMLSelectElement).value }))}>{t('incidents.add')}</button>
              </div>
            )}
          </Section>
          <Section title={t('incidents.actionPlan')}>
            <ul>
              {data.tasks.map((task) => (
                <li key={task.id}>
                  {task.state === 'done' ? <s>{task.title}</s> : task.title} <span className="muted small">{task.ownerName ?? '—'} · {task.dueAt ? fmt(task.dueAt) : '—'} · {t(`incidents.taskState.${task.state}`)}</span>
                  {task.overdue && <strong className="countdown overdue small"> {t('incidents.overdue')}</strong>}
                  {task.state !== 'done' && <button type="button" className="btn btn-small btn-quiet" onClick={() => void act(() => client.patch(`/api/v1/incidents/${id}/tasks/${task.id}`, { state: 'done' }))}>{t('incidents.markDone')}</button>}
                </li>
              ))}
            </ul>
            <TaskForm users={directory.users} onAdd={(body) => act(() => client.post(`/api/v1/incidents/${id}/tasks`, body))} />
          </Section>
          <Section title={t('incidents.timeline')}>
            <ol className="incident-timeline">
              {data.timeline.map((e) => (
                <li key={e.id}>
                  <span className="muted small">{fmt(e.at)}</span> {e.actorName ?? t('incidents.system')}: {describe(t, e)}
                </li>
              ))}
            </ol>
          </Section>
        </div>
      </div>
    </div>
  );
}

function describe(t: (k: string, o?: Record<string, unknown>) => string, e: IncidentEvent): string {
  const key = e.kind.replace(/\./g, '_');
  const role = typeof e.data.role === 'string' ? ` (${t(`incidents.role.${e.data.role}`)})` : '';
  return t(`incidents.event.${key}`, { ...e.data, defaultValue: t('incidents.event.other', { kind: e.kind }) }) + role;
}

function Cadence({ incident }: { incident: Incident }) {
  const { t } = useTranslation();
  const now = useNow();
  const cell = (label: string, due: string | null) => {
    if (!due) return null;
    const c = countdown(due, now);
    return (
      <div>
        <div className="muted small">{label}</div>
        <div className={c.overdue ? 'countdown overdue' : 'countdown'} aria-label={`${label} ${c.text}`}>
          {c.text} {c.overdue ? t('incidents.overdueBy') : ''}
        </div>
      </div>
    );
  };
  return (
    <Section title={t('incidents.cadence')}>
      <div className="row-form">
        {cell(t('incidents.internalDue'), incident.cadence.internalDueAt)}
        {cell(t('incidents.customerDue'), incident.cadence.customerDueAt)}
      </div>
    </Section>
  );
}

function Composer({ incident, onPosted }: { incident: Incident; onPosted: () => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [state, setState] = useState('investigating');
  const [ja, setJa] = useState('');
  const [en, setEn] = useState('');
  const [audience, setAudience] = useState(incident.internalOnly ? 'internal' : 'public');
  const [next, setNext] = useState(String(incident.cadence.updateIntervalMinutes || 30));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.post(`/api/v1/incidents/${incident.id}/updates`, { state, body: { ja, en }, audience, nextUpdateAt: new Date(Date.now() + Number(next) * 60_000).toISOString() });
      setJa('');
      setEn('');
      onPosted();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="incident-section" onSubmit={(e) => void submit(e)} aria-label={t('incidents.composer')}>
      <h2>{t('incidents.composer')}</h2>
      <div className="row-form">
        <label>
          {t('incidents.stateLabel')}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            {['investigating', 'identified', 'monitoring'].map((s) => <option key={s} value={s}>{t(`incidents.updateState.${s}`)}</option>)}
          </select>
        </label>
        <label>
          {t('incidents.nextUpdateInMinutes')}
          <input type="number" min={1} max={1440} value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <label>
          &nbsp;
          <select value={audience} onChange={(e) => setAudience(e.target.value)} disabled={incident.internalOnly} aria-label={t('incidents.audience.public')}>
            <option value="public">{t('incidents.audience.public')}</option>
            <option value="internal">{t('incidents.audience.internal')}</option>
          </select>
        </label>
      </div>
      <div className="composer-langs">
        <label>
          {t('incidents.bodyJa')}
          <textarea lang="ja" value={ja} onChange={(e) => setJa(e.target.value)} required />
        </label>
        <label>
          {t('incidents.bodyEn')}
          <textarea lang="en" value={en} onChange={(e) => setEn(e.target.value)} required />
        </label>
      </div>
      {error ? <ErrorMessage error={error} /> : null}
      <button type="submit" className="btn btn-primary" disabled={busy}>{t('incidents.post')}</button>
    </form>
  );
}

function LinkForm({ onLink }: { onLink: (ids: string[]) => Promise<void> }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [numbers, setNumbers] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ids: string[] = [];
    for (const n of numbers.split(/[\s,、]+/).map((x) => x.replace(/^#/, '')).filter(Boolean)) {
      const hit = (await client.get<Page<Ticket>>('/api/v1/tickets', { text: n, limit: 5 })).items.find((x) => String(x.number) === n);
      if (hit) ids.push(hit.id);
    }
    if (ids.length) await onLink(ids);
    setNumbers('');
  };
  return (
    <form className="row-form" onSubmit={(e) => void submit(e)}>
      <label>
        {t('incidents.linkTickets')}
        <input value={numbers} onChange={(e) => setNumbers(e.target.value)} />
      </label>
      <button type="submit" className="btn btn-small">{t('incidents.link')}</button>
    </form>
  );
}

function TaskForm({ users, onAdd }: { users: { id: string; name: string }[]; onAdd: (body: unknown) => Promise<void> }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [minutes, setMinutes] = useState('30');
  return (
    <form
      className="row-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onAdd({ title, ownerId: owner || null, dueAt: new Date(Date.now() + Number(minutes) * 60_000).toISOString() }).then(() => setTitle(''));
      }}
    >
      <label>
        {t('incidents.taskTitle')}
        <input value={title} onChange={(e) => setTitle(e.target.value)} required />
      </label>
      <label>
        {t('incidents.owner')}
        <select value={owner} onChange={(e) => setOwner(e.target.value)}>
          <option value="">—</option>
          {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </label>
      <label>
        {t('incidents.dueInMinutes')}
        <input type="number" min={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      </label>
      <button type="submit" className="btn btn-small">{t('incidents.addTask')}</button>
    </form>
  );
}

function ResolveForm({ onResolve }: { onResolve: (body: unknown) => Promise<void> }) {
  const { t } = useTranslation();
  const [ja, setJa] = useState('');
  const [en, setEn] = useState('');
  return (
    <form className="incident-section" aria-label={t('incidents.resolveTitle')} onSubmit={(e) => (e.preventDefault(), void onResolve({ resolution: { ja, en } }))}>
      <h2>{t('incidents.resolveTitle')}</h2>
      <div className="composer-langs">
        <label>{t('incidents.resolutionJa')}<textarea lang="ja" value={ja} onChange={(e) => setJa(e.target.value)} required /></label>
        <label>{t('incidents.resolutionEn')}<textarea lang="en" value={en} onChange={(e) => setEn(e.target.value)} required /></label>
      </div>
      <button type="submit" className="btn btn-danger">{t('incidents.resolveButton')}</button>
    </form>
  );
}

function RcaEditor({ id, rca, act }: { id: string; rca: Rca | null; act: (fn: () => Promise<unknown>, done?: string) => Promise<void> }) {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const directory = useDirectory();
  const [owner, setOwner] = useState(user.id);
  const [internal, setInternal] = useState<Record<string, string>>(rca?.internal ?? {});
  const [customer, setCustomer] = useState<{ ja: Record<string, string>; en: Record<string, string> }>(rca?.customer ?? { ja: {}, en: {} });
  if (!rca)
    return (
      <Section title={t('incidents.rca')}>
        <div className="row-form">
          <label>
            {t('incidents.rcaOwner')}
            <select value={owner} onChange={(e) => setOwner(e.target.value)}>
              {directory.users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>
          </label>
          <button type="button" className="btn" onClick={() => void act(() => client.post(`/api/v1/incidents/${id}/rca`, { ownerId: owner, dueAt: new Date(Date.now() + 5 * 86_400_000).toISOString() }))}>{t('incidents.requestRca')}</button>
        </div>
      </Section>
    );
  const editable = rca.state === 'requested' || rca.state === 'in_review';
  const save = (submit: boolean) => act(() => client.patch(`/api/v1/incidents/${id}/rca`, { internal, customer, submit }));
  return (
    <Section title={`${t('incidents.rca')} — ${t(`incidents.rcaState.${rca.state}`)}`}>
      {(['rootCause', 'contributingFactors', 'wentWell'] as const).map((k) => (
        <label key={k} className="field">
          {t(`incidents.${k === 'contributingFactors' ? 'contributing' : k}`)}
          <textarea value={internal[k] ?? ''} disabled={!editable} onChange={(e) => setInternal({ ...internal, [k]: e.target.value })} />
        </label>
      ))}
      <h3>{t('incidents.customerReport')}</h3>
      {SECTIONS.map((s) => (
        <div key={s} className="composer-langs">
          <label>{t('incidents.sectionIn', { section: t(`incidents.section.${s}`), language: t('languages.ja') })}<textarea lang="ja" value={customer.ja[s] ?? ''} disabled={!editable} onChange={(e) => setCustomer({ ...customer, ja: { ...customer.ja, [s]: e.target.value } })} /></label>
          <label>{t('incidents.sectionIn', { section: t(`incidents.section.${s}`), language: t('languages.en') })}<textarea lang="en" value={customer.en[s] ?? ''} disabled={!editable} onChange={(e) => setCustomer({ ...customer, en: { ...customer.en, [s]: e.target.value } })} /></label>
        </div>
      ))}
      <p className="row-form">
        {editable && <button type="button" className="btn" onClick={() => void save(false)}>{t('incidents.save')}</button>}
        {rca.state === 'requested' && <button type="button" className="btn btn-primary" onClick={() => void save(true)}>{t('incidents.submit')}</button>}
        {rca.state === 'in_review' && ['manager', 'admin'].includes(user.role) && <button type="button" className="btn btn-primary" onClick={() => void act(() => client.post(`/api/v1/incidents/${id}/rca/approve`))}>{t('incidents.approve')}</button>}
        {rca.state === 'approved' && ['manager', 'admin'].includes(user.role) && <button type="button" className="btn btn-primary" onClick={() => void act(() => client.post(`/api/v1/incidents/${id}/rca/share`))}>{t('incidents.share')}</button>}
        <a className="btn btn-quiet" href={`/api/v1/incidents/${id}/rca/report?lang=ja`} target="_blank" rel="noreferrer">{t('incidents.printIn', { language: t('languages.ja') })}</a>
        <a className="btn btn-quiet" href={`/api/v1/incidents/${id}/rca/report?lang=en`} target="_blank" rel="noreferrer">{t('incidents.printIn', { language: t('languages.en') })}</a>
      </p>
    </Section>
  );
}
