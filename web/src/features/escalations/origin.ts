import type { TFunction } from 'i18next';
import type { EscalationOrigin, MatchFact } from './types.js';

/** A value the ticket had, in the reader's words where the console has a label for it. */
const valueLabel = (code: string, v: string, t: TFunction): string => {
  if (code === 'priority') return t(`priority.${v}`, { defaultValue: v });
  if (code === 'channel') return t(`channel.${v}`, { defaultValue: v });
  if (code === 'customer_temperature') return t(`temperature.${v}`, { defaultValue: v });
  if (code === 'customer_tier') return t(`tiers.${v}`, { defaultValue: v });
  return v;
};

/** One met condition of a path ("category = billing", 「件名にキーワード「返金」」). */
export function describeFact(f: MatchFact, t: TFunction): string {
  const quoted = f.code.startsWith('tag') || f.code.startsWith('keyword');
  const value = f.values.map((v) => (quoted ? t('agent.origin.quote', { value: v }) : valueLabel(f.code, v, t))).join(t('agent.origin.listSeparator'));
  return t(`agent.origin.fact.${f.code}`, { value, defaultValue: value || f.code, interpolation: { escapeValue: false } });
}

/** Why the system started an escalation, or where a direct one went, in the reader's language. */
export function describeOrigin(o: EscalationOrigin, t: TFunction): string {
  const raw = { interpolation: { escapeValue: false } };
  switch (o.code) {
    case 'auto':
      return t('agent.origin.auto', { ...raw, path: o.path ?? '', facts: (o.facts ?? []).map((f) => describeFact(f, t)).join(t('agent.origin.factSeparator')) });
    case 'sla':
      return t('agent.origin.sla', { ...raw, path: o.path ?? '', clock: t(`agent.origin.slaClock.${o.clockKind ?? ''}`, { defaultValue: o.clockKind ?? '' }), event: t(`agent.origin.slaEvent.${o.event ?? ''}`, { defaultValue: o.event ?? '' }) });
    case 'pingpong':
      return t('agent.origin.pingpong', { ...raw, transfers: o.transfers ?? 0, limit: o.limit ?? 0 });
    case 'incident':
      return t('agent.origin.incident', { ...raw, path: o.path ?? '', incident: o.incident ?? '', severity: o.severity ?? '' });
    case 'direct':
      return t(`agent.origin.direct.${o.to ?? 'role'}`, { defaultValue: t('agent.origin.direct.role') });
    default:
      return o.code;
  }
}

/**
 * The ask to show for an escalation: the reader's words for what the system wrote (automatic,
 * SLA, ping-pong), else what the agent wrote. Rows from before origins existed show as stored.
 */
export function askOf(e: { origin?: EscalationOrigin | null; brief: { ask: string } }, t: TFunction): string {
  return e.origin && e.origin.code !== 'direct' ? describeOrigin(e.origin, t) : e.brief.ask;
}
