import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../api/types.js';
import { ApiError } from '../../api/client.js';
import type { ApiJson } from '../../api/typed.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { navigate, useSearch } from '../../lib/router.js';
import { useDirectory, useSession, useUserTimeZone } from '../../session.js';
import { AdminPage, useLoad } from './common.js';

/** One audit log entry as GET /api/v1/audit gives it (generated from the server's OpenAPI document). */
export type AuditEntry = ApiJson<'/api/v1/audit'>['items'][number];

/** The groups of actions the filter offers (the action's prefix); labels in admin2.audit.group. */
const GROUPS = ['auth', 'user', 'token', 'team', 'calendar', 'sla_policy', 'path', 'rotation', 'webhook', 'team_channel', 'template', 'messaging_integration', 'attachment', 'raw_mail', 'customer', 'organization', 'inbound_message', 'retention', 'secrets', 'demo', 'view', 'macro', 'hands', 'incidents', 'incident', 'satisfaction', 'service'] as const;
const TARGET_TYPES = ['user', 'api_token', 'team', 'calendar', 'sla_policy', 'escalation_path', 'rotation', 'webhook', 'team_channel', 'template', 'messaging_integration', 'attachment', 'inbound_message', 'customer', 'organization', 'secret_key', 'workspace', 'view', 'macro', 'incident', 'service', 'settings'] as const;

