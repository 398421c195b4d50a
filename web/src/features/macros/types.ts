import type { TFunction } from 'i18next';

/** GET /api/v1/macros items. */
export interface MacroChanges {
  status?: string;
  priority?: string;
  teamId?: string | null;
  addTags?: string[];
  removeTags?: string[];
}
export interface Macro {
  id: string;
  name: string;
  bodyJa: string;
  bodyEn: string;
  changes: MacroChanges;
  scope: 'personal' | 'shared';
  ownerId: string | null;
}
/** POST /api/v1/macros/{id}/apply */
export interface AppliedMacro {
  macroId: string;
  language: 'ja' | 'en';
  text: string;
  changes: MacroChanges;
  applied: boolean;
}

export const hasChanges = (c: MacroChanges) => !!(c.status || c.priority || c.teamId !== undefined || c.addTags?.length || c.removeTags?.length);

/** "status → Pending, tags + printer" in the reader's language. */
export function describeChanges(c: MacroChanges, t: TFunction): string {
  const parts: string[] = [];
  if (c.status) parts.push(t('macros.change.status', { value: t(`status.${c.status}`) }));
  if (c.priority) parts.push(t('macros.change.priority', { value: t(`priority.${c.priority}`) }));
  if (c.teamId !== undefined) parts.push(t('macros.change.team'));
  if (c.addTags?.length) parts.push(t('macros.change.addTags', { value: c.addTags.join(', ') }));
  if (c.removeTags?.length) parts.push(t('macros.change.removeTags', { value: c.removeTags.join(', ') }));
  return parts.join(t('macros.separator'));
}
