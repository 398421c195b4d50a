import { useTranslation } from 'react-i18next';
import type { Priority, Status, Temperature } from '../api/types.js';

const TEMPERATURE_ICON: Record<Temperature, string> = { calm: '●', concerned: '▲', upset: '◆', angry: '■' };

/** Customer temperature: colour and text (and a shape, for people who cannot tell the colours apart). */
export function TemperatureBadge({ value, large = false }: { value: Temperature; large?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`badge temp temp-${value}${large ? ' badge-large' : ''}`} title={t('temperature.label')}>
      <span aria-hidden="true">{TEMPERATURE_ICON[value]} </span>
      {large && <span className="sr-only">{t('temperature.label')}: </span>}
      {t(`temperature.${value}`)}
    </span>
  );
}

export function StatusBadge({ value }: { value: Status }) {
  const { t } = useTranslation();
  return <span className={`badge status status-${value}`}>{t(`status.${value}`)}</span>;
}

export function PriorityBadge({ value }: { value: Priority }) {
  const { t } = useTranslation();
  return <span className={`badge prio prio-${value}`}>{t(`priority.${value}`)}</span>;
}
