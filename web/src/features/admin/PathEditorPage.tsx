import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useQuery } from '@tanstack/react-query';
import { call, type ApiJson } from '../../api/typed.js';
import { Loadable } from '../../components/Loadable.js';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../../api/client.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading, Notice } from '../../components/States.js';
import { PRIORITIES, TEMPERATURES } from '../../api/types.js';
import { formatDateTime } from '../../lib/format.js';
import { Link, navigate } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import { BRIEF_FIELDS, CHANNELS, TIERS, type Calendar, type Level, type Path, type PathDefinition, type Rotation, type Target } from './admin-api.js';
import { AdminPage, CheckGroup, DurationInput, ListInput, TeamSelect, formatDuration, useAction, useLoad } from './common.js';
import { FieldProblems, problemsOf } from './FieldProblems.js';
import { PathHistory } from './PathHistory.js';

const newLevel = (n: number): Level => ({
  name: `L${n}`,
  kind: 'functional',
  targets: [],
  contact: { department: null, person: null, phone: null, email: null },
  ackTimeoutSeconds: 30 * 60,
  calendarId: null,
  onTimeout: { advance: true, repeatReminders: 1, reminderIntervalSeconds: 15 * 60 },
  requiredBriefFields: ['category', 'ask'],
});

const emptyPath = (ownerId: string): PathDefinition => ({
  name: '',
  purpose: '',
  ownerId,
  reviewIntervalDays: 90,
  active: true,
  conditions: { categories: [], products: [], tags: [], tagMode: 'any', priorities: [], channels: [], customerTiers: [], customerTemperatures: [], keywords: [] },
  levels: [newLevel(1)],
  fallbackUserIds: [],
  fallbackTeamId: null,
  autoEscalate: false,
});

/** A confirmation that survives the move from /admin/paths/new to the created path's address. */
let flash: string | null = null;

const definitionOf = (p: Path): PathDefinition => ({
  name: p.name,
  purpose: p.purpose,
  ownerId: p.ownerId,
  reviewIntervalDays: p.reviewIntervalDays,
  active: p.active,
  conditions: p.conditions,
  levels: p.levels,
  fallbackUserIds: p.fallbackUserIds,
  fallbackTeamId: p.fallbackTeamId,
  autoEscalate: p.autoEscalate,
});

export function PathEditorPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const isNew = id === 'new';
  const path = useLoad(qk.admin('escalation-paths', id), (signal) => (isNew ? Promise.resolve(null) : client.get<Path>(`/api/v1/escalation-paths/${id}`, undefined, signal)));
  const refs = useLoad(qk.admin('path-editor-refs'), (signal) =>
      Promise.all([
        client.get<{ items: Calendar[] }>('/api/v1/calendars', { limit: 200 }, signal).then((r) => r.items),
        client.get<{ items: Rotation[] }>('/api/v1/rotations', undefined, signal).then((r) => r.items),
      ]));
  const loading = (!isNew && path.data === null && path.error === null) || (refs.data === null && refs.error === null);

  return (
    <AdminPage title={isNew ? t('admin2.paths.new') : path.data ? t('admin2.paths.editTitle', { name: path.data.name }) : t('admin2.paths.title')}>
      <p>
        <Link to="/admin/paths" className="back-link">
          ← {t('admin2.paths.back')}
        </Link>
      </p>
      {path.error !== null && <ErrorMessage error={path.error} onRetry={path.reload} />}
      {refs.error !== null && <ErrorMessage error={refs.error} onRetry={refs.reload} />}
      {loading && <Loading />}
      {!loading && refs.data && (isNew || path.data) && (
        <PathForm
          key={path.data ? `${path.data.id}-${path.data.version}` : 'new'}
          path={path.data}
          calendars={refs.data[0]}
          rotations={refs.data[1]}
          onSaved={(p) => {
            if (isNew) navigate(`/admin/paths/${p.id}`, { replace: true });
            else path.setData(p);
          }}
        />
      )}
    </AdminPage>
  );
}

