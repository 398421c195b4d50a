import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { AdminPage, TeamSelect } from './common.js';
import { FieldProblems, problemsOf } from './FieldProblems.js';
import { SEVERITY_LEVELS, SLA_RULE_OPTIONS, useActivePaths, useIncidentSettings, useSaveIncidentSettings, type IncidentSettings, type Severity, type SeverityDefinition } from './incident-admin-api.js';
import { ChangeError } from './ServicesPage.js';

type Problems = ReturnType<typeof problemsOf>;
const MINUTE_FIELDS = ['firstInternalMinutes', 'firstCustomerMinutes', 'updateIntervalMinutes', 'resolveTargetMinutes'] as const;

/**
 * Incident settings (issue 17): what each severity means, its communication cadence and
 * resolution target, who is reminded when an update is overdue, the SLA rule of linked tickets
 * and when Escalon suggests an incident. Administrators only; the server audits each save.
 */
export function IncidentSettingsPage() {
  const { t } = useTranslation();
  const stored = useIncidentSettings();
  const [draft, setDraft] = useState<IncidentSettings | null>(null);
  // The form starts from the stored settings once they arrive (later refetches do not overwrite edits).
  if (!draft && stored.data) setDraft(stored.data);
  return (
    <AdminPage title={t('admin2.incidentSettings.title')}>
      <p className="muted">{t('admin2.incidentSettings.intro')}</p>
      {draft ? <SettingsForm draft={draft} setDraft={setDraft} /> : stored.error !== null ? <ErrorMessage error={stored.error} onRetry={() => void stored.refetch()} /> : <Loading />}
    </AdminPage>
  );
}