interface Filters {
  group: string;
  actorId: string;
  targetType: string;
  targetId: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { group: '', actorId: '', targetType: '', targetId: '', from: '', to: '' };

/** The filters live in the URL (`/admin/audit?targetType=webhook&targetId=…`): links from other screens, back button. */
const filtersOf = (search: string): Filters => {
  const q = new URLSearchParams(search);
  return { group: q.get('group') ?? '', actorId: q.get('actor') ?? '', targetType: q.get('targetType') ?? '', targetId: q.get('targetId') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '' };
};
const searchOf = (f: Filters): string => {
  const q = new URLSearchParams();
  if (f.group) q.set('group', f.group);
  if (f.actorId) q.set('actor', f.actorId);
  if (f.targetType) q.set('targetType', f.targetType);
  if (f.targetId.trim()) q.set('targetId', f.targetId.trim());
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** Where the history of one thing is read, e.g. auditLink('webhook', id). */
export const auditLink = (targetType: string, targetId: string): string => `/admin/audit${searchOf({ ...NO_FILTERS, targetType, targetId })}`;

/** A local calendar day (yyyy-mm-dd from a date input) as the instant it starts. */
const dayStart = (day: string, plusDays = 0): string => {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
};

const query = (f: Filters): Record<string, string> => ({
  limit: '50',
  ...(f.group && { actionPrefix: `${f.group}.` }),
  ...(f.actorId && { actorId: f.actorId }),
  ...(f.targetType && { targetType: f.targetType }),
  ...(f.targetId.trim() && { targetId: f.targetId.trim() }),
  ...(f.from && { from: dayStart(f.from) }),
  ...(f.to && { to: dayStart(f.to, 1) }),
});

/** Administrators read who changed which configuration or downloaded which file, and what changed. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const tz = useUserTimeZone();
  const search = useSearch();
  const filters = useMemo(() => filtersOf(search), [search]);
  const [draft, setDraft] = useState<Filters>(filters);
  useEffect(() => setDraft(filters), [filters]);
  const [more, setMore] = useState<{ items: AuditEntry[]; cursor: string | null; error: unknown } | null>(null);
  const list = useLoad(qk.admin('audit', filters), (signal) => {
      setMore(null);
      return client.get<Page<AuditEntry>>('/api/v1/audit', query(filters), signal);
    });
  const items = [...(list.data?.items ?? []), ...(more?.items ?? [])];
  const cursor = more ? more.cursor : (list.data?.nextCursor ?? null);
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await client.get<Page<AuditEntry>>('/api/v1/audit', { ...query(filters), cursor });
      setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], cursor: page.nextCursor, error: null }));
    } catch (error) {
      setMore((m) => ({ items: m?.items ?? [], cursor, error }));
    }
  };
  // A period that ends before it starts would just show nothing: say so instead.
  const [periodBackwards, setPeriodBackwards] = useState(false);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const backwards = draft.from !== '' && draft.to !== '' && draft.to < draft.from;
    setPeriodBackwards(backwards);
    if (!backwards) navigate(`/admin/audit${searchOf(draft)}`);
  };
  const fieldLabels = { targetId: t('admin2.audit.targetId'), actorId: t('admin2.audit.actor'), targetType: t('admin2.audit.targetType'), actionPrefix: t('admin2.audit.group'), from: t('admin2.audit.from'), to: t('admin2.audit.to') };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  const actor = (e: AuditEntry) => e.actorName ?? directory.userName(e.actorId) ?? (e.actorId ? t('admin2.audit.formerUser') : t('admin2.audit.system'));

  return (
    <AdminPage title={t('admin2.audit.title')}>
      <p className="muted">{t('admin2.audit.intro')}</p>
      <form className="card audit-filters" onSubmit={apply} aria-label={t('admin2.audit.filters')}>
        <div className="field">
          <label htmlFor="au-group">{t('admin2.audit.group')}</label>
          <select id="au-group" value={draft.group} onChange={set('group')}>
            <option value="">{t('admin2.audit.all')}</option>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`admin2.audit.groups.${g}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="au-actor">{t('admin2.audit.actor')}</label>
          <select id="au-actor" value={draft.actorId} onChange={set('actorId')}>
            <option value="">{t('admin2.audit.anyone')}</option>
            {[...directory.users]
              .sort((a, b) => a.name.localeCompare(b.name, i18n.language))
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="au-type">{t('admin2.audit.targetType')}</label>
          <select id="au-type" value={draft.targetType} onChange={set('targetType')}>
            <option value="">{t('admin2.audit.all')}</option>
            {TARGET_TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`admin2.audit.targets.${x}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="au-target">{t('admin2.audit.targetId')}</label>
          <input id="au-target" value={draft.targetId} maxLength={200} onChange={set('targetId')} />
        </div>
        <div className="field">
          <label htmlFor="au-from">{t('admin2.audit.from')}</label>
          <input id="au-from" type="date" value={draft.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label htmlFor="au-to">{t('admin2.audit.to')}</label>
          <input id="au-to" type="date" value={draft.to} onChange={set('to')} />
        </div>
        <div className="audit-filter-actions">
          <button type="submit" className="btn btn-primary">
            {t('admin2.audit.apply')}
          </button>
          <button
            type="button"
            className="btn btn-quiet"
            onClick={() => navigate('/admin/audit')}
          >
            {t('admin2.audit.clear')}
          </button>
        </div>
      </form>
      {periodBackwards && (
        <p className="error-box" role="alert">
          {t('admin2.audit.periodBackwards')}
        </p>
      )}
      {list.error !== null && <ErrorMessage error={list.error} fieldLabels={fieldLabels} onRetry={list.error instanceof ApiError && list.error.code === 'validation_failed' ? undefined : list.reload} />}
      {list.data === null && list.error === null && <Loading />}
      {list.data !== null && items.length === 0 && <EmptyState>{t('admin2.audit.empty')}</EmptyState>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('admin2.audit.when')}</th>
                <th scope="col">{t('admin2.audit.actor')}</th>
                <th scope="col">{t('admin2.audit.action')}</th>
                <th scope="col">{t('admin2.audit.target')}</th>
                <th scope="col">{t('admin2.audit.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">{formatDateTime(e.createdAt, i18n.language, tz)}</td>
                  <td>
                    {actor(e)}
                    {e.ip && <div className="muted small mono">{e.ip}</div>}
                  </td>
                  <td>
                    {/* The recorded code only where the console has no words for it (in the tooltip otherwise). */}
                    {i18n.exists(`admin2.audit.actions.${e.action}`) ? <span title={e.action}>{t(`admin2.audit.actions.${e.action}`)}</span> : <span className="mono">{e.action}</span>}
                  </td>
                  <td>
                    <Target entry={e} />
                  </td>
                  <td>
                    <Changes data={e.data} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more?.error != null && <ErrorMessage error={more.error} onRetry={() => void loadMore()} />}
      {cursor && (
        <button type="button" className="btn" onClick={() => void loadMore()}>
          {t('admin2.audit.more')}
        </button>
      )}
    </AdminPage>
  );
}

