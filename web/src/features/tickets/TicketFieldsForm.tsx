import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { PRIORITIES, STATUSES, TEMPERATURES, type Priority, type Status, type Temperature, type Ticket } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Notice } from '../../components/States.js';
import { parseTags } from '../../lib/format.js';
import { navigate } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import { losesSightOf, movedNoticeSearch } from './restricted-move.js';

interface Draft {
  status: Status;
  priority: Priority;
  temperature: Temperature;
  category: string;
  product: string;
  tags: string;
  cc: string;
  teamId: string;
  assigneeId: string;
}

const draftOf = (x: Ticket): Draft => ({
  status: x.status,
  priority: x.priority,
  temperature: x.temperature,
  category: x.category ?? '',
  product: x.product ?? '',
  tags: x.tags.join(', '),
  cc: x.cc.join(', '),
  teamId: x.teamId ?? '',
  assigneeId: x.assigneeId ?? '',
});

/** Only the fields that differ from the ticket, in the API's shape. */
export function changesOf(x: Ticket, d: Draft): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (d.status !== x.status) c.status = d.status;
  if (d.priority !== x.priority) c.priority = d.priority;
  if (d.temperature !== x.temperature) c.temperature = d.temperature;
  if (d.category.trim() !== (x.category ?? '')) c.category = d.category.trim() || null;
  if (d.product.trim() !== (x.product ?? '')) c.product = d.product.trim() || null;
  const tags = parseTags(d.tags);
  if (tags.join('\u0000') !== x.tags.join('\u0000')) c.tags = tags;
  const cc = [...new Set(d.cc.split(/[,;\s]+/).map((a) => a.trim().toLowerCase()).filter(Boolean))];
  if (cc.join('\u0000') !== x.cc.join('\u0000')) c.cc = cc;
  if (d.teamId !== (x.teamId ?? '')) c.teamId = d.teamId || null;
  if (d.assigneeId !== (x.assigneeId ?? '')) c.assigneeId = d.assigneeId || null;
  return c;
}

/**
 * The editable fields. Saves send expectedVersion, so a change made by someone else in the
 * meantime is never silently overwritten: the server answers 409 and we offer a reload.
 */
export function TicketFieldsForm({ ticket, onSaved, onReload }: { ticket: Ticket; onSaved: (t: Ticket) => void; onReload: () => void }) {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const directory = useDirectory();
  const [draft, setDraft] = useState<Draft>(() => draftOf(ticket));
  const [base, setBase] = useState<Ticket>(ticket);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const changes = changesOf(base, draft);
  const dirty = Object.keys(changes).length > 0;

  // A newer version arrived (poll, reply, reload): take it unless the user is mid-edit.
  useEffect(() => {
    if (ticket.version === base.version) return;
    if (!dirty) {
      setBase(ticket);
      setDraft(draftOf(ticket));
    }
  }, [ticket, base.version, dirty]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [k]: v }));
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!dirty) return;
    // Moving it into a restricted team one is not in hides it from oneself: say so first.
    const target = typeof changes.teamId === 'string' ? directory.teams.find((x) => x.id === changes.teamId) : undefined;
    const leaving = target !== undefined && losesSightOf(user, target);
    if (leaving && !window.confirm(t('agent.restrictedMove.confirm', { number: ticket.number, team: target.name }))) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const next = await client.patch<Ticket>(`/api/v1/tickets/${ticket.id}`, { ...changes, expectedVersion: base.version });
      if (leaving) {
        navigate(`/queues/mine${movedNoticeSearch(ticket.number, target.id)}`);
        return;
      }
      setBase(next);
      setDraft(draftOf(next));
      setSaved(true);
      onSaved(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const conflict = error instanceof ApiError && error.status === 409;
  const activeUsers = directory.users.filter((u) => u.active || u.id === draft.assigneeId);
  const teamMembers = draft.teamId ? new Set(directory.teams.find((x) => x.id === draft.teamId)?.members.map((m) => m.userId) ?? []) : null;
  const inTeam = teamMembers ? activeUsers.filter((u) => teamMembers.has(u.id)) : activeUsers;
  const others = teamMembers ? activeUsers.filter((u) => !teamMembers.has(u.id)) : [];

  return (
    <form className="card fields-form" onSubmit={(e) => void save(e)} aria-labelledby="fields-title">
      <h2 id="fields-title">{t('ticket.fields')}</h2>
      <div className="field">
        <label htmlFor="f-temperature">{t('temperature.label')}</label>
        <select id="f-temperature" className={`temp-select temp-${draft.temperature}`} value={draft.temperature} onChange={(e) => set('temperature', e.target.value as Temperature)}>
          {TEMPERATURES.map((v) => (
            <option key={v} value={v}>
              {t(`temperature.${v}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="f-status">{t('queues.status')}</label>
          <select id="f-status" value={draft.status} onChange={(e) => set('status', e.target.value as Status)}>
            {STATUSES.map((v) => (
              <option key={v} value={v}>
                {t(`status.${v}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-priority">{t('queues.priority')}</label>
          <select id="f-priority" value={draft.priority} onChange={(e) => set('priority', e.target.value as Priority)}>
            {PRIORITIES.map((v) => (
              <option key={v} value={v}>
                {t(`priority.${v}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor="f-team">{t('ticket.team')}</label>
        <select id="f-team" value={draft.teamId} onChange={(e) => set('teamId', e.target.value)}>
          <option value="">{t('ticket.none')}</option>
          {directory.teams.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-assignee">{t('ticket.assignee')}</label>
        <div className="with-action">
          <select id="f-assignee" value={draft.assigneeId} onChange={(e) => set('assigneeId', e.target.value)}>
            <option value="">{t('ticket.none')}</option>
            {inTeam.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
            {others.length > 0 && (
              <optgroup label="—">
                {others.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          {draft.assigneeId !== user.id && (
            <button type="button" className="btn btn-small" onClick={() => set('assigneeId', user.id)}>
              {t('ticket.assignToMe')}
            </button>
          )}
        </div>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="f-category">{t('ticket.category')}</label>
          <input id="f-category" value={draft.category} maxLength={100} onChange={(e) => set('category', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="f-product">{t('ticket.product')}</label>
          <input id="f-product" value={draft.product} maxLength={100} onChange={(e) => set('product', e.target.value)} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="f-tags">{t('ticket.tags')}</label>
        <input id="f-tags" value={draft.tags} onChange={(e) => set('tags', e.target.value)} aria-describedby="f-tags-hint" />
        <span id="f-tags-hint" className="hint">
          {t('ticket.tagsHint')}
        </span>
      </div>
      <div className="field">
        <label htmlFor="f-cc">{t('ticket.cc')}</label>
        <input id="f-cc" value={draft.cc} onChange={(e) => set('cc', e.target.value)} aria-describedby="f-cc-hint" inputMode="email" />
        <span id="f-cc-hint" className="hint">
          {t('ticket.ccHint')}
        </span>
      </div>
      {conflict ? (
        <div className="error-box" role="alert">
          <p>{t('ticket.conflict')}</p>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setError(null);
              setDraft(draftOf(ticket));
              setBase(ticket);
              onReload();
            }}
          >
            {t('ticket.reload')}
          </button>
        </div>
      ) : (
        error !== null && <ErrorMessage error={error} />
      )}
      {saved && !dirty && <Notice>{t('ticket.saved')}</Notice>}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy || !dirty}>
        {busy ? t('ticket.saving') : t('ticket.save')}
      </button>
    </form>
  );
}
