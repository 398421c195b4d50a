import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { Link } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import { SUPERVISING } from '../hands/hands-api.js';
import { dayIn } from './hands-report-api.js';
import { DrillList } from './DrillList.js';
import { ReportChart } from './ReportChart.js';
import './reports.css';

interface Bilingual {
  ja: string;
  en: string;
}
interface ReportInfo {
  name: string;
  title: Bilingual;
  definition: Bilingual;
  groupBys: string[];
  defaultGroupBy: string;
  drills: 'tickets' | 'escalations' | 'incidents';
  /** The filters the report applies (the others are disabled and not sent: the server refuses them). */
  filters: FilterKey[];
  chart?: Exclude<Column['kind'], 'dimension'>;
}
type FilterKey = 'team' | 'path' | 'category' | 'priority' | 'channel';
interface Column {
  key: string;
  kind: 'dimension' | 'count' | 'duration_ms' | 'duration_s' | 'percent';
  label: Bilingual;
}
interface Result {
  columns: Column[];
  rows: ({ bucket: string } & Record<string, string | number | null>)[];
}
interface Drill {
  bucket: string;
  total: number;
  tickets: { id: string; number: number; subject: string; status: string }[];
  escalations: { id: string; ticketNumber?: number; status: string }[];
  incidents?: { id: string; title: string; severity: string; state: string }[];
}

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The day after / before an ISO day (the API's `to` is exclusive; the page shows the last day included). */
const dayAfter = (day: string) => isoDay(Date.parse(day) + DAY);
const dayBefore = (day: string) => isoDay(Date.parse(day) - DAY);

/** The range presets: today and this week (from Monday) by the calendar day in the report calendar's zone (the days the report cuts); `to` is exclusive (the day after the last day shown); the server reads a date as 00:00 in the report calendar's zone. */
function preset(kind: 'today' | 'week' | 'month', timeZone: string, now = Date.now()): { from: string; to: string } {
  const today = Date.parse(dayIn(now, timeZone));
  if (kind === 'today') return { from: isoDay(today), to: isoDay(today + DAY) };
  if (kind === 'week') {
    const dow = (new Date(today).getUTCDay() + 6) % 7;
    return { from: isoDay(today - dow * DAY), to: isoDay(today + DAY) };
  }
  return { from: isoDay(today - 30 * DAY), to: isoDay(today + DAY) };
}

/** The day a range end shows as: a date as it is; an instant (a dashboard figure's) as the reader's local day (an end is exclusive: the day before it). */
const shownDay = (v: string, timeZone: string, end = false): string => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? (end ? dayBefore(v) : v) : dayIn(Date.parse(v) - (end ? 1 : 0), timeZone));

/** A report's data by its URL (cached per URL: going back to a period or a drill-down is instant). */
function useFetch<T>(url: string | null): { data: T | null; error: unknown } {
  const { client } = useSession();
  const q = useQuery({ queryKey: ['reports', 'fetch', url], queryFn: ({ signal }) => client.get<T>(url!, undefined, signal), enabled: url !== null });
  return { data: q.data ?? null, error: q.error };
}

const cell = (c: Column, v: string | number | null | undefined, t: (k: string, o?: Record<string, unknown>) => string): string => {
  if (v === null || v === undefined) return '—';
  if (c.kind === 'duration_ms' && typeof v === 'number') return t('reports.minutes', { n: Math.round(v / 6000) / 10 });
  if (c.kind === 'duration_s' && typeof v === 'number') return t('reports.seconds', { n: v });
  if (c.kind === 'percent') return `${v} %`;
  return String(v);
};