function Target({ entry: e }: { entry: AuditEntry }) {
  const { t, i18n } = useTranslation();
  const directory = useDirectory();
  if (!e.targetType) return <span className="muted">—</span>;
  const type = i18n.exists(`admin2.audit.targets.${e.targetType}`) ? t(`admin2.audit.targets.${e.targetType}`) : e.targetType;
  const after = (e.data.after ?? e.data.before) as { name?: unknown; url?: unknown; label?: unknown; definition?: { name?: unknown } } | null | undefined;
  const name =
    e.targetName ??
    (e.targetType === 'user' ? directory.userName(e.targetId) : null) ??
    (e.targetType === 'team' ? directory.teamName(e.targetId) : null) ??
    (typeof after?.name === 'string' ? after.name : typeof after?.definition?.name === 'string' ? after.definition.name : typeof after?.label === 'string' ? after.label : typeof after?.url === 'string' ? after.url : null) ??
    (typeof e.data.filename === 'string' ? e.data.filename : typeof e.data.subject === 'string' ? e.data.subject : null);
  return (
    <>
      <div>{type}</div>
      {/* A named target shows its name (its id in the tooltip); only an unnamed one shows the id. */}
      {name ? (
        <div className="audit-target-name" title={e.targetId ?? undefined}>
          {name}
        </div>
      ) : (
        e.targetId && <div className="muted small mono">{e.targetId}</div>
      )}
    </>
  );
}

/** A short readable value: text as is, lists joined, objects as compact JSON. */
const show = (v: unknown): string => {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.map(show).join(', ');
  const text = JSON.stringify(v);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

/** A recorded field's name in the reader's language where the console knows it; else as recorded. */
function useFieldLabel() {
  const { t, i18n } = useTranslation();
  return (k: string) => (i18n.exists(`admin2.audit.fields.${k}`) ? t(`admin2.audit.fields.${k}`) : k);
}

/** Values that are codes (roles, decisions) in the reader's language; the rest as recorded. */
function useValueText() {
  const { t, i18n } = useTranslation();
  return (k: string, v: unknown): string => {
    if (typeof v === 'string' && k === 'role' && i18n.exists(`roles.${v}`)) return t(`roles.${v}`);
    if (typeof v === 'boolean') return t(v ? 'admin2.audit.values.yes' : 'admin2.audit.values.no');
    if (typeof v === 'string' && (k === 'decision' || k === 'outcome') && i18n.exists(`admin2.audit.values.${v}`)) return t(`admin2.audit.values.${v}`);
    return show(v);
  };
}

/** Before and after as the fields that changed; other entries as their facts. */
function Changes({ data }: { data: Record<string, unknown> }) {
  const { t } = useTranslation();
  const label = useFieldLabel();
  const value = useValueText();
  const hasChange = 'before' in data || 'after' in data;
  if (!hasChange) {
    const facts = Object.entries(data);
    if (facts.length === 0) return <span className="muted">—</span>;
    return (
      <dl className="audit-facts">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{label(k)}</dt>
            <dd>{value(k, v)}</dd>
          </div>
        ))}
      </dl>
    );
  }
  const before = (data.before ?? null) as Record<string, unknown> | null;
  const after = (data.after ?? null) as Record<string, unknown> | null;
  // Timestamps of the record itself change on every save and say nothing the entry's time does not.
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((k) => k !== 'createdAt' && k !== 'updatedAt');
  const changed = keys.filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k]));
  if (changed.length === 0) return <span className="muted">{t('admin2.audit.noChange')}</span>;
  const fields = (
    <ul>
      {changed.map((k) => (
        <li key={k}>
          <span className={label(k) === k ? 'mono' : undefined}>{label(k)}</span>{' '}
          {before !== null && after !== null ? (
            <>
              <del>{value(k, before[k])}</del> <span aria-hidden="true">→</span>
              <span className="sr-only">{t('admin2.audit.becomes')}</span> <ins>{value(k, after[k])}</ins>
            </>
          ) : (
            <span>{value(k, (after ?? before)?.[k])}</span>
          )}
        </li>
      ))}
    </ul>
  );
  if (before !== null && after !== null) return <div className="audit-diff">{fields}</div>;
  // A whole record (created or deleted) is long: folded, with how many fields it had.
  return (
    <details className="audit-diff">
      <summary>{t(before === null ? 'admin2.audit.created' : 'admin2.audit.deleted', { count: changed.length })}</summary>
      {fields}
    </details>
  );
}