function PathForm({ path, calendars, rotations, onSaved }: { path: Path | null; calendars: Calendar[]; rotations: Rotation[]; onSaved: (p: Path) => void }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const directory = useDirectory();
  const [def, setDef] = useState<PathDefinition>(path ? definitionOf(path) : emptyPath(user.id));
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(() => {
    const f = flash;
    flash = null;
    return f;
  });
  const [historyKey, setHistoryKey] = useState(0);
  const action = useAction();
  const set = <K extends keyof PathDefinition>(k: K, v: PathDefinition[K]) => setDef((d) => ({ ...d, [k]: v }));
  const setCond = <K extends keyof PathDefinition['conditions']>(k: K, v: PathDefinition['conditions'][K]) => setDef((d) => ({ ...d, conditions: { ...d.conditions, [k]: v } }));
  const setLevel = (i: number, l: Level) => set('levels', def.levels.map((x, j) => (j === i ? l : x)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...def.levels];
    const [l] = next.splice(i, 1);
    next.splice(i + by, 0, l!);
    set('levels', next);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    const body = { ...def, reason: reason.trim() };
    const saved = await action.run(() => (path ? client.put<Path>(`/api/v1/escalation-paths/${path.id}`, body) : client.post<Path>('/api/v1/escalation-paths', body)));
    if (saved) {
      setReason('');
      setNotice(t('admin2.paths.savedVersion', { version: saved.version }));
      // the form remounts with the saved version (or at the new path's address): keep the message
      flash = t('admin2.paths.savedVersion', { version: saved.version });
      setHistoryKey((k) => k + 1);
      onSaved(saved);
    }
  };
  const review = async () => {
    if (!path) return;
    const saved = await action.run(() => client.post<Path>(`/api/v1/escalation-paths/${path.id}/review`));
    if (saved) {
      onSaved(saved);
      setNotice(t('admin2.paths.reviewed'));
    }
  };
  const remove = async () => {
    if (!path || !window.confirm(t('admin2.paths.confirmDelete', { name: path.name }))) return;
    const ok = await action.run(() => client.delete(`/api/v1/escalation-paths/${path.id}`).then(() => true));
    if (ok) navigate('/admin/paths');
  };
  const activeUsers = directory.users.filter((u) => u.active);
  const problems = problemsOf(action.error);

  return (
    <>
      {notice && <Notice>{notice}</Notice>}
      {path && (
        <section className="card" aria-labelledby="review-title">
          <h2 id="review-title">{t('admin2.paths.reviewTitle')}</h2>
          <dl className="facts">
            <dt>{t('admin2.paths.version')}</dt>
            <dd>v{path.version}</dd>
            <dt>{t('admin2.paths.lastReviewed')}</dt>
            <dd>{path.lastReviewedAt ? t('admin2.paths.reviewedBy', { time: formatDateTime(path.lastReviewedAt, i18n.language, user.timeZone), name: directory.userName(path.lastReviewedBy) ?? '—' }) : t('admin2.paths.neverReviewed')}</dd>
            <dt>{t('admin2.paths.nextReview')}</dt>
            <dd className={path.reviewDue ? 'review-due' : ''}>
              {formatDateTime(path.reviewDueAt, i18n.language, user.timeZone)} {path.reviewDue && `(${t('admin2.paths.reviewDue')})`}
            </dd>
          </dl>
          <ReviewEvidence pathId={path.id} version={path.version} reviewedAt={path.lastReviewedAt} />
          <button type="button" className="btn" onClick={() => void review()} disabled={action.busy}>
            {t('admin2.paths.markReviewed')}
          </button>
        </section>
      )}
      <form onSubmit={(e) => void save(e)} aria-label={t('admin2.paths.formLabel')}>
        <section className="card" aria-labelledby="path-general">
          <h2 id="path-general">{t('admin2.paths.general')}</h2>
          <div className="grid-form">
            <div className="field">
              <label htmlFor="p-name">{t('admin2.paths.name')}</label>
              <input id="p-name" required maxLength={200} value={def.name} onChange={(e) => set('name', e.target.value)} />
              <FieldProblems problems={problems} field="name" />
            </div>
            <div className="field">
              <label htmlFor="p-owner">{t('admin2.paths.owner')}</label>
              <select id="p-owner" value={def.ownerId} onChange={(e) => set('ownerId', e.target.value)}>
                {activeUsers.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
              <FieldProblems problems={problems} field="ownerId" />
            </div>
            <div className="field">
              <label htmlFor="p-interval">{t('admin2.paths.reviewInterval')}</label>
              <input id="p-interval" type="number" min={1} max={3650} value={def.reviewIntervalDays} onChange={(e) => set('reviewIntervalDays', Number(e.target.value) || 1)} />
              <FieldProblems problems={problems} field="reviewIntervalDays" />
            </div>
            <div className="field span-all">
              <label htmlFor="p-purpose">{t('admin2.paths.purpose')}</label>
              <textarea id="p-purpose" rows={2} maxLength={2000} value={def.purpose} onChange={(e) => set('purpose', e.target.value)} />
            </div>
          </div>
          <label className="check">
            <input type="checkbox" checked={def.active} onChange={(e) => set('active', e.target.checked)} /> {t('admin2.paths.activeLabel')}
          </label>{' '}
          <label className="check">
            <input type="checkbox" checked={def.autoEscalate ?? false} onChange={(e) => set('autoEscalate', e.target.checked)} /> {t('admin2.paths.autoEscalate')}
          </label>
        </section>

        <section className="card" aria-labelledby="path-conditions">
          <h2 id="path-conditions">{t('admin2.paths.conditions')}</h2>
          <p className="hint">{t('admin2.paths.conditionsHint')}</p>
          <div className="grid-form">
            <ListInput id="pc-categories" label={t('admin2.cond.categories')} value={def.conditions.categories} onChange={(v) => setCond('categories', v)} />
            <ListInput id="pc-products" label={t('admin2.cond.products')} value={def.conditions.products} onChange={(v) => setCond('products', v)} />
            <ListInput id="pc-keywords" label={t('admin2.cond.keywords')} value={def.conditions.keywords} onChange={(v) => setCond('keywords', v)} />
            <FieldProblems problems={problems} field="conditions" prefix />
            <ListInput id="pc-tags" label={t('admin2.cond.tags')} value={def.conditions.tags} onChange={(v) => setCond('tags', v)} />
            <div className="field">
              <label htmlFor="pc-tagmode">{t('admin2.cond.tagMode')}</label>
              <select id="pc-tagmode" value={def.conditions.tagMode} onChange={(e) => setCond('tagMode', e.target.value as 'any' | 'all')}>
                <option value="any">{t('admin2.cond.tagAny')}</option>
                <option value="all">{t('admin2.cond.tagAll')}</option>
              </select>
            </div>
          </div>
          <CheckGroup name="pc-prio" legend={t('admin2.cond.priorities')} options={PRIORITIES} value={def.conditions.priorities} onChange={(v) => setCond('priorities', v)} labelOf={(o) => t(`priority.${o}`)} />
          <CheckGroup name="pc-chan" legend={t('admin2.cond.channels')} options={CHANNELS} value={def.conditions.channels} onChange={(v) => setCond('channels', v)} labelOf={(o) => t(`channel.${o}`)} />
          <CheckGroup name="pc-tier" legend={t('admin2.cond.tiers')} options={TIERS} value={def.conditions.customerTiers as (typeof TIERS)[number][]} onChange={(v) => setCond('customerTiers', v)} labelOf={(o) => t(`tiers.${o}`)} />
          <CheckGroup name="pc-temp" legend={t('admin2.cond.temperatures')} options={TEMPERATURES} value={def.conditions.customerTemperatures} onChange={(v) => setCond('customerTemperatures', v)} labelOf={(o) => t(`temperature.${o}`)} />
        </section>

        <section className="card" aria-labelledby="path-levels">
          <h2 id="path-levels">{t('admin2.paths.levelsTitle')}</h2>
          <p className="hint">{t('admin2.paths.levelsHint')}</p>
          <FieldProblems problems={problems} field="levels" />
          <ol className="levels">
            {def.levels.map((l, i) => (
              <li key={i}>
                {i > 0 && (
                  <div className="level-arrow" aria-hidden="true">
                    ↓ {t('admin2.level.thenIfNoAck', { time: formatDuration(def.levels[i - 1]!.ackTimeoutSeconds, i18n.language) })}
                  </div>
                )}
                <LevelCard
                  index={i}
                  count={def.levels.length}
                  level={l}
                  problems={problems}
                  calendars={calendars}
                  rotations={rotations}
                  onChange={(x) => setLevel(i, x)}
                  onMove={(by) => move(i, by)}
                  onRemove={() => set('levels', def.levels.filter((_, j) => j !== i))}
                />
              </li>
            ))}
          </ol>
          <button type="button" className="btn" style={{ marginTop: '0.75rem' }} onClick={() => set('levels', [...def.levels, newLevel(def.levels.length + 1)])}>
            + {t('admin2.level.add')}
          </button>
        </section>

        <section className="card" aria-labelledby="path-fallback">
          <h2 id="path-fallback">{t('admin2.paths.fallback')}</h2>
          <p className="hint">{t('admin2.paths.fallbackHint')}</p>
          <div className="grid-form">
            <div className="field">
              <label htmlFor="pf-team">{t('admin2.paths.fallbackTeam')}</label>
              <TeamSelect id="pf-team" value={def.fallbackTeamId ?? null} onChange={(v) => set('fallbackTeamId', v)} />
              <FieldProblems problems={problems} field="fallbackTeamId" />
            </div>
          </div>
          <FieldProblems problems={problems} field="fallbackUserIds" prefix />
          <CheckGroup name="pf-users" legend={t('admin2.paths.fallbackUsers')} options={activeUsers.filter((u) => ['supervisor', 'manager', 'admin'].includes(u.role)).map((u) => u.id)} value={def.fallbackUserIds} onChange={(v) => set('fallbackUserIds', v)} labelOf={(id) => directory.userName(id) ?? id} />
        </section>

        <div className="sticky-actions">
          <div className="field">
            <label htmlFor="p-reason">{t('admin2.paths.reason')}</label>
            <input id="p-reason" maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('admin2.paths.reasonPh')} required={path !== null} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={action.busy || !def.name.trim() || def.levels.length === 0}>
            {path ? t('admin2.paths.saveVersion') : t('admin2.paths.create')}
          </button>
          {path && (
            <Link className="btn" to={`/admin/simulator?path=${path.id}`}>
              {t('admin2.paths.simulate')}
            </Link>
          )}
          {path && (
            <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={action.busy}>
              {t('admin2.delete')}
            </button>
          )}
          {action.error !== null && <ErrorMessage error={action.error} hideProblems={problems.length > 0} />}
        </div>
      </form>
      {path && <PathHistory key={historyKey} pathId={path.id} />}
    </>
  );
}

