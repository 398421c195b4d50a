import { getRouteApi, Link } from '@tanstack/react-router';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loadable } from '../../components/Loadable.js';
import { useSession, useUserTimeZone } from '../../session.js';
import { formatDuration } from '../escalations/time.js';
import { SUPERVISING } from '../hands/hands-api.js';
import {
  periodOf,
  periodQuery,
  useHandsReport,
  type HandsReport,
  type HandsReportGroup,
  type Spread,
} from './hands-report-api.js';
import { ReportChart } from './ReportChart.js';
import './reports.css';

const route = getRouteApi('/reports/hands');
const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

/**
 * The raised hands report (issue 16) for supervisors, managers and administrators: time to
 * claim and to answer per team, supervisor, category and hour, the share claimed within the
 * target, hands per operator, outcomes and hold time, over a period kept in the URL.
 */
export function HandsReportPage() {
  const { t, i18n } = useTranslation();
  const lang: 'ja' | 'en' = i18n.language === 'en' ? 'en' : 'ja';
  const { client, user } = useSession();
  const timeZone = useUserTimeZone();
  const search = route.useSearch();
  const nav = route.useNavigate();
  const period = periodOf(search, timeZone);
  const allowed = SUPERVISING.includes(user.role);
  const query = useHandsReport(client, periodQuery(period, timeZone), allowed);
  const set = (patch: { from?: string; to?: string }) =>
    void nav({ search: (s) => ({ ...s, ...patch }), replace: true });

  return (
    <div className="page reports-page hands-report">
      <p>
        <Link to="/reports">← {t('reports.hands.back')}</Link>
      </p>
      <h1>{t('reports.hands.title')}</h1>
      <p className="muted">{t('reports.hands.intro')}</p>
      {!allowed ? (
        <ErrorMessage error={new ApiError(403, 'forbidden', '')} />
      ) : (
        <>
          <section aria-label={t('reports.hands.period')} className="report-controls">
            <label>
              {t('reports.hands.from')}{' '}
              <input
                type="date"
                value={period.from}
                max={period.to}
                onChange={(e) => e.target.value && set({ from: e.target.value })}
              />
            </label>{' '}
            <label>
              {t('reports.hands.to')}{' '}
              <input
                type="date"
                value={period.to}
                min={period.from}
                onChange={(e) => e.target.value && set({ to: e.target.value })}
              />
            </label>{' '}
            <button type="button" onClick={() => set({ from: undefined, to: undefined })}>
              {t('reports.hands.last7')}
            </button>
          </section>
          <Loadable query={query} isEmpty={(r) => r.hands === 0} empty={t('reports.hands.noData')}>
            {(r) => (
              <HandsReportBody
                report={r}
                lang={lang}
                label={`${t('reports.hands.chart')} ${period.from}–${period.to}`}
              />
            )}
          </Loadable>
        </>
      )}
    </div>
  );
}

