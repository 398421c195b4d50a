import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Link } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { tierLabel } from './tier-name.js';
import { formatHold, secondsBetween, useHandDetail, useTicking, useTyping, type Hand } from './hands-api.js';

/** One hand's summary line: conclusion first, then who, where and how long. */
export function HandSummary({ hand, now }: { hand: Hand; now: number }) {
  const { t } = useTranslation();
  const hold = secondsBetween(hand.raisedAt, hand.closedAt, now);
  return (
    <div className="hand-summary">
      <div className="hand-ask">
        <span className="badge hand-cat">{t(`hands.category.${hand.category}`, { defaultValue: hand.category })}</span> <strong>{hand.ask || hand.concern}</strong>
      </div>
      {hand.ask && hand.concern && (
        <div className="small">
          {t('hands.card.concern')}: {hand.concern}
        </div>
      )}
      <div className="hand-meta small">
        <span className={hand.state === 'open' ? 'hand-hold ticking' : 'hand-hold'}>{t('hands.card.hold', { time: formatHold(hold) })}</span>
        {hand.temperature && <span className={`hand-temp temp-${hand.temperature}`}>{t(`temperature.${hand.temperature}`)}</span>}
        <span>{hand.operator.name}</span>
        {hand.team && <span>{hand.team.name}</span>}
        {hand.ticketId && hand.ticketNumber !== null && <Link to={`/tickets/${hand.ticketId}`}>{t('hands.card.ticketLink', { number: hand.ticketNumber })}</Link>}
        {hand.callerNumber && (
          <span>
            {t('hands.card.caller')}: {hand.callerNumber}
          </span>
        )}
      </div>
    </div>
  );
}

/** Where the hand is: tier and alerted people while open, who claimed it, how it ended. */
export function HandProgress({ hand, now }: { hand: Hand; now: number }) {
  const { t } = useTranslation();
  if (hand.state === 'open')
    return (
      <div className={hand.exhausted ? 'hand-progress exhausted' : 'hand-progress'} role="status">
        {hand.exhausted ? (
          <strong>{t('hands.card.exhausted')}</strong>
        ) : (
          <>
            <span>{t('hands.card.tier', { index: hand.tierIndex + 1, count: hand.tierCount, name: tierLabel(hand.tierName, t) })}</span>
            {hand.nextTierAt && hand.tierIndex + 1 < hand.tierCount && <span> · {t('hands.card.nextTier', { seconds: Math.max(0, Math.ceil((Date.parse(hand.nextTierAt) - now) / 1000)) })}</span>}
          </>
        )}
        <div className="small">{hand.alerted.length ? t('hands.card.alerted', { names: hand.alerted.map((p) => p.name).join(', ') }) : t('hands.card.nobodyAlerted')}</div>
      </div>
    );
  return (
    <div className="hand-progress" role="status">
      {hand.claimedBy && <span>{t('hands.card.claimedBy', { name: hand.claimedBy.name, seconds: hand.secondsToClaim ?? 0 })}</span>}
      {hand.joinedCall && hand.claimedBy && <span className="hand-joined"> · {t('hands.card.joined', { name: hand.claimedBy.name, mode: t(`hands.join.${hand.joinedCall.mode}`) })}</span>}
      {hand.outcome && <div className="hand-outcome">{t(`hands.outcome.${hand.outcome}`)}</div>}
    </div>
  );
}

type Mode = null | 'answered' | 'callback' | 'escalate';

interface Draft {
  suggestedPathId: string | null;
  matches: { pathId: string; pathName: string }[];
  direct: { mySupervisors: { id: string; name: string }[]; teams: { id: string; name: string }[] };
}

/** Where the hand escalates unless the supervisor chooses: the suggested path, else their own supervisors, else the first team. */
function suggestedTarget(d: Draft): string {
  if (d.suggestedPathId) return `path:${d.suggestedPathId}`;
  if (d.direct.mySupervisors.length) return 'my_supervisor';
  return d.direct.teams[0] ? `team:${d.direct.teams[0].id}` : '';
}

