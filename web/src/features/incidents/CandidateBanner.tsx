import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { useIncidentData, type Candidate } from './incidents-api.js';
import './incidents.css';

/** For supervisors: clusters of new tickets that look like one incident, one click to declare. */
export function CandidateBanner() {
  const { t } = useTranslation();
  const { client } = useSession();
  const { data } = useIncidentData(qk.incidents.candidates(), (signal) => client.get<{ items: Candidate[] }>('/api/v1/incidents/candidates', undefined, signal));
  if (!data?.items.length) return null;
  return (
    <>
      {data.items.map((c) => (
        <aside key={`${c.reason.kind}:${c.reason.value}`} className="incident-banner candidate" role="note">
          <strong>{t('incidents.candidates', { n: c.tickets.length, reason: t(`incidents.candidateReason.${c.reason.kind}`, { value: c.reason.value }) })}</strong>
          <p className="small">{c.tickets.map((x) => `#${x.number} ${x.subject}`).join(' · ')}</p>
          <button type="button" className="btn btn-primary btn-small" onClick={() => navigate(`/incidents?tickets=${c.tickets.map((x) => x.number).join(',')}`)}>
            {t('incidents.declareFromCandidate')}
          </button>
        </aside>
      ))}
    </>
  );
}