function HandsReportBody({
  report: r,
  lang,
  label,
}: {
  report: HandsReport;
  lang: 'ja' | 'en';
  label: string;
}) {
  const { t } = useTranslation();
  const f = useFigures(lang);
  const name = (key: string) => r.names[key] ?? t('reports.hands.unknown');
  const category = (key: string) => t(`hands.category.${key}`, { defaultValue: key });
  const hour = (key: string) => t('reports.hands.hourOf', { hour: key });
  const chart = useMemo(() => {
    const byKey = new Map(r.byHour.map((g) => [g.key, g]));
    return {
      categories: HOURS.map((h) => t('reports.hands.hourOf', { hour: h })),
      series: [
        { name: t('reports.hands.figures.hands'), values: HOURS.map((h) => byKey.get(h)?.hands ?? 0) },
        {
          name: t('reports.hands.figures.claimedWithinTarget'),
          values: HOURS.map((h) => byKey.get(h)?.claimedWithinTarget ?? 0),
        },
      ],
    };
  }, [r.byHour, t]);
  const figures: [string, string][] = [
    ['hands', f.count(r.hands)],
    ['claimed', f.count(r.claimed)],
    ['claimedWithinTarget', f.count(r.claimedWithinTarget)],
    ['shareWithinTarget', f.share(r.shareWithinTarget)],
    ['target', f.duration(r.claimTargetSeconds)],
    ['exhausted', f.count(r.exhausted)],
    ['escalated', f.count(r.escalated)],
  ];
  // One table per grouping: [test id, caption, first column, rows, how a key reads].
  const groupings: [string, string, string, HandsReportGroup[], (key: string) => string][] = [
    ['hands-by-team', t('reports.hands.byTeam'), t('reports.hands.team'), r.byTeam, name],
    [
      'hands-by-supervisor',
      t('reports.hands.bySupervisor'),
      t('reports.hands.supervisor'),
      r.bySupervisor,
      name,
    ],
    ['hands-by-category', t('reports.hands.byCategory'), t('reports.hands.category'), r.byCategory, category],
    ['hands-by-hour', t('reports.hands.byHour'), t('reports.hands.hour'), r.byHour, hour],
  ];
  const spreads: [string, Spread][] = [
    ['toClaim', r.secondsToClaim],
    ['toAnswer', r.secondsToAnswer],
    ['hold', r.holdSeconds],
  ];
  return (
    <>
      <section aria-labelledby="hands-summary">
        <h2 id="hands-summary">{t('reports.hands.summary')}</h2>
        <dl className="report-figures" data-testid="hands-figures">
          {figures.map(([k, v]) => (
            <div key={k} data-figure={k}>
              <dt>{t(`reports.hands.figures.${k}`)}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        <p className="muted small">{t('reports.hands.exhaustedNote')}</p>
      </section>
      <div
        className="report-body"
        style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)', gap: '1rem' }}
      >
        <figure>
          <ReportChart
            categories={chart.categories}
            series={chart.series}
            line={false}
            lang={lang}
            label={label}
          />
        </figure>
        <div>
          <table className="report-table" data-testid="hands-times">
            <caption>{t('reports.hands.times')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.hands.measure')}</th>
                <th scope="col">{t('reports.hands.p50')}</th>
                <th scope="col">{t('reports.hands.p90')}</th>
                <th scope="col">{t('reports.hands.max')}</th>
              </tr>
            </thead>
            <tbody>
              {spreads.map(([k, s]) => (
                <tr key={k}>
                  <th scope="row">{t(`reports.hands.${k}`)}</th>
                  <td>{f.seconds(s.p50)}</td>
                  <td>{f.seconds(s.p90)}</td>
                  <td>{f.seconds(s.max)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">{t('reports.hands.holdNote')}</p>
          <table className="report-table" data-testid="hands-outcomes">
            <caption>{t('reports.hands.outcomes')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.hands.outcome')}</th>
                <th scope="col">{t('reports.hands.count')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.keys(r.outcomes).length === 0 && (
                <tr>
                  <td colSpan={2} className="muted">
                    {t('reports.hands.noOutcomes')}
                  </td>
                </tr>
              )}
              {Object.entries(r.outcomes).map(([k, n]) => (
                <tr key={k}>
                  <th scope="row">{t(`hands.outcome.${k}`, { defaultValue: k })}</th>
                  <td>{f.count(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {groupings.map(([id, caption, head, groups, label]) => (
        <GroupTable key={id} id={id} caption={caption} head={head} groups={groups} label={label} />
      ))}
      <div className="report-scroll">
        <table className="report-table" data-testid="hands-per-operator">
          <caption>{t('reports.hands.perOperator')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reports.hands.operator')}</th>
              <th scope="col">{t('reports.hands.figures.hands')}</th>
              <th scope="col">{t('reports.hands.activeHours')}</th>
              <th scope="col">{t('reports.hands.perHour')}</th>
            </tr>
          </thead>
          <tbody>
            {r.perOperator.map((o) => (
              <tr key={o.key}>
                <th scope="row">{name(o.key)}</th>
                <td>{f.count(o.hands)}</td>
                <td>{f.count(o.activeHours)}</td>
                <td>{f.decimal(o.perHour)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small" data-testid="hands-per-hour-definition">{t('reports.hands.perHourDefinition')}</p>
      </div>
    </>
  );
}

/** One grouping (team, supervisor, category or hour): counts, share within target, claim and answer spreads. */
function GroupTable({
  id,
  caption,
  head,
  groups,
  label,
}: {
  id: string;
  caption: string;
  head: string;
  groups: HandsReportGroup[];
  label: (key: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const f = useFigures(i18n.language === 'en' ? 'en' : 'ja');
  return (
    <div className="report-scroll">
      <table className="report-table" data-testid={id}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col">{t('reports.hands.figures.hands')}</th>
            <th scope="col">{t('reports.hands.figures.claimed')}</th>
            <th scope="col">{t('reports.hands.figures.claimedWithinTarget')}</th>
            <th scope="col">{t('reports.hands.figures.shareWithinTarget')}</th>
            <th scope="col">{t('reports.hands.claimP50')}</th>
            <th scope="col">{t('reports.hands.claimP90')}</th>
            <th scope="col">{t('reports.hands.claimMax')}</th>
            <th scope="col">{t('reports.hands.answerP50')}</th>
            <th scope="col">{t('reports.hands.answerP90')}</th>
            <th scope="col">{t('reports.hands.answerMax')}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.key}>
              <th scope="row">{label(g.key)}</th>
              <td>{f.count(g.hands)}</td>
              <td>{f.count(g.claimed)}</td>
              <td>{f.count(g.claimedWithinTarget)}</td>
              <td>{f.share(g.hands ? g.claimedWithinTarget / g.hands : null)}</td>
              <td>{f.seconds(g.secondsToClaim.p50)}</td>
              <td>{f.seconds(g.secondsToClaim.p90)}</td>
              <td>{f.seconds(g.secondsToClaim.max)}</td>
              <td>{f.seconds(g.secondsToAnswer.p50)}</td>
              <td>{f.seconds(g.secondsToAnswer.p90)}</td>
              <td>{f.seconds(g.secondsToAnswer.max)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Numbers, shares and durations in the reader's language ("—" where there is no figure). */
function useFigures(lang: 'ja' | 'en') {
  const { t } = useTranslation();
  return useMemo(() => {
    const locale = lang === 'ja' ? 'ja-JP' : 'en-GB';
    const int = new Intl.NumberFormat(locale);
    const dec = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    const duration = (s: number) => formatDuration(s, t, lang);
    return {
      count: (n: number) => int.format(n),
      decimal: (n: number) => dec.format(n),
      share: (x: number | null) => (x === null ? '—' : pct.format(x)),
      duration,
      seconds: (s: number | null) => (s === null ? '—' : duration(s)),
    };
  }, [lang, t]);
}
