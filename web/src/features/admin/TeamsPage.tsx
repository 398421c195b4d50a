import { useState, type FormEvent } from 'react';
import { useLoad } from './common.js';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { TEAM_ROLES, type Team, type TeamRole } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { fetchAll, useDirectory, useSession } from '../../session.js';

export function AdminTeamsPage() {
  const { t } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const [notice, setNotice] = useState<string | null>(null);

  const list = useLoad(qk.admin('teams'), () => fetchAll<Team>(client, '/api/v1/teams'));
  const teams = list.data;
  const setTeams = list.setData;
  const load = list.reload;
  const error = list.error;

  const replace = (team: Team) => {
    setTeams((prev) => (prev ?? []).map((x) => (x.id === team.id ? team : x)));
    directory.reload();
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('admin.teamsTitle')}</h1>
      </div>
      <CreateTeamForm
        onCreated={(team) => {
          setTeams((prev) => [...(prev ?? []), team]);
          directory.reload();
          setNotice(t('admin.teamCreated', { name: team.name }));
        }}
      />
      {notice && <Notice>{notice}</Notice>}
      {error !== null && <ErrorMessage error={error} onRetry={teams === null ? load : undefined} />}
      {teams === null && error === null && <Loading />}
      {teams !== null && teams.length === 0 && <EmptyState>{t('admin.teamsEmpty')}</EmptyState>}
      <div className="team-grid">
        {(teams ?? []).map((team) => (
          <TeamCard key={team.id} team={team} onChanged={replace} />
        ))}
      </div>
    </div>
  );
}

function TeamCard({ team, onChanged }: { team: Team; onChanged: (t: Team) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<TeamRole>('member');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The restriction box shows the value being saved at once (a controlled box would snap back until the server answers); a failed save shows the stored value again.
  const [pendingRestricted, setPendingRestricted] = useState<boolean | null>(null);

  const save = async (patch: { members: { userId: string; role: TeamRole }[] } | { restricted: boolean }) => {
    setBusy(true);
    setError(null);
    if ('restricted' in patch) setPendingRestricted(patch.restricted);
    try {
      onChanged(await client.patch<Team>(`/api/v1/teams/${team.id}`, patch));
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
      setPendingRestricted(null);
    }
  };
  const saveMembers = (members: { userId: string; role: TeamRole }[]) => save({ members });
  const current = team.members.map((m) => ({ userId: m.userId, role: m.role }));
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!userId) return;
    if (await saveMembers([...current.filter((m) => m.userId !== userId), { userId, role }])) setUserId('');
  };
  const candidates = directory.users.filter((u) => u.active && !team.members.some((m) => m.userId === u.id));
  const headingId = `team-${team.id}`;

  return (
    <section className="card team-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {team.name} {team.restricted && <span className="badge">{t('admin.restrictedBadge')}</span>}
      </h2>
      {team.description && <p className="muted small">{team.description}</p>}
      <label className="small">
        <input type="checkbox" checked={pendingRestricted ?? team.restricted} disabled={busy} onChange={(e) => void save({ restricted: e.target.checked })} /> {t('admin.restricted')}
      </label>
      <p className="muted small">{t('admin.restrictedHelp')}</p>
      {(team.contactEmail || team.contactPhone) && (
        <p className="small">
          {team.contactEmail} {team.contactPhone && <>· {team.contactPhone}</>}
        </p>
      )}
      <h3>{t('admin.members')}</h3>
      {team.members.length === 0 ? (
        <p className="muted small">{t('admin.noMembers')}</p>
      ) : (
        <ul className="members">
          {team.members.map((m) => (
            <li key={m.userId}>
              <span>
                {m.name} <span className="muted small">· {t(`teamRoles.${m.role}`)}</span>
              </span>
              <button
                type="button"
                className="btn btn-small btn-quiet"
                disabled={busy}
                aria-label={t('admin.removeMember', { name: m.name, team: team.name })}
                onClick={() => void saveMembers(current.filter((x) => x.userId !== m.userId))}
              >
                {t('admin.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="add-member" onSubmit={(e) => void add(e)}>
        <label className="sr-only" htmlFor={`${headingId}-user`}>
          {t('admin.memberUser')}
        </label>
        <select id={`${headingId}-user`} value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">{t('admin.chooseUser')}</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor={`${headingId}-role`}>
          {t('admin.memberRole')}
        </label>
        <select id={`${headingId}-role`} value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
          {TEAM_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`teamRoles.${r}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-small" disabled={busy || !userId}>
          {t('admin.addMember')}
        </button>
      </form>
      {error !== null && <ErrorMessage error={error} />}
    </section>
  );
}

function CreateTeamForm({ onCreated }: { onCreated: (t: Team) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const empty = { name: '', description: '', contactEmail: '', contactPhone: '' };
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof empty, v: string) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const team = await client.post<Team>('/api/v1/teams', {
        name: form.name.trim(),
        description: form.description.trim(),
        contactEmail: form.contactEmail.trim() || null,
        contactPhone: form.contactPhone.trim() || null,
      });
      setForm(empty);
      onCreated(team);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="card create-card">
      <summary>{t('admin.newTeam')}</summary>
      <form onSubmit={(e) => void submit(e)} className="grid-form">
        <div className="field">
          <label htmlFor="nt-name">{t('admin.teamName')}</label>
          <input id="nt-name" required maxLength={200} value={form.name} onChange={(e) => set('name', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="nt-email">{t('admin.contactEmail')}</label>
          <input id="nt-email" type="email" value={form.contactEmail} onChange={(e) => set('contactEmail', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="nt-phone">{t('admin.contactPhone')}</label>
          <input id="nt-phone" type="tel" value={form.contactPhone} onChange={(e) => set('contactPhone', e.target.value)} />
        </div>
        <div className="field span-all">
          <label htmlFor="nt-desc">{t('admin.description')}</label>
          <textarea id="nt-desc" rows={2} maxLength={5000} value={form.description} onChange={(e) => set('description', e.target.value)} />
        </div>
        <div className="form-actions">
          {error !== null && <ErrorMessage error={error} />}
          <button type="submit" className="btn btn-primary" disabled={busy || !form.name.trim()}>
            {busy ? t('admin.creating') : t('admin.create')}
          </button>
        </div>
      </form>
    </details>
  );
}
