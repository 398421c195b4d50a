import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loadable } from '../../components/Loadable.js';
import { useDirectory, useSession } from '../../session.js';
import { AdminPage, TeamSelect } from './common.js';
import { FieldProblems, describeProblem, problemsOf } from './FieldProblems.js';
import { SERVICE_STATUSES, mayManageServices, useRemoveService, useSaveService, useServices, type Service, type ServiceInput } from './incident-admin-api.js';

const EMPTY: ServiceInput = { nameJa: '', nameEn: '', descriptionJa: '', descriptionEn: '', ownerTeamId: null, status: 'operational', position: 0 };
const inputOf = (s: Service): ServiceInput => ({
  nameJa: s.name.ja,
  nameEn: s.name.en,
  descriptionJa: s.description.ja,
  descriptionEn: s.description.en,
  ownerTeamId: s.ownerTeamId,
  status: s.status,
  position: s.position,
});
const statusPill: Record<string, string> = { operational: 'pill pill-ok', maintenance: 'pill', degraded: 'pill pill-warn', partial_outage: 'pill pill-danger', major_outage: 'pill pill-danger' };

/**
 * A failed change in the reader's language: the field problems' own texts (a refusal such as a
 * service still named by incidents carries a code), never the server's English sentence.
 */
export function ChangeError({ error, inline = false }: { error: unknown; /** the form shows each problem next to its field */ inline?: boolean }) {
  const { t } = useTranslation();
  const problems = problemsOf(error);
  if (!problems.length) return <ErrorMessage error={error} />;
  return (
    <div className="error-box" role="alert">
      {inline ? <p>{t('errors.validationInline')}</p> : problems.map((p, i) => <p key={i}>{describeProblem(p, t)}</p>)}
    </div>
  );
}

