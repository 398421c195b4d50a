import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineEvent } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useSession } from '../../session.js';

/** The SPF/DKIM/DMARC facts the server stores with an inbound mail (data.email.auth, data.auth). */
interface MailAuthFacts {
  verdict?: string;
  basis?: string;
  spf?: { result?: string; domain?: string | null } | null;
  dkim?: { result?: string; domain?: string; aligned?: boolean }[];
  dmarc?: { result?: string; policy?: string | null } | null;
}

const VERDICTS = ['pass', 'fail', 'none', 'temperror'];

export function authOf(e: TimelineEvent): MailAuthFacts | null {
  const email = e.data.email as { auth?: MailAuthFacts } | undefined;
  const a = (e.kind === 'email.held' ? e.data.auth : email?.auth) as MailAuthFacts | undefined;
  return a && typeof a === 'object' ? a : null;
}

/** One line saying whether the sender was verified, and the SPF/DKIM/DMARC results behind it. */
export function MailAuthBadge({ auth, accepted }: { auth: MailAuthFacts; accepted?: boolean }) {
  const { t } = useTranslation();
  const verdict = VERDICTS.includes(auth.verdict ?? '') ? auth.verdict! : 'none';
  const dkim = (auth.dkim ?? []).map((d) => `${d.result ?? '?'}${d.domain ? ` (${d.domain}${d.aligned ? '' : `, ${t('agent.mailAuth.notAligned')}`})` : ''}`).join(', ');
  const parts = [
    `SPF ${auth.spf?.result ?? (auth.basis === 'message' ? t('agent.mailAuth.noConnection') : '—')}`,
    `DKIM ${dkim || t('agent.mailAuth.unsigned')}`,
    `DMARC ${auth.dmarc?.result ?? 'none'}${auth.dmarc?.policy ? ` (p=${auth.dmarc.policy})` : ''}`,
  ];
  return (
    <div className={`mail-auth mail-auth-${verdict}`} data-testid="mail-auth" data-verdict={verdict}>
      <span className="mail-auth-badge">{t(`agent.mailAuth.verdict.${verdict}`)}</span>
      <span className="muted small"> {parts.join(' · ')}</span>
      {auth.basis === 'message' && <span className="muted small"> — {t('agent.mailAuth.messageOnly')}</span>}
      {accepted && <span className="muted small"> — {t('agent.mailAuth.acceptedByAgent')}</span>}
    </div>
  );
}

/**
 * A reply held because its sender failed DMARC (or could not be checked): what it says, who it
 * claims to be from, and Accept (append it as the customer's message) or Reject.
 */
export function HeldMail({ event, resolution, when, onChanged }: { event: TimelineEvent; resolution: 'accepted' | 'rejected' | null; when: ReactNode; onChanged?: () => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const inboundId = typeof event.data.inboundId === 'string' ? event.data.inboundId : null;
  const from = event.data.from as { address?: string; name?: string | null } | undefined;
  const auth = authOf(event);
  // A notification links here (/tickets/:id#held-<inboundId>): bring the message into view once shown.
  const anchor = inboundId ? `held-${inboundId}` : undefined;
  const item = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (anchor && decodeURIComponent(window.location.hash.slice(1)) === anchor) item.current?.scrollIntoView({ block: 'center' });
  }, [anchor]);
  const decide = async (decision: 'accept' | 'reject') => {
    if (!inboundId) return;
    setBusy(true);
    setError(null);
    try {
      await client.post(`/api/v1/inbound-messages/${inboundId}/${decision}`, {});
      onChanged?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li ref={item} id={anchor} className="msg msg-held" data-testid="held-mail" data-resolution={resolution ?? 'waiting'}>
      <div className="msg-head">
        <span className="msg-kind">
          <span aria-hidden="true">⚠ </span>
          {t(resolution ? 'agent.mailAuth.heldTitleDecided' : 'agent.mailAuth.heldTitle')}
        </span>
        <strong className="msg-author">{from?.name ? `${from.name} <${from.address ?? ''}>` : (from?.address ?? '')}</strong>
        {when}
      </div>
      {!resolution && <p className="small">{t('agent.mailAuth.heldExplain')}</p>}
      {auth && <MailAuthBadge auth={auth} />}
      <div className="msg-body">{event.body ?? ''}</div>
      {resolution ? (
        <p className="small held-resolution">{t(resolution === 'accepted' ? 'agent.mailAuth.wasAccepted' : 'agent.mailAuth.wasRejected')}</p>
      ) : (
        <div className="held-actions">
          <button type="button" className="btn btn-small btn-primary" disabled={busy || !inboundId} onClick={() => void decide('accept')}>
            {t('agent.mailAuth.accept')}
          </button>{' '}
          <button type="button" className="btn btn-small btn-danger" disabled={busy || !inboundId} onClick={() => void decide('reject')}>
            {t('agent.mailAuth.reject')}
          </button>
        </div>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </li>
  );
}
