import { useState } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { useDirectory, useSession, type Directory } from '../../session.js';
import type { PathDiff, PathVersion } from './admin-api.js';
import { formatDuration, useLoad } from './common.js';

/** Every saved version with author and reason, and a field-by-field comparison of two of them. */
export function PathHistory({ pathId }: { pathId: string }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const versions = useLoad(qk.admin('escalation-paths/versions', pathId), (signal) => client.get<{ items: PathVersion[] }>(`/api/v1/escalation-paths/${pathId}/versions`, undefined, signal).then((r) => r.items));
  const [pair, setPair] = useState<[number, number] | null>(null);
  const items = versions.data ?? [];
  const latest = items[0]?.version ?? 1;
  const from = pair?.[0] ?? Math.max(1, latest - 1);
  const to = pair?.[1] ?? latest;

  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">{t('admin2.history.title')}</h2>
      {versions.error !== null && <ErrorMessage error={versions.error} onRetry={versions.reload} />}
      {versions.data === null && versions.error === null && <Loading />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin2.paths.version')}</th>
                <th scope="col">{t('admin2.history.when')}</th>
                <th scope="col">{t('admin2.history.author')}</th>
                <th scope="col">{t('admin2.history.reason')}</th>
                <th scope="col">{t('admin2.actionsCol')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <tr key={v.version}>
                  <td>v{v.version}</td>
                  <td>{formatDateTime(v.createdAt, i18n.language, user.timeZone)}</td>
                  <td>{v.authorName ?? '—'}</td>
                  <td>{v.reason || <span className="muted">{t('admin2.history.noReason')}</span>}</td>
                  <td>
                    {v.version > 1 && (
                      <button type="button" className="btn btn-small" onClick={() => setPair([v.version - 1, v.version])} aria-label={t('admin2.history.compareWithPrevious', { version: v.version })}>
                        {t('admin2.history.compare')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items.length > 1 && (
        <>
          <div className="inline-form" style={{ marginTop: '0.75rem' }}>
            <div className="field inline">
              <label htmlFor="diff-from">{t('admin2.history.from')}</label>
              <select id="diff-from" value={from} onChange={(e) => setPair([Number(e.target.value), to])}>
                {items.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </div>
            <div className="field inline">
              <label htmlFor="diff-to">{t('admin2.history.to')}</label>
              <select id="diff-to" value={to} onChange={(e) => setPair([from, Number(e.target.value)])}>
                {items.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {from !== to && <DiffView pathId={pathId} from={from} to={to} />}
        </>
      )}
      {items.length === 1 && <p className="muted small">{t('admin2.history.onlyOne')}</p>}
    </section>
  );
}

function DiffView({ pathId, from, to }: { pathId: string; from: number; to: number }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const show = (field: string, v: unknown) => (/Seconds$/.test(field) && typeof v === 'number' ? formatDuration(v, i18n.language) : describeValue(v, directory, t));
  const diff = useLoad(qk.admin('escalation-paths/versions/diff', pathId, from, to), (signal) => client.get<PathDiff>(`/api/v1/escalation-paths/${pathId}/versions/diff`, { from, to }, signal));
  if (diff.error !== null) return <ErrorMessage error={diff.error} onRetry={diff.reload} />;
  if (diff.data === null) return <Loading />;
  if (diff.data.changes.length === 0) return <p className="muted">{t('admin2.history.noChanges')}</p>;
  return (
    <div className="table-wrap">
      <table className="diff-table" aria-label={t('admin2.history.diffLabel', { from, to })}>
        <thead>
          <tr>
            <th scope="col">{t('admin2.history.field')}</th>
            <th scope="col">v{from}</th>
            <th scope="col">v{to}</th>
          </tr>
        </thead>
        <tbody>
          {diff.data.changes.map((c) => (
            <tr key={c.path}>
              <th scope="row">{describeField(c.path, t)}</th>
              <td className="diff-before">
                {c.change === 'added' ? <span className="muted">{t('admin2.history.changeAdded')}</span> : <pre>{show(c.path, c.before)}</pre>}
              </td>
              <td className="diff-after">
                {c.change === 'removed' ? <span className="muted">{t('admin2.history.changeRemoved')}</span> : <pre>{show(c.path, c.after)}</pre>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type T = (k: string, o?: Record<string, unknown>) => string;

/** "levels[1].ackTimeoutSeconds" → "L2 · Time to acknowledge". */
export function describeField(path: string, t: T): string {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((seg, i, all) => {
      if (/^\d+$/.test(seg)) return all[i - 1] === 'levels' ? `L${Number(seg) + 1}` : `#${Number(seg) + 1}`;
      if (seg === 'levels' && /^\d+$/.test(all[i + 1] ?? '')) return '';
      const key = `admin2.field.${seg}`;
      const s = t(key);
      return s === key ? seg : s;
    })
    .filter(Boolean)
    .join(' · ');
}

/** A value of a path definition as readable lines; ids become names. */
export function describeValue(v: unknown, directory: Directory, t: T, depth = 0): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (typeof v === 'number' || typeof v === 'string') return directory.userName(String(v)) ?? directory.teamName(String(v)) ?? String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return t('admin2.none');
    if (v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => describeValue(x, directory, t, depth + 1)).join(', ');
    return v.map((x, i) => `${i + 1}. ${describeValue(x, directory, t, depth + 1)}`).join('\n');
  }
  const obj = v as Record<string, unknown>;
  if (typeof obj.type === 'string' && Object.keys(obj).length === 2) {
    const [, val] = Object.entries(obj).find(([k]) => k !== 'type')!;
    return `${t(`admin2.target.${obj.type}`)}: ${obj.type === 'role' ? t(`admin2.target.${String(val)}`) : describeValue(val, directory, t, depth + 1)}`;
  }
  const pad = '  '.repeat(depth);
  return Object.entries(obj)
    .map(([k, x]) => `${depth ? '\n' + pad : ''}${describeField(k, t)}: ${describeValue(x, directory, t, depth + 1)}`)
    .join(depth ? '' : '\n');
}
