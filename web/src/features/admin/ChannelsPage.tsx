import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import type { Delivery, InboundMessage, TeamChannel, Webhook } from './admin-api.js';
import { auditLink } from './AuditPage.js';
import { AdminPage, ListInput, useAction, useLoad } from './common.js';

/** Notification channels (webhooks, team chat channels), failed deliveries and unreadable inbound mail. */
export function ChannelsPage() {
  const { t } = useTranslation();
  return (
    <AdminPage title={t('admin2.ch.title')}>
      <Webhooks />
      <TeamChannels />
      <MessagingIntegrations />
      <FailedDeliveries />
      <FailedInbound />
    </AdminPage>
  );
}

function Webhooks() {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const list = useLoad(qk.admin('webhooks'), (signal) => client.get<{ items: Webhook[] }>('/api/v1/webhooks', undefined, signal).then((r) => r.items));
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['escalation.*', 'sla.*']);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const action = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const w = await action.run(() => client.post<Webhook>('/api/v1/webhooks', { url: url.trim(), events }));
    if (w) {
      setSecret({ url: w.url, secret: w.secret ?? '' });
      setUrl('');
      list.setData((p) => [...(p ?? []), { ...w, secret: undefined }]);
    }
  };
  const update = async (w: Webhook, patch: Record<string, unknown>) => {
    const r = await action.run(() => client.patch<Webhook>(`/api/v1/webhooks/${w.id}`, patch));
    if (r) {
      if (r.secret) setSecret({ url: r.url, secret: r.secret });
      list.setData((p) => (p ?? []).map((x) => (x.id === r.id ? { ...r, secret: undefined } : x)));
    }
  };
  const remove = async (w: Webhook) => {
    if (!window.confirm(t('admin2.ch.confirmDeleteWebhook', { url: w.url }))) return;
    if (await action.run(() => client.delete(`/api/v1/webhooks/${w.id}`).then(() => true))) list.setData((p) => (p ?? []).filter((x) => x.id !== w.id));
  };
  return (
    <section className="card" aria-labelledby="wh-title">
      <h2 id="wh-title">{t('admin2.ch.webhooks')}</h2>
      <p className="hint">{t('admin2.ch.webhooksHint')}</p>
      {secret && (
        <div className="secret-once" role="status">
          <p>{t('admin2.ch.secretOnce', { url: secret.url })}</p>
          <label htmlFor="wh-secret">{t('admin2.ch.secret')}</label>
          <input id="wh-secret" readOnly value={secret.secret} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="btn btn-small" onClick={() => setSecret(null)}>{t('admin.done')}</button>
        </div>
      )}
      {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
      {list.data === null && list.error === null && <Loading />}
      {list.data?.length === 0 && <EmptyState>{t('admin2.ch.noWebhooks')}</EmptyState>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">{t('admin2.ch.events')}</th>
                <th scope="col">{t('admin2.paths.state')}</th>
                <th scope="col">{t('admin2.actionsCol')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((w) => (
                <tr key={w.id}>
                  <td className="mono small">{w.url}</td>
                  <td className="small">{w.events.join(', ')}</td>
                  <td>{w.active ? t('admin2.active') : t('admin2.inactive')}</td>
                  <td>
                    <button type="button" className="btn btn-small" onClick={() => void update(w, { active: !w.active })} aria-label={`${w.active ? t('admin2.ch.pause') : t('admin2.ch.resume')}: ${w.url}`}>
                      {w.active ? t('admin2.ch.pause') : t('admin2.ch.resume')}
                    </button>{' '}
                    <button type="button" className="btn btn-small" onClick={() => void update(w, { rotateSecret: true })} aria-label={`${t('admin2.ch.rotate')}: ${w.url}`}>
                      {t('admin2.ch.rotate')}
                    </button>{' '}
                    <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(w)} aria-label={`${t('admin2.delete')}: ${w.url}`}>
                      {t('admin2.delete')}
                    </button>{' '}
                    <Link to={auditLink('webhook', w.id)} className="small" aria-label={`${t('admin2.audit.history')}: ${w.url}`}>
                      {t('admin2.audit.history')}
                    </Link>
                    <div className="muted small">{formatDateTime(w.createdAt, i18n.language, user.timeZone)}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="grid-form" onSubmit={(e) => void create(e)} aria-label={t('admin2.ch.addWebhook')}>
        <div className="field">
          <label htmlFor="wh-url">{t('admin2.ch.url')}</label>
          <input id="wh-url" type="url" required placeholder="https://" value={url} onChange={(e) => setUrl(e.target.value)} />
        </div>
        <ListInput id="wh-events" label={t('admin2.ch.events')} hint={t('admin2.ch.eventsHint')} value={events} onChange={setEvents} />
        <div className="form-actions">
          {action.error !== null && <ErrorMessage error={action.error} fieldLabels={{ url: t('admin2.ch.url'), events: t('admin2.ch.events') }} />}
          <button type="submit" className="btn btn-primary" disabled={action.busy || !url.trim() || events.length === 0}>{t('admin2.ch.addWebhook')}</button>
        </div>
      </form>
    </section>
  );
}

const KINDS = ['slack_webhook', 'slack_bot', 'teams_webhook'] as const;

function TeamChannels() {
  const { t } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const list = useLoad(qk.admin('team-channels'), (signal) => client.get<{ items: TeamChannel[] }>('/api/v1/team-channels', undefined, signal).then((r) => r.items));
  const [f, setF] = useState({ teamId: '', kind: 'slack_webhook' as (typeof KINDS)[number], label: '', url: '', token: '', channel: '', locale: 'ja' });
  const action = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const config = f.kind === 'slack_bot' ? { token: f.token.trim(), channel: f.channel.trim(), locale: f.locale } : { url: f.url.trim(), locale: f.locale };
    const c = await action.run(() => client.post<TeamChannel>('/api/v1/team-channels', { teamId: f.teamId || directory.teams[0]?.id, kind: f.kind, label: f.label.trim() || undefined, config }));
    if (c) {
      list.setData((p) => [...(p ?? []), c]);
      setF({ ...f, label: '', url: '', token: '', channel: '' });
    }
  };
  const remove = async (c: TeamChannel) => {
    if (!window.confirm(t('admin2.ch.confirmDeleteChannel', { name: c.label }))) return;
    if (await action.run(() => client.delete(`/api/v1/team-channels/${c.id}`).then(() => true))) list.setData((p) => (p ?? []).filter((x) => x.id !== c.id));
  };
  return (
    <section className="card" aria-labelledby="tc-title">
      <h2 id="tc-title">{t('admin2.ch.teamChannels')}</h2>
      <p className="hint">{t('admin2.ch.teamChannelsHint')}</p>
      {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
      {list.data === null && list.error === null && <Loading />}
      {list.data?.length === 0 && <EmptyState>{t('admin2.ch.noChannels')}</EmptyState>}
      {list.data && list.data.length > 0 && (
        <ul className="avail-list">
          {list.data.map((c) => (
            <li key={c.id}>
              <span>
                <strong>{directory.teamName(c.teamId) ?? '—'}</strong> · {t(`admin2.ch.kind.${c.kind}`)} · {c.label}
              </span>
              <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(c)} aria-label={`${t('admin2.delete')}: ${c.label}`}>
                {t('admin2.delete')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="grid-form" onSubmit={(e) => void create(e)} aria-label={t('admin2.ch.addChannel')}>
        <div className="field">
          <label htmlFor="tc-team">{t('admin2.rot.team')}</label>
          <select id="tc-team" value={f.teamId} onChange={(e) => setF({ ...f, teamId: e.target.value })}>
            {directory.teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="tc-kind">{t('admin2.ch.kindLabel')}</label>
          <select id="tc-kind" value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as (typeof KINDS)[number] })}>
            {KINDS.map((k) => <option key={k} value={k}>{t(`admin2.ch.kind.${k}`)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="tc-label">{t('admin2.ch.label')}</label>
          <input id="tc-label" value={f.label} onChange={(e) => setF({ ...f, label: e.target.value })} />
        </div>
        {f.kind === 'slack_bot' ? (
          <>
            <div className="field">
              <label htmlFor="tc-token">{t('admin2.ch.token')}</label>
              <input id="tc-token" type="password" autoComplete="off" required value={f.token} onChange={(e) => setF({ ...f, token: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="tc-channel">{t('admin2.ch.channel')}</label>
              <input id="tc-channel" required placeholder="#support" value={f.channel} onChange={(e) => setF({ ...f, channel: e.target.value })} />
            </div>
          </>
        ) : (
          <div className="field">
            <label htmlFor="tc-url">{t('admin2.ch.incomingUrl')}</label>
            <input id="tc-url" type="url" required value={f.url} onChange={(e) => setF({ ...f, url: e.target.value })} />
          </div>
        )}
        <div className="field">
          <label htmlFor="tc-locale">{t('admin.locale')}</label>
          <select id="tc-locale" value={f.locale} onChange={(e) => setF({ ...f, locale: e.target.value })}>
            <option value="ja">{t('languages.ja')}</option>
            <option value="en">{t('languages.en')}</option>
          </select>
        </div>
        <div className="form-actions">
          {action.error !== null && (
            <ErrorMessage
              error={action.error}
              fieldLabels={{ teamId: t('admin2.rot.team'), kind: t('admin2.ch.kindLabel'), label: t('admin2.ch.label'), 'config.token': t('admin2.ch.token'), 'config.channel': t('admin2.ch.channel'), 'config.url': t('admin2.ch.incomingUrl'), 'config.locale': t('admin.locale'), config: t('admin2.ch.kindLabel') }}
            />
          )}
          <button type="submit" className="btn btn-primary" disabled={action.busy || directory.teams.length === 0}>{t('admin2.ch.addChannel')}</button>
        </div>
      </form>
    </section>
  );
}

const channelsApi = getRouteApi('/admin/channels');

function FailedDeliveries() {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const search = channelsApi.useSearch();
  const nav = channelsApi.useNavigate();
  const state: 'dead' | 'failed' = search.deliveries === 'failed' ? 'failed' : 'dead';
  const setState = (v: 'dead' | 'failed') => void nav({ search: (s) => ({ ...s, deliveries: v === 'dead' ? undefined : v }) });
  const list = useLoad(qk.admin('deliveries', state), (signal) => client.get<Page<Delivery>>('/api/v1/deliveries', { state, limit: 50 }, signal).then((r) => r.items));
  // Webhook deliveries name their subscription by id; people are shown its URL.
  const hooks = useLoad(qk.admin('webhooks', 'urls'), (signal) => client.get<{ items: Webhook[] }>('/api/v1/webhooks', undefined, signal).then((r) => new Map(r.items.map((w) => [w.id, w.url]))));
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="dl-title">
      <h2 id="dl-title">{t('admin2.ch.deliveries')}</h2>
      <div className="field inline">
        <label htmlFor="dl-state">{t('admin2.ch.deliveryState')}</label>
        <select id="dl-state" value={state} onChange={(e) => setState(e.target.value as 'dead' | 'failed')}>
          <option value="dead">{t('admin2.ch.dead')}</option>
          <option value="failed">{t('admin2.ch.failed')}</option>
        </select>
      </div>
      {notice && <Notice>{notice}</Notice>}
      {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
      {list.data === null && list.error === null && <Loading />}
      {list.data?.length === 0 && <EmptyState>{t('admin2.ch.noDeliveries')}</EmptyState>}
      {(list.data ?? []).map((d) => (
        <DeliveryItem key={d.id} d={d} hooks={hooks.data} lang={i18n.language} tz={user.timeZone} onRetried={() => { setNotice(t('admin2.ch.retried')); list.reload(); }} />
      ))}
    </section>
  );
}

function DeliveryItem({ d, hooks, lang, tz, onRetried }: { d: Delivery; hooks: Map<string, string> | null; lang: string; tz: string; onRetried: () => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const [log, setLog] = useState<Delivery['attemptLog'] | null>(null);
  const action = useAction();
  const open = async () => {
    const full = await action.run(() => client.get<Delivery>(`/api/v1/deliveries/${d.id}`));
    if (full) setLog(full.attemptLog ?? []);
  };
  const retry = async () => {
    if (await action.run(() => client.post<Delivery>(`/api/v1/deliveries/${d.id}/retry`))) onRetried();
  };
  return (
    <details className="card" onToggle={(e) => { if ((e.target as HTMLDetailsElement).open && log === null) void open(); }}>
      <summary>
        {t(`admin2.notifyChannel.${d.channel}`, { defaultValue: d.channel })} · {d.event} · {recipientLabel(d, hooks, directory, t)} · {t('admin2.ch.attempts', { n: d.attempts })} · {formatDateTime(d.updatedAt, lang, tz)}
      </summary>
      {d.lastResponse && (
        <p className="small">
          {t('admin2.ch.lastResponse')}: <span className="mono">{d.lastResponse}</span>
        </p>
      )}
      {d.state === 'failed' && d.nextAttemptAt && (
        <p className="small" data-testid="delivery-next-attempt">
          {t('admin2.ch.nextAttempt', { at: formatDateTime(d.nextAttemptAt, lang, tz) })}
          {d.retryUntil && (
            <> · {t('admin2.ch.retryUntil', { at: formatDateTime(d.retryUntil, lang, tz) })}</>
          )}
        </p>
      )}
      {log && log.length > 0 && (
        <ol className="attempts">
          {log.map((a) => (
            <li key={a.attempt}>
              {formatDateTime(a.startedAt, lang, tz)} · {a.ok ? t('admin2.ch.ok') : t('admin2.ch.failedOne')} · {a.durationMs} ms · <span className="mono">{a.response}</span>
            </li>
          ))}
        </ol>
      )}
      {action.error !== null && <ErrorMessage error={action.error} />}
      <button type="button" className="btn btn-small" onClick={() => void retry()} disabled={action.busy}>{t('admin2.ch.retry')}</button>
      {d.ticketId && <> <Link to={`/tickets/${d.ticketId}`}>{t('admin2.ch.openTicket')}</Link></>}
    </details>
  );
}

/** Who a delivery went to, as people know it: a user's name, a webhook's URL, a team's name; never an internal id. */
function recipientLabel(d: Delivery, hooks: Map<string, string> | null, directory: ReturnType<typeof useDirectory>, t: (key: string) => string): string {
  if (d.userId) return directory.userName(d.userId) ?? t('admin2.ch.unknownRecipient');
  const [kind, id] = d.recipient.split(':');
  if (kind === 'webhook') return hooks?.get(id ?? '') ?? t('admin2.ch.removedWebhook');
  if (kind === 'team') return directory.teamName(id) ?? t('admin2.ch.unknownRecipient');
  if (kind === 'user') return directory.userName(id) ?? t('admin2.ch.unknownRecipient');
  return d.recipient;
}

function FailedInbound() {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const list = useLoad(qk.admin('inbound-messages'), (signal) => client.get<Page<InboundMessage>>('/api/v1/inbound-messages', { status: 'failed', limit: 50 }, signal).then((r) => r.items));
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  const reprocess = async (m: InboundMessage) => {
    const r = await action.run(() => client.post<InboundMessage>(`/api/v1/inbound-messages/${m.id}/reprocess`));
    if (r) {
      setNotice(r.status === 'failed' ? t('admin2.ch.stillFailed') : t('admin2.ch.reprocessed'));
      list.reload();
    }
  };
  return (
    <section className="card" aria-labelledby="in-title">
      <h2 id="in-title">{t('admin2.ch.inbound')}</h2>
      <p className="hint">{t('admin2.ch.inboundHint')}</p>
      {notice && <Notice>{notice}</Notice>}
      {action.error !== null && <ErrorMessage error={action.error} />}
      {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
      {list.data === null && list.error === null && <Loading />}
      {list.data?.length === 0 && <EmptyState>{t('admin2.ch.noInbound')}</EmptyState>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin2.ch.received')}</th>
                <th scope="col">{t('admin2.ch.from')}</th>
                <th scope="col">{t('admin2.sim.subject')}</th>
                <th scope="col">{t('admin2.ch.problem')}</th>
                <th scope="col">{t('admin2.actionsCol')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.createdAt, i18n.language, user.timeZone)}</td>
                  <td>{m.from ?? '—'}</td>
                  <td>{m.subject ?? '—'}</td>
                  <td className="small">{m.reason ?? ''} {m.error ?? ''}</td>
                  <td>
                    <a className="btn btn-small" href={`/api/v1/inbound-messages/${m.id}/raw`} download>{t('admin2.ch.raw')}</a>{' '}
                    <button type="button" className="btn btn-small" disabled={action.busy} onClick={() => void reprocess(m)}>{t('admin2.ch.reprocess')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface MessagingIntegration {
  id: string;
  name: string;
  active: boolean;
  outboundUrl: string | null;
  webhookPath: string;
  createdAt: string;
  secret?: string;
}

/** Messaging integrations: where chat messages come in, and the outbound URL replies go to. */
function MessagingIntegrations() {
  const { t } = useTranslation();
  const { client } = useSession();
  const list = useLoad(qk.admin('messaging-integrations'), (signal) => client.get<{ items: MessagingIntegration[] }>('/api/v1/messaging-integrations', undefined, signal).then((r) => r.items));
  const [name, setName] = useState('');
  const [outbound, setOutbound] = useState('');
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const action = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const m = await action.run(() => client.post<MessagingIntegration>('/api/v1/messaging-integrations', { name: name.trim(), outboundUrl: outbound.trim() || null }));
    if (m) {
      setSecret({ name: m.name, secret: m.secret ?? '' });
      setName('');
      setOutbound('');
      list.setData((p) => [...(p ?? []), { ...m, secret: undefined }]);
    }
  };
  const save = async (m: MessagingIntegration) => {
    const url = (edits[m.id] ?? m.outboundUrl ?? '').trim();
    const r = await action.run(() => client.patch<MessagingIntegration>(`/api/v1/messaging-integrations/${m.id}`, { outboundUrl: url || null }));
    if (r) list.setData((p) => (p ?? []).map((x) => (x.id === r.id ? r : x)));
  };
  return (
    <section className="card" aria-labelledby="mi-title">
      <h2 id="mi-title">{t('admin2.ch.messaging')}</h2>
      <p className="hint">{t('admin2.ch.messagingHint')}</p>
      {secret && (
        <div className="secret-once" role="status">
          <p>{t('admin2.ch.secretOnce', { url: secret.name })}</p>
          <label htmlFor="mi-secret">{t('admin2.ch.secret')}</label>
          <input id="mi-secret" readOnly value={secret.secret} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="btn btn-small" onClick={() => setSecret(null)}>{t('admin.done')}</button>
        </div>
      )}
      {list.error !== null && <ErrorMessage error={list.error} onRetry={list.reload} />}
      {list.data === null && list.error === null && <Loading />}
      {list.data?.length === 0 && <EmptyState>{t('admin2.ch.noMessaging')}</EmptyState>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin2.ch.name')}</th>
                <th scope="col">{t('admin2.ch.webhookPath')}</th>
                <th scope="col">{t('admin2.ch.outboundUrl')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((m) => (
                <tr key={m.id}>
                  <td>{m.name}</td>
                  <td className="mono small">{m.webhookPath}</td>
                  <td>
                    <input
                      type="url"
                      aria-label={`${t('admin2.ch.outboundUrl')}: ${m.name}`}
                      placeholder={t('admin2.ch.outboundNone')}
                      value={edits[m.id] ?? m.outboundUrl ?? ''}
                      onChange={(e) => setEdits((x) => ({ ...x, [m.id]: e.target.value }))}
                    />{' '}
                    <button type="button" className="btn btn-small" disabled={action.busy} onClick={() => void save(m)}>
                      {t('admin2.ch.saveOutbound')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="grid-form" onSubmit={(e) => void create(e)} aria-label={t('admin2.ch.addMessaging')}>
        <div className="field">
          <label htmlFor="mi-name">{t('admin2.ch.name')}</label>
          <input id="mi-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="mi-outbound">{t('admin2.ch.outboundUrl')}</label>
          <input id="mi-outbound" type="url" placeholder="https://" value={outbound} onChange={(e) => setOutbound(e.target.value)} />
        </div>
        <div className="form-actions">
          {action.error !== null && <ErrorMessage error={action.error} />}
          <button type="submit" className="btn btn-primary" disabled={action.busy || !name.trim()}>{t('admin2.ch.addMessaging')}</button>
        </div>
      </form>
    </section>
  );
}
