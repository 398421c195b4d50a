import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router.js';

/** "New ticket" and "New call" in the queue's header. */
export function NewTicketButtons() {
  const { t } = useTranslation();
  return (
    <span className="desk-new-buttons">
      <Link to="/tickets/new" className="btn btn-primary">
        + {t('desk.newTicket.button')}
      </Link>
      <Link to="/calls/new" className="btn">
        ☎ {t('desk.newTicket.callButton')}
      </Link>
    </span>
  );
}
