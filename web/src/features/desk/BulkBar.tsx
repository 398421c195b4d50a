import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PRIORITIES, STATUSES, type Ticket } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { navigate } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import { useBulkUpdate, type BulkChanges, type BulkOutcome } from './use-desk.js';
import './desk.css';

const KEEP = '';
const NONE = '__none__';

/** The selection of a ticket list: ids in the order they were picked, with their numbers (a ticket may leave the list meanwhile). */
export function useSelection() {
  const [ids, setIds] = useState<string[]>([]);
  const numbers = useRef(new Map<string, number>());
  return {
    ids,
    numbers: numbers.current,
    has: (id: string) => ids.includes(id),
    toggle: (t: Ticket) => {
      numbers.current.set(t.id, t.number);
      setIds((s) => (s.includes(t.id) ? s.filter((x) => x !== t.id) : [...s, t.id]));
    },
    setAll: (all: Pick<Ticket, 'id' | 'number'>[], on: boolean) => {
      for (const t of all) numbers.current.set(t.id, t.number);
      const wanted = all.map((t) => t.id);
      setIds((s) => (on ? [...new Set([...s, ...wanted])] : s.filter((x) => !wanted.includes(x))));
    },
    clear: () => setIds([]),
  };
}
export type Selection = ReturnType<typeof useSelection>;

export function SelectAllCell({ selection, items }: { selection: Selection; items: Ticket[] }) {
  const { t } = useTranslation();
  const all = items.length > 0 && items.every((x) => selection.has(x.id));
  return (
    <th scope="col" className="col-select">
      <input type="checkbox" aria-label={t('desk.bulk.selectAll')} checked={all} onChange={(e) => selection.setAll(items, e.target.checked)} />
    </th>
  );
}

export function SelectCell({ selection, ticket }: { selection: Selection; ticket: Ticket }) {
  const { t } = useTranslation();
  return (
    <td className="col-select">
      <input type="checkbox" aria-label={t('desk.bulk.select', { number: ticket.number })} checked={selection.has(ticket.id)} onChange={() => selection.toggle(ticket)} />
    </td>
  );
}

