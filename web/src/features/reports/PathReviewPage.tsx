import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from '@sinclair/typebox';
import type { PathView } from '../../../../src/modules/paths/paths.presenter.js';
import type { ApiClient } from '../../api/client.js';
import type { ApiJson } from '../../api/typed.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useDirectory, useSession, useUserTimeZone } from '../../session.js';
import { formatDuration } from '../escalations/time.js';
import { dayIn, startOfDay } from './hands-report-api.js';
import { ReportChart } from './ReportChart.js';
import './reports.css';

type Path = Static<typeof PathView>;
/** A report's rows (GET /api/v1/reports/{name}): a bucket and the columns' values. */
interface Result {
  rows: ({ bucket: string } & Record<string, string | number | null>)[];
}
type Evidence = ApiJson<'/api/v1/escalation-paths/{id}/evidence'>;
const DAY = 86_400_000;
const BOM = '\uFEFF';

/** The ISO week ("2026-W02") of a calendar day, as the reports name weeks. */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) + 3); // the Thursday of that week decides its year
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / DAY + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Every ISO week the days [from, to] touch, in order. */
export function weeksBetween(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${fromDay}T00:00:00Z`), end = Date.parse(`${toDay}T00:00:00Z`); t <= end; t += DAY) {
    const w = isoWeek(new Date(t).toISOString().slice(0, 10));
    if (out[out.length - 1] !== w) out.push(w);
  }
  return out;
}

const csvField = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
/** A table as CSV (UTF-8 with BOM, so Japanese Excel reads it), as a data: link. */
export const csvHref = (header: string[], rows: (string | number | null)[][]): string =>
  `data:text/csv;charset=utf-8,${encodeURIComponent(BOM + [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n')}`;

/** One registry report filtered to the path, over the review period. */
function usePathReport(client: ApiClient, pathId: string, name: string, groupBy: string, range: { from: string; to: string } | null) {
  return useQuery({
    queryKey: ['reports', 'path', pathId, name, groupBy, range?.from, range?.to],
    queryFn: ({ signal }) => client.get<Result>(`/api/v1/reports/${name}`, { from: range!.from, to: range!.to, groupBy, path: pathId }, signal),
    enabled: range !== null,
  });
}

export function PathReviewRoute() {
  const { id } = getRouteApi('/reports/paths/$id').useParams();
  return <PathReviewPage id={id} key={id} />;
}

/**
 * The path review report (issue 18): the path's definition, the evidence already computed for
 * its review, and its trends per week over the review period from the reports registry
 * (escalations, acknowledgement per level against target, timeouts, returns by reason,
 * fallback) — printable, each table with its CSV.
 */
export function PathReviewPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const lang: 'ja' | 'en' = i18n.language === 'en' ? 'en' : 'ja';
  const { client, user } = useSession();
  const tz = useUserTimeZone();
  const directory = useDirectory();
  const [now] = useState(() => Date.now());
  const [fromDay, setFromDay] = useState<string | null>(null);
  const [toDay, setToDay] = useState<string | null>(null);
  const path = useQuery({ queryKey: ['reports', 'path', id], queryFn: ({ signal }) => client.get<Path>(`/api/v1/escalation-paths/${encodeURIComponent(id)}`, undefined, signal) });
  // The review period: from the last review (or one interval back), as the evidence counts it.
  const sinceDefault = path.data ? (path.data.lastReviewedAt ? Date.parse(path.data.lastReviewedAt) : now - path.data.reviewIntervalDays * DAY) : null;
  const toMs = toDay ? startOfDay(toDay, tz) + DAY : now;
  const fromMs = sinceDefault === null ? null : Math.max(fromDay ? startOfDay(fromDay, tz) : sinceDefault, toMs - 400 * DAY);
  const range = fromMs === null ? null : { from: new Date(fromMs).toISOString(), to: new Date(Math.max(toMs, fromMs + 1000)).toISOString() };
  const evidence = useQuery({
    queryKey: ['reports', 'path', id, 'evidence', range?.from],
    queryFn: ({ signal }) => client.get<Evidence>(`/api/v1/escalation-paths/${encodeURIComponent(id)}/evidence`, { since: range!.from }, signal),
    enabled: range !== null,
  });
  const volume = usePathReport(client, id, 'escalations.volume', 'week', range);
  const timesWeek = usePathReport(client, id, 'escalations.times', 'week', range);
  const timesLevel = usePathReport(client, id, 'escalations.times', 'level', range);
  const returns = usePathReport(client, id, 'escalations.returns', 'week', range);
  const expiries = usePathReport(client, id, 'escalations.expiries', 'week', range);
  const all = [volume, timesWeek, timesLevel, returns, expiries];

  // The weekly rows come from the four weekly reports; the per-level report (timesLevel) is read
  // at render time, and the page waits for it below — not here, or its answer, when it came
  // last, would not recompute this memo (it is not among its inputs) and the page would stay loading.
  const weeks = useMemo(() => {
    if (!range || !volume.data || !timesWeek.data || !returns.data || !expiries.data) return null;
    const by = (r: Result | undefined) => new Map((r?.rows ?? []).map((row) => [row.bucket, row]));
    const v = by(volume.data);
    const tw = by(timesWeek.data);
    const rt = by(returns.data);
    const ex = by(expiries.data);
    const keys = new Set([...weeksBetween(dayIn(Date.parse(range.from), tz), dayIn(Date.parse(range.to) - 1, tz)), ...v.keys(), ...rt.keys(), ...ex.keys()]);
    const n = (x: unknown) => (typeof x === 'number' ? x : 0);
    const orNull = (x: unknown) => (typeof x === 'number' ? x : null);
    return [...keys].sort().map((week) => ({
      week,
      escalations: n(v.get(week)?.escalations),
      ackMedian: orNull(tw.get(week)?.ack_median),
      ackWithin: orNull(tw.get(week)?.ack_within_target),
      expiries: n(ex.get(week)?.expiries),
      returned: n(rt.get(week)?.returned),
      notNeeded: n(rt.get(week)?.not_needed),
      wrongTarget: n(rt.get(week)?.wrong_target),
      missingInformation: n(rt.get(week)?.missing_information),
      fallbackReached: n(v.get(week)?.fallback_reached),
    }));
  }, [range?.from, range?.to, tz, volume.data, timesWeek.data, returns.data, expiries.data]);

  const chart = useMemo(
    () =>
      weeks && {
        categories: weeks.map((w) => w.week),
        series: (['escalations', 'returned', 'expiries', 'fallbackReached'] as const).map((k) => ({ name: t(`reports.review.${k}`), values: weeks.map((w) => w[k]) })),
      },
    [weeks, t],
  );

  const error = path.error ?? evidence.error ?? all.find((q) => q.error)?.error;
  if (error) return <ErrorMessage error={error} />;
  if (!path.data || !range || !evidence.data || !weeks || all.some((q) => !q.data)) return <Loading />;
  const p = path.data;
  const e = evidence.data;
  const minutes = (ms: number | null) => (ms === null ? '—' : formatDuration(ms / 1000, t, lang));
  const when = (iso: string | null) => (iso ? formatDateTime(iso, lang, tz) : t('reports.review.never'));
  const targetName = (tg: Path['levels'][number]['targets'][number]): string => {
    switch (tg.type) {
      case 'team':
        return directory.teamName(tg.teamId) ?? tg.teamId;
      case 'user':
        return directory.userName(tg.userId) ?? tg.userId;
      case 'rotation':
        return `${t('reports.review.rotation')} ${tg.rotationId.slice(0, 8)}`;
      default:
        return t(`reports.review.role.${tg.role}`);
    }
  };
  const conditions = (Object.keys(p.conditions) as (keyof Path['conditions'])[]).filter((k) => k !== 'tagMode' && Array.isArray(p.conditions[k]) && (p.conditions[k] as string[]).length > 0);
  const levelRows = p.levels.map((l, i) => {
    const row = timesLevel.data?.rows.find((r) => r.bucket === String(i + 1));
    const median = typeof row?.ack_median === 'number' ? row.ack_median : null;
    return { index: i + 1, level: l, escalations: typeof row?.escalations === 'number' ? row.escalations : 0, median, p90: typeof row?.ack_p90 === 'number' ? row.ack_p90 : null, within: typeof row?.ack_within_target === 'number' ? row.ack_within_target : null, over: median !== null && median > l.ackTimeoutSeconds * 1000 };
  });
  const weekHeader = ['week', 'escalations', 'ackMedian', 'ackWithin', 'expiries', 'returned', 'notNeeded', 'wrongTarget', 'missingInformation', 'fallbackReached'].map((k) => t(`reports.review.${k}`) + (k === 'ackMedian' ? (lang === 'ja' ? '(分)' : ' (min)') : k === 'ackWithin' ? ' (%)' : ''));
  const weekCsv = csvHref(weekHeader, weeks.map((w) => [w.week, w.escalations, w.ackMedian === null ? null : Math.round(w.ackMedian / 6000) / 10, w.ackWithin, w.expiries, w.returned, w.notNeeded, w.wrongTarget, w.missingInformation, w.fallbackReached]));
  const levelHeader = [t('reports.review.level'), t('reports.review.name'), `${t('reports.review.ackTarget')}${lang === 'ja' ? '(分)' : ' (min)'}`, t('reports.review.escalations'), `${t('reports.review.ackMedian')}${lang === 'ja' ? '(分)' : ' (min)'}`, `${t('reports.review.ackP90')}${lang === 'ja' ? '(分)' : ' (min)'}`, `${t('reports.review.ackWithin')} (%)`];
  const levelCsv = csvHref(levelHeader, levelRows.map((r) => [r.index, r.level.name, Math.round(r.level.ackTimeoutSeconds / 6) / 10, r.escalations, r.median === null ? null : Math.round(r.median / 6000) / 10, r.p90 === null ? null : Math.round(r.p90 / 6000) / 10, r.within]));
  const file = (what: string) => `path-review_${p.name.replace(/[^\p{L}\p{N}_-]+/gu, '_')}_${what}_${dayIn(Date.parse(range.from), tz)}_${dayIn(Date.parse(range.to) - 1, tz)}.csv`;

  return (
    <div className="page reports-page path-review">
      <p className="no-print">
        <Link to="/reports">{t('reports.title')}</Link>
        {user.role === 'admin' && (
          <>
            {' · '}
            <Link to={`/admin/paths/${p.id}`}>{t('reports.review.editPath')}</Link>
          </>
        )}
      </p>
      <h1>{t('reports.review.title', { name: p.name })}</h1>
      <p className="muted">{t('reports.review.intro')}</p>
      <section className="report-controls no-print" aria-label={t('reports.review.period')}>
        <label>
          {t('reports.review.from')} <input type="date" value={dayIn(Date.parse(range.from), tz)} onChange={(ev) => ev.target.value && setFromDay(ev.target.value)} />
        </label>{' '}
        <label>
          {t('reports.review.to')} <input type="date" value={dayIn(Date.parse(range.to) - 1, tz)} onChange={(ev) => ev.target.value && setToDay(ev.target.value)} />
        </label>{' '}
        <button type="button" onClick={() => window.print()}>
          {t('reports.review.print')}
        </button>
      </section>
      <p className="print-only">
        {t('reports.review.period')}: {formatDateTime(range.from, lang, tz)} – {formatDateTime(range.to, lang, tz)}
      </p>

      <section aria-labelledby="review-definition" className="review-section">
        <h2 id="review-definition">{t('reports.review.definition')}</h2>
        <dl className="review-facts">
          <dt>{t('reports.review.purpose')}</dt>
          <dd>{p.purpose || '—'}</dd>
          <dt>{t('reports.review.owner')}</dt>
          <dd>{directory.userName(p.ownerId) ?? p.ownerId}</dd>
          <dt>{t('reports.review.version')}</dt>
          <dd>
            v{p.version} · {p.active ? t('reports.review.active') : t('reports.review.inactive')} · {t('reports.review.auto')}: {p.autoEscalate ? t('reports.review.yes') : t('reports.review.no')}
          </dd>
          <dt>{t('reports.review.interval')}</dt>
          <dd>{t('reports.review.intervalDays', { n: p.reviewIntervalDays })}</dd>
          <dt>{t('reports.review.lastReviewed')}</dt>
          <dd>{when(p.lastReviewedAt)}</dd>
          <dt>{t('reports.review.reviewDue')}</dt>
          <dd className={p.reviewDue ? 'review-due' : ''}>
            {when(p.reviewDueAt)} {p.reviewDue && t('reports.review.due')}
          </dd>
          <dt>{t('reports.review.conditions')}</dt>
          <dd>
            {conditions.length === 0
              ? t('reports.review.noConditions')
              : conditions.map((k) => (
                  <span key={k} className="review-condition">
                    {t(`reports.review.cond.${k}`)}: {(p.conditions[k] as string[]).join(', ')}
                  </span>
                ))}
          </dd>
          <dt>{t('reports.review.fallback')}</dt>
          <dd>{[...p.fallbackUserIds.map((u) => directory.userName(u) ?? u), ...(p.fallbackTeamId ? [directory.teamName(p.fallbackTeamId) ?? p.fallbackTeamId] : [])].join(', ') || t('reports.review.none')}</dd>
        </dl>
      </section>

      <section aria-labelledby="review-levels" className="review-section">
        <h2 id="review-levels">{t('reports.review.perLevel')}</h2>
        <div className="report-scroll">
          <table className="report-table" data-testid="review-levels">
            <caption>
              {t('reports.review.levels')}{' '}
              <a className="no-print small" href={levelCsv} download={file('levels')}>
                {t('reports.review.csv')}
              </a>
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.review.level')}</th>
                <th scope="col">{t('reports.review.kind')}</th>
                <th scope="col">{t('reports.review.targets')}</th>
                <th scope="col">{t('reports.review.ackTarget')}</th>
                <th scope="col">{t('reports.review.onTimeout')}</th>
                <th scope="col">{t('reports.review.escalations')}</th>
                <th scope="col">{t('reports.review.ackMedian')}</th>
                <th scope="col">{t('reports.review.ackP90')}</th>
                <th scope="col">{t('reports.review.ackWithin')}</th>
              </tr>
            </thead>
            <tbody>
              {levelRows.map((r) => (
                <tr key={r.index}>
                  <th scope="row">
                    L{r.index} {r.level.name}
                  </th>
                  <td>{t(`reports.review.kinds.${r.level.kind}`)}</td>
                  <td>{r.level.targets.map(targetName).join(', ') || '—'}</td>
                  <td>{formatDuration(r.level.ackTimeoutSeconds, t, lang)}</td>
                  <td>{r.level.onTimeout.advance ? t('reports.review.advance') : t('reports.review.stay')}</td>
                  <td className="num">{r.escalations}</td>
                  <td className={r.over ? 'num over-target' : 'num'}>
                    {minutes(r.median)}
                    {r.over && <span className="small"> ({t('reports.review.overTarget')})</span>}
                  </td>
                  <td className="num">{minutes(r.p90)}</td>
                  <td className="num">{r.within === null ? '—' : `${r.within} %`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted small">{t('reports.review.currentTargetNote')}</p>
      </section>

      <section aria-labelledby="review-evidence" className="review-section">
        <h2 id="review-evidence">{t('reports.review.evidence')}</h2>
        <p className="muted small">{t('reports.review.evidenceSince', { since: formatDateTime(e.since, lang, tz) })}</p>
        <dl className="report-figures" data-testid="review-evidence">
          {(
            [
              ['escalations', e.escalations],
              ['acknowledged', e.acknowledged],
              ['acknowledgedInTime', e.acknowledgedInTime],
              ['medianAck', e.medianAckSeconds === null ? '—' : formatDuration(Math.round(e.medianAckSeconds), t, lang)],
              ['misroutes', e.misroutes],
              ['unnecessary', e.unnecessary],
              ['missing', e.returned.missing_information],
              ['advanced', e.advancedPastFirstLevel],
              ['pingPong', e.pingPong],
            ] as const
          ).map(([k, v]) => (
            <div key={k}>
              <dt>{t(`reports.review.ev.${k}`)}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="review-trends" className="review-section">
        <h2 id="review-trends">{t('reports.review.trends')}</h2>
        {weeks.every((w) => w.escalations === 0 && w.expiries === 0) && <p>{t('reports.review.noData')}</p>}
        <div className="chart-then-table">
          <figure>{chart && <ReportChart categories={chart.categories} series={chart.series} line lang={lang} label={t('reports.review.chart')} />}</figure>
          <div className="report-scroll">
            <table className="report-table" data-testid="review-weeks">
              <caption>
                {t('reports.table')}{' '}
                <a className="no-print small" href={weekCsv} download={file('weeks')}>
                  {t('reports.review.csv')}
                </a>
              </caption>
              <thead>
                <tr>
                  {weekHeader.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {weeks.map((w) => (
                  <tr key={w.week}>
                    <th scope="row">{w.week}</th>
                    <td className="num">{w.escalations}</td>
                    <td className="num">{w.ackMedian === null ? '—' : Math.round(w.ackMedian / 6000) / 10}</td>
                    <td className="num">{w.ackWithin === null ? '—' : w.ackWithin}</td>
                    <td className="num">{w.expiries}</td>
                    <td className="num">{w.returned}</td>
                    <td className="num">{w.notNeeded}</td>
                    <td className="num">{w.wrongTarget}</td>
                    <td className="num">{w.missingInformation}</td>
                    <td className="num">{w.fallbackReached}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </section>
    </div>
  );
}
