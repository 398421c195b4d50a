import { useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { formatDateTime, timeZones } from '../../lib/format.js';
import { useDirectory, useSession } from '../../session.js';
import type { OnCall, Rotation } from './admin-api.js';
import { AdminPage, localInputToIso, toLocalInput, useAction, useLoad } from './common.js';

export function RotationsPage() {
  const { t } = useTranslation();
  const { client } = useSession();
  const list = useLoad(qk.admin('rotations'), (signal) => client.get<{ items: Rotation[] }>('/api/v1/rotations', undefined, signal).then((r) => r.items));
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const replace = (r: Rotation) => list.setData((prev) => (prev ?? []).map((x) => (x.id === r.id ? r : x)));

  return (
    <AdminPage title={t('admin2.rot.title')} actions={<button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>{t('admin2.rot.new')}</button>}>
      <p className="muted">{t('admin2.rot.intro')}</p>
      {notice && <Notice>{notice}</Notice>}
      {creating && (
        <RotationForm
          onCancel={() => setCreating(false)}
          onSaved={(r) => {
            list.setData((prev) => [...(prev ?? []), r]);
            setCreating(false);
            setNotice(t('admin2.rot.saved', { name: r.name }));
          }}
        />
      )}
      {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
      {list.data === null && list.error === null && <Loading />}
      {list.data?.length === 0 && !creating && <EmptyState>{t('admin2.rot.empty')}</EmptyState>}
      <div className="team-grid">
        {(list.data ?? []).map((r) => (
          <RotationCard key={`${r.id}-${r.updatedAt}`} rotation={r} onChanged={replace} onDeleted={() => list.setData((prev) => (prev ?? []).filter((x) => x.id !== r.id))} />
        ))}
      </div>
    </AdminPage>
  );
}

function RotationCard({ rotation, onChanged, onDeleted }: { rotation: Rotation; onChanged: (r: Rotation) => void; onDeleted: () => void }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const directory = useDirectory();
  const oncall = useLoad(qk.admin('rotations/oncall', rotation.id, rotation.updatedAt), (signal) => client.get<OnCall>(`/api/v1/rotations/${rotation.id}/oncall`, undefined, signal));
  const [editing, setEditing] = useState(false);
  const [ov, setOv] = useState({ userId: rotation.members[0] ?? '', start: toLocalInput(new Date(), user.timeZone), end: toLocalInput(new Date(Date.now() + 8 * 3600_000), user.timeZone) });
  const action = useAction();
  const when = (iso: string) => formatDateTime(iso, i18n.language, user.timeZone);
  const addOverride = async (e: FormEvent) => {
    e.preventDefault();
    const r = await action.run(() => client.post<Rotation>(`/api/v1/rotations/${rotation.id}/overrides`, { userId: ov.userId, start: new Date(localInputToIso(ov.start, user.timeZone)).toISOString(), end: new Date(localInputToIso(ov.end, user.timeZone)).toISOString() }));
    if (r) onChanged(r);
  };
  const removeOverride = async (i: number) => {
    const r = await action.run(() => client.delete<Rotation>(`/api/v1/rotations/${rotation.id}/overrides/${i}`));
    if (r) onChanged(r);
  };
  const remove = async () => {
    if (!window.confirm(t('admin2.rot.confirmDelete', { name: rotation.name }))) return;
    if (await action.run(() => client.delete(`/api/v1/rotations/${rotation.id}`).then(() => true))) onDeleted();
  };
  const hid = `rot-${rotation.id}`;

  if (editing) return <RotationForm rotation={rotation} onCancel={() => setEditing(false)} onSaved={(r) => { setEditing(false); onChanged(r); }} />;
  return (
    <section className="card team-card" aria-labelledby={hid}>
      <h2 id={hid}>{rotation.name}</h2>
      <p className="preview-box" aria-live="polite">
        {oncall.data ? (oncall.data.userName ? t('admin2.rot.onCallNow', { name: oncall.data.userName }) : t('admin2.rot.nobodyNow')) : oncall.error ? t('admin2.rot.onCallError') : t('app.loading')}
      </p>
      {oncall.data && oncall.data.nextHandoffs.length > 0 && (
        <>
          <h3>{t('admin2.rot.next')}</h3>
          <ul className="small">
            {oncall.data.nextHandoffs.slice(0, 3).map((h, i) => (
              <li key={i}>
                {when(h.at)}: {directory.userName(h.toUserId) ?? '—'}
              </li>
            ))}
          </ul>
        </>
      )}
      <dl className="facts small">
        <dt>{t('admin2.rot.members')}</dt>
        <dd>{rotation.members.map((m) => directory.userName(m) ?? m).join(' → ') || '—'}</dd>
        <dt>{t('admin2.rot.shift')}</dt>
        <dd>{rotation.shift.unit === 'days' ? t('admin2.rot.everyDays', { n: rotation.shift.days }) : t('admin2.rot.everyHours', { n: Math.round(rotation.shift.seconds / 3600) })}</dd>
        <dt>{t('admin2.rot.handoff')}</dt>
        <dd>{rotation.handoffTime} ({rotation.timeZone})</dd>
        <dt>{t('admin2.rot.team')}</dt>
        <dd>{directory.teamName(rotation.teamId) ?? '—'}</dd>
      </dl>
      <h3>{t('admin2.rot.overrides')}</h3>
      {rotation.overrides.length === 0 && <p className="muted small">{t('admin2.rot.noOverrides')}</p>}
      <ul className="row-list small">
        {rotation.overrides.map((o, i) => (
          <li key={i}>
            {directory.userName(o.userId)}: {when(o.start)} – {when(o.end)}
            <button type="button" className="btn btn-small btn-quiet" onClick={() => void removeOverride(i)} aria-label={t('admin2.rot.removeOverride', { n: i + 1 })}>
              {t('admin2.remove')}
            </button>
          </li>
        ))}
      </ul>
      <form className="row-list" onSubmit={(e) => void addOverride(e)} aria-label={t('admin2.rot.addOverride')}>
        <li style={{ listStyle: 'none' }}>
          <select aria-label={t('admin2.rot.overrideWho')} value={ov.userId} onChange={(e) => setOv({ ...ov, userId: e.target.value })}>
            {directory.users.filter((u) => u.active).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
          <input type="datetime-local" aria-label={t('admin2.rot.overrideFrom')} value={ov.start} onChange={(e) => setOv({ ...ov, start: e.target.value })} />
          <input type="datetime-local" aria-label={t('admin2.rot.overrideTo')} value={ov.end} onChange={(e) => setOv({ ...ov, end: e.target.value })} />
          <button type="submit" className="btn btn-small" disabled={action.busy}>{t('admin2.rot.addOverride')}</button>
        </li>
      </form>
      {action.error !== null && <ErrorMessage error={action.error} />}
      <div className="inline-form">
        <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>{t('admin2.edit')}</button>
        <button type="button" className="btn btn-small btn-danger" onClick={() => void remove()}>{t('admin2.delete')}</button>
      </div>
    </section>
  );
}

function RotationForm({ rotation, onSaved, onCancel }: { rotation?: Rotation; onSaved: (r: Rotation) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const directory = useDirectory();
  const [f, setF] = useState({
    name: rotation?.name ?? '',
    members: rotation?.members ?? [],
    days: rotation?.shift.unit === 'days' ? rotation.shift.days : 7,
    handoffTime: rotation?.handoffTime ?? '09:00',
    timeZone: rotation?.timeZone ?? user.timeZone,
    startDate: rotation?.startDate ?? toLocalInput(new Date(), user.timeZone).slice(0, 10),
    teamId: rotation?.teamId ?? '',
  });
  const [add, setAdd] = useState('');
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { name: f.name.trim(), members: f.members, shift: { unit: 'days', days: f.days }, handoffTime: f.handoffTime, timeZone: f.timeZone, startDate: f.startDate, teamId: f.teamId || null };
    const r = await action.run(() => (rotation ? client.put<Rotation>(`/api/v1/rotations/${rotation.id}`, body) : client.post<Rotation>('/api/v1/rotations', body)));
    if (r) onSaved(r);
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label={rotation ? t('admin2.rot.editOf', { name: rotation.name }) : t('admin2.rot.new')}>
      <h2>{rotation ? t('admin2.rot.editOf', { name: rotation.name }) : t('admin2.rot.new')}</h2>
      <div className="grid-form">
        <div className="field">
          <label htmlFor="rf-name">{t('admin2.rot.name')}</label>
          <input id="rf-name" required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="rf-days">{t('admin2.rot.shiftDays')}</label>
          <input id="rf-days" type="number" min={1} max={366} value={f.days} onChange={(e) => setF({ ...f, days: Number(e.target.value) || 1 })} />
        </div>
        <div className="field">
          <label htmlFor="rf-handoff">{t('admin2.rot.handoff')}</label>
          <input id="rf-handoff" type="time" required value={f.handoffTime} onChange={(e) => setF({ ...f, handoffTime: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="rf-start">{t('admin2.rot.startDate')}</label>
          <input id="rf-start" type="date" required value={f.startDate} onChange={(e) => setF({ ...f, startDate: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="rf-tz">{t('admin2.calendars.timezone')}</label>
          <select id="rf-tz" value={f.timeZone} onChange={(e) => setF({ ...f, timeZone: e.target.value })}>
            {timeZones(f.timeZone).map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rf-team">{t('admin2.rot.team')}</label>
          <select id="rf-team" value={f.teamId} onChange={(e) => setF({ ...f, teamId: e.target.value })}>
            <option value="">{t('admin2.none')}</option>
            {directory.teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select>
        </div>
      </div>
      <h3>{t('admin2.rot.members')}</h3>
      <ol className="row-list">
        {f.members.map((m, i) => (
          <li key={m}>
            {i + 1}. {directory.userName(m) ?? m}
            <button type="button" className="btn btn-small btn-quiet" onClick={() => setF({ ...f, members: f.members.filter((x) => x !== m) })} aria-label={t('admin2.rot.removeMember', { name: directory.userName(m) ?? m })}>
              {t('admin2.remove')}
            </button>
          </li>
        ))}
      </ol>
      <div className="inline-form">
        <select aria-label={t('admin2.rot.addMember')} value={add} onChange={(e) => setAdd(e.target.value)}>
          <option value="">{t('admin.chooseUser')}</option>
          {directory.users.filter((u) => u.active && !f.members.includes(u.id)).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
        <button type="button" className="btn btn-small" disabled={!add} onClick={() => { setF({ ...f, members: [...f.members, add] }); setAdd(''); }}>
          {t('admin2.rot.addMember')}
        </button>
      </div>
      {action.error !== null && <ErrorMessage error={action.error} />}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={action.busy || !f.name.trim() || f.members.length === 0}>{t('admin2.save')}</button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
