import type { TFunction } from 'i18next';
import type { TimelineEvent } from '../../api/types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Ticket timeline entries of raise a hand in the reader's language, or null for other kinds. */
export function describeHandEvent(e: TimelineEvent, t: TFunction, actor: string, when: (iso: string | null | undefined) => string): string | null {
  const d = e.data;
  switch (e.kind) {
    case 'hand.raised':
      return t('hands.timeline.raised', { actor, ask: str(d.ask) || str(d.concern) });
    case 'hand.answered':
      return t('hands.timeline.answered', { actor, ask: str(d.ask) });
    case 'hand.callback_promised':
      return t('hands.timeline.callback', { actor, due: when(str(d.dueAt)) });
    default:
      return null;
  }
}
