import { useState } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import type { Page, Ticket, User } from '../../api/types.js';
import { PriorityBadge } from '../../components/Badges.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { formatDateTime, formatRelative } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import type { Escalation } from '../admin/admin-api.js';
import { formatDuration, useAction, useLoad } from '../admin/common.js';
import { askOf } from '../escalations/origin.js';
import { AvailabilityForm } from '../settings/AvailabilityForm.js';
import { CandidateBanner } from '../incidents/CandidateBanner.js';
import type { SlaClockSummary } from '../../../../src/modules/tickets/tickets.presenter.js';
import { levelLabel } from '../../lib/level-label.js';

/** Open escalations ordered overdue → unacknowledged → by age. */
export function orderEscalations(items: Escalation[]): Escalation[] {
  const rank = (e: Escalation) => (e.overdue ? 0 : e.status === 'requested' ? 1 : 2);
  return [...items].sort((a, b) => rank(a) - rank(b) || a.requestedAt.localeCompare(b.requestedAt));
}

/** The supervisor's view: what is stuck, what is about to breach, who is here, and who covers. */
export function SupervisorBoard() {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  // Someone else's availability and delegate: a manager of their team or an administrator (the server checks too).
  const mayCover = (team: { members: { userId: string; role: string }[] }) => user.role === 'admin' || team.members.some((x) => x.userId === user.id && (x.role === 'manager' || user.role === 'manager'));
  const directory = useDirectory();
  const [notice, setNotice] = useState<string | null>(null);
  const escalations = useLoad(qk.escalations.board(), async (signal) => {
      const [requested, acknowledged] = await Promise.all([
        client.get<Page<Escalation>>('/api/v1/escalations', { state: 'requested', limit: 100 }, signal),
        client.get<Page<Escalation>>('/api/v1/escalations', { state: 'acknowledged', limit: 100 }, signal),
      ]);
      return orderEscalations([...requested.items, ...acknowledged.items]);
    });
  const atRisk = useLoad(qk.tickets.board(), async (signal) => {
      // The ticket list carries no SLA summary yet: look at the clocks of the newest active tickets.
      // The server narrows to tickets with a breached clock or one due within a week, across every
      // team (not just the most recent tickets); the rule below then picks those at risk.
      const page = await client.get<Page<Ticket>>('/api/v1/tickets', { status: ['new', 'open', 'pending', 'on_hold'], sla: 'at_risk', slaWindow: 7 * 86400, limit: 100, sort: '-updated' }, signal);
      const clocks = await Promise.all(page.items.map((tk) => client.get<{ items: SlaClockSummary[] }>(`/api/v1/tickets/${tk.id}/sla`, undefined, signal).then((r) => r.items.map((clock) => ({ ticket: tk, clock })))));
      return clocks
        .flat()
        .filter(({ clock }) => clock.state === 'breached' || (clock.state === 'running' && clock.remainingSeconds < Math.max(3600, clock.targetSeconds * 0.25)))
        .sort((a, b) => a.clock.remainingSeconds - b.clock.remainingSeconds);
    });
  const [covering, setCovering] = useState<User | null>(null);
  const now = Date.now();
  const open = escalations.data ?? [];
  const overdue = open.filter((e) => e.overdue).length;
  const unack = open.filter((e) => e.status === 'requested').length;
  const breached = (atRisk.data ?? []).filter((r) => r.clock.state === 'breached').length;
  const refresh = () => {
    escalations.reload();
    atRisk.reload();
    directory.reload();
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('admin2.board.title')}</h1>
        <button type="button" className="btn btn-quiet btn-small" onClick={refresh}>
          {t('queues.refresh')}
        </button>
      </div>
      <CandidateBanner />
      <div className="kpis" role="group" aria-label={t('admin2.board.summary')}>
        <div className={overdue ? 'kpi alert' : 'kpi'}>
          <strong>{escalations.data ? overdue : '…'}</strong>
          {t('admin2.board.overdue')}
        </div>
        <div className="kpi">
          <strong>{escalations.data ? unack : '…'}</strong>
          {t('admin2.board.unacknowledged')}
        </div>
        <div className="kpi">
          <strong>{escalations.data ? open.length : '…'}</strong>
          {t('admin2.board.open')}
        </div>
        <div className={breached ? 'kpi alert' : 'kpi'}>
          <strong>{atRisk.data ? atRisk.data.length : '…'}</strong>
          {t('admin2.board.slaAtRisk')}
        </div>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <div className="board">
        <div className="board-col">
          <section className="card" aria-labelledby="board-esc">
            <h2 id="board-esc">{t('admin2.board.escalations')}</h2>
            {escalations.error !== null && <ErrorMessage error={escalations.error} onRetry={escalations.reload} />}
            {escalations.data === null && escalations.error === null && <Loading />}
            {escalations.data?.length === 0 && <EmptyState>{t('admin2.board.noEscalations')}</EmptyState>}
            {open.length > 0 && (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('admin2.board.ticket')}</th>
                      <th scope="col">{t('admin2.board.level')}</th>
                      <th scope="col">{t('admin2.board.state')}</th>
                      <th scope="col">{t('admin2.board.age')}</th>
                      <th scope="col">{t('admin2.board.receivers')}</th>
                      <th scope="col">{t('admin2.actionsCol')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {open.map((e) => (
                      <EscalationRow key={e.id} e={e} now={now} lang={i18n.language} tz={user.timeZone} onChanged={(msg) => {
                        setNotice(msg);
                        escalations.reload();
                      }} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className="card" aria-labelledby="board-sla">
            <h2 id="board-sla">{t('admin2.board.slaTitle')}</h2>
            <p className="hint">{t('admin2.board.slaHint')}</p>
            {atRisk.error !== null && <ErrorMessage error={atRisk.error} onRetry={atRisk.reload} />}
            {atRisk.data === null && atRisk.error === null && <Loading />}
            {atRisk.data?.length === 0 && <EmptyState>{t('admin2.board.noRisk')}</EmptyState>}
            {atRisk.data && atRisk.data.length > 0 && (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('admin2.board.ticket')}</th>
                      <th scope="col">{t('admin2.board.clock')}</th>
                      <th scope="col">{t('admin2.board.due')}</th>
                      <th scope="col">{t('admin2.board.team')}</th>
                      <th scope="col">{t('admin2.board.assignee')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {atRisk.data.map(({ ticket, clock }) => (
                      <tr key={clock.id} className={clock.state === 'breached' ? 'row-overdue' : 'row-unack'}>
                        <td>
                          <Link to={`/tickets/${ticket.id}`}>
                            #{ticket.number} {ticket.subject}
                          </Link>{' '}
                          <PriorityBadge value={ticket.priority} />
                        </td>
                        <td>{t(`admin2.clock.${clock.kind}`)}</td>
                        <td>
                          {clock.state === 'breached' ? (
                            <span className="pill pill-danger">{t('admin2.board.breached')}</span>
                          ) : (
                            <span>{t('admin2.board.left', { time: formatDuration(Math.max(0, clock.remainingSeconds), i18n.language) })}</span>
                          )}
                          {clock.dueAt && <div className="muted small">{formatDateTime(clock.dueAt, i18n.language, user.timeZone)}</div>}
                        </td>
                        <td>{directory.teamName(ticket.teamId) ?? '—'}</td>
                        <td>
                          <Reassign ticket={ticket} onDone={(name) => {
                            setNotice(t('admin2.board.reassigned', { number: ticket.number, name }));
                            atRisk.reload();
                          }} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
        <div className="board-col">
          <section className="card" aria-labelledby="board-people">
            <h2 id="board-people">{t('admin2.board.people')}</h2>
            {!directory.loaded && <Loading />}
            {directory.teams.map((team) => (
              <div key={team.id}>
                <h3>{team.name}</h3>
                {team.members.length === 0 && <p className="muted small">{t('admin.noMembers')}</p>}
                <ul className="avail-list">
                  {team.members.map((m) => {
                    const person = directory.users.find((u) => u.id === m.userId);
                    const ooo = person?.outOfOffice.some((w) => new Date(w.start).getTime() <= now && now < new Date(w.end).getTime());
                    return (
                      <li key={m.userId}>
                        <span>
                          {m.name} <span className={`small avail-${m.availability}`}>· {t(`availability.${m.availability}`)}</span>
                          {ooo && <span className="pill pill-warn"> {t('admin2.board.ooo')}</span>}
                          {person?.delegateUserId && <span className="muted small"> → {directory.userName(person.delegateUserId)}</span>}
                        </span>
                        {person && (person.id === user.id || mayCover(team)) && (
                          <button type="button" className="btn btn-small" onClick={() => setCovering(person)} aria-label={t('admin2.board.coverFor', { name: m.name })}>
                            {t('admin2.board.cover')}
                          </button>
                        )}
                      </li>
                    );
                  })}
                </ul>
              </div>
            ))}
          </section>
          {covering && (
            <section className="card" aria-labelledby="board-cover">
              <h2 id="board-cover">{t('admin2.board.coverTitle', { name: covering.name })}</h2>
              <p className="hint">{t('admin2.board.coverHint')}</p>
              <AvailabilityForm key={covering.id} person={covering} idPrefix="cover" onSaved={(u) => setCovering(u)} />
              <button type="button" className="btn btn-quiet" onClick={() => setCovering(null)}>
                {t('common.close')}
              </button>
            </section>
          )}
        </div>
      </div>
    </div>
  );
}

function EscalationRow({ e, now, lang, tz, onChanged }: { e: Escalation; now: number; lang: string; tz: string; onChanged: (msg: string) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const action = useAction();
  const act = async (kind: 'acknowledge' | 'advance') => {
    const r = await action.run(() => client.post<Escalation>(`/api/v1/escalations/${e.id}/${kind}`, {}));
    if (r) onChanged(kind === 'acknowledge' ? t('admin2.board.acked', { number: e.ticketNumber ?? '' }) : t('admin2.board.advanced', { number: e.ticketNumber ?? '' }));
  };
  const people = e.receivers.flatMap((r) => r.people.map((p) => p.name));
  return (
    <tr className={e.overdue ? 'row-overdue' : e.status === 'requested' ? 'row-unack' : ''}>
      <td>
        <Link to={`/tickets/${e.ticketId}`}>#{e.ticketNumber ?? '—'}</Link>
        <div className="small">{askOf(e, t) || e.brief.category}</div>
      </td>
      <td>
        {levelLabel(e.levelIndex, e.level?.name)}
        {e.path && <div className="muted small">{e.path.name}</div>}
      </td>
      <td>
        {e.overdue ? <span className="pill pill-danger">{t('admin2.board.overdueOne')}</span> : e.status === 'requested' ? <span className="pill pill-warn">{t('admin2.board.waiting')}</span> : <span className="pill pill-ok">{t('admin2.board.acknowledged')}</span>}
        {e.ackDueAt && e.status === 'requested' && <div className="muted small">{t('admin2.board.ackBy', { time: formatDateTime(e.ackDueAt, lang, tz) })}</div>}
      </td>
      <td title={formatDateTime(e.requestedAt, lang, tz)}>{formatRelative(e.requestedAt, lang, now)}</td>
      <td>{people.join(', ') || <span className="muted">{t('admin2.sim.nobody')}</span>}</td>
      <td>
        {e.status === 'requested' && (
          <button type="button" className="btn btn-small" disabled={action.busy} onClick={() => void act('acknowledge')} aria-label={t('admin2.board.ackOnBehalf', { number: e.ticketNumber ?? '' })}>
            {t('admin2.board.ack')}
          </button>
        )}{' '}
        <button type="button" className="btn btn-small btn-quiet" disabled={action.busy} onClick={() => void act('advance')} aria-label={t('admin2.board.advanceOf', { number: e.ticketNumber ?? '' })}>
          {t('admin2.board.advance')}
        </button>
        {action.error !== null && <ErrorMessage error={action.error} />}
      </td>
    </tr>
  );
}

function Reassign({ ticket, onDone }: { ticket: Ticket; onDone: (name: string) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const action = useAction();
  const change = async (assigneeId: string) => {
    const r = await action.run(() => client.patch<Ticket>(`/api/v1/tickets/${ticket.id}`, { assigneeId: assigneeId || null }));
    if (r) onDone(directory.userName(r.assigneeId) ?? t('admin2.board.unassigned'));
  };
  return (
    <>
      <select aria-label={t('admin2.board.reassign', { number: ticket.number })} value={ticket.assigneeId ?? ''} disabled={action.busy} onChange={(e) => void change(e.target.value)}>
        <option value="">{t('admin2.board.unassigned')}</option>
        {directory.users
          .filter((u) => u.active)
          .map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({t(`availability.${u.availability}`)})
            </option>
          ))}
      </select>
      {action.error !== null && <ErrorMessage error={action.error} />}
    </>
  );
}
