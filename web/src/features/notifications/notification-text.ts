import type { TFunction } from 'i18next';
import type { Notification } from '../escalations/types.js';

/** Where a notification leads: its escalation if it has one, else its ticket (a held reply: that message on it); a path review reminder: the path review report. */
export const notificationHref = (n: Pick<Notification, 'escalationId' | 'ticketId'> & Partial<Pick<Notification, 'event' | 'data'>>): string | null => {
  if (n.event === 'escalation_path.review_due' && typeof n.data?.pathId === 'string') return `/reports/paths/${encodeURIComponent(n.data.pathId)}`;
  if (n.escalationId) return `/escalations/${n.escalationId}`;
  if (!n.ticketId) return null;
  const held = n.event === 'email.held' && typeof n.data?.inboundId === 'string' ? `#held-${encodeURIComponent(n.data.inboundId)}` : '';
  return `/tickets/${n.ticketId}${held}`;
};

/** Title and body in the reader's current language where the server sent facts (a held reply); else as the server wrote them. */
export function notificationText(n: Notification, t: TFunction): { title: string; body: string } {
  if (n.event === 'email.held') {
    const d = n.data;
    const from = typeof d.from === 'string' ? d.from : '';
    const reason = d.reason === 'dns_temperror' ? 'dns_temperror' : 'dmarc_fail';
    const title = typeof d.ticketNumber === 'number' ? t('agent.bell.held.title', { number: d.ticketNumber, from }) : t('agent.bell.held.titleNoNumber', { from });
    return { title, body: t(`agent.bell.held.reason.${reason}`) };
  }
  return { title: n.title, body: n.body };
}
