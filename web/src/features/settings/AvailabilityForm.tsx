import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Notice } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { useDirectory, useSession } from '../../session.js';
import { localInputToIso, toLocalInput, useAction } from '../admin/common.js';

const STATES = ['available', 'busy', 'away', 'off'] as const;
type Availability = (typeof STATES)[number];

/**
 * Availability, out-of-office windows and the delegate of one person. Used on My settings (for
 * oneself) and on the supervisor board (covering for someone absent).
 */
export function AvailabilityForm({ person, onSaved, idPrefix = 'av' }: { person: User; onSaved?: (u: User) => void; idPrefix?: string }) {
  const { t, i18n } = useTranslation();
  const { client, user: me, setUser } = useSession();
  const directory = useDirectory();
  const tz = me.timeZone;
  const [status, setStatus] = useState<Availability>(person.availability);
  const [delegate, setDelegate] = useState(person.delegateUserId ?? '');
  const [windows, setWindows] = useState(person.outOfOffice.map((w) => ({ start: toLocalInput(new Date(w.start), tz), end: toLocalInput(new Date(w.end), tz), delegateUserId: w.delegateUserId ?? '' })));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const others = directory.users.filter((u) => u.active && u.id !== person.id);
  const self = person.id === me.id;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const body = {
      status,
      delegateUserId: delegate || null,
      outOfOffice: windows
        .filter((w) => w.start && w.end)
        .map((w) => ({ start: new Date(localInputToIso(w.start, tz)).toISOString(), end: new Date(localInputToIso(w.end, tz)).toISOString(), delegateUserId: w.delegateUserId || null })),
    };
    const next = await action.run(() => client.put<User>(`/api/v1/users/${person.id}/availability`, body));
    if (next) {
      setSaved(true);
      if (self) setUser(next);
      directory.reload();
      onSaved?.(next);
    }
  };
  const now = new Date();
  const inWindow = person.outOfOffice.find((w) => new Date(w.start) <= now && now < new Date(w.end));

  return (
    <form onSubmit={(e) => void submit(e)} aria-label={self ? t('admin2.avail.mine') : t('admin2.avail.of', { name: person.name })}>
      {inWindow && (
        <p className="small">
          {t('admin2.avail.outNow', { until: formatDateTime(inWindow.end, i18n.language, tz) })}
        </p>
      )}
      <div className="grid-form">
        <div className="field">
          <label htmlFor={`${idPrefix}-status`}>{t('admin2.avail.status')}</label>
          <select id={`${idPrefix}-status`} value={status} onChange={(e) => setStatus(e.target.value as Availability)}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {t(`availability.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${idPrefix}-delegate`}>{t('admin2.avail.delegate')}</label>
          <select id={`${idPrefix}-delegate`} value={delegate} onChange={(e) => setDelegate(e.target.value)} aria-describedby={`${idPrefix}-delegate-hint`}>
            <option value="">{t('admin2.none')}</option>
            {others.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
          <span className="hint" id={`${idPrefix}-delegate-hint`}>
            {t('admin2.avail.delegateHint')}
          </span>
        </div>
      </div>
      <h3>{t('admin2.avail.ooo')}</h3>
      {windows.length === 0 && <p className="muted small">{t('admin2.avail.noOoo')}</p>}
      <ul className="row-list">
        {windows.map((w, i) => {
          const update = (patch: Partial<typeof w>) => setWindows((ws) => ws.map((x, j) => (j === i ? { ...x, ...patch } : x)));
          return (
            <li key={i}>
              <input type="datetime-local" aria-label={t('admin2.avail.from', { n: i + 1 })} value={w.start} onChange={(e) => update({ start: e.target.value })} />
              <span aria-hidden="true">〜</span>
              <input type="datetime-local" aria-label={t('admin2.avail.to', { n: i + 1 })} value={w.end} onChange={(e) => update({ end: e.target.value })} />
              <select aria-label={t('admin2.avail.windowDelegate', { n: i + 1 })} value={w.delegateUserId} onChange={(e) => update({ delegateUserId: e.target.value })}>
                <option value="">{t('admin2.avail.sameDelegate')}</option>
                {others.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => setWindows((ws) => ws.filter((_, j) => j !== i))}>
                {t('admin2.remove')}
                <span className="sr-only"> {t('admin2.avail.from', { n: i + 1 })}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          const start = new Date();
          const end = new Date(start.getTime() + 86_400_000);
          setWindows((ws) => [...ws, { start: toLocalInput(start, tz), end: toLocalInput(end, tz), delegateUserId: '' }]);
        }}
      >
        + {t('admin2.avail.addOoo')}
      </button>
      {action.error !== null && (
        <ErrorMessage
          error={action.error}
          // The server names fields by path (outOfOffice[0].end): say which input that is.
          fieldLabels={Object.fromEntries([
            ['status', t('admin2.avail.status')],
            ['availability', t('admin2.avail.status')],
            ['delegateUserId', t('admin2.avail.delegate')],
            ...windows.flatMap((_, i) => [
              [`outOfOffice[${i}].start`, t('admin2.avail.from', { n: i + 1 })],
              [`outOfOffice[${i}].end`, t('admin2.avail.to', { n: i + 1 })],
              [`outOfOffice[${i}].delegateUserId`, t('admin2.avail.windowDelegate', { n: i + 1 })],
            ]),
          ])}
        />
      )}
      {saved && <Notice>{t('admin2.avail.saved', { name: person.name })}</Notice>}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {t('admin2.avail.save')}
        </button>
      </div>
    </form>
  );
}