/** The services catalogue (issue 17): what incidents name and the status page shows. Managers and administrators change it; changes are audited. */
export function ServicesPage() {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const directory = useDirectory();
  const services = useServices();
  const remove = useRemoveService();
  const [editing, setEditing] = useState<{ id: string | null; input: ServiceInput } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const canManage = mayManageServices(user.role);
  const lang = i18n.language === 'en' ? 'en' : 'ja';
  const teamName = (id: string | null) => (id === null ? t('admin2.none') : directory.teams.find((x) => x.id === id)?.name ?? t('admin2.services.unknownTeam'));

  const onRemove = (s: Service) => {
    if (!window.confirm(t('admin2.services.confirmRemove', { name: s.name[lang] }))) return;
    setDone(null);
    remove.mutate(s.id, { onSuccess: () => setDone(t('admin2.services.removed', { name: s.name[lang] })) });
  };

  return (
    <AdminPage
      title={t('admin2.services.title')}
      actions={
        canManage && editing === null ? (
          <button type="button" className="btn btn-primary" onClick={() => { setDone(null); remove.reset(); setEditing({ id: null, input: EMPTY }); }}>
            {t('admin2.services.add')}
          </button>
        ) : undefined
      }
    >
      <p className="muted">{canManage ? t('admin2.services.intro') : t('admin2.services.readOnly')}</p>
      {remove.error !== null && <ChangeError error={remove.error} />}
      {done && <p role="status">{done}</p>}
      {editing && (
        <ServiceForm
          key={editing.id ?? 'new'}
          id={editing.id}
          initial={editing.input}
          onDone={(saved) => {
            setEditing(null);
            setDone(t(editing.id === null ? 'admin2.services.added' : 'admin2.services.saved', { name: saved.name[lang] }));
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <Loadable query={services} empty={t('admin2.services.empty')}>
        {(data) => (
          <table className="table">
            <caption className="sr-only">{t('admin2.services.list')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin2.services.position')}</th>
                <th scope="col">{t('admin2.services.name')}</th>
                <th scope="col">{t('admin2.services.ownerTeam')}</th>
                <th scope="col">{t('admin2.services.status')}</th>
                {canManage && <th scope="col">{t('admin2.actionsCol')}</th>}
              </tr>
            </thead>
            <tbody>
              {data.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.position}</td>
                  <td>
                    <strong>{s.name[lang]}</strong>
                    <span className="muted small"> {s.name[lang === 'ja' ? 'en' : 'ja']}</span>
                    {s.description[lang] && <div className="muted small">{s.description[lang]}</div>}
                  </td>
                  <td>{teamName(s.ownerTeamId)}</td>
                  <td>
                    <span className={statusPill[s.status] ?? 'pill'}>{t(`incidents.serviceStatus.${s.status}`)}</span>
                  </td>
                  {canManage && (
                    <td>
                      <button type="button" className="btn btn-small" aria-label={t('admin2.services.editNamed', { name: s.name[lang] })} onClick={() => { setDone(null); remove.reset(); setEditing({ id: s.id, input: inputOf(s) }); }}>
                        {t('admin2.edit')}
                      </button>{' '}
                      <button type="button" className="btn btn-quiet btn-small" disabled={remove.isPending} aria-label={t('admin2.services.removeNamed', { name: s.name[lang] })} onClick={() => onRemove(s)}>
                        {t('admin2.delete')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loadable>
    </AdminPage>
  );
}

function ServiceForm({ id, initial, onDone, onCancel }: { id: string | null; initial: ServiceInput; onDone: (s: Service) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const save = useSaveService();
  const [input, setInput] = useState<ServiceInput>(initial);
  const problems = problemsOf(save.error);
  const set = (patch: Partial<ServiceInput>) => setInput((x) => ({ ...x, ...patch }));
  const title = id === null ? t('admin2.services.addTitle') : t('admin2.services.editTitle');
  return (
    <form
      className="card"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ id, input }, { onSuccess: onDone });
      }}
    >
      <h2>{title}</h2>
      <div className="level-grid">
        <TextField id="svc-name-ja" label={t('admin2.services.nameJa')} value={input.nameJa} onChange={(v) => set({ nameJa: v })} max={200} required field="nameJa" problems={problems} />
        <TextField id="svc-name-en" label={t('admin2.services.nameEn')} value={input.nameEn} onChange={(v) => set({ nameEn: v })} max={200} required field="nameEn" problems={problems} />
      </div>
      <div className="level-grid">
        <div className="field">
          <label htmlFor="svc-desc-ja">{t('admin2.services.descriptionJa')}</label>
          <textarea id="svc-desc-ja" rows={3} maxLength={2000} value={input.descriptionJa} onChange={(e) => set({ descriptionJa: e.target.value })} />
          <FieldProblems problems={problems} field="descriptionJa" />
        </div>
        <div className="field">
          <label htmlFor="svc-desc-en">{t('admin2.services.descriptionEn')}</label>
          <textarea id="svc-desc-en" rows={3} maxLength={2000} value={input.descriptionEn} onChange={(e) => set({ descriptionEn: e.target.value })} />
          <FieldProblems problems={problems} field="descriptionEn" />
        </div>
      </div>
      <div className="level-grid">
        <div className="field">
          <label htmlFor="svc-owner">{t('admin2.services.ownerTeam')}</label>
          <TeamSelect id="svc-owner" value={input.ownerTeamId} onChange={(v) => set({ ownerTeamId: v })} />
          <FieldProblems problems={problems} field="ownerTeamId" />
        </div>
        <div className="field">
          <label htmlFor="svc-status">{t('admin2.services.status')}</label>
          <select id="svc-status" value={input.status} onChange={(e) => set({ status: e.target.value as ServiceInput['status'] })}>
            {SERVICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`incidents.serviceStatus.${s}`)}
              </option>
            ))}
          </select>
          <FieldProblems problems={problems} field="status" />
        </div>
        <div className="field">
          <label htmlFor="svc-position">{t('admin2.services.position')}</label>
          <input id="svc-position" type="number" min={0} max={10000} step={1} value={input.position} onChange={(e) => set({ position: Number(e.target.value) })} aria-describedby="svc-position-hint" />
          <span id="svc-position-hint" className="hint">{t('admin2.services.positionHint')}</span>
          <FieldProblems problems={problems} field="position" />
        </div>
      </div>
      {save.error !== null && <ChangeError error={save.error} inline={problems.length > 0} />}
      <div className="row-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {id === null ? t('admin2.services.addButton') : t('admin2.save')}
        </button>{' '}
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          {t('admin2.services.cancel')}
        </button>
      </div>
    </form>
  );
}

function TextField({ id, label, value, onChange, max, required, field, problems }: { id: string; label: string; value: string; onChange: (v: string) => void; max: number; required?: boolean; field: string; problems: ReturnType<typeof problemsOf> }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} maxLength={max} required={required} onChange={(e) => onChange(e.target.value)} />
      <FieldProblems problems={problems} field={field} />
    </div>
  );
}
