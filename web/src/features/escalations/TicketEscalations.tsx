import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router.js';
import { AckCountdown, EscalationStatus } from './EscalationPage.js';
import { byUrgency } from './EscalationList.js';
import type { Escalation } from './types.js';
import { askOf } from './origin.js';
import { levelLabel } from '../../lib/level-label.js';

/** The ticket's escalations in the side panel, each linking to its page. */
export function TicketEscalations({ items }: { items: Escalation[] | null }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="ticket-esc-title">
      <h2 id="ticket-esc-title">{t('agent.escalate.ticketEscalations')}</h2>
      {!items || items.length === 0 ? (
        <p className="muted small">{t('agent.escalate.noEscalations')}</p>
      ) : (
        <ul className="plain-list">
          {[...items].sort(byUrgency).map((e) => (
            <li key={e.id} data-testid="ticket-escalation">
              <Link to={`/escalations/${e.id}`}>{askOf(e, t) || e.brief.category || e.id}</Link>
              <div className="small">
                <EscalationStatus escalation={e} /> {e.stage === 'fallback' ? t('agent.esc.fallback') : levelLabel(e.levelIndex, e.level?.name, ' · ')}
              </div>
              <AckCountdown escalation={e} />
              {e.resolution?.answer && (
                <div className="esc-answer small" data-testid="ticket-escalation-answer">
                  <strong>{t('agent.esc.answerFrom', { name: e.resolution.by.name })}</strong>
                  <p className="pre">{e.resolution.answer}</p>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