/** The reports area: a dashboard (today / this week) and one page per report with chart, table, drill-down and CSV. */
export function ReportsPage() {
  const { t, i18n } = useTranslation();
  const lang: 'ja' | 'en' = i18n.language === 'en' ? 'en' : 'ja';
  const list = useFetch<{ items: ReportInfo[]; timeZone: string }>('/api/v1/reports');
  const directory = useDirectory();
  const { user } = useSession();
  // A link may open a report directly: /reports?name=escalations.returns&path=<id> (the path review).
  const initial = new URLSearchParams(typeof location === 'undefined' ? '' : location.search);
  const [name, setName] = useState(initial.get('name') ?? 'tickets.volume');
  const [filters, setFilters] = useState({ team: initial.get('team') ?? '', path: initial.get('path') ?? '', category: '', priority: '', channel: '' });
  // The dashboard's figures open a report over their own instants (from/to), group-by and bucket.
  const [chosen, setRange] = useState<{ from: string; to: string } | null>(initial.get('from') && initial.get('to') ? { from: initial.get('from')!, to: initial.get('to')! } : null);
  // Presets are days of the report calendar (a Los Angeles reader of a Tokyo desk's reports gets the desk's today).
  const zone = list.data?.timeZone ?? user.timeZone;
  const range = chosen ?? preset('week', zone);
  const [groupBy, setGroupBy] = useState<string>(initial.get('groupBy') ?? '');
  const [drillBucket, setDrillBucket] = useState<string | null>(initial.get('drill'));
  const info = list.data?.items.find((r) => r.name === name);
  const g = groupBy && info?.groupBys.includes(groupBy) ? groupBy : (info?.defaultGroupBy ?? '');
  const applies = (f: FilterKey) => info?.filters.includes(f) ?? true;
  const filterQuery = Object.entries(filters)
    .filter(([k, v]) => v !== '' && applies(k as FilterKey))
    .map(([k, v]) => `&${k}=${encodeURIComponent(v)}`)
    .join('');
  const query = `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}${g ? `&groupBy=${encodeURIComponent(g)}` : ''}${filterQuery}`;
  const result = useFetch<Result>(info ? `/api/v1/reports/${name}?${query}` : null);
  const drill = useFetch<Drill>(info && drillBucket !== null ? `/api/v1/reports/${name}?${query}&drill=${encodeURIComponent(drillBucket)}` : null);

  const chart = useMemo(() => {
    const r = result.data;
    if (!r) return null;
    const dims = r.columns.filter((c) => c.kind === 'dimension');
    const measures = r.columns.filter((c) => c.kind !== 'dimension');
    // One chart per kind of measure: counts together, durations together, percentages together;
    // the report may name the kind (time to claim, cadence kept), else the counts.
    const named = info?.chart && measures.some((c) => c.kind === info.chart) ? info.chart : null;
    const kind = named ?? (measures.some((c) => c.kind === 'count') ? 'count' : (measures[0]?.kind ?? 'count'));
    const shown = measures.filter((c) => c.kind === kind).slice(0, 4);
    const categories = r.rows.map((row) => (dims.length ? dims.map((d) => String(row[d.key] ?? row.bucket)).join(' / ') : t('reports.groupBys.none')));
    const scale = (v: unknown) => (typeof v === 'number' ? (kind === 'duration_ms' ? Math.round(v / 6000) / 10 : v) : null);
    const unit = kind === 'duration_ms' ? (lang === 'ja' ? '(分)' : ' (min)') : kind === 'duration_s' ? (lang === 'ja' ? '(秒)' : ' (s)') : kind === 'percent' ? ' (%)' : '';
    return { categories, series: shown.map((c) => ({ name: c.label[lang] + unit, values: r.rows.map((row) => scale(row[c.key])) })), line: g === 'day' || g === 'week' };
  }, [result.data, lang, g, t, info?.chart]);

  if (list.error) return <ErrorMessage error={list.error} />;
  if (!list.data) return <Loading />;
  return (
    <div className="page reports-page">
      <h1>{t('reports.title')}</h1>
      <p>
        <Link to="/reports/dashboard">{t('reports.dashboardLink')}</Link>
        {SUPERVISING.includes(user.role) && (
          <>
            {' · '}
            <Link to="/reports/hands">{t('reports.handsLink')}</Link>
          </>
        )}
      </p>
      <section aria-label={t('reports.dashboard')} className="report-controls">
        <button type="button" className="btn btn-small" onClick={() => (setRange(preset('today', zone)), setDrillBucket(null))}>
          {t('reports.today')}
        </button>{' '}
        <button type="button" className="btn btn-small" onClick={() => (setRange(preset('week', zone)), setDrillBucket(null))}>
          {t('reports.thisWeek')}
        </button>{' '}
        <label>
          {t('reports.report')}{' '}
          <select value={name} onChange={(e) => (setName(e.target.value), setGroupBy(''), setDrillBucket(null))}>
            {list.data.items.map((r) => (
              <option key={r.name} value={r.name}>
                {r.title[lang]}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('reports.from')} <input type="date" value={shownDay(range.from, user.timeZone)} onChange={(e) => setRange({ ...range, from: e.target.value })} />
        </label>{' '}
        <label>
          {t('reports.to')} <input type="date" value={shownDay(range.to, user.timeZone, true)} onChange={(e) => setRange({ ...range, to: e.target.value ? dayAfter(e.target.value) : '' })} />
        </label>{' '}
        <label>
          {t('reports.groupBy')}{' '}
          <select value={g} onChange={(e) => (setGroupBy(e.target.value), setDrillBucket(null))}>
            {info?.groupBys.map((x) => (
              <option key={x} value={x}>
                {t(`reports.groupBys.${x}`, { defaultValue: x })}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('reports.filters.team')}{' '}
          <select value={filters.team} disabled={!applies('team')} title={applies('team') ? undefined : t('reports.filterNotApplied')} onChange={(e) => setFilters({ ...filters, team: e.target.value })}>
            <option value="">{t('reports.filters.any')}</option>
            {directory.teams.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('reports.filters.priority')}{' '}
          <select value={filters.priority} disabled={!applies('priority')} title={applies('priority') ? undefined : t('reports.filterNotApplied')} onChange={(e) => setFilters({ ...filters, priority: e.target.value })}>
            <option value="">{t('reports.filters.any')}</option>
            {['low', 'normal', 'high', 'urgent'].map((x) => (
              <option key={x} value={x}>
                {t(`priority.${x}`, { defaultValue: x })}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('reports.filters.channel')}{' '}
          <select value={filters.channel} disabled={!applies('channel')} title={applies('channel') ? undefined : t('reports.filterNotApplied')} onChange={(e) => setFilters({ ...filters, channel: e.target.value })}>
            <option value="">{t('reports.filters.any')}</option>
            {['email', 'web', 'chat', 'phone', 'api'].map((x) => (
              <option key={x} value={x}>
                {t(`channel.${x}`, { defaultValue: x })}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('reports.filters.category')} <input value={filters.category} disabled={!applies('category')} title={applies('category') ? undefined : t('reports.filterNotApplied')} maxLength={100} size={10} onChange={(e) => setFilters({ ...filters, category: e.target.value })} />
        </label>{' '}
        {filters.path && applies('path') && (
          <button type="button" onClick={() => setFilters({ ...filters, path: '' })}>
            {t('reports.filters.pathOnly')} ✕
          </button>
        )}{' '}
        <button type="button" className="btn btn-small" onClick={() => window.print()}>
          {t('reports.print')}
        </button>{' '}
        <a className="btn btn-small" href={`/api/v1/reports/${name}?${query}&format=csv&lang=${lang}`} download>
          {t('reports.csv')}
        </a>
      </section>
      {info && (
        <details className="report-definition">
          <summary>{t('reports.definition')}</summary>
          <p>{info.definition[lang]}</p>
        </details>
      )}
      {result.error ? <ErrorMessage error={result.error} /> : null}
      {!result.data && !result.error && <Loading />}
      {result.data && result.data.rows.length === 0 && <p>{t('reports.noData')}</p>}
      {result.data && result.data.rows.length > 0 && chart && (
        // A wide table (the hand and incident figures) goes under the chart, scrolling sideways if need be.
        <div className="report-body" style={{ display: 'grid', gridTemplateColumns: result.data.columns.length > 6 ? 'minmax(0, 1fr)' : 'minmax(0, 3fr) minmax(0, 2fr)', gap: '1rem', alignItems: 'start' }}>
          <figure>
            <ReportChart categories={chart.categories} series={chart.series} line={chart.line} lang={lang} label={`${info?.title[lang] ?? name} ${shownDay(range.from, user.timeZone)}–${shownDay(range.to, user.timeZone, true)}`} />
          </figure>
          <div className="report-scroll">
            <table className="report-table">
              <caption>{t('reports.table')}</caption>
              <thead>
                <tr>
                  {result.data.columns.map((c) => (
                    <th key={c.key} scope="col">
                      {c.label[lang]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.data.rows.map((row) => (
                  <tr key={row.bucket}>
                    {result.data!.columns.map((c, i) => (
                      <td key={c.key}>
                        {i === result.data!.columns.findIndex((x) => x.kind !== 'dimension') ? (
                          <button type="button" className="link-button" onClick={() => setDrillBucket(row.bucket)}>
                            {cell(c, row[c.key], t)}
                          </button>
                        ) : (
                          cell(c, c.kind === 'dimension' ? (row[c.key] ?? row.bucket) : row[c.key], t)
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {drillBucket !== null && (
        <section className="report-drill" aria-live="polite">
          <h2>{drill.data ? t('reports.drillOf', { bucket: drillBucket, total: drill.data.total }) : t('reports.drill')}</h2>
          {drill.error ? <ErrorMessage error={drill.error} /> : null}
          {drill.data && <DrillList tickets={drill.data.tickets} escalations={drill.data.escalations} incidents={drill.data.incidents} />}
        </section>
      )}
    </div>
  );
}
