import type { TFunction } from 'i18next';

/** One fact of the receiver trace as the server sends it (resolve.policy's TraceFact). */
export interface TraceFact {
  code: string;
  [param: string]: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * "Why these receivers" in the reader's language: each fact of the trace put into words
 * (「佐藤さんは休暇中 → 代理 田中さん」). Rows from before facts existed show their English text.
 */
export function describeTrace(facts: TraceFact[] | undefined, fallback: string[], t: TFunction): string[] {
  if (!facts?.length) return fallback;
  const raw = { interpolation: { escapeValue: false } };
  const why = (code: unknown) => t(`agent.trace.why.${str(code)}`, { defaultValue: str(code) });
  return facts.map((f) => {
    switch (f.code) {
      case 'unavailable':
        return t(f.delegate ? 'agent.trace.unavailableDelegate' : 'agent.trace.unavailable', { ...raw, role: t(`agent.trace.role.${str(f.role)}`), name: str(f.name), why: why(f.why), delegate: str(f.delegate) });
      case 'reachable':
        return t('agent.trace.reachable', { ...raw, role: t(`agent.trace.role.${str(f.role)}`), name: str(f.name) });
      case 'team_reachable': {
        const skipped = Array.isArray(f.skipped) ? (f.skipped as { name?: unknown; why?: unknown }[]) : [];
        const names = (Array.isArray(f.names) ? (f.names as unknown[]) : []).map(str).join(t('agent.origin.listSeparator'));
        const base = t('agent.trace.team_reachable', { ...raw, team: str(f.team), names });
        if (!skipped.length) return base;
        return `${base}${t('agent.trace.skipped', { ...raw, list: skipped.map((s) => t('agent.trace.skippedOne', { ...raw, name: str(s.name), why: why(s.why) })).join(t('agent.origin.listSeparator')) })}`;
      }
      case 'fallback_user_unavailable':
        return t('agent.trace.fallback_user_unavailable', { ...raw, name: str(f.name), why: why(f.why) });
      default:
        return t(`agent.trace.${f.code}`, { ...raw, name: str(f.name), team: str(f.team), rotation: str(f.rotation), defaultValue: f.code });
    }
  });
}
