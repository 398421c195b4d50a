import { useTranslation } from 'react-i18next';
import { useSession } from '../../session.js';
import { HandProgress, HandSummary } from './HandCard.js';
import { useActiveHands, useClosedHands, useFloor, useHandsConfig, useTicking, formatHold, secondsBetween } from './hands-api.js';
import { percentileOf } from './hands-figures.js';

/** The floor wallboard for a big screen: every raised hand with its hold time, today's figures, the supervisors. */
export function WallboardPage() {
  const { t } = useTranslation();
  const { client } = useSession();
  const now = useTicking();
  const active = useActiveHands(client);
  const closed = useClosedHands(client);
  const floor = useFloor(client);
  const config = useHandsConfig(client);
  const open = active.data?.open ?? [];
  const claimed = active.data?.claimed ?? [];
  const startOfDay = new Date(now);
  startOfDay.setHours(0, 0, 0, 0);
  const today = (closed.data ?? []).filter((h) => Date.parse(h.raisedAt) >= startOfDay.getTime());
  const claimSeconds = [...today, ...claimed].flatMap((h) => (h.secondsToClaim === null ? [] : [h.secondsToClaim]));
  const target = config?.claimTargetSeconds ?? 20;
  const within = claimSeconds.length ? Math.round((100 * claimSeconds.filter((s) => s <= target).length) / claimSeconds.length) : null;
  const median = percentileOf(claimSeconds, 50);
  return (
    <div className="page wallboard">
      <h1>{t('hands.wallboard.title')}</h1>
      <div className="kpis wallboard-kpis" role="group">
        <div className={open.length ? 'kpi alert' : 'kpi'}>
          <strong>{open.length}</strong>
          {t('hands.wallboard.open')}
        </div>
        <div className="kpi">
          <strong>{claimed.length}</strong>
          {t('hands.wallboard.claimed')}
        </div>
        <div className={open.some((h) => h.exhausted) ? 'kpi alert' : 'kpi'}>
          <strong>{open.filter((h) => h.exhausted).length}</strong>
          {t('hands.wallboard.exhausted')}
        </div>
        <div className="kpi">
          <strong>{today.length}</strong>
          {t('hands.wallboard.closedToday')}
        </div>
        <div className="kpi">
          <strong>{median === null ? '–' : formatHold(median)}</strong>
          {t('hands.wallboard.medianClaim')}
        </div>
        <div className="kpi">
          <strong>{within === null ? '–' : `${within}%`}</strong>
          {t('hands.wallboard.withinTarget', { seconds: target })}
        </div>
      </div>
      <div className="wallboard-grid">
        <section>
          {open.length + claimed.length === 0 && <p className="muted">{t('hands.wallboard.nobody')}</p>}
          <ol className="wallboard-hands">
            {[...open, ...claimed].map((h) => (
              <li key={h.id} className={`hand-item state-${h.state}${h.exhausted ? ' exhausted' : ''}`}>
                <div className="wallboard-hold">{formatHold(secondsBetween(h.raisedAt, h.claimedAt, now))}</div>
                <div>
                  <HandSummary hand={h} now={now} />
                  <HandProgress hand={h} now={now} />
                </div>
              </li>
            ))}
          </ol>
        </section>
        <aside>
          <h2>{t('hands.wallboard.supervisors')}</h2>
          <ul className="wallboard-people">
            {(floor.data?.supervisors ?? []).map((s) => (
              <li key={s.id} className={s.availableForHands && s.availability === 'available' && !s.onCall ? 'ok' : 'no'}>
                <strong>{s.name}</strong>{' '}
                <span className="small">
                  {t(`roles.${s.role}`)} · {s.onCall ? t('hands.wallboard.onCall') : s.availableForHands ? t('hands.wallboard.availableForHands') : t('hands.wallboard.notAvailableForHands')}
                  {s.activeHands > 0 && ` · ${t('hands.wallboard.holding', { count: s.activeHands })}`}
                </span>
              </li>
            ))}
          </ul>
          <h2>{t('hands.wallboard.onCall')}</h2>
          <ul className="wallboard-people">
            {(floor.data?.onCall ?? []).map((p) => (
              <li key={p.id}>
                {p.name} {p.since && <span className="small muted">{formatHold(secondsBetween(p.since, null, now))}</span>}
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}
