import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, usePath } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import './admin.css';

/**
 * Server state through the query cache: `useLoad(qk.admin('calendars'), (signal) => client.get(…))`.
 * `data` is null until the first answer; `setData` writes the cache after a change the screen made
 * itself (the server's answer), `reload` refetches. New screens use useQuery + <Loadable> directly.
 */
export function useLoad<T>(queryKey: QueryKey, fetcher: (signal: AbortSignal) => Promise<T>) {
  const qc = useQueryClient();
  // Screens written for it remount to refresh (key={version}): every mount asks the server again, showing the cached answer meanwhile.
  const query = useQuery({ queryKey, queryFn: ({ signal }) => fetcher(signal), refetchOnMount: 'always' });
  const setData = useCallback(
    (next: T | null | ((prev: T | null) => T | null)) =>
      qc.setQueryData<T | null>(queryKey, (old) => (typeof next === 'function' ? (next as (prev: T | null) => T | null)(old ?? null) : next)),
    [qc, JSON.stringify(queryKey)],
  );
  const reload = useCallback(() => void query.refetch(), [query.refetch]);
  return { data: query.data ?? null, setData, error: query.error ?? null, reload, query };
}

/** Runs a change, remembering whether it is running and how it failed. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

const SECTIONS = [
  ['/admin/paths', 'paths'],
  ['/admin/simulator', 'simulator'],
  ['/admin/calendars', 'calendars'],
  ['/admin/sla', 'sla'],
  ['/admin/rotations', 'rotations'],
  ['/admin/channels', 'channels'],
  ['/admin/services', 'services'],
  ['/admin/incident-settings', 'incidentSettings'],
  ['/admin/audit', 'audit'],
] as const;
/** Sections other roles than administrators may open (the rest sit under /admin's admin-only gate). */
const OPEN_TO: Partial<Record<(typeof SECTIONS)[number][1], readonly string[]>> = { services: ['manager'] };

/** The administration screens' own navigation, below the top bar. */
export function AdminTabs() {
  const { t } = useTranslation();
  const path = usePath();
  const { user } = useSession();
  const sections = SECTIONS.filter(([, key]) => user.role === 'admin' || (OPEN_TO[key] ?? []).includes(user.role));
  return (
    <nav className="tabs admin-tabs" aria-label={t('admin2.tabsLabel')}>
      {sections.map(([to, key]) => {
        const active = path === to || path.startsWith(to + '/');
        return (
          <Link key={to} to={to} className={active ? 'tab active' : 'tab'} aria-current={active ? 'page' : undefined}>
            {t(`admin2.section.${key}`)}
          </Link>
        );
      })}
    </nav>
  );
}

export function AdminPage({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <div className="page">
      <div className="page-head">
        <h1>{title}</h1>
        {actions}
      </div>
      <AdminTabs />
      {children}
    </div>
  );
}

/** Seconds shown as hours and minutes ("2 h 30 min"). */
export function formatDuration(seconds: number, lang: string): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  if (lang === 'ja') return [h ? `${h}時間` : '', m ? `${m}分` : ''].join('') || '0分';
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
}

/** An amount of time entered as hours and minutes, stored in seconds. */
export function DurationInput({ id, label, seconds, onChange, allowEmpty = false }: { id: string; label: string; seconds: number | null; onChange: (s: number | null) => void; allowEmpty?: boolean }) {
  const { t } = useTranslation();
  const h = seconds === null ? '' : String(Math.floor(seconds / 3600));
  const m = seconds === null ? '' : String(Math.round((seconds % 3600) / 60));
  const set = (hh: string, mm: string) => {
    if (allowEmpty && hh === '' && mm === '') return onChange(null);
    const total = (Number(hh) || 0) * 3600 + (Number(mm) || 0) * 60;
    onChange(total);
  };
  return (
    <fieldset className="duration" aria-label={label}>
      <legend className="sr-only">{label}</legend>
      <label className="duration-part">
        <input id={id} type="number" min={0} max={8784} inputMode="numeric" value={h} aria-label={`${label} (${t('admin2.hours')})`} onChange={(e) => set(e.target.value, m)} />
        <span aria-hidden="true">{t('admin2.hoursShort')}</span>
      </label>
      <label className="duration-part">
        <input type="number" min={0} max={59} inputMode="numeric" value={m} aria-label={`${label} (${t('admin2.minutes')})`} onChange={(e) => set(h, e.target.value)} />
        <span aria-hidden="true">{t('admin2.minutesShort')}</span>
      </label>
    </fieldset>
  );
}

/** Comma-separated words ("billing, refund") edited as text, kept as a list. */
export function ListInput({ id, label, value, onChange, hint }: { id: string; label: string; value: string[]; onChange: (v: string[]) => void; hint?: string }) {
  const [text, setText] = useState(value.join(', '));
  useEffect(() => {
    const parsed = split(text);
    if (parsed.join('\u0000') !== value.join('\u0000')) setText(value.join(', '));
  }, [value]);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={text} onChange={(e) => {
        setText(e.target.value);
        onChange(split(e.target.value));
      }} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
    </div>
  );
}
const split = (s: string) => [...new Set(s.split(/[,、，\n]/).map((x) => x.trim()).filter(Boolean))];

/** A set of checkboxes over fixed options. */
export function CheckGroup<T extends string>({ legend, options, value, onChange, labelOf, name }: { legend: string; options: readonly T[]; value: readonly T[]; onChange: (v: T[]) => void; labelOf: (o: T) => string; name: string }) {
  return (
    <fieldset className="check-group">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o} className="check">
          <input
            type="checkbox"
            name={name}
            checked={value.includes(o)}
            onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((x) => x !== o))}
          />{' '}
          {labelOf(o)}
        </label>
      ))}
    </fieldset>
  );
}

/** A team picker over the directory's teams, with "none" first (null). */
export function TeamSelect({ id, value, onChange, describedBy }: { id: string; value: string | null; onChange: (teamId: string | null) => void; describedBy?: string }) {
  const { t } = useTranslation();
  const directory = useDirectory();
  return (
    <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} aria-describedby={describedBy}>
      <option value="">{t('admin2.none')}</option>
      {directory.teams.map((tm) => (
        <option key={tm.id} value={tm.id}>
          {tm.name}
        </option>
      ))}
    </select>
  );
}

/** Only for roles that may see the screen; others get a plain explanation, not an error. */
export function RequireRole({ roles, children }: { roles: readonly string[]; children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  if (!roles.includes(user.role)) {
    return (
      <div className="page">
        <div className="error-box" role="alert">
          <p>{t('errors.forbidden')}</p>
        </div>
      </div>
    );
  }
  return <>{children}</>;
}

/** Local date-time input value ("2026-01-09T10:00") for an instant, in the given time zone. */
export function toLocalInput(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(date);
  const get = (k: string) => parts.find((p) => p.type === k)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** The offset of a zone at an instant, "+09:00", so a local input can be sent as an instant. */
export function offsetOf(date: Date, timeZone: string): string {
  const local = toLocalInput(date, timeZone);
  const asUtc = Date.parse(local + ':00Z');
  const diffMin = Math.round((asUtc - Math.floor(date.getTime() / 60000) * 60000) / 60000);
  const sign = diffMin >= 0 ? '+' : '-';
  const abs = Math.abs(diffMin);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "2026-01-09T10:00" in a zone → ISO instant with that zone's offset. */
export function localInputToIso(local: string, timeZone: string): string {
  const guess = new Date(local + ':00Z');
  if (Number.isNaN(guess.getTime())) return '';
  const off = offsetOf(guess, timeZone);
  return `${local}:00${off}`;
}
