import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, problemField, type Problem } from '../api/client.js';

/** Account-related codes (issue 14) have their own texts; other codes keep the server's words. */
export const ACCOUNT_ERRORS = ['current_password_incorrect', 'token_expired'];
/** Where a field problem's code finds its text (ja and en; server-codes.test.ts checks every code of src/). */
export const problemKeys = (code: string): string[] => [`accounts.problems.${code}`, `admin2.problem.${code}`];
export function problemText(p: Problem, t: TFunction): string {
  const { code, params } = p as Problem & { code?: unknown; params?: Record<string, unknown> };
  return typeof code === 'string' ? t(problemKeys(code), { ...params, defaultValue: p.message }) : p.message;
}
/** Request-level error codes with a text of their own under errors.* (the others: accounts.errors.*). */
export const KNOWN_ERRORS = ['network', 'unauthenticated', 'forbidden', 'not_found', 'validation_failed', 'conflict', 'rate_limited', 'payload_too_large', 'bad_request', 'unsupported_media_type', 'unavailable', 'database_unavailable', 'storage_full', 'storage_read_only', 'link_expired', 'hand_already_claimed', 'different_customer', 'internal'];

/** A readable explanation of a failed request: what happened and what to do. Never raw JSON or stacks. */
export function ErrorMessage({ error, onRetry, title, fieldLabels = {}, hideProblems = false }: { error: unknown; onRetry?: () => void; title?: string; fieldLabels?: Record<string, string>; /** the form shows each problem next to its field */ hideProblems?: boolean }) {
  const { t } = useTranslation();
  const e = error instanceof ApiError ? error : null;
  const code = e?.code ?? 'unknown';
  const known = KNOWN_ERRORS;
  const inline = hideProblems && code === 'validation_failed';
  // A throttled request says how long to wait in the reader's language (the server's English line would repeat it).
  const waitSeconds = code === 'rate_limited' ? (e?.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds : undefined;
  const wait = typeof waitSeconds === 'number' && waitSeconds > 0 ? waitSeconds : null;
  const headline = inline
    ? t('errors.validationInline')
    : wait !== null
      ? wait < 120
        ? t('errors.rateLimitedSeconds', { count: wait })
        : t('errors.rateLimitedMinutes', { count: Math.ceil(wait / 60) })
      : known.includes(code)
      ? t(`errors.${code}`, { requestId: e?.requestId ?? '—' })
      : ACCOUNT_ERRORS.includes(code)
        ? t(`accounts.errors.${code}`)
        : t('errors.unknown');
  // The server's message (English, written for people) adds the specifics as a secondary line.
  const showServerMessage = e !== null && wait === null && !['internal', 'validation_failed', 'network', 'unauthenticated', ...ACCOUNT_ERRORS].includes(code) && e.message !== '';
  return (
    <div className="error-box" role="alert">
      {title && <strong className="error-title">{title}</strong>}
      <p>{headline}</p>
      {e && e.problems.length > 0 && !hideProblems && (
        <ul className="problems">
          {e.problems.map((p, i) => (
            <li key={i}>
              {fieldLabels[problemField(p)] ? <strong>{fieldLabels[problemField(p)]}</strong> : <code>{problemField(p)}</code>} {problemText(p, t)}
            </li>
          ))}
        </ul>
      )}
      {showServerMessage && <p className="muted small">{t('errors.serverSays', { message: e.message })}</p>}
      {e?.requestId && code !== 'internal' && code !== 'validation_failed' && !ACCOUNT_ERRORS.includes(code) && <p className="muted small">{t('errors.reference', { requestId: e.requestId })}</p>}
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          {t('errors.retry')}
        </button>
      )}
    </div>
  );
}
