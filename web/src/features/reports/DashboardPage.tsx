import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from '@sinclair/typebox';
import type { DashboardSchema, DrillResultSchema } from '../../../../src/modules/reports/reports.presenter.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { formatDuration } from '../escalations/time.js';
import { dayIn } from './hands-report-api.js';
import { DrillList } from './DrillList.js';
import { ReportChart } from './ReportChart.js';
import './reports.css';

type Dashboard = Static<typeof DashboardSchema>;
type Figure = Dashboard['periods'][number]['figures'][number];
type Period = Dashboard['periods'][number];
type Drill = Static<typeof DrillResultSchema>;

/** Where a figure leads when it has no list behind it: its report over the same instants (or the raised hands report). */
export function reportHref(f: Pick<Figure, 'report' | 'groupBy'>, p: Pick<Period, 'from' | 'to'>, timeZone: string): string {
  if (f.report === 'hands') return `/reports/hands?from=${dayIn(Date.parse(p.from), timeZone)}&to=${dayIn(Date.parse(p.to), timeZone)}`;
  const q = new URLSearchParams({ name: f.report, from: p.from, to: p.to, groupBy: f.groupBy });
  return `/reports?${q.toString()}`;
}

/** The supervisor's dashboard: today's and this week's first figures, each opening what is behind it; nearing SLAs and the week per day as charts with tables. */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const lang: 'ja' | 'en' = i18n.language === 'en' ? 'en' : 'ja';
  const { client } = useSession();
  const q = useQuery({ queryKey: ['reports', 'dashboard'], queryFn: ({ signal }) => client.get<Dashboard>('/api/v1/reports/dashboard', undefined, signal), refetchInterval: 60_000 });
  const [open, setOpen] = useState<{ period: Period['period']; figure: Figure['key'] } | null>(null);
  const drill = useQuery({
    queryKey: ['reports', 'dashboard', 'drill', open?.period, open?.figure],
    queryFn: ({ signal }) => client.get<Drill>('/api/v1/reports/dashboard/drill', { period: open!.period, figure: open!.figure }, signal),
    enabled: open !== null,
  });
  const d = q.data;
  const value = (f: Figure): string => {
    if (f.value === null) return '—';
    if (f.kind === 'percent') return `${f.value} %`;
    if (f.kind === 'duration_ms') return formatDuration(f.value / 1000, t, lang);
    return f.value.toLocaleString(lang);
  };
  const nearingChart = useMemo(
    () => (d ? { categories: d.nearing.map((n) => t(`reports.dash.nearingBuckets.${n.bucket}`, { defaultValue: n.bucket })), series: [{ name: t('reports.dash.openClocks'), values: d.nearing.map((n) => n.openClocks) }] } : null),
    [d, t],
  );
  const daysChart = useMemo(
    () =>
      d
        ? {
            categories: d.days.map((x) => x.day.slice(5)),
            series: (['created', 'solved', 'backlog'] as const).map((k) => ({ name: t(`reports.dash.${k}`), values: d.days.map((x) => x[k]) })),
          }
        : null,
    [d, t],
  );
  if (q.error) return <ErrorMessage error={q.error} />;
  if (!d) return <Loading />;
  const periodName = (p: Period['period']) => t(p === 'today' ? 'reports.dash.today' : 'reports.dash.week');
  return (
    <div className="page reports-page dashboard-page">
      <h1>{t('reports.dash.title')}</h1>
      <p className="muted">{t('reports.dash.intro', { zone: d.timeZone })}</p>
      <p className="no-print">
        <Link to="/reports">{t('reports.dash.reports')}</Link>
      </p>
      <div className="dashboard-periods">
        {d.periods.map((p) => (
          <section key={p.period} aria-labelledby={`dash-${p.period}`} className="dashboard-period">
            <h2 id={`dash-${p.period}`}>
              {periodName(p.period)} <span className="muted small">{t('reports.dash.since', { from: formatDateTime(p.from, lang, d.timeZone) })}</span>
            </h2>
            <dl className="report-figures dashboard-figures">
              {p.figures.map((f) => (
                <div key={f.key} data-figure={f.key}>
                  <dt>{t(`reports.dash.figures.${f.key}`)}</dt>
                  <dd>
                    {f.bucket !== null ? (
                      <button type="button" className="link figure-value" aria-label={`${t(`reports.dash.figures.${f.key}`)} ${periodName(p.period)}: ${value(f)}`} onClick={() => setOpen({ period: p.period, figure: f.key })}>
                        {value(f)}
                      </button>
                    ) : (
                      <Link className="figure-value" to={reportHref(f, p, d.timeZone)}>
                        {value(f)}
                      </Link>
                    )}
                  </dd>
                  <dd className="figure-report small no-print">
                    <Link to={reportHref(f, p, d.timeZone)}>{t('reports.dash.openReport')}</Link>
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      {open && (
        <section className="report-drill" aria-live="polite" aria-labelledby="dash-drill">
          <h2 id="dash-drill">
            {t('reports.dash.drillTitle', { period: periodName(open.period), figure: t(`reports.dash.figures.${open.figure}`), total: drill.data?.total ?? '…' })}{' '}
            <button type="button" onClick={() => setOpen(null)}>
              {t('reports.dash.close')}
            </button>
          </h2>
          {drill.error ? <ErrorMessage error={drill.error} /> : null}
          {!drill.data && !drill.error && <Loading />}
          {drill.data && drill.data.total === 0 && <p>{t('reports.dash.drillEmpty')}</p>}
          {drill.data && <DrillList tickets={drill.data.tickets} escalations={drill.data.escalations} />}
        </section>
      )}
      <section aria-labelledby="dash-nearing" className="report-body dashboard-chart">
        <h2 id="dash-nearing">{t('reports.dash.nearing')}</h2>
        <div className="chart-with-table">
          <figure>{nearingChart && <ReportChart categories={nearingChart.categories} series={nearingChart.series} line={false} lang={lang} label={t('reports.dash.nearing')} />}</figure>
          <table className="report-table">
            <caption>{t('reports.table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.dash.nearingBucket')}</th>
                <th scope="col">{t('reports.dash.openClocks')}</th>
              </tr>
            </thead>
            <tbody>
              {d.nearing.map((n) => (
                <tr key={n.bucket}>
                  <th scope="row">{t(`reports.dash.nearingBuckets.${n.bucket}`, { defaultValue: n.bucket })}</th>
                  <td>
                    <Link to={`/reports?${new URLSearchParams({ name: 'sla.nearing', groupBy: 'bucket', drill: n.bucket }).toString()}`}>{n.openClocks}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="dash-days" className="report-body dashboard-chart">
        <h2 id="dash-days">{t('reports.dash.days')}</h2>
        <div className="chart-with-table">
          <figure>{daysChart && <ReportChart categories={daysChart.categories} series={daysChart.series} line={d.days.length > 3} lang={lang} label={t('reports.dash.days')} />}</figure>
          <table className="report-table">
            <caption>{t('reports.table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.dash.day')}</th>
                <th scope="col">{t('reports.dash.created')}</th>
                <th scope="col">{t('reports.dash.solved')}</th>
                <th scope="col">{t('reports.dash.backlog')}</th>
              </tr>
            </thead>
            <tbody>
              {d.days.map((x) => (
                <tr key={x.day}>
                  <th scope="row">{x.day}</th>
                  <td>{x.created}</td>
                  <td>{x.solved}</td>
                  <td>{x.backlog}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
