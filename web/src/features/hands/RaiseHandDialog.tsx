import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useSession } from '../../session.js';
import type { Hand, HandsConfig } from './hands-api.js';

const TEMPERATURES = ['calm', 'concerned', 'upset', 'angry'] as const;

/**
 * The two-line, conclusion-first form: category and the ask (or the concern) first, then the
 * optional details. It teaches the pattern with the site's playbook examples; the temperature
 * sits first or last by the site's rule.
 */
export function RaiseHandDialog({ config, ticket, callerNumber, onClose, onRaised }: { config: HandsConfig | null; ticket: { id: string; number: number | null } | null; callerNumber: string | null; onClose(): void; onRaised(h: Hand): void }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const titleId = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [category, setCategory] = useState('');
  const [pattern, setPattern] = useState<'ask' | 'concern'>('ask');
  const [text, setText] = useState('');
  const [tried, setTried] = useState('');
  const [environment, setEnvironment] = useState('');
  const [background, setBackground] = useState('');
  const [temperature, setTemperature] = useState('');
  const [withTicket, setWithTicket] = useState(ticket !== null);
  const [caller, setCaller] = useState(callerNumber ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const d = dialogRef.current;
    if (d && !d.open) d.showModal?.();
    d?.querySelector<HTMLElement>('[data-field="category"]')?.focus();
  }, []);

  const lang = i18n.language === 'ja' ? 'ja' : 'en';
  const examples = config?.examples[lang] ?? [];
  const tempFirst = config?.temperaturePosition === 'first';

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const h = await client.post<Hand>('/api/v1/hands', {
        category: category || (config?.categories[0] ?? 'other'),
        [pattern]: text,
        tried,
        environment,
        background,
        temperature: temperature || null,
        ticketId: withTicket && ticket ? ticket.id : null,
        callerNumber: caller.trim() || null,
      });
      onRaised(h);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const temperatureField = (
    <label className="hand-field">
      <span>{t('hands.form.temperature')}</span>
      <select data-field="temperature" value={temperature} onChange={(e) => setTemperature(e.target.value)}>
        <option value="">{t('hands.form.temperatureNone')}</option>
        {TEMPERATURES.map((x) => (
          <option key={x} value={x}>
            {t(`temperature.${x}`)}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <dialog
      ref={dialogRef}
      className="modal hand-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
        }}
        noValidate
      >
        <header className="modal-head">
          <h2 id={titleId}>{t('hands.form.title')}</h2>
          <button type="button" className="btn btn-quiet" onClick={onClose} aria-label={t('hands.form.cancel')}>
            ✕
          </button>
        </header>
        <div className="modal-body hand-form">
          <p className="hand-pattern">{t('hands.form.pattern')}</p>
          {examples.length > 0 && (
            <details className="hand-examples">
              <summary>{t('hands.form.examples')}</summary>
              <ul>
                {examples.map((x, i) => (
                  <li key={i}>
                    <button
                      type="button"
                      className="btn btn-quiet btn-small"
                      title={t('hands.form.useExample')}
                      onClick={() => {
                        if (x.category) setCategory(x.category);
                        setPattern('ask');
                        setText(x.ask);
                      }}
                    >
                      <strong>{t(`hands.category.${x.category}`, { defaultValue: x.category })}</strong> — {x.ask}
                    </button>
                  </li>
                ))}
              </ul>
            </details>
          )}
          {tempFirst && temperatureField}
          <div className="hand-line">
            <label className="hand-field hand-category">
              <span>{t('hands.form.category')}</span>
              <select data-field="category" value={category} onChange={(e) => setCategory(e.target.value)} required>
                <option value="">{t('hands.form.chooseCategory')}</option>
                {(config?.categories ?? []).map((c) => (
                  <option key={c} value={c}>
                    {t(`hands.category.${c}`, { defaultValue: c })}
                  </option>
                ))}
              </select>
            </label>
            <fieldset className="hand-pattern-choice">
              <legend className="sr-only">{t('hands.form.ask')}</legend>
              {(['ask', 'concern'] as const).map((p) => (
                <label key={p}>
                  <input type="radio" name="pattern" value={p} checked={pattern === p} onChange={() => setPattern(p)} /> {t(p === 'ask' ? 'hands.form.patternAsk' : 'hands.form.patternConcern')}
                </label>
              ))}
            </fieldset>
          </div>
          <label className="hand-field">
            <span>{t(pattern === 'ask' ? 'hands.form.ask' : 'hands.form.concern')}</span>
            <input data-field="ask" type="text" value={text} maxLength={2000} placeholder={t(pattern === 'ask' ? 'hands.form.askPlaceholder' : 'hands.form.concernPlaceholder')} onChange={(e) => setText(e.target.value)} />
          </label>
          <details className="hand-details">
            <summary>{t('hands.form.details')}</summary>
            <label className="hand-field">
              <span>{t('hands.form.tried')}</span>
              <textarea data-field="tried" rows={2} value={tried} maxLength={10000} onChange={(e) => setTried(e.target.value)} />
            </label>
            <label className="hand-field">
              <span>{t('hands.form.environment')}</span>
              <textarea data-field="environment" rows={2} value={environment} maxLength={5000} onChange={(e) => setEnvironment(e.target.value)} />
            </label>
            <label className="hand-field">
              <span>{t('hands.form.background')}</span>
              <textarea data-field="background" rows={2} value={background} maxLength={20000} onChange={(e) => setBackground(e.target.value)} />
            </label>
          </details>
          {!tempFirst && temperatureField}
          <div className="hand-line">
            <div className="hand-field">
              <span>{t('hands.form.ticket')}</span>
              {ticket && withTicket ? (
                <span>
                  #{ticket.number ?? '…'}{' '}
                  <button type="button" className="btn btn-quiet btn-small" onClick={() => setWithTicket(false)}>
                    {t('hands.form.removeTicket')}
                  </button>
                </span>
              ) : (
                <span className="muted small">{t('hands.form.noTicket')}</span>
              )}
            </div>
            <label className="hand-field">
              <span>{t('hands.form.caller')}</span>
              <input data-field="callerNumber" type="tel" value={caller} maxLength={50} onChange={(e) => setCaller(e.target.value)} />
            </label>
          </div>
          {error !== null && <ErrorMessage error={error} fieldLabels={{ ask: t('hands.form.ask'), category: t('hands.form.category') }} />}
        </div>
        <footer className="modal-foot">
          <span className="muted small">{t('hands.form.sendHint')}</span>
          <button type="button" className="btn" onClick={onClose}>
            {t('hands.form.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()}>
            {busy ? t('hands.form.sending') : t('hands.form.send')}
          </button>
        </footer>
      </form>
    </dialog>
  );
}
