import type { TFunction } from 'i18next';
import type { TimelineEvent } from '../../api/types.js';
import { describeAgentEvent, type FormatInstant } from './describe-agent-event.js';

export interface Names {
  userName(id: string | null | undefined): string | null;
  teamName(id: string | null | undefined): string | null;
}

const TRANSLATED_VALUES: Record<string, string> = { status: 'status', priority: 'priority', temperature: 'temperature', channel: 'channel' };

export function actorOf(e: TimelineEvent, t: TFunction): string {
  if (e.author.type === 'system') return t('ticket.system');
  // An erased customer's placeholder (src/modules/privacy/privacy.policy.ts ERASED_NAME), in the reader's language.
  if (e.author.type === 'customer' && e.author.name === 'Erased customer') return t('privacy.erasedName');
  return e.author.name ?? t('ticket.unknownAuthor');
}

function valueText(field: string, v: unknown, t: TFunction, names: Names): string {
  if (v === null || v === undefined || v === '') return t('events.nobody');
  if (Array.isArray(v)) return v.length ? v.map(String).join(', ') : t('events.nobody');
  const s = String(v);
  const group = TRANSLATED_VALUES[field];
  if (group) return t(`${group}.${s}`, { defaultValue: s });
  if (field === 'assigneeId') return names.userName(s) ?? t('events.unknownUser');
  if (field === 'teamId') return names.teamName(s) ?? t('events.unknownUser');
  return s;
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * A readable sentence for a timeline event that is not a message
 * ("田中 一郎 が優先度を「通常」から「高」に変更しました。"). Messages are rendered as bubbles.
 */
export function describeEvent(e: TimelineEvent, t: TFunction, names: Names, when: FormatInstant = (iso) => iso ?? ''): string {
  const special = describeAgentEvent(e, t, names, when);
  if (special !== null) return special;
  const actor = actorOf(e, t);
  const data = e.data;
  const field = typeof data.field === 'string' ? data.field : '';
  const from = valueText(field, data.from, t, names);
  const to = valueText(field, data.to, t, names);

  // Major incidents (issue 17): linked to or unlinked from an incident.
  if (e.kind === 'incident.linked' || e.kind === 'incident.unlinked') return t(`incidents.ticketEvent.${e.kind === 'incident.linked' ? 'linked' : 'unlinked'}`, { actor });
  if (e.kind === 'ticket.created') {
    const channel = typeof data.channel === 'string' ? t(`channel.${data.channel}`, { defaultValue: data.channel }) : t('channel.api');
    return t('events.created', { actor, channel });
  }
  if (e.kind === 'ticket.assigned' && field === 'assigneeId') {
    if (isEmpty(data.to)) return t('events.unassigned', { actor, from });
    if (isEmpty(data.from)) return t('events.assigned', { actor, to });
    return t('events.reassigned', { actor, from, to });
  }
  if (e.kind === 'ticket.assigned' && field === 'teamId') {
    if (isEmpty(data.to)) return t('events.clearedTeam', { actor, from });
    if (isEmpty(data.from)) return t('events.setTeam', { actor, to });
    return t('events.movedTeam', { actor, from, to });
  }
  if (e.kind === 'field.changed' && field) {
    const fieldName = t(`events.fieldNames.${field}`, { defaultValue: field });
    if (isEmpty(data.to)) return t('events.cleared', { actor, field: fieldName, from });
    if (isEmpty(data.from)) return t('events.set', { actor, field: fieldName, to });
    return t('events.changed', { actor, field: fieldName, from, to });
  }
  const what = e.body ?? e.kind;
  if (e.kind.startsWith('escalation.')) return t('events.escalation', { actor, what: e.kind.slice('escalation.'.length) });
  if (e.kind.startsWith('sla.')) return t('events.sla', { what: e.body ?? e.kind.slice(4) });
  return t('events.other', { actor, what });
}