const TARGET_TYPES = ['team', 'user', 'rotation', 'role'] as const;

function LevelCard({ index, count, level, problems, calendars, rotations, onChange, onMove, onRemove }: { index: number; count: number; level: Level; problems: Problem[]; calendars: Calendar[]; rotations: Rotation[]; onChange: (l: Level) => void; onMove: (by: -1 | 1) => void; onRemove: () => void }) {
  const at = `levels[${index}]`;
  const { t } = useTranslation();
  const directory = useDirectory();
  const id = `lv${index}`;
  const label = `L${index + 1}`;
  const set = <K extends keyof Level>(k: K, v: Level[K]) => onChange({ ...level, [k]: v });
  const setContact = (k: keyof Level['contact'], v: string) => set('contact', { ...level.contact, [k]: v.trim() === '' ? null : v });
  const setTarget = (i: number, tg: Target) => set('targets', level.targets.map((x, j) => (j === i ? tg : x)));
  const blankTarget = (type: Target['type']): Target =>
    type === 'team'
      ? { type, teamId: directory.teams[0]?.id ?? '' }
      : type === 'user'
        ? { type, userId: directory.users.find((u) => u.active)?.id ?? '' }
        : type === 'rotation'
          ? { type, rotationId: rotations[0]?.id ?? '' }
          : { type, role: 'manager_of_current_team' };

  return (
    <article className={`level-card ${level.kind}`} aria-label={t('admin2.level.cardLabel', { level: label, name: level.name })}>
      <div className="level-head">
        <span className="level-badge">{label}</span>
        <div className="field inline" style={{ margin: 0 }}>
          <label htmlFor={`${id}-name`} className="sr-only">
            {t('admin2.level.name', { level: label })}
          </label>
          <input id={`${id}-name`} required maxLength={200} value={level.name} onChange={(e) => set('name', e.target.value)} aria-label={t('admin2.level.name', { level: label })} />
        </div>
        <div className="field inline" style={{ margin: 0 }}>
          <label htmlFor={`${id}-kind`}>{t('admin2.level.kind')}</label>
          <select id={`${id}-kind`} value={level.kind} onChange={(e) => set('kind', e.target.value as Level['kind'])}>
            <option value="functional">{t('admin2.level.functional')}</option>
            <option value="hierarchical">{t('admin2.level.hierarchical')}</option>
          </select>
        </div>
        <span className="spacer" />
        <button type="button" className="btn btn-small btn-quiet" disabled={index === 0} onClick={() => onMove(-1)} aria-label={t('admin2.level.moveUp', { level: label })}>
          ↑
        </button>
        <button type="button" className="btn btn-small btn-quiet" disabled={index === count - 1} onClick={() => onMove(1)} aria-label={t('admin2.level.moveDown', { level: label })}>
          ↓
        </button>
        <button type="button" className="btn btn-small btn-danger" disabled={count === 1} onClick={onRemove} aria-label={t('admin2.level.remove', { level: label })}>
          {t('admin2.remove')}
        </button>
      </div>
      <FieldProblems problems={problems} field={`${at}.name`} />
      <FieldProblems problems={problems} field={`${at}.kind`} />

      <h3 className="sub-title">{t('admin2.level.targets')}</h3>
      {level.targets.length === 0 && <p className="muted small">{t('admin2.level.noTargets')}</p>}
      <FieldProblems problems={problems} field={`${at}.targets`} prefix />
      {level.targets.map((tg, i) => (
        <div className="target-row" key={i}>
          <select aria-label={t('admin2.level.targetType', { level: label, n: i + 1 })} value={tg.type} onChange={(e) => setTarget(i, blankTarget(e.target.value as Target['type']))}>
            {TARGET_TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`admin2.target.${x}`)}
              </option>
            ))}
          </select>
          {tg.type === 'team' && (
            <select aria-label={t('admin2.level.targetWho', { level: label, n: i + 1 })} value={tg.teamId} onChange={(e) => setTarget(i, { type: 'team', teamId: e.target.value })}>
              {directory.teams.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          )}
          {tg.type === 'user' && (
            <select aria-label={t('admin2.level.targetWho', { level: label, n: i + 1 })} value={tg.userId} onChange={(e) => setTarget(i, { type: 'user', userId: e.target.value })}>
              {directory.users
                .filter((u) => u.active || u.id === tg.userId)
                .map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
            </select>
          )}
          {tg.type === 'rotation' &&
            (rotations.length === 0 ? (
              <span className="muted small">
                {t('admin2.level.noRotations')} <Link to="/admin/rotations">{t('admin2.section.rotations')}</Link>
              </span>
            ) : (
              <select aria-label={t('admin2.level.targetWho', { level: label, n: i + 1 })} value={tg.rotationId} onChange={(e) => setTarget(i, { type: 'rotation', rotationId: e.target.value })}>
                {rotations.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            ))}
          {tg.type === 'role' && (
            <select aria-label={t('admin2.level.targetWho', { level: label, n: i + 1 })} value={tg.role} onChange={(e) => setTarget(i, { type: 'role', role: e.target.value as 'manager_of_current_team' })}>
              <option value="manager_of_current_team">{t('admin2.target.manager_of_current_team')}</option>
              <option value="supervisor_of_assignee">{t('admin2.target.supervisor_of_assignee')}</option>
            </select>
          )}
          <button type="button" className="btn btn-small btn-quiet" onClick={() => set('targets', level.targets.filter((_, j) => j !== i))} aria-label={t('admin2.level.removeTarget', { level: label, n: i + 1 })}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => set('targets', [...level.targets, blankTarget('team')])} aria-label={t('admin2.level.addTargetTo', { level: label })}>
        + {t('admin2.level.addTarget')}
      </button>

      <h3 className="sub-title">{t('admin2.level.contact')}</h3>
      <div className="level-grid">
        {(['department', 'person', 'phone', 'email'] as const).map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`${id}-c-${k}`}>{t(`admin2.level.${k}`)}</label>
            <input id={`${id}-c-${k}`} type={k === 'email' ? 'email' : k === 'phone' ? 'tel' : 'text'} value={level.contact[k] ?? ''} onChange={(e) => setContact(k, e.target.value)} />
          </div>
        ))}
      </div>

      <h3 className="sub-title">{t('admin2.level.timing')}</h3>
      <div className="level-grid">
        <div className="field">
          <label htmlFor={`${id}-ack`}>{t('admin2.level.ackTimeout')}</label>
          <DurationInput id={`${id}-ack`} label={t('admin2.level.ackTimeoutOf', { level: label })} seconds={level.ackTimeoutSeconds} onChange={(s) => set('ackTimeoutSeconds', Math.max(60, s ?? 60))} />
          <FieldProblems problems={problems} field={`${at}.ackTimeoutSeconds`} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-cal`}>{t('admin2.level.calendar')}</label>
          <select id={`${id}-cal`} value={level.calendarId ?? ''} onChange={(e) => set('calendarId', e.target.value || null)}>
            <option value="">{t('admin2.wallClock')}</option>
            {calendars.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-rep`}>{t('admin2.level.reminders')}</label>
          <FieldProblems problems={problems} field={`${at}.onTimeout.repeatReminders`} />
          <input id={`${id}-rep`} type="number" min={0} max={100} value={level.onTimeout.repeatReminders} onChange={(e) => set('onTimeout', { ...level.onTimeout, repeatReminders: Math.max(0, Number(e.target.value) || 0) })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-int`}>{t('admin2.level.reminderInterval')}</label>
          <DurationInput id={`${id}-int`} label={t('admin2.level.reminderIntervalOf', { level: label })} seconds={level.onTimeout.reminderIntervalSeconds} onChange={(s) => set('onTimeout', { ...level.onTimeout, reminderIntervalSeconds: s ?? 0 })} />
          <FieldProblems problems={problems} field={`${at}.onTimeout.reminderIntervalSeconds`} />
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={level.onTimeout.advance} onChange={(e) => set('onTimeout', { ...level.onTimeout, advance: e.target.checked })} /> {index === count - 1 ? t('admin2.level.advanceLast') : t('admin2.level.advance')}
      </label>

      <FieldProblems problems={problems} field={`${at}.requiredBriefFields`} prefix />
      <CheckGroup name={`${id}-brief`} legend={t('admin2.level.required')} options={BRIEF_FIELDS} value={level.requiredBriefFields} onChange={(v) => set('requiredBriefFields', v)} labelOf={(o) => t(`admin2.brief.${o}`)} />
    </article>
  );
}

/** /admin/paths/$id ("new" for a new path). */
export function PathEditorRoute() {
  const { id } = getRouteApi('/admin/paths/$id').useParams();
  return <PathEditorPage id={id} key={id} />;
}

type Evidence = ApiJson<'/api/v1/escalation-paths/{id}/evidence'>;

/** What the periodic review looks at (GET /api/v1/escalation-paths/{id}/evidence): use, acknowledgement speed, returns, ping-pong. */
function ReviewEvidence({ pathId, version, reviewedAt }: { pathId: string; version: number; reviewedAt: string | null }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const evidence = useQuery({
    queryKey: qk.admin('escalation-paths', pathId, 'evidence', version, reviewedAt),
    queryFn: ({ signal }) => call(client, 'get', '/api/v1/escalation-paths/{id}/evidence', { params: { id: pathId } }, signal),
  });
  return (
    <div className="review-evidence">
      <h3>
        {t('admin2.evidence.title')}{' '}
        <a className="small" href={`/reports/paths/${encodeURIComponent(pathId)}`}>
          {t('reports.pathReview')}
        </a>
      </h3>
      <Loadable query={evidence}>
        {(e: Evidence) => (
          <>
            <p className="muted small">{t('admin2.evidence.since', { time: formatDateTime(e.since, i18n.language, user.timeZone) })}</p>
            <dl className="facts" data-testid="path-evidence">
              <dt>{t('admin2.evidence.escalations')}</dt>
              <dd>{e.escalations}</dd>
              <dt>{t('admin2.evidence.acknowledged')}</dt>
              <dd>{t('admin2.evidence.inTime', { count: e.acknowledged, inTime: e.acknowledgedInTime })}</dd>
              <dt>{t('admin2.evidence.medianAck')}</dt>
              <dd>{e.medianAckSeconds === null ? '—' : formatDuration(Math.round(e.medianAckSeconds), i18n.language)}</dd>
              <dt>{t('admin2.evidence.returned')}</dt>
              <dd>{t('admin2.evidence.returnedBy', { notNeeded: e.returned.not_needed, wrongTarget: e.returned.wrong_target, missing: e.returned.missing_information })}</dd>
              <dt>{t('admin2.evidence.misroutes')}</dt>
              <dd>{e.misroutes}</dd>
              <dt>{t('admin2.evidence.unnecessary')}</dt>
              <dd>{e.unnecessary}</dd>
              <dt>{t('admin2.evidence.advanced')}</dt>
              <dd>{e.advancedPastFirstLevel}</dd>
              <dt>{t('admin2.evidence.pingPong')}</dt>
              <dd>{e.pingPong}</dd>
            </dl>
          </>
        )}
      </Loadable>
    </div>
  );
}
