import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import type { Path } from './admin-api.js';
import { AdminPage, useLoad } from './common.js';
import { levelLabel } from '../../lib/level-label.js';

/** Escalation paths at a glance: what they match, how many levels, and whether the review is due. */
export function PathsPage() {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const directory = useDirectory();
  const list = useLoad(qk.admin('escalation-paths'), (signal) => client.get<{ items: Path[] }>('/api/v1/escalation-paths', undefined, signal).then((r) => r.items));
  const lang = i18n.language === 'en' ? 'en' : 'ja';

  return (
    <AdminPage
      title={t('admin2.paths.title')}
      actions={
        <div className="inline-form">
          <a className="btn" href={`/api/v1/playbook?lang=${lang}`} target="_blank" rel="noopener">
            {t('admin2.paths.playbook')}
            <span className="sr-only"> {t('admin2.newTab')}</span>
          </a>
          <Link className="btn btn-primary" to="/admin/paths/new">
            {t('admin2.paths.new')}
          </Link>
        </div>
      }
    >
      <p className="muted">
        {t('admin2.paths.intro')}{' '}
        <a href={`/api/v1/playbook?lang=${lang === 'ja' ? 'en' : 'ja'}`} target="_blank" rel="noopener">
          {t('admin2.paths.playbookOther')}
        </a>{' '}
        ·{' '}
        <a href={`/api/v1/playbook?lang=${lang}&format=md`} target="_blank" rel="noopener">
          {t('admin2.paths.playbookMd')}
        </a>
      </p>
      {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
      {list.data === null && list.error === null && <Loading />}
      {list.data?.length === 0 && (
        <EmptyState action={<Link className="btn btn-primary" to="/admin/paths/new">{t('admin2.paths.new')}</Link>}>{t('admin2.paths.empty')}</EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin2.paths.name')}</th>
                <th scope="col">{t('admin2.paths.levels')}</th>
                <th scope="col">{t('admin2.paths.owner')}</th>
                <th scope="col">{t('admin2.paths.version')}</th>
                <th scope="col">{t('admin2.paths.review')}</th>
                <th scope="col">{t('admin2.paths.state')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/admin/paths/${p.id}`}>{p.name}</Link>
                    {p.purpose && <div className="muted small">{p.purpose}</div>}
                  </td>
                  <td>{p.levels.map((l, i) => levelLabel(i, l.name)).join(' → ') || '—'}</td>
                  <td>{directory.userName(p.ownerId) ?? '—'}</td>
                  <td>v{p.version}</td>
                  <td>
                    {p.reviewDue ? (
                      <span className="pill pill-danger">{t('admin2.paths.reviewDue')}</span>
                    ) : (
                      <span className="small">{t('admin2.paths.reviewBy', { time: formatDateTime(p.reviewDueAt, i18n.language, user.timeZone) })}</span>
                    )}
                    {' '}
                    <a className="small" href={`/reports/paths/${encodeURIComponent(p.id)}`}>
                      {t('reports.pathReview')}
                    </a>
                  </td>
                  <td>{p.active ? <span className="pill pill-ok">{t('admin2.active')}</span> : <span className="pill">{t('admin2.inactive')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminPage>
  );
}
