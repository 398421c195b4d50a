import { useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading, Notice } from '../../components/States.js';
import { useSession } from '../../session.js';
import { NOTIFY_CHANNELS } from '../admin/admin-api.js';
import { useAction, useLoad } from '../admin/common.js';

type Channel = (typeof NOTIFY_CHANNELS)[number];
interface Preferences {
  channels: Record<string, Channel[]>;
  quietHours: { start: string; end: string } | null;
  slackUserId: string | null;
  /** The id is verified to be this person's (Slack's confirmed email matches); only then used. */
  slackVerified?: boolean;
}

/** The events a person can choose channels for; '*' is everything else. */
const EVENTS = ['escalation.*', 'sla.*', 'email.*', '*'] as const;
const DEFAULTS: Record<string, Channel[]> = { 'escalation.*': ['in_app', 'email'], 'sla.*': ['in_app', 'email'], 'email.*': ['in_app', 'email'], '*': ['in_app'] };

export function NotificationPreferences() {
  const { t } = useTranslation();
  const { client } = useSession();
  const prefs = useLoad(qk.me('notification-preferences'), (signal) => client.get<Preferences>('/api/v1/me/notification-preferences', undefined, signal));
  if (prefs.error !== null) return <ErrorMessage error={prefs.error} onRetry={prefs.reload} title={t('admin2.prefs.title')} />;
  if (prefs.data === null) return <Loading />;
  return <PreferencesForm initial={prefs.data} />;
}

function PreferencesForm({ initial }: { initial: Preferences }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [channels, setChannels] = useState<Record<string, Channel[]>>(() => Object.fromEntries(EVENTS.map((e) => [e, initial.channels[e] ?? DEFAULTS[e]!])));
  const [quiet, setQuiet] = useState(initial.quietHours !== null);
  const [start, setStart] = useState(initial.quietHours?.start ?? '22:00');
  const [end, setEnd] = useState(initial.quietHours?.end ?? '07:00');
  const [slack, setSlack] = useState(initial.slackUserId ?? '');
  const [saved, setSaved] = useState(false);
  const [verified, setVerified] = useState(initial.slackVerified ?? false);
  const [savedSlack, setSavedSlack] = useState(initial.slackUserId ?? '');
  const action = useAction();
  const toggle = (ev: string, ch: Channel, on: boolean) => setChannels((c) => ({ ...c, [ev]: on ? [...(c[ev] ?? []), ch] : (c[ev] ?? []).filter((x) => x !== ch) }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const next = await action.run(() =>
      client.put<Preferences>('/api/v1/me/notification-preferences', { channels: { ...initial.channels, ...channels }, quietHours: quiet ? { start, end } : null, slackUserId: slack.trim() || null }),
    );
    if (next) {
      setSaved(true);
      setVerified(next.slackVerified ?? false);
      setSavedSlack(next.slackUserId ?? '');
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="prefs-title">
      <h2 id="prefs-title">{t('admin2.prefs.title')}</h2>
      <p className="hint">{t('admin2.prefs.hint')}</p>
      <div className="table-wrap">
        <table className="pref-table">
          <thead>
            <tr>
              <th scope="col">{t('admin2.prefs.event')}</th>
              {NOTIFY_CHANNELS.map((c) => (
                <th scope="col" key={c}>
                  {t(`admin2.notifyChannel.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {EVENTS.map((ev) => (
              <tr key={ev}>
                <th scope="row">{t(`admin2.prefs.events.${ev === '*' ? 'other' : ev.replace('.*', '')}`)}</th>
                {NOTIFY_CHANNELS.map((c) => (
                  <td key={c}>
                    <input
                      type="checkbox"
                      checked={(channels[ev] ?? []).includes(c)}
                      onChange={(e) => toggle(ev, c, e.target.checked)}
                      aria-label={`${t(`admin2.prefs.events.${ev === '*' ? 'other' : ev.replace('.*', '')}`)}: ${t(`admin2.notifyChannel.${c}`)}`}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <label className="check">
        <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} /> {t('admin2.prefs.quiet')}
      </label>
      {quiet && (
        <div className="inline-form">
          <div className="field inline">
            <label htmlFor="qh-start">{t('admin2.prefs.quietFrom')}</label>
            <input id="qh-start" type="time" value={start} onChange={(e) => setStart(e.target.value)} />
          </div>
          <div className="field inline">
            <label htmlFor="qh-end">{t('admin2.prefs.quietTo')}</label>
            <input id="qh-end" type="time" value={end} onChange={(e) => setEnd(e.target.value)} />
          </div>
        </div>
      )}
      <p className="hint">{t('admin2.prefs.quietHint')}</p>
      <div className="field">
        <label htmlFor="pref-slack">{t('admin2.prefs.slack')}</label>
        <input id="pref-slack" value={slack} placeholder="U0123ABCD" pattern="[UW][A-Z0-9]{2,30}" onChange={(e) => setSlack(e.target.value)} aria-describedby="pref-slack-hint" />
        <span className="hint" id="pref-slack-hint">
          {t('admin2.prefs.slackHint')}
        </span>
        {savedSlack !== '' && slack.trim() === savedSlack && (
          <span className={verified ? 'hint' : 'hint warn'} data-testid="slack-verified">
            {verified ? t('accounts.slackVerified') : t('accounts.slackUnverified')}
          </span>
        )}
      </div>
      {action.error !== null && <ErrorMessage error={action.error} />}
      {saved && <Notice>{t('admin2.prefs.saved')}</Notice>}
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('admin2.prefs.save')}
      </button>
    </form>
  );
}
