import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useDebounced } from '../../lib/use-debounced.js';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { formatDateTime, timeZones } from '../../lib/format.js';
import { useSession } from '../../session.js';
import { WEEKDAYS, type Calendar, type CalendarDefinition, type Weekday } from './admin-api.js';
import { AdminPage, ListInput, toLocalInput, useAction, useLoad } from './common.js';

const WORKDAY: [string, string][] = [
  ['09:00', '12:00'],
  ['13:00', '18:00'],
];

export const newCalendarDefinition = (): CalendarDefinition => ({
  timezone: 'Asia/Tokyo',
  weekly: { mon: WORKDAY, tue: WORKDAY, wed: WORKDAY, thu: WORKDAY, fri: WORKDAY, sat: [], sun: [] },
  holidays: [],
  recurringHolidays: [],
  holidayPresets: ['jp'],
  closures: [],
  exceptions: [],
});

export function CalendarsPage() {
  const { t } = useTranslation();
  const { client } = useSession();
  const list = useLoad(qk.admin('calendars'), (signal) => client.get<{ items: Calendar[] }>('/api/v1/calendars', { limit: 200 }, signal).then((p) => p.items));
  const [selected, setSelected] = useState<string | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const current = selected === 'new' ? null : (list.data ?? []).find((c) => c.id === selected) ?? null;

  return (
    <AdminPage
      title={t('admin2.calendars.title')}
      actions={
        <button type="button" className="btn btn-primary" onClick={() => setSelected('new')}>
          {t('admin2.calendars.new')}
        </button>
      }
    >
      <p className="muted">{t('admin2.calendars.intro')}</p>
      {notice && <Notice>{notice}</Notice>}
      <div className="split">
        <section className="card list-panel" aria-labelledby="cal-list-title">
          <h2 id="cal-list-title">{t('admin2.calendars.list')}</h2>
          {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
          {list.data === null && list.error === null && <Loading />}
          {list.data?.length === 0 && <EmptyState>{t('admin2.calendars.empty')}</EmptyState>}
          <ul className="pick-list">
            {(list.data ?? []).map((c) => (
              <li key={c.id}>
                <button type="button" className={c.id === selected ? 'pick selected' : 'pick'} aria-pressed={c.id === selected} onClick={() => setSelected(c.id)}>
                  {c.name}
                  <span className="sub muted small">{c.definition.timezone}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <div>
          {selected === null ? (
            <EmptyState>{t('admin2.calendars.pick')}</EmptyState>
          ) : (
            <CalendarEditor
              key={selected}
              calendar={current}
              onSaved={(c, created) => {
                list.setData((prev) => (created ? [...(prev ?? []), c] : (prev ?? []).map((x) => (x.id === c.id ? c : x))));
                setSelected(c.id);
                setNotice(t('admin2.calendars.saved', { name: c.name }));
              }}
              onDeleted={(id) => {
                list.setData((prev) => (prev ?? []).filter((x) => x.id !== id));
                setSelected(null);
                setNotice(t('admin2.deleted'));
              }}
            />
          )}
        </div>
      </div>
    </AdminPage>
  );
}

function CalendarEditor({ calendar, onSaved, onDeleted }: { calendar: Calendar | null; onSaved: (c: Calendar, created: boolean) => void; onDeleted: (id: string) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [name, setName] = useState(calendar?.name ?? '');
  const [def, setDef] = useState<CalendarDefinition>(calendar?.definition ?? newCalendarDefinition());
  const action = useAction();
  const set = <K extends keyof CalendarDefinition>(k: K, v: CalendarDefinition[K]) => setDef((d) => ({ ...d, [k]: v }));
  const setDay = (day: Weekday, spans: [string, string][]) => setDef((d) => ({ ...d, weekly: { ...d.weekly, [day]: spans } }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = { name: name.trim(), definition: def };
    const saved = await action.run(() => (calendar ? client.patch<Calendar>(`/api/v1/calendars/${calendar.id}`, body) : client.post<Calendar>('/api/v1/calendars', body)));
    if (saved) onSaved(saved, calendar === null);
  };
  const remove = async () => {
    if (!calendar || !window.confirm(t('admin2.calendars.confirmDelete', { name: calendar.name }))) return;
    const ok = await action.run(() => client.delete(`/api/v1/calendars/${calendar.id}`).then(() => true));
    if (ok) onDeleted(calendar.id);
  };
  const jp = (def.holidayPresets ?? []).includes('jp');

  return (
    <form className="card" onSubmit={(e) => void save(e)} aria-labelledby="cal-edit-title">
      <h2 id="cal-edit-title">{calendar ? t('admin2.calendars.edit', { name: calendar.name }) : t('admin2.calendars.new')}</h2>
      <div className="grid-form">
        <div className="field">
          <label htmlFor="cal-name">{t('admin2.calendars.name')}</label>
          <input id="cal-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="cal-tz">{t('admin2.calendars.timezone')}</label>
          <select id="cal-tz" value={def.timezone} onChange={(e) => set('timezone', e.target.value)}>
            {timeZones(def.timezone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </div>
      </div>

      <Preview definition={def} />

      <h3>{t('admin2.calendars.weekly')}</h3>
      <p className="hint">{t('admin2.calendars.weeklyHint')}</p>
      <div className="week-grid">
        {WEEKDAYS.map((day) => (
          <DayRow key={day} day={day} spans={def.weekly[day] as [string, string][]} onChange={(s) => setDay(day, s)} />
        ))}
      </div>

      <h3>{t('admin2.calendars.holidays')}</h3>
      <label className="check">
        <input type="checkbox" checked={jp} onChange={(e) => set('holidayPresets', e.target.checked ? ['jp'] : [])} /> {t('admin2.calendars.jpPreset')}
      </label>
      <div className="grid-form">
        <ListInput id="cal-holidays" label={t('admin2.calendars.holidayDates')} hint={t('admin2.calendars.holidayDatesHint')} value={def.holidays ?? []} onChange={(v) => set('holidays', v)} />
        <ListInput id="cal-recurring" label={t('admin2.calendars.recurring')} hint={t('admin2.calendars.recurringHint')} value={def.recurringHolidays ?? []} onChange={(v) => set('recurringHolidays', v)} />
      </div>

      <h3>{t('admin2.calendars.closures')}</h3>
      <p className="hint">{t('admin2.calendars.closuresHint')}</p>
      <ul className="row-list">
        {(def.closures ?? []).map((c, i) => {
          const update = (patch: Partial<typeof c>) => set('closures', (def.closures ?? []).map((x, j) => (j === i ? { ...x, ...patch } : x)));
          return (
            <li key={i}>
              <input aria-label={t('admin2.calendars.closureName', { n: i + 1 })} placeholder={t('admin2.calendars.closureNamePh')} value={c.name ?? ''} onChange={(e) => update({ name: e.target.value })} />
              <input aria-label={t('admin2.calendars.closureFrom', { n: i + 1 })} placeholder="12-29" size={11} value={c.from} onChange={(e) => update({ from: e.target.value })} />
              <span aria-hidden="true">〜</span>
              <input aria-label={t('admin2.calendars.closureTo', { n: i + 1 })} placeholder="01-03" size={11} value={c.to} onChange={(e) => update({ to: e.target.value })} />
              <button type="button" className="btn btn-small btn-quiet" onClick={() => set('closures', (def.closures ?? []).filter((_, j) => j !== i))}>
                {t('admin2.remove')}
                <span className="sr-only"> {t('admin2.calendars.closureName', { n: i + 1 })}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="btn btn-small" onClick={() => set('closures', [...(def.closures ?? []), { from: '12-29', to: '01-03', name: '' }])}>
        {t('admin2.calendars.addClosure')}
      </button>

      <h3>{t('admin2.calendars.exceptions')}</h3>
      <p className="hint">{t('admin2.calendars.exceptionsHint')}</p>
      <ul className="row-list">
        {(def.exceptions ?? []).map((x, i) => {
          const update = (patch: Partial<typeof x>) => set('exceptions', (def.exceptions ?? []).map((y, j) => (j === i ? { ...y, ...patch } : y)));
          return (
            <li key={i}>
              <input type="date" aria-label={t('admin2.calendars.exceptionDate', { n: i + 1 })} value={x.date} onChange={(e) => update({ date: e.target.value })} />
              <input aria-label={t('admin2.calendars.exceptionName', { n: i + 1 })} placeholder={t('admin2.calendars.closureNamePh')} value={x.name ?? ''} onChange={(e) => update({ name: e.target.value })} />
              <SpanEditor label={t('admin2.calendars.exceptionDate', { n: i + 1 })} spans={x.hours as [string, string][]} onChange={(hours) => update({ hours })} />
              <button type="button" className="btn btn-small btn-quiet" onClick={() => set('exceptions', (def.exceptions ?? []).filter((_, j) => j !== i))}>
                {t('admin2.remove')}
                <span className="sr-only"> {t('admin2.calendars.exceptionDate', { n: i + 1 })}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="btn btn-small" onClick={() => set('exceptions', [...(def.exceptions ?? []), { date: '', hours: [], name: '' }])}>
        {t('admin2.calendars.addException')}
      </button>

      <div className="sticky-actions">
        {action.error !== null && <ErrorMessage error={action.error} />}
        <button type="submit" className="btn btn-primary" disabled={action.busy || !name.trim()}>
          {t('admin2.save')}
        </button>
        {calendar && (
          <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={action.busy}>
            {t('admin2.delete')}
          </button>
        )}
      </div>
    </form>
  );
}

function DayRow({ day, spans, onChange }: { day: Weekday; spans: [string, string][]; onChange: (s: [string, string][]) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <span className="day-name" id={`day-${day}`}>
        {t(`admin2.weekday.${day}`)}
      </span>
      <SpanEditor label={t(`admin2.weekday.${day}`)} spans={spans} onChange={onChange} />
    </>
  );
}

/** Working spans of one day: from–to pairs, added and removed. An empty list reads "closed". */
function SpanEditor({ label, spans, onChange }: { label: string; spans: [string, string][]; onChange: (s: [string, string][]) => void }) {
  const { t } = useTranslation();
  const update = (i: number, k: 0 | 1, v: string) => onChange(spans.map((s, j) => (j === i ? ((k === 0 ? [v, s[1]] : [s[0], v]) as [string, string]) : s)));
  return (
    <div className="spans" role="group" aria-label={label}>
      {spans.length === 0 && <span className="muted">{t('admin2.calendars.closed')}</span>}
      {spans.map((s, i) => (
        <span key={i} className="span-edit">
          <input type="time" aria-label={t('admin2.calendars.spanFrom', { day: label, n: i + 1 })} value={s[0]} onChange={(e) => update(i, 0, e.target.value)} />
          –
          <input type="time" aria-label={t('admin2.calendars.spanTo', { day: label, n: i + 1 })} value={s[1] === '24:00' ? '23:59' : s[1]} onChange={(e) => update(i, 1, e.target.value)} />
          <button type="button" className="btn btn-small btn-quiet" aria-label={t('admin2.calendars.removeSpan', { day: label, n: i + 1 })} onClick={() => onChange(spans.filter((_, j) => j !== i))}>
            ×
          </button>
        </span>
      ))}
      <button type="button" className="btn btn-small btn-quiet" aria-label={t('admin2.calendars.addSpanTo', { day: label })} onClick={() => onChange([...spans, spans.length ? ['13:00', '18:00'] : ['09:00', '18:00']])}>
        + {t('admin2.calendars.addSpan')}
      </button>
    </div>
  );
}

/** "A ticket arriving at … with N hours is due at …", recomputed as the definition changes. */
function Preview({ definition }: { definition: CalendarDefinition }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const [start, setStart] = useState(() => toLocalInput(new Date(), definition.timezone));
  const [hours, setHours] = useState(8);
  // One request per pause in typing (300 ms); the answer is cached per definition, start and hours.
  const input = useDebounced(JSON.stringify({ calendar: definition, start: `${start}:00`, seconds: Math.round(hours * 3600) }), 300);
  const preview = useQuery({
    queryKey: qk.admin('business-time', input),
    enabled: !!start && hours >= 0,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: () => client.post<{ end: string }>('/api/v1/business-time/add', JSON.parse(input) as unknown).then((r) => r.end),
  });
  const end = preview.error ? null : (preview.data ?? null);
  const error = preview.error;
  return (
    <section className="preview-box" aria-labelledby="cal-preview-title" aria-live="polite">
      <h3 id="cal-preview-title" style={{ marginTop: 0 }}>
        {t('admin2.calendars.preview')}
      </h3>
      <div className="inline-form">
        <div className="field inline">
          <label htmlFor="cal-pv-start">{t('admin2.calendars.arrival', { zone: definition.timezone })}</label>
          <input id="cal-pv-start" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
        </div>
        <div className="field inline">
          <label htmlFor="cal-pv-hours">{t('admin2.calendars.businessHours')}</label>
          <input id="cal-pv-hours" type="number" min={0} step={0.5} value={hours} style={{ width: '6rem' }} onChange={(e) => setHours(Number(e.target.value))} />
        </div>
      </div>
      {end && (
        <p className="answer" data-testid="calendar-preview">
          {t('admin2.calendars.previewSentence', {
            start: formatDateTime(`${start}:00Z`, i18n.language, 'UTC'),
            hours,
            end: formatDateTime(end, i18n.language, definition.timezone),
          })}
          {user.timeZone !== definition.timezone && <span className="muted small"> ({t('admin2.calendars.inYourZone', { time: formatDateTime(end, i18n.language, user.timeZone) })})</span>}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} title={t('admin2.calendars.previewError')} />}
    </section>
  );
}
