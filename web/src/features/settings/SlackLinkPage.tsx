import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Notice } from '../../components/States.js';
import { Link } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { useAction } from '../admin/common.js';

/** The token of a one-time link from the Slack command, from the URL fragment (`#t=…`): never sent to the server in a URL. */
export const slackLinkToken = (hash: string): string | null => {
  const t = new URLSearchParams(hash.replace(/^#/, '')).get('t');
  return t && /^[A-Za-z0-9_-]{20,100}$/.test(t) ? t : null;
};

/**
 * /settings/slack-link#t=…: the signed-in person confirms that the Slack account which ran
 * `/escalon link` is theirs; it then receives their direct messages and Acknowledge buttons.
 */
export function SlackLinkPage() {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const [token] = useState(() => slackLinkToken(window.location.hash));
  const [linked, setLinked] = useState<string | null>(null);
  const action = useAction();
  const confirm = async () => {
    if (!token) return;
    const r = await action.run(() =>
      client.post<{ slackUserId: string | null }>('/api/v1/me/slack-link', { token }),
    );
    if (!r) return;
    // The link is spent: keep it out of the address bar and the history.
    window.history.replaceState(null, '', '/settings/slack-link');
    setLinked(r.slackUserId ?? '');
  };
  // A spent or expired link has one remedy: a new one from Slack.
  const spent = action.error instanceof ApiError && action.error.code === 'link_expired';
  return (
    <div className="page narrow">
      <div className="page-head">
        <h1>{t('accounts.slackLink.title')}</h1>
      </div>
      <section className="card">
        {linked !== null ? (
          <Notice>{t('accounts.slackLink.done', { id: linked })}</Notice>
        ) : token ? (
          <>
            <p>{t('accounts.slackLink.explain', { name: user.name, email: user.email })}</p>
            {spent ? (
              <p className="error-box" role="alert">
                {t('accounts.slackLink.spent')}
              </p>
            ) : (
              action.error !== null && (
                <ErrorMessage error={action.error} title={t('accounts.slackLink.failed')} />
              )
            )}
            {!spent && (
              <button
                type="button"
                className="btn btn-primary"
                disabled={action.busy}
                onClick={() => void confirm()}
              >
                {t('accounts.slackLink.confirm')}
              </button>
            )}
          </>
        ) : (
          <p className="error-box" role="alert">
            {t('accounts.slackLink.noToken')}
          </p>
        )}
        <p>
          <Link to="/settings">{t('accounts.slackLink.toSettings')}</Link>
        </p>
      </section>
    </div>
  );
}
