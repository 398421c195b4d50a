import { useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { PRIORITIES, type Priority } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { useDirectory, useSession } from '../../session.js';
import { CHANNELS, CLOCKS, TIERS, type Calendar, type ClockKey, type SlaAction, type SlaPolicy, type SlaWarning } from './admin-api.js';
import { AdminPage, CheckGroup, DurationInput, ListInput, formatDuration, useAction, useLoad } from './common.js';

type Draft = Omit<SlaPolicy, 'id' | 'version' | 'createdAt' | 'updatedAt'>;
const RECIPIENTS = ['assignee', 'team', 'team_manager'] as const;
type Recipient = (typeof RECIPIENTS)[number];
const PAUSABLE = ['new', 'open', 'pending', 'on_hold'] as const;

const HOURS: Record<Priority, [number, number, number]> = { urgent: [1, 2, 8], high: [2, 4, 24], normal: [4, 8, 40], low: [8, 16, 80] };
const newPolicy = (position: number): Draft => ({
  name: '',
  position,
  active: true,
  conditions: {},
  targets: Object.fromEntries(PRIORITIES.map((p) => [p, { firstResponse: { seconds: HOURS[p][0] * 3600, calendarId: null }, nextResponse: { seconds: HOURS[p][1] * 3600, calendarId: null }, resolution: { seconds: HOURS[p][2] * 3600, calendarId: null } }])),
  pauseStatuses: ['pending', 'on_hold'],
  warnings: { firstResponse: [{ elapsedPercent: 75 }], nextResponse: [{ elapsedPercent: 75 }], resolution: [{ elapsedPercent: 75 }] },
  actions: { onWarning: [{ type: 'notify', recipients: ['assignee'] }], onBreach: [{ type: 'notify', recipients: ['assignee', 'team_manager'] }] },
});

export function SlaPoliciesPage() {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const data = useLoad(qk.admin('sla-policies'), (signal) => Promise.all([client.get<{ items: SlaPolicy[] }>('/api/v1/sla-policies', undefined, signal).then((r) => r.items), client.get<{ items: Calendar[] }>('/api/v1/calendars', { limit: 200 }, signal).then((r) => r.items)]));
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const policies = data.data?.[0] ?? [];
  const calendars = data.data?.[1] ?? [];
  const current = policies.find((p) => p.id === selected) ?? null;

  return (
    <AdminPage title={t('admin2.sla.title')} actions={<button type="button" className="btn btn-primary" onClick={() => setSelected('new')}>{t('admin2.sla.new')}</button>}>
      <p className="muted">{t('admin2.sla.intro')}</p>
      {notice && <Notice>{notice}</Notice>}
      {data.error !== null && <ErrorMessage error={data.error} onRetry={data.reload} />}
      {data.data === null && data.error === null && <Loading />}
      {data.data && (
        <div className="split">
          <section className="card list-panel" aria-labelledby="sla-list">
            <h2 id="sla-list">{t('admin2.sla.order')}</h2>
            {policies.length === 0 && <EmptyState>{t('admin2.sla.empty')}</EmptyState>}
            <ol className="pick-list">
              {policies.map((p) => (
                <li key={p.id}>
                  <button type="button" className={p.id === selected ? 'pick selected' : 'pick'} aria-pressed={p.id === selected} onClick={() => setSelected(p.id)}>
                    {p.name} {!p.active && <span className="pill">{t('admin2.inactive')}</span>}
                    <span className="sub muted small">
                      {t('priority.urgent')}: {p.targets.urgent?.firstResponse ? formatDuration(p.targets.urgent.firstResponse.seconds, i18n.language) : '—'}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          </section>
          <div>
            {selected === null ? (
              <EmptyState>{t('admin2.sla.pick')}</EmptyState>
            ) : (
              <SlaEditor
                key={selected}
                policy={current}
                calendars={calendars}
                nextPosition={policies.length ? Math.max(...policies.map((p) => p.position)) + 10 : 10}
                onSaved={(p) => {
                  data.setData((prev) => prev && [[...prev[0].filter((x) => x.id !== p.id), p].sort((a, b) => a.position - b.position), prev[1]]);
                  setSelected(p.id);
                  setNotice(t('admin2.sla.saved', { name: p.name }));
                }}
                onDeleted={(id) => {
                  data.setData((prev) => prev && [prev[0].filter((x) => x.id !== id), prev[1]]);
                  setSelected(null);
                  setNotice(t('admin2.deleted'));
                }}
              />
            )}
          </div>
        </div>
      )}
    </AdminPage>
  );
}

function SlaEditor({ policy, calendars, nextPosition, onSaved, onDeleted }: { policy: SlaPolicy | null; calendars: Calendar[]; nextPosition: number; onSaved: (p: SlaPolicy) => void; onDeleted: (id: string) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const [d, setD] = useState<Draft>(() => {
    if (!policy) return newPolicy(nextPosition);
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...rest } = policy;
    return rest;
  });
  const action = useAction();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const setCond = <K extends keyof Draft['conditions']>(k: K, v: Draft['conditions'][K]) => setD((x) => ({ ...x, conditions: { ...x.conditions, [k]: v && (v as unknown[]).length ? v : undefined } }));
  const calendarId = Object.values(d.targets).flatMap((p) => Object.values(p ?? {})).find((x) => x)?.calendarId ?? null;
  const setTarget = (p: Priority, c: ClockKey, seconds: number | null) =>
    setD((x) => {
      const pt = { ...(x.targets[p] ?? {}) };
      if (seconds === null || seconds <= 0) delete pt[c];
      else pt[c] = { seconds, calendarId };
      return { ...x, targets: { ...x.targets, [p]: pt } };
    });
  const setCalendar = (id: string | null) =>
    setD((x) => ({ ...x, targets: Object.fromEntries(Object.entries(x.targets).map(([p, pt]) => [p, Object.fromEntries(Object.entries(pt ?? {}).map(([c, tg]) => [c, { ...tg!, calendarId: id }]))])) }));
  const warning: SlaWarning = d.warnings.resolution?.[0] ?? { elapsedPercent: 75 };
  const setWarning = (w: SlaWarning | null) => set('warnings', w ? { firstResponse: [w], nextResponse: [w], resolution: [w] } : {});
  const notifyOf = (when: 'onWarning' | 'onBreach') => (d.actions[when] ?? []).find((a): a is Extract<SlaAction, { type: 'notify' }> => a.type === 'notify')?.recipients ?? [];
  const setNotify = (when: 'onWarning' | 'onBreach', recipients: Recipient[]) =>
    set('actions', { ...d.actions, [when]: [...(d.actions[when] ?? []).filter((a) => a.type !== 'notify'), ...(recipients.length ? [{ type: 'notify' as const, recipients }] : [])] });
  const raises = (d.actions.onBreach ?? []).some((a) => a.type === 'raise_priority');
  const setRaise = (on: boolean) => set('actions', { ...d.actions, onBreach: [...(d.actions.onBreach ?? []).filter((a) => a.type !== 'raise_priority'), ...(on ? [{ type: 'raise_priority' as const }] : [])] });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = { ...d, name: d.name.trim() };
    const saved = await action.run(() => (policy ? client.patch<SlaPolicy>(`/api/v1/sla-policies/${policy.id}`, body) : client.post<SlaPolicy>('/api/v1/sla-policies', body)));
    if (saved) onSaved(saved);
  };
  const remove = async () => {
    if (!policy || !window.confirm(t('admin2.sla.confirmDelete', { name: policy.name }))) return;
    if (await action.run(() => client.delete(`/api/v1/sla-policies/${policy.id}`).then(() => true))) onDeleted(policy.id);
  };

  return (
    <form className="card" onSubmit={(e) => void save(e)} aria-labelledby="sla-edit">
      <h2 id="sla-edit">{policy ? t('admin2.sla.edit', { name: policy.name, version: policy.version }) : t('admin2.sla.new')}</h2>
      <div className="grid-form">
        <div className="field">
          <label htmlFor="sla-name">{t('admin2.sla.name')}</label>
          <input id="sla-name" required maxLength={200} value={d.name} onChange={(e) => set('name', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="sla-pos">{t('admin2.sla.position')}</label>
          <input id="sla-pos" type="number" min={0} value={d.position} onChange={(e) => set('position', Number(e.target.value) || 0)} aria-describedby="sla-pos-hint" />
          <span className="hint" id="sla-pos-hint">{t('admin2.sla.positionHint')}</span>
        </div>
        <div className="field">
          <label htmlFor="sla-cal">{t('admin2.sla.calendar')}</label>
          <select id="sla-cal" value={calendarId ?? ''} onChange={(e) => setCalendar(e.target.value || null)}>
            <option value="">{t('admin2.sla.allDay')}</option>
            {calendars.map((c) => (
              <option key={c.id} value={c.id}>{c.name}</option>
            ))}
          </select>
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={d.active} onChange={(e) => set('active', e.target.checked)} /> {t('admin2.sla.active')}
      </label>

      <h3>{t('admin2.sla.conditions')}</h3>
      <p className="hint">{t('admin2.sla.conditionsHint')}</p>
      <CheckGroup name="sla-prio" legend={t('admin2.cond.priorities')} options={PRIORITIES} value={d.conditions.priority ?? []} onChange={(v) => setCond('priority', v)} labelOf={(o) => t(`priority.${o}`)} />
      <CheckGroup name="sla-chan" legend={t('admin2.cond.channels')} options={CHANNELS} value={d.conditions.channel ?? []} onChange={(v) => setCond('channel', v)} labelOf={(o) => t(`channel.${o}`)} />
      <CheckGroup name="sla-tier" legend={t('admin2.cond.tiers')} options={TIERS} value={d.conditions.customerTier ?? []} onChange={(v) => setCond('customerTier', v)} labelOf={(o) => t(`tiers.${o}`)} />
      <CheckGroup name="sla-team" legend={t('admin2.cond.teams')} options={directory.teams.map((x) => x.id)} value={d.conditions.teamId ?? []} onChange={(v) => setCond('teamId', v)} labelOf={(o) => directory.teamName(o) ?? o} />
      <div className="grid-form">
        <ListInput id="sla-cat" label={t('admin2.cond.categories')} value={d.conditions.category ?? []} onChange={(v) => setCond('category', v)} />
        <ListInput id="sla-prod" label={t('admin2.cond.products')} value={d.conditions.product ?? []} onChange={(v) => setCond('product', v)} />
        <ListInput id="sla-tags" label={t('admin2.cond.tags')} value={d.conditions.tags ?? []} onChange={(v) => setCond('tags', v)} />
      </div>

      <h3>{t('admin2.sla.targets')}</h3>
      <p className="hint">{t('admin2.sla.targetsHint')}</p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('admin2.sla.priority')}</th>
              {CLOCKS.map((c) => (
                <th scope="col" key={c}>{t(`admin2.clockKey.${c}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {PRIORITIES.map((p) => (
              <tr key={p}>
                <th scope="row">{t(`priority.${p}`)}</th>
                {CLOCKS.map((c) => (
                  <td key={c}>
                    <DurationInput id={`sla-${p}-${c}`} allowEmpty label={`${t(`priority.${p}`)} · ${t(`admin2.clockKey.${c}`)}`} seconds={d.targets[p]?.[c]?.seconds ?? null} onChange={(s) => setTarget(p, c, s)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <CheckGroup name="sla-pause" legend={t('admin2.sla.pause')} options={PAUSABLE} value={d.pauseStatuses} onChange={(v) => set('pauseStatuses', v)} labelOf={(o) => t(`status.${o}`)} />

      <h3>{t('admin2.sla.warning')}</h3>
      <div className="inline-form">
        <div className="field inline">
          <label htmlFor="sla-warn-kind">{t('admin2.sla.warnKind')}</label>
          <select id="sla-warn-kind" value={d.warnings.resolution?.length ? ('beforeSeconds' in warning ? 'before' : 'percent') : 'none'} onChange={(e) => setWarning(e.target.value === 'none' ? null : e.target.value === 'before' ? { beforeSeconds: 3600 } : { elapsedPercent: 75 })}>
            <option value="none">{t('admin2.sla.warnNone')}</option>
            <option value="percent">{t('admin2.sla.warnPercent')}</option>
            <option value="before">{t('admin2.sla.warnBefore')}</option>
          </select>
        </div>
        {d.warnings.resolution?.length ? (
          'beforeSeconds' in warning ? (
            <DurationInput id="sla-warn-before" label={t('admin2.sla.warnBefore')} seconds={warning.beforeSeconds} onChange={(s) => setWarning({ beforeSeconds: Math.max(60, s ?? 60) })} />
          ) : (
            <div className="field inline">
              <label htmlFor="sla-warn-pct">{t('admin2.sla.percent')}</label>
              <input id="sla-warn-pct" type="number" min={1} max={99} value={warning.elapsedPercent} onChange={(e) => setWarning({ elapsedPercent: Math.min(99, Math.max(1, Number(e.target.value) || 75)) })} />
            </div>
          )
        ) : null}
      </div>

      <h3>{t('admin2.sla.actions')}</h3>
      <CheckGroup name="sla-onwarn" legend={t('admin2.sla.onWarning')} options={RECIPIENTS} value={notifyOf('onWarning')} onChange={(v) => setNotify('onWarning', v)} labelOf={(o) => t(`admin2.recipient.${o}`)} />
      <CheckGroup name="sla-onbreach" legend={t('admin2.sla.onBreach')} options={RECIPIENTS} value={notifyOf('onBreach')} onChange={(v) => setNotify('onBreach', v)} labelOf={(o) => t(`admin2.recipient.${o}`)} />
      <label className="check">
        <input type="checkbox" checked={raises} onChange={(e) => setRaise(e.target.checked)} /> {t('admin2.sla.raise')}
      </label>

      <div className="sticky-actions">
        {action.error !== null && <ErrorMessage error={action.error} />}
        <button type="submit" className="btn btn-primary" disabled={action.busy || !d.name.trim()}>{t('admin2.save')}</button>
        {policy && <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={action.busy}>{t('admin2.delete')}</button>}
      </div>
    </form>
  );
}