/** Assign, team, status, priority and tags for the selected tickets, in one request; failures listed per ticket. */
export function BulkBar({ selection, onDone }: { selection: Selection; onDone: () => void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const directory = useDirectory();
  const bulk = useBulkUpdate();
  const [assignee, setAssignee] = useState(KEEP);
  const [team, setTeam] = useState(KEEP);
  const [status, setStatus] = useState(KEEP);
  const [priority, setPriority] = useState(KEEP);
  const [addTags, setAddTags] = useState('');
  const [removeTags, setRemoveTags] = useState('');
  // Numbers as they were when applied: a ticket may leave the list afterwards (closed, reassigned).
  const [outcome, setOutcome] = useState<(BulkOutcome & { numbers: Map<string, number> }) | null>(null);
  const tags = (s: string) => s.split(/[,、\s]+/).map((x) => x.trim()).filter(Boolean);

  const changes: BulkChanges = {
    ...(assignee !== KEEP && { assigneeId: assignee === NONE ? null : assignee }),
    ...(team !== KEEP && { teamId: team === NONE ? null : team }),
    ...(status !== KEEP && { status }),
    ...(priority !== KEEP && { priority }),
    ...(tags(addTags).length && { addTags: tags(addTags) }),
    ...(tags(removeTags).length && { removeTags: tags(removeTags) }),
  };
  const nothing = Object.keys(changes).length === 0;

  const apply = async (e: FormEvent) => {
    e.preventDefault();
    if (nothing || selection.ids.length === 0) return;
    const r = await bulk.run(selection.ids, changes);
    if (!r) return;
    setOutcome({ ...r, numbers: new Map(selection.numbers) });
    // Tickets that failed stay selected, so they can be looked at or tried again.
    selection.setAll(r.results.filter((x) => x.ok).map((x) => ({ id: x.id, number: selection.numbers.get(x.id) ?? 0 })), false);
    onDone();
  };

  if (selection.ids.length === 0 && !outcome) return null;
  return (
    <section className="desk-bulk card" aria-label={t('desk.bulk.label')}>
      {selection.ids.length > 0 && (
        <form className="desk-bulk-form" onSubmit={(e) => void apply(e)}>
          <strong className="desk-bulk-count" aria-live="polite">
            {t('desk.bulk.selected', { count: selection.ids.length })}
          </strong>
          <div className="field inline">
            <label htmlFor="bulk-assignee">{t('desk.bulk.assignee')}</label>
            <select id="bulk-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
              <option value={KEEP}>{t('desk.bulk.keep')}</option>
              <option value={user.id}>{t('desk.bulk.me')}</option>
              <option value={NONE}>{t('desk.bulk.unassign')}</option>
              {directory.users
                .filter((u) => u.active && u.id !== user.id)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
            </select>
          </div>
          <div className="field inline">
            <label htmlFor="bulk-team">{t('desk.bulk.team')}</label>
            <select id="bulk-team" value={team} onChange={(e) => setTeam(e.target.value)}>
              <option value={KEEP}>{t('desk.bulk.keep')}</option>
              <option value={NONE}>{t('desk.bulk.noTeam')}</option>
              {directory.teams.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field inline">
            <label htmlFor="bulk-status">{t('desk.bulk.status')}</label>
            <select id="bulk-status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value={KEEP}>{t('desk.bulk.keep')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field inline">
            <label htmlFor="bulk-priority">{t('desk.bulk.priority')}</label>
            <select id="bulk-priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
              <option value={KEEP}>{t('desk.bulk.keep')}</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field inline">
            <label htmlFor="bulk-add-tags">{t('desk.bulk.addTags')}</label>
            <input id="bulk-add-tags" value={addTags} onChange={(e) => setAddTags(e.target.value)} maxLength={500} size={12} />
          </div>
          <div className="field inline">
            <label htmlFor="bulk-remove-tags">{t('desk.bulk.removeTags')}</label>
            <input id="bulk-remove-tags" value={removeTags} onChange={(e) => setRemoveTags(e.target.value)} maxLength={500} size={12} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={nothing || bulk.busy}>
            {bulk.busy ? t('desk.bulk.applying') : t('desk.bulk.apply', { count: selection.ids.length })}
          </button>
          {/* Supervisors and above declare a major incident from the selection (the declare form, pre-filled). */}
          {['supervisor', 'manager', 'admin'].includes(user.role) && (
            <button type="button" className="btn" onClick={() => navigate(`/incidents?tickets=${selection.ids.map((id) => selection.numbers.get(id)).filter((n) => n !== undefined).join(',')}`)}>
              {t('desk.bulk.declareIncident', { count: selection.ids.length })}
            </button>
          )}
          <button type="button" className="btn btn-quiet" onClick={selection.clear}>
            {t('desk.bulk.clear')}
          </button>
        </form>
      )}
      {bulk.error !== null && <ErrorMessage error={bulk.error} />}
      {outcome && (
        <div className="desk-bulk-outcome" role="status" data-testid="bulk-outcome">
          <p>
            {t('desk.bulk.done', { updated: outcome.updated, unchanged: outcome.unchanged, failed: outcome.failed })}{' '}
            <button type="button" className="btn btn-quiet btn-small" onClick={() => setOutcome(null)}>
              {t('desk.bulk.dismiss')}
            </button>
          </p>
          {outcome.failed > 0 && (
            <ul className="problems">
              {outcome.results
                .filter((r) => !r.ok)
                .map((r) => (
                  <li key={r.id}>
                    <strong>{outcome.numbers.has(r.id) ? `#${outcome.numbers.get(r.id)}` : r.id}</strong> {t(`desk.bulk.failure.${['not_found', 'conflict', 'forbidden'].includes(r.error!.code) ? r.error!.code : 'other'}`)}
                  </li>
                ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