/** The live thread with the claiming supervisor, and the outcomes (both sides). */
export function HandThread({ handId, onClosed }: { handId: string; onClosed?(hand: Hand): void }) {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const now = useTicking();
  const detail = useHandDetail(client, handId);
  const handTicketId = detail.data?.hand?.ticketId ?? null;
  const typist = useTyping(handId, user.id);
  const [line, setLine] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mode, setMode] = useState<Mode>(null);
  const [answer, setAnswer] = useState('');
  const [callbackAt, setCallbackAt] = useState('');
  // The escalation the hand would become: the ticket's draft (suggested path, direct receivers), read when escalating is chosen.
  const draftQuery = useQuery({
    queryKey: qk.escalations.draft(handTicketId ?? '', {}),
    queryFn: ({ signal }) => client.get<Draft>(`/api/v1/tickets/${handTicketId}/escalations/draft`, undefined, signal),
    enabled: mode === 'escalate' && handTicketId !== null,
  });
  const draft = draftQuery.data ?? null;
  const [chosenTarget, setEscalateTo] = useState<string | null>(null);
  const escalateTo = chosenTarget ?? (draft ? suggestedTarget(draft) : '');
  const [busy, setBusy] = useState(false);
  const lastTyping = useRef(0);
  const listRef = useRef<HTMLOListElement>(null);
  const hand = detail.data?.hand ?? null;
  const lines = (detail.data?.events ?? []).filter((e) => e.kind === 'hand.message');
  useEffect(() => {
    listRef.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
  }, [lines.length]);
  if (!hand) return detail.error !== null ? <ErrorMessage error={detail.error} onRetry={detail.reload} /> : null;

  const isOperator = hand.operator.id === user.id;
  const isClaimer = hand.claimedBy?.id === user.id;
  const participant = isOperator || isClaimer;
  const act = async (fn: () => Promise<Hand | unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const r = await fn();
      detail.reload();
      if (r && typeof r === 'object' && 'state' in r && (r as Hand).state === 'closed') onClosed?.(r as Hand);
      setMode(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const send = (e: FormEvent) => {
    e.preventDefault();
    const body = line.trim();
    if (!body) return;
    setLine('');
    void act(() => client.post(`/api/v1/hands/${handId}/messages`, { body }));
  };
  const typing = (v: string) => {
    setLine(v);
    // At most one typing signal every 2 s: the other side shows it for 4 s.
    if (Date.now() - lastTyping.current > 2000) {
      lastTyping.current = Date.now();
      void client.post(`/api/v1/hands/${handId}/typing`).catch(() => undefined);
    }
  };
  const escalateBody = () => {
    if (escalateTo.startsWith('path:')) return { pathId: escalateTo.slice(5) };
    if (escalateTo.startsWith('team:')) return { target: { type: 'team', teamId: escalateTo.slice(5) } };
    return { to: 'my_supervisor' };
  };
  const typistName = typist ? (typist === hand.operator.id ? hand.operator.name : (hand.claimedBy?.name ?? '')) : null;

  return (
    <section className={`hand-thread state-${hand.state}`} aria-label={t('hands.thread.title')}>
      <HandSummary hand={hand} now={now} />
      {(hand.tried || hand.environment || hand.background) && (
        <dl className="hand-details-list small">
          {hand.tried && (
            <>
              <dt>{t('hands.card.tried')}</dt>
              <dd>{hand.tried}</dd>
            </>
          )}
          {hand.environment && (
            <>
              <dt>{t('hands.card.environment')}</dt>
              <dd>{hand.environment}</dd>
            </>
          )}
          {hand.background && (
            <>
              <dt>{t('hands.card.background')}</dt>
              <dd>{hand.background}</dd>
            </>
          )}
        </dl>
      )}
      <HandProgress hand={hand} now={now} />
      {hand.answer && <p className="hand-answer">{hand.answer}</p>}
      {hand.escalationId && <Link to={`/escalations/${hand.escalationId}`}>{t('hands.actions.openEscalation')}</Link>}
      <ol className="hand-lines" ref={listRef} aria-live="polite">
        {lines.length === 0 && <li className="muted small">{t('hands.thread.empty')}</li>}
        {lines.map((l) => (
          <li key={l.id} className={l.actor?.id === user.id ? 'mine' : 'theirs'}>
            <span className="who small">{l.actor?.name}</span>
            <span className="text">{l.body}</span>
          </li>
        ))}
      </ol>
      {typistName && <div className="hand-typing small">{t('hands.thread.typing', { name: typistName })}</div>}
      {participant && hand.state !== 'closed' && (
        <form className="hand-send" onSubmit={send}>
          <input aria-label={hand.state === 'open' ? t('hands.thread.addLine') : t('hands.thread.line')} placeholder={hand.state === 'open' ? t('hands.thread.addLine') : t('hands.thread.line')} value={line} maxLength={2000} onChange={(e) => typing(e.target.value)} />
          <button type="submit" className="btn btn-small" disabled={!line.trim()}>
            {t('hands.thread.send')}
          </button>
        </form>
      )}
      {hand.state !== 'closed' && mode === null && (
        <div className="hand-actions">
          {isClaimer && (
            <>
              <select aria-label={t('hands.actions.joinCall')} value="" onChange={(e) => e.target.value && void act(() => client.post(`/api/v1/hands/${handId}/joining`, { mode: e.target.value }))}>
                <option value="">{t('hands.actions.joinCall')}</option>
                {(['monitor', 'whisper', 'barge'] as const).map((m) => (
                  <option key={m} value={m}>
                    {t(`hands.join.${m}`)}
                  </option>
                ))}
              </select>
              <button type="button" className="btn btn-primary btn-small" onClick={() => setMode('answered')}>
                {t('hands.actions.answered')}
              </button>
            </>
          )}
          {participant && hand.state === 'claimed' && (
            <button type="button" className="btn btn-small" disabled={!hand.ticketId} title={hand.ticketId ? undefined : t('hands.actions.needsTicket')} onClick={() => setMode('callback')}>
              {t('hands.actions.callback')}
            </button>
          )}
          {participant && (
            <button type="button" className="btn btn-note btn-small" disabled={!hand.ticketId} title={hand.ticketId ? undefined : t('hands.actions.needsTicket')} onClick={() => setMode('escalate')}>
              {t('hands.actions.escalate')}
            </button>
          )}
          {isOperator && (
            <>
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => void act(() => client.post(`/api/v1/hands/${handId}/close`, { outcome: 'resolved_self' }))}>
                {t('hands.actions.resolvedSelf')}
              </button>
              <button type="button" className="btn btn-danger btn-small" disabled={busy} onClick={() => void act(() => client.post(`/api/v1/hands/${handId}/cancel`))}>
                {t('hands.actions.cancel')}
              </button>
            </>
          )}
        </div>
      )}
      {mode === 'answered' && (
        <form className="hand-outcome-form" onSubmit={(e) => (e.preventDefault(), void act(() => client.post(`/api/v1/hands/${handId}/close`, { outcome: 'answered', answer })))}>
          <label className="hand-field">
            <span>{t('hands.actions.answer')}</span>
            <input data-field="answer" value={answer} maxLength={2000} onChange={(e) => setAnswer(e.target.value)} autoFocus />
          </label>
          <OutcomeButtons busy={busy} disabled={!answer.trim()} onBack={() => setMode(null)} />
        </form>
      )}
      {mode === 'callback' && (
        <form className="hand-outcome-form" onSubmit={(e) => (e.preventDefault(), void act(() => client.post(`/api/v1/hands/${handId}/close`, { outcome: 'callback', answer, callbackDueAt: new Date(callbackAt).toISOString() })))}>
          <label className="hand-field">
            <span>{t('hands.actions.callbackAt')}</span>
            <input type="datetime-local" value={callbackAt} onChange={(e) => setCallbackAt(e.target.value)} autoFocus />
          </label>
          <label className="hand-field">
            <span>{t('hands.actions.callbackNote')}</span>
            <input value={answer} maxLength={2000} onChange={(e) => setAnswer(e.target.value)} />
          </label>
          <OutcomeButtons busy={busy} disabled={!callbackAt} onBack={() => setMode(null)} />
        </form>
      )}
      {mode === 'escalate' && (
        <form className="hand-outcome-form" onSubmit={(e) => (e.preventDefault(), void act(() => client.post(`/api/v1/hands/${handId}/escalate`, escalateBody())))}>
          <p className="small muted">{t('hands.actions.escalateHint')}</p>
          <label className="hand-field">
            <span>{t('hands.actions.escalateTo')}</span>
            <select data-field="escalateTo" value={escalateTo} onChange={(e) => setEscalateTo(e.target.value)}>
              {draft?.matches.map((m) => (
                <option key={m.pathId} value={`path:${m.pathId}`}>
                  {t('hands.actions.escalateSuggested', { name: m.pathName })}
                </option>
              ))}
              {draft && draft.direct.mySupervisors.length > 0 && <option value="my_supervisor">{t('hands.actions.escalateMySupervisor')}</option>}
              {draft?.direct.teams.map((tm) => (
                <option key={tm.id} value={`team:${tm.id}`}>
                  {t('hands.actions.escalateTeam', { name: tm.name })}
                </option>
              ))}
            </select>
          </label>
          <OutcomeButtons busy={busy} disabled={!escalateTo} onBack={() => setMode(null)} />
        </form>
      )}
      {(error ?? draftQuery.error) !== null && <ErrorMessage error={error ?? draftQuery.error} />}
    </section>
  );
}

function OutcomeButtons({ busy, disabled, onBack }: { busy: boolean; disabled: boolean; onBack(): void }) {
  const { t } = useTranslation();
  return (
    <div className="hand-actions">
      <button type="button" className="btn btn-small" onClick={onBack}>
        {t('hands.actions.back')}
      </button>
      <button type="submit" className="btn btn-primary btn-small" disabled={busy || disabled}>
        {t('hands.actions.confirm')}
      </button>
    </div>
  );
}

/** The text of a lost claim: who claimed it first (the server's 409 hand_already_claimed). */
export function claimedByOf(err: unknown): string | null {
  if (err instanceof ApiError && err.code === 'hand_already_claimed') return ((err.details as { claimedBy?: { name?: string } } | undefined)?.claimedBy?.name ?? null) || '?';
  return null;
}
