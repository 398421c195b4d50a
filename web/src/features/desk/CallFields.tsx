import { useTranslation } from 'react-i18next';

export interface CallDraft {
  direction: 'inbound' | 'outbound';
  minutes: string;
  seconds: string;
  caller: string;
  summary: string;
}

export const emptyCall: CallDraft = { direction: 'inbound', minutes: '', seconds: '', caller: '', summary: '' };

/** The request body of a call (duration in whole seconds; empty fields count as 0). */
export function callBody(d: CallDraft) {
  const n = (s: string) => (s.trim() === '' ? 0 : Math.floor(Number(s)));
  return { direction: d.direction, durationSeconds: n(d.minutes) * 60 + n(d.seconds), summary: d.summary, ...(d.caller.trim() && { caller: d.caller.trim() }) };
}

/** Direction, duration, caller and summary of a phone call (new call and "log a call" alike). */
export function CallFields({ idPrefix, value, onChange }: { idPrefix: string; value: CallDraft; onChange: (d: CallDraft) => void }) {
  const { t } = useTranslation();
  const set = (patch: Partial<CallDraft>) => onChange({ ...value, ...patch });
  return (
    <div className="desk-call-fields">
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${idPrefix}-direction`}>{t('desk.call.direction')}</label>
          <select id={`${idPrefix}-direction`} value={value.direction} onChange={(e) => set({ direction: e.target.value as CallDraft['direction'] })}>
            <option value="inbound">{t('desk.call.inbound')}</option>
            <option value="outbound">{t('desk.call.outbound')}</option>
          </select>
        </div>
        <div className="field" role="group" aria-labelledby={`${idPrefix}-duration`}>
          <label id={`${idPrefix}-duration`} htmlFor={`${idPrefix}-minutes`}>
            {t('desk.call.duration')}
          </label>
          <span className="desk-duration">
            <input id={`${idPrefix}-minutes`} type="number" min={0} max={1440} inputMode="numeric" value={value.minutes} onChange={(e) => set({ minutes: e.target.value })} aria-label={t('desk.call.minutes')} />
            <span aria-hidden="true">{t('desk.call.minutes')}</span>
            <input id={`${idPrefix}-seconds`} type="number" min={0} max={59} inputMode="numeric" value={value.seconds} onChange={(e) => set({ seconds: e.target.value })} aria-label={t('desk.call.seconds')} />
            <span aria-hidden="true">{t('desk.call.seconds')}</span>
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${idPrefix}-caller`}>{t('desk.call.caller')}</label>
          <input id={`${idPrefix}-caller`} value={value.caller} onChange={(e) => set({ caller: e.target.value })} maxLength={200} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-summary`}>{t('desk.call.summary')}</label>
        <textarea id={`${idPrefix}-summary`} rows={4} value={value.summary} onChange={(e) => set({ summary: e.target.value })} maxLength={20_000} />
      </div>
    </div>
  );
}
