import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { qk } from '../../api/query-keys.js';
import { SimilarEscalations } from '../knowledge/SimilarEscalations.js';
import { useTranslation } from 'react-i18next';
import { call } from '../../api/typed.js';
import { ApiError, problemField } from '../../api/client.js';
import { TEMPERATURES, type Temperature, type Ticket } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession, useUserTimeZone } from '../../session.js';
import { cleanBrief, missingFields } from './brief.js';
import { formatDuration } from './time.js';
import { IMPACT_SCOPES, type Brief, type Escalation, type EscalationDraft, type ImpactScope } from './types.js';
import { levelLabel } from '../../lib/level-label.js';

type TextField = 'category' | 'ask' | 'concern' | 'tried' | 'environment' | 'background';
type DirectTo = 'my_supervisor' | 'team' | 'user';
/** What a direct escalation asks for (the server's one-level direct snapshot). */
const DIRECT_REQUIRED = ['ask'];
const DIRECT_ACK_SECONDS = 1800;

/**
 * The escalate dialog: the suggested path and level, who receives it and by when they must
 * acknowledge, and the brief written conclusion first (category and ask, then concern, tried,
 * environment, background, temperature, impact, links). Required fields are checked here and
 * the server's field problems are shown next to the fields too.
 */
export function EscalateDialog({ ticket, onClose, onEscalated }: { ticket: Ticket; onClose: () => void; onEscalated: (e: Escalation) => void }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [pathId, setPathId] = useState<string | undefined>(undefined);
  const [levelIndex, setLevelIndex] = useState<number | undefined>(undefined);
  const [brief, setBrief] = useState<Brief | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const [directTo, setDirectTo] = useState<DirectTo | null>(null);
  const [directTeamId, setDirectTeamId] = useState('');
  const [directUserId, setDirectUserId] = useState('');

  // Modal with the browser's own focus trap; Escape closes (the dialog's cancel event).
  useEffect(() => {
    const d = dialogRef.current;
    if (d && !d.open) d.showModal();
  }, []);

  // Path, parameters and answer typed by the server's OpenAPI document (api/typed.ts). Changing
  // path or level keeps the previous draft on screen until the new one is there.
  const draftQuery = useQuery({
    queryKey: qk.escalations.draft(ticket.id, { pathId: pathId ?? null, levelIndex: levelIndex ?? null }),
    queryFn: ({ signal }) => call(client, 'get', '/api/v1/tickets/{id}/escalations/draft', { params: { id: ticket.id }, query: { pathId, levelIndex } }, signal),
    placeholderData: keepPreviousData,
  });
  const draft: EscalationDraft | null = draftQuery.data ?? null;
  const loadError = draftQuery.error;
  // The brief is pre-filled once; changing path or level (or a refresh) keeps what the agent wrote.
  if (draft && brief === null) setBrief(draft.brief);

  // Focus the first field once the form is there.
  const focused = useRef(false);
  useEffect(() => {
    if (brief && !focused.current) {
      focused.current = true;
      dialogRef.current?.querySelector<HTMLElement>('select, input, textarea')?.focus();
    }
  }, [brief]);

  // No path applies: offer a direct escalation (to my supervisor, a team or a person).
  const direct = draft !== null && draft.matches.length === 0 && !draft.path;
  const supervisors = draft?.direct.mySupervisors ?? [];
  const chosenTo: DirectTo = directTo ?? (supervisors.length ? 'my_supervisor' : 'team');
  const directReady = chosenTo === 'my_supervisor' ? supervisors.length > 0 : chosenTo === 'team' ? directTeamId !== '' : directUserId !== '';
  const required = new Set(direct ? DIRECT_REQUIRED : (draft?.level?.requiredBriefFields ?? []));
  const set = <K extends keyof Brief>(k: K, v: Brief[K]) => {
    setBrief((b) => (b ? { ...b, [k]: v } : b));
    setFieldErrors((e) => {
      const { [k]: _drop, ...rest } = e;
      return rest;
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!brief || !draft || (direct ? !directReady : !draft.path || !draft.level)) return;
    setSubmitError(null);
    const missing = missingFields(brief, direct ? DIRECT_REQUIRED : (draft.level?.requiredBriefFields ?? []));
    if (missing.length) {
      setFieldErrors(Object.fromEntries(missing.map((f) => [f, t('agent.escalate.missing')])));
      dialogRef.current?.querySelector<HTMLElement>(`[data-field="${missing[0]}"]`)?.focus();
      return;
    }
    setSubmitting(true);
    try {
      const route = direct
        ? chosenTo === 'my_supervisor'
          ? { to: 'my_supervisor' }
          : { target: chosenTo === 'team' ? { type: 'team', teamId: directTeamId } : { type: 'user', userId: directUserId } }
        : { pathId: draft.path!.id, levelIndex: draft.level!.levelIndex };
      const created = await client.post<Escalation>(`/api/v1/tickets/${ticket.id}/escalations`, { ...route, brief: cleanBrief(brief) });
      onEscalated(created);
    } catch (err) {
      setSubmitError(err);
      if (err instanceof ApiError && err.problems.length) {
        const byField: Record<string, string> = {};
        for (const p of err.problems) {
          const f = problemField(p).replace(/^brief\./, '').split('.')[0]!;
          byField[f] = p.message === 'is required by this escalation level' ? t('agent.escalate.missing') : p.message;
        }
        setFieldErrors(byField);
        const first = Object.keys(byField)[0];
        if (first) dialogRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
      }
    } finally {
      setSubmitting(false);
    }
  };

  const ackDue = draft?.level ? new Date(draft.level.ackDueAt).getTime() : null;
  const receivers = draft?.level?.targets.flatMap((x) => x.receivers) ?? [];
  const contact = draft?.level?.contact;
  const otherTickets = draft ? [...draft.customerTickets.open, ...draft.customerTickets.recent].filter((x, i, all) => x.id !== ticket.id && all.findIndex((y) => y.id === x.id) === i) : [];

  const text = (k: TextField, opts: { rows?: number; help?: string; input?: boolean; max: number }) => (
    <Field id={`esc-${k}`} label={t(`agent.escalate.${k}`)} required={required.has(k)} error={fieldErrors[k]} help={opts.help}>
      {(props) =>
        opts.input ? (
          <input {...props} type="text" data-field={k} value={brief?.[k] ?? ''} maxLength={opts.max} onChange={(e) => set(k, e.target.value)} />
        ) : (
          <textarea {...props} data-field={k} rows={opts.rows ?? 3} value={brief?.[k] ?? ''} maxLength={opts.max} onChange={(e) => set(k, e.target.value)} />
        )
      }
    </Field>
  );

  return (
    <dialog
      ref={dialogRef}
      className="modal escalate-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <header className="modal-head">
          <h2 id={titleId}>{t('agent.escalate.title', { number: ticket.number })}</h2>
          <button type="button" className="btn btn-quiet" onClick={onClose} aria-label={t('agent.escalate.close')}>
            ✕
          </button>
        </header>
        <div className="modal-body">
          {loadError !== null && <ErrorMessage error={loadError} onRetry={() => void draftQuery.refetch()} />}
          {!draft && loadError === null && <Loading label={t('agent.escalate.loading')} />}
          {draft && brief && (
            <div className="escalate-grid">
              <div className="escalate-main">
                <fieldset className="esc-route">
                  <legend className="sr-only">{t('agent.escalate.path')}</legend>
                  {direct ? (
                    <DirectChoice
                      draft={draft}
                      to={chosenTo}
                      teamId={directTeamId}
                      userId={directUserId}
                      onTo={setDirectTo}
                      onTeam={setDirectTeamId}
                      onUser={setDirectUserId}
                    />
                  ) : (
                    <div className="row">
                      <div className="field">
                        <label htmlFor="esc-path">{t('agent.escalate.path')}</label>
                        <select
                          id="esc-path"
                          value={draft.path?.id ?? ''}
                          onChange={(e) => {
                            setPathId(e.target.value);
                            setLevelIndex(undefined);
                          }}
                        >
                          {draft.matches.map((m) => (
                            <option key={m.pathId} value={m.pathId}>
                              {m.pathName}
                              {m.pathId === draft.suggestedPathId ? ` ${t('agent.escalate.suggested')}` : ''}
                            </option>
                          ))}
                          {draft.path && !draft.matches.some((m) => m.pathId === draft.path!.id) && <option value={draft.path.id}>{draft.path.name}</option>}
                        </select>
                      </div>
                      {draft.path && (
                        <div className="field">
                          <label htmlFor="esc-level">{t('agent.escalate.level')}</label>
                          <select id="esc-level" value={draft.level?.levelIndex ?? 0} onChange={(e) => setLevelIndex(Number(e.target.value))}>
                            {draft.path.levels.map((l) => (
                              <option key={l.levelIndex} value={l.levelIndex}>
                                {levelLabel(l.levelIndex, l.name, ' · ')} — {t(`agent.escalate.levelKind.${l.kind}`, { defaultValue: l.kind })}
                              </option>
                            ))}
                          </select>
                        </div>
                      )}
                    </div>
                  )}
                  {draft.level && (
                    <div className="receiver-card" data-testid="receiver-card">
                      <div>
                        <strong>{t('agent.escalate.receiver')}: </strong>
                        {receivers.length ? receivers.map((r) => r.name).join(', ') : <span className="muted">{t('agent.escalate.noReceivers')}</span>}
                      </div>
                      {contact && (contact.department || contact.person || contact.phone || contact.email) && (
                        <div className="small">
                          <strong>{t('agent.escalate.contact')}: </strong>
                          {[contact.department, contact.person].filter(Boolean).join(' / ')}
                          {contact.phone && (
                            <>
                              {' · '}
                              <a href={`tel:${contact.phone}`}>{contact.phone}</a>
                            </>
                          )}
                          {contact.email && (
                            <>
                              {' · '}
                              <a href={`mailto:${contact.email}`}>{contact.email}</a>
                            </>
                          )}
                        </div>
                      )}
                      {ackDue !== null && (
                        <div className="small ack-due">
                          ◷ {t('agent.escalate.ackBy', { time: formatDateTime(draft.level.ackDueAt, i18n.language, tz), duration: formatDuration(draft.level.ackTimeoutSeconds, t, i18n.language) })}
                        </div>
                      )}
                    </div>
                  )}
                </fieldset>

                <SimilarEscalations ticketId={ticket.id} />
                <h3 className="brief-title">{t('agent.escalate.briefTitle')}</h3>
                <div className="row">
                  {text('category', { input: true, max: 200 })}
                </div>
                {text('ask', { rows: 2, help: t('agent.escalate.askHelp'), max: 2000 })}
                {text('concern', { rows: 2, max: 5000 })}
                {text('tried', { rows: 2, max: 10000 })}
                {text('environment', { rows: 2, max: 5000 })}
                {text('background', { rows: 4, help: t('agent.escalate.backgroundHelp'), max: 20000 })}

                <div className="row">
                  <Field id="esc-temperature" label={t('agent.escalate.temperature')} required={false} error={fieldErrors.customerTemperature}>
                    {(props) => (
                      <select {...props} data-field="customerTemperature" value={brief.customerTemperature} onChange={(e) => set('customerTemperature', e.target.value as Temperature)}>
                        {TEMPERATURES.map((x) => (
                          <option key={x} value={x}>
                            {t(`temperature.${x}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field id="esc-scope" label={t('agent.escalate.impactScope')} required={required.has('impact')} error={fieldErrors.impact}>
                    {(props) => (
                      <select {...props} data-field="impact" value={brief.impact.scope} onChange={(e) => set('impact', { ...brief.impact, scope: e.target.value as ImpactScope })}>
                        {IMPACT_SCOPES.map((x) => (
                          <option key={x} value={x}>
                            {t(`agent.escalate.scope.${x}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                </div>
                <div className="row checks">
                  <label className="check">
                    <input type="checkbox" checked={brief.impact.revenueRisk} onChange={(e) => set('impact', { ...brief.impact, revenueRisk: e.target.checked })} />
                    {t('agent.escalate.revenueRisk')}
                  </label>
                  <label className="check">
                    <input type="checkbox" checked={brief.impact.legalRisk} onChange={(e) => set('impact', { ...brief.impact, legalRisk: e.target.checked })} />
                    {t('agent.escalate.legalRisk')}
                  </label>
                </div>
                <Field id="esc-impact-note" label={t('agent.escalate.impactNote')} required={false}>
                  {(props) => <textarea {...props} rows={2} maxLength={2000} value={brief.impact.note} onChange={(e) => set('impact', { ...brief.impact, note: e.target.value })} />}
                </Field>

                <fieldset className="links" aria-describedby={fieldErrors.links ? 'esc-links-error' : undefined}>
                  <legend>
                    {t('agent.escalate.links')}
                    {required.has('links') && <span className="req"> ({t('agent.escalate.required')})</span>}
                  </legend>
                  {brief.links.map((l, i) => (
                    <div className="row link-row" key={i}>
                      <input
                        type="url"
                        data-field={i === 0 ? 'links' : undefined}
                        aria-label={t('agent.escalate.linkUrl', { n: i + 1 })}
                        placeholder="https://"
                        value={l.url}
                        maxLength={2000}
                        onChange={(e) => set('links', brief.links.map((x, j) => (j === i ? { ...x, url: e.target.value } : x)))}
                      />
                      <input
                        type="text"
                        aria-label={t('agent.escalate.linkLabel', { n: i + 1 })}
                        value={l.label}
                        maxLength={200}
                        onChange={(e) => set('links', brief.links.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))}
                      />
                      <button type="button" className="btn btn-quiet btn-small" aria-label={t('agent.escalate.removeLink', { n: i + 1 })} onClick={() => set('links', brief.links.filter((_, j) => j !== i))}>
                        ✕
                      </button>
                    </div>
                  ))}
                  <button type="button" className="btn btn-small" data-field={brief.links.length === 0 ? 'links' : undefined} onClick={() => set('links', [...brief.links, { url: '', label: '' }])} disabled={brief.links.length >= 50}>
                    + {t('agent.escalate.addLink')}
                  </button>
                  {fieldErrors.links && (
                    <p className="field-error" id="esc-links-error">
                      {fieldErrors.links}
                    </p>
                  )}
                </fieldset>
              </div>

              <aside className="escalate-side" aria-labelledby="esc-other-title">
                <h3 id="esc-other-title">{t('agent.escalate.customerTickets')}</h3>
                {otherTickets.length === 0 ? (
                  <p className="muted small">{t('agent.escalate.noOtherTickets')}</p>
                ) : (
                  <ul className="plain-list">
                    {otherTickets.map((x) => (
                      <li key={x.id}>
                        <Link to={`/tickets/${x.id}`} onClick={onClose}>
                          #{x.number} {x.subject}
                        </Link>
                        <div className="muted small">
                          {t(`status.${x.status}`, { defaultValue: x.status })} · {t('agent.escalate.otherUpdated', { time: formatDateTime(x.updatedAt, i18n.language, tz) })}
                        </div>
                      </li>
                    ))}
                  </ul>
                )}
              </aside>
            </div>
          )}
          {Object.keys(fieldErrors).length > 0 && submitError === null && (
            <p className="error-box" role="alert">
              {t('agent.escalate.fixFields')}
            </p>
          )}
          {submitError !== null && duplicateOf(submitError) !== null && (
            <div className="error-box" role="alert" data-testid="duplicate-escalation">
              <p>{t('agent.escalate.duplicate', { level: duplicateOf(submitError)!.levelName, status: t(`agent.esc.status.${duplicateOf(submitError)!.status}`) })}</p>
              <Link to={`/escalations/${duplicateOf(submitError)!.escalationId}`} onClick={onClose} className="btn btn-small">
                {t('agent.escalate.openExisting')}
              </Link>
            </div>
          )}
          {submitError !== null && duplicateOf(submitError) === null && <ErrorMessage error={submitError} fieldLabels={briefLabels(t)} />}
        </div>
        <footer className="modal-foot">
          <button type="button" className="btn" onClick={onClose}>
            {t('agent.escalate.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={submitting || !brief || (direct ? !directReady : !draft?.level)}>
            {submitting ? t('agent.escalate.submitting') : t('agent.escalate.submit')}
          </button>
        </footer>
      </form>
    </dialog>
  );
}

/** Where a direct escalation goes when no path applies: my supervisor, a team or a person. */
function DirectChoice(p: { draft: EscalationDraft; to: DirectTo; teamId: string; userId: string; onTo: (to: DirectTo) => void; onTeam: (id: string) => void; onUser: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const supervisors = p.draft.direct.mySupervisors;
  const option = (to: DirectTo, label: ReactNode, disabled = false) => (
    <label className="check">
      <input type="radio" name="esc-direct-to" value={to} checked={p.to === to} disabled={disabled} onChange={() => p.onTo(to)} />
      {label}
    </label>
  );
  return (
    <div className="direct-choice" data-testid="direct-choice">
      <p className="muted">{t('agent.escalate.direct.noPathHint')}</p>
      <fieldset>
        <legend>{t('agent.escalate.direct.legend')}</legend>
        <div className="row checks">
          {option(
            'my_supervisor',
            <>
              {t('agent.escalate.direct.toSupervisor')} {supervisors.length > 0 && <span className="muted">{t('agent.escalate.direct.supervisorIs', { names: supervisors.map((s) => s.name).join(', ') })}</span>}
            </>,
            supervisors.length === 0,
          )}
          {option('team', t('agent.escalate.direct.toTeam'))}
          {option('user', t('agent.escalate.direct.toPerson'))}
        </div>
        {supervisors.length === 0 && <p className="muted small">{t('agent.escalate.direct.noSupervisor')}</p>}
        {p.to === 'team' && (
          <div className="field">
            <label htmlFor="esc-direct-team">{t('agent.escalate.direct.chooseTeam')}</label>
            <select id="esc-direct-team" value={p.teamId} onChange={(e) => p.onTeam(e.target.value)}>
              <option value="">{t('agent.escalate.direct.choose')}</option>
              {p.draft.direct.teams.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {p.to === 'user' && (
          <div className="field">
            <label htmlFor="esc-direct-user">{t('agent.escalate.direct.choosePerson')}</label>
            <select id="esc-direct-user" value={p.userId} onChange={(e) => p.onUser(e.target.value)}>
              <option value="">{t('agent.escalate.direct.choose')}</option>
              {p.draft.direct.people.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <p className="small ack-due">◷ {t('agent.escalate.direct.ackIn', { duration: formatDuration(DIRECT_ACK_SECONDS, t, i18n.language) })}</p>
      </fieldset>
    </div>
  );
}

function briefLabels(t: (k: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['category', 'ask', 'concern', 'tried', 'environment', 'background']) out[`brief.${k}`] = t(`agent.escalate.${k}`);
  out['brief.impact'] = t('agent.escalate.impactScope');
  out['brief.links'] = t('agent.escalate.links');
  return out;
}

interface ControlProps {
  id: string;
  'aria-required'?: boolean;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/** The open escalation a 409 names when the same level or target is already asked. */
function duplicateOf(err: unknown): { escalationId: string; levelName: string; status: string } | null {
  if (!(err instanceof ApiError) || err.code !== 'conflict') return null;
  const d = err.details as { reason?: unknown; escalationId?: unknown; levelName?: unknown; status?: unknown } | undefined;
  if (d?.reason !== 'duplicate_escalation' || typeof d.escalationId !== 'string') return null;
  return { escalationId: d.escalationId, levelName: typeof d.levelName === 'string' ? d.levelName : '', status: typeof d.status === 'string' ? d.status : 'requested' };
}

/** A labelled control with its required marker, help and error text wired for screen readers. */
function Field({ id, label, required, error, help, children }: { id: string; label: string; required: boolean; error?: string | undefined; help?: string | undefined; children: (props: ControlProps) => ReactNode }) {
  const { t } = useTranslation();
  const describedBy = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required && <span className="req"> ({t('agent.escalate.required')})</span>}
      </label>
      {children({ id, 'aria-required': required || undefined, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {help && (
        <p className="muted small help" id={`${id}-help`}>
          {help}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