function SettingsForm({ draft, setDraft }: { draft: IncidentSettings; setDraft: (s: IncidentSettings) => void }) {
  const { t } = useTranslation();
  const save = useSaveIncidentSettings();
  const paths = useActivePaths();
  const [saved, setSaved] = useState(false);
  const problems = problemsOf(save.error);
  const setSeverity = (sev: Severity, patch: Partial<SeverityDefinition>) => {
    setSaved(false);
    setDraft({ ...draft, severities: { ...draft.severities, [sev]: { ...draft.severities[sev], ...patch } } });
  };
  const set = (patch: Partial<IncidentSettings>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  const pathOptions = paths.data ?? [];
  return (
    <form
      aria-label={t('admin2.incidentSettings.title')}
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate(draft, {
          onSuccess: (next) => {
            setDraft(next);
            setSaved(true);
          },
        });
      }}
    >
      <h2>{t('admin2.incidentSettings.severities')}</h2>
      <p className="muted small">{t('admin2.incidentSettings.severitiesHint')}</p>
      {SEVERITY_LEVELS.map((sev) => {
        const d = draft.severities[sev];
        const at = `severities.${sev}`;
        return (
          <fieldset key={sev} className="level-card incident-severity">
            <legend>
              <span className="level-badge">{sev}</span>
            </legend>
            <FieldProblems problems={problems} field={at} />
            <div className="level-grid">
              <div className="field">
                <label htmlFor={`sev-${sev}-meaning-ja`}>{t('admin2.incidentSettings.meaningJa', { severity: sev })}</label>
                <textarea id={`sev-${sev}-meaning-ja`} rows={2} maxLength={20000} value={d.meaning.ja} onChange={(e) => setSeverity(sev, { meaning: { ...d.meaning, ja: e.target.value } })} />
                <FieldProblems problems={problems} field={`${at}.meaning.ja`} />
              </div>
              <div className="field">
                <label htmlFor={`sev-${sev}-meaning-en`}>{t('admin2.incidentSettings.meaningEn', { severity: sev })}</label>
                <textarea id={`sev-${sev}-meaning-en`} rows={2} maxLength={20000} value={d.meaning.en} onChange={(e) => setSeverity(sev, { meaning: { ...d.meaning, en: e.target.value } })} />
                <FieldProblems problems={problems} field={`${at}.meaning.en`} />
              </div>
            </div>
            <div className="level-grid">
              {MINUTE_FIELDS.map((f) => (
                <MinutesField key={f} id={`sev-${sev}-${f}`} label={t(`admin2.incidentSettings.${f}`, { severity: sev })} value={d[f]} onChange={(v) => setSeverity(sev, { [f]: v })} problems={problems} field={`${at}.${f}`} />
              ))}
              <div className="field">
                <label htmlFor={`sev-${sev}-path`}>{t('admin2.incidentSettings.severityPath', { severity: sev })}</label>
                <PathSelect id={`sev-${sev}-path`} none={t('admin2.incidentSettings.workspacePath')} paths={pathOptions} value={d.escalationPathId ?? null} onChange={(v) => setSeverity(sev, { escalationPathId: v })} />
                <FieldProblems problems={problems} field={`${at}.escalationPathId`} />
              </div>
            </div>
          </fieldset>
        );
      })}

      <h2>{t('admin2.incidentSettings.reminders')}</h2>
      <div className="level-grid">
        <MinutesField id="inc-commander-after" label={t('admin2.incidentSettings.commanderAfterMinutes')} hint={t('admin2.incidentSettings.commanderAfterHint')} value={draft.commanderAfterMinutes} onChange={(v) => set({ commanderAfterMinutes: v })} problems={problems} field="commanderAfterMinutes" />
        <div className="field">
          <label htmlFor="inc-path">{t('admin2.incidentSettings.escalationPath')}</label>
          <PathSelect id="inc-path" none={t('admin2.incidentSettings.noPath')} paths={pathOptions} value={draft.escalationPathId} onChange={(v) => set({ escalationPathId: v })} describedBy="inc-path-hint" />
          <span id="inc-path-hint" className="hint">{t('admin2.incidentSettings.escalationPathHint')}</span>
          <FieldProblems problems={problems} field="escalationPathId" />
        </div>
      </div>

      <h2>{t('admin2.incidentSettings.linkedTickets')}</h2>
      <fieldset className="check-group">
        <legend>{t('admin2.incidentSettings.slaRule')}</legend>
        {SLA_RULE_OPTIONS.map((rule) => (
          <label key={rule} className="check">
            <input type="radio" name="inc-sla-rule" value={rule} checked={draft.slaRule === rule} onChange={() => set({ slaRule: rule })} /> {t(`admin2.incidentSettings.slaRules.${rule}`)}
          </label>
        ))}
      </fieldset>
      <FieldProblems problems={problems} field="slaRule" />
      <div className="level-grid">
        <div className="field">
          <label htmlFor="inc-outreach-team">{t('admin2.incidentSettings.outreachTeam')}</label>
          <TeamSelect id="inc-outreach-team" value={draft.outreachTeamId ?? null} onChange={(v) => set({ outreachTeamId: v })} describedBy="inc-outreach-team-hint" />
          <span id="inc-outreach-team-hint" className="hint">{t('admin2.incidentSettings.outreachTeamHint')}</span>
          <FieldProblems problems={problems} field="outreachTeamId" />
        </div>
      </div>

      <h2>{t('admin2.incidentSettings.candidates')}</h2>
      <p className="muted small">{t('admin2.incidentSettings.candidatesHint')}</p>
      <div className="level-grid">
        <div className="field">
          <label htmlFor="inc-min-tickets">{t('admin2.incidentSettings.minTickets')}</label>
          <input id="inc-min-tickets" className="number-input" type="number" min={2} max={1000} step={1} value={draft.candidates.minTickets} onChange={(e) => set({ candidates: { ...draft.candidates, minTickets: Number(e.target.value) } })} />
          <FieldProblems problems={problems} field="candidates.minTickets" />
        </div>
        <MinutesField id="inc-window" label={t('admin2.incidentSettings.windowMinutes')} value={draft.candidates.windowMinutes} onChange={(v) => set({ candidates: { ...draft.candidates, windowMinutes: v } })} problems={problems} field="candidates.windowMinutes" />
        <div className="field">
          <label htmlFor="inc-similarity">{t('admin2.incidentSettings.subjectSimilarity')}</label>
          <input id="inc-similarity" className="number-input" type="number" min={0.1} max={1} step={0.05} value={draft.candidates.subjectSimilarity} onChange={(e) => set({ candidates: { ...draft.candidates, subjectSimilarity: Number(e.target.value) } })} aria-describedby="inc-similarity-hint" />
          <span id="inc-similarity-hint" className="hint">{t('admin2.incidentSettings.subjectSimilarityHint')}</span>
          <FieldProblems problems={problems} field="candidates.subjectSimilarity" />
        </div>
      </div>

      {save.error !== null && <ChangeError error={save.error} inline={problems.length > 0} />}
      {saved && <p role="status">{t('admin2.incidentSettings.saved')}</p>}
      <button type="submit" className="btn btn-primary" disabled={save.isPending}>
        {t('admin2.save')}
      </button>
    </form>
  );
}

function MinutesField({ id, label, hint, value, onChange, problems, field }: { id: string; label: string; hint?: string; value: number; onChange: (v: number) => void; problems: Problems; field: string }) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <span className="minutes-input">
        <input id={id} type="number" min={1} max={100000} step={1} inputMode="numeric" value={value} onChange={(e) => onChange(Number(e.target.value))} aria-describedby={hint ? `${id}-hint` : undefined} />{' '}
        <span aria-hidden="true">{t('admin2.minutesShort')}</span>
      </span>
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
      <FieldProblems problems={problems} field={field} />
    </div>
  );
}

/** An active escalation path, or none (null); a stored path that is no longer active stays shown as such. */
function PathSelect({ id, none, paths, value, onChange, describedBy }: { id: string; none: string; paths: { id: string; name: string }[]; value: string | null; onChange: (pathId: string | null) => void; describedBy?: string }) {
  const { t } = useTranslation();
  return (
    <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} aria-describedby={describedBy}>
      <option value="">{none}</option>
      {paths.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
      {value && !paths.some((p) => p.id === value) && <option value={value}>{t('admin2.incidentSettings.inactivePath')}</option>}
    </select>
  );
}
