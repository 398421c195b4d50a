import { useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { PRIORITIES, TEMPERATURES, type Priority, type Temperature } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState } from '../../components/States.js';
import { formatDateTime, parseTags } from '../../lib/format.js';
import { useSession } from '../../session.js';
import { describeFact } from '../escalations/origin.js';
import { describeTrace } from '../escalations/trace.js';
import { CHANNELS, TIERS, type Path, type Simulation } from './admin-api.js';
import { AdminPage, TeamSelect, localInputToIso, toLocalInput, useAction, useLoad } from './common.js';
import { levelLabel } from '../../lib/level-label.js';

/** "If this ticket arrived then, which path would match, and who would be told when?" */
export function SimulatorPage() {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const paths = useLoad(qk.admin('escalation-paths'), (signal) => client.get<{ items: Path[] }>('/api/v1/escalation-paths', undefined, signal).then((r) => r.items));
  const initialPath = new URLSearchParams(window.location.search).get('path') ?? '';
  const [form, setForm] = useState({
    subject: '',
    body: '',
    category: '',
    product: '',
    tags: '',
    priority: 'normal' as Priority,
    channel: 'email' as (typeof CHANNELS)[number],
    customerTier: 'standard',
    temperature: 'calm' as Temperature,
    teamId: '',
    arrival: toLocalInput(new Date(), user.timeZone),
    pathId: initialPath,
  });
  const [result, setResult] = useState<Simulation | null>(null);
  const action = useAction();
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));
  const when = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language, user.timeZone) : '—');

  const run = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      ticket: {
        subject: form.subject,
        body: form.body,
        category: form.category.trim() || null,
        product: form.product.trim() || null,
        tags: parseTags(form.tags),
        priority: form.priority,
        channel: form.channel,
        customerTier: form.customerTier,
        temperature: form.temperature,
        teamId: form.teamId || null,
      },
      arrivalAt: new Date(localInputToIso(form.arrival, user.timeZone)).toISOString(),
      ...(form.pathId ? { pathId: form.pathId } : {}),
    };
    const r = await action.run(() => client.post<Simulation>('/api/v1/escalation-paths/simulate', body));
    if (r) setResult(r);
  };

  return (
    <AdminPage title={t('admin2.sim.title')}>
      <p className="muted">{t('admin2.sim.intro')}</p>
      <form className="card" onSubmit={(e) => void run(e)} aria-labelledby="sim-form-title">
        <h2 id="sim-form-title">{t('admin2.sim.ticket')}</h2>
        <div className="grid-form">
          <div className="field span-all">
            <label htmlFor="sim-subject">{t('admin2.sim.subject')}</label>
            <input id="sim-subject" maxLength={500} value={form.subject} onChange={(e) => set('subject', e.target.value)} />
          </div>
          <div className="field span-all">
            <label htmlFor="sim-body">{t('admin2.sim.body')}</label>
            <textarea id="sim-body" rows={2} value={form.body} onChange={(e) => set('body', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="sim-category">{t('admin2.sim.category')}</label>
            <input id="sim-category" value={form.category} onChange={(e) => set('category', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="sim-product">{t('admin2.sim.product')}</label>
            <input id="sim-product" value={form.product} onChange={(e) => set('product', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="sim-tags">{t('admin2.sim.tags')}</label>
            <input id="sim-tags" value={form.tags} onChange={(e) => set('tags', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="sim-priority">{t('admin2.sim.priority')}</label>
            <select id="sim-priority" value={form.priority} onChange={(e) => set('priority', e.target.value as Priority)}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="sim-channel">{t('admin2.sim.channel')}</label>
            <select id="sim-channel" value={form.channel} onChange={(e) => set('channel', e.target.value as (typeof CHANNELS)[number])}>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {t(`channel.${c}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="sim-tier">{t('admin2.sim.tier')}</label>
            <select id="sim-tier" value={form.customerTier} onChange={(e) => set('customerTier', e.target.value)}>
              {TIERS.map((c) => (
                <option key={c} value={c}>
                  {t(`tiers.${c}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="sim-temp">{t('temperature.label')}</label>
            <select id="sim-temp" value={form.temperature} onChange={(e) => set('temperature', e.target.value as Temperature)}>
              {TEMPERATURES.map((c) => (
                <option key={c} value={c}>
                  {t(`temperature.${c}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="sim-team">{t('admin2.sim.team')}</label>
            <TeamSelect id="sim-team" value={form.teamId || null} onChange={(v) => set('teamId', v ?? '')} />
          </div>
          <div className="field">
            <label htmlFor="sim-arrival">{t('admin2.sim.arrival', { zone: user.timeZone })}</label>
            <input id="sim-arrival" type="datetime-local" required value={form.arrival} onChange={(e) => set('arrival', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="sim-path">{t('admin2.sim.path')}</label>
            <select id="sim-path" value={form.pathId} onChange={(e) => set('pathId', e.target.value)}>
              <option value="">{t('admin2.sim.pathAuto')}</option>
              {(paths.data ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        {paths.error !== null && <ErrorMessage error={paths.error} onRetry={paths.reload} />}
        {action.error !== null && <ErrorMessage error={action.error} />}
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {t('admin2.sim.run')}
        </button>
      </form>

      {result && (
        <section className="card" aria-labelledby="sim-result-title" aria-live="polite">
          <h2 id="sim-result-title">{t('admin2.sim.result', { time: when(result.arrivalAt) })}</h2>
          <h3>{t('admin2.sim.matches')}</h3>
          {result.matches.length === 0 ? (
            <EmptyState>{t('admin2.sim.noMatch')}</EmptyState>
          ) : (
            <ol>
              {result.matches.map((m) => (
                <li key={m.pathId}>
                  <strong>{m.pathName}</strong> <span className="muted small">v{m.version} · {t('admin2.sim.score', { score: m.score })}</span>
                  {m.pathId === result.pathId && <span className="pill pill-ok"> {t('admin2.sim.chosen')}</span>}
                  {m.facts.length > 0 && (
                    <ul className="reasons small">
                      {m.facts.map((f, i) => (
                        <li key={i}>{describeFact(f, t)}</li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          )}
          {result.prediction && (
            <>
              <h3>{t('admin2.sim.timeline')}</h3>
              <div className="table-wrap">
                <table className="timeline-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('admin2.sim.level')}</th>
                      <th scope="col">{t('admin2.sim.reachedAt')}</th>
                      <th scope="col">{t('admin2.sim.who')}</th>
                      <th scope="col">{t('admin2.sim.ackDue')}</th>
                      <th scope="col">{t('admin2.sim.reminders')}</th>
                      <th scope="col">{t('admin2.sim.leftAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.prediction.levels.map((l) => (
                      <tr key={l.levelIndex} className={l.skipped ? 'skipped' : ''}>
                        <th scope="row">
                          {levelLabel(l.levelIndex, l.name)}
                          {l.skipped && <span className="muted small"> ({t('admin2.sim.skipped')})</span>}
                        </th>
                        <td>{when(l.reachedAt)}</td>
                        <td>
                          {l.targets.map((tg) => (
                            <div key={tg.key}>
                              {tg.receivers.map((p) => p.name).join(', ') || <span className="muted">{t('admin2.sim.nobody')}</span>}
                              {tg.trace.length > 0 && <div className="muted small">{describeTrace(tg.traceFacts, tg.trace, t).join(' → ')}</div>}
                            </div>
                          ))}
                        </td>
                        <td>{when(l.ackDueAt)}</td>
                        <td>
                          {l.reminders.length === 0
                            ? '—'
                            : l.reminders.map((r, i) => (
                                <div key={i} className="small">
                                  {when(r.at)}
                                </div>
                              ))}
                        </td>
                        <td>{when(l.leftAt)}</td>
                      </tr>
                    ))}
                    {result.prediction.fallback && (
                      <tr>
                        <th scope="row">{t('admin2.sim.fallback')}</th>
                        <td>{when(result.prediction.fallback.at)}</td>
                        <td colSpan={4}>
                          {result.prediction.fallback.receivers.map((p) => p.name).join(', ') || t('admin2.sim.nobody')}
                          {result.prediction.fallback.adminAlert && <span className="pill pill-danger"> {t('admin2.sim.adminAlert')}</span>}
                          <div className="muted small">{describeTrace(result.prediction.fallback.traceFacts, result.prediction.fallback.trace, t).join(' → ')}</div>
                        </td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </div>
              {result.prediction.stalled && <p className="review-due">{t('admin2.sim.stalled')}</p>}
              {result.prediction.truncated && <p className="muted small">{t('admin2.sim.truncated')}</p>}
            </>
          )}
        </section>
      )}
    </AdminPage>
  );
}
