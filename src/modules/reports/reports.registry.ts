import { csatReport } from './definitions/csat.reports.js';
import { escalationsExpiries, escalationsOverdue, escalationsReturns, escalationsTimes, escalationsVolume, teamDelays } from './definitions/escalations.reports.js';
import { handsTimes } from './definitions/hands.reports.js';
import { incidentsResolution, incidentsUpdates, incidentsVolume } from './definitions/incidents.reports.js';
import { slaAchievementReport, slaBreaches, slaNearing, slaWarnings } from './definitions/sla.reports.js';
import { ticketsQuality, ticketsTimes, ticketsVolume } from './definitions/tickets.reports.js';
import type { ReportDefinition } from './reports.types.js';

/**
 * Every report, in the order the console lists them. A new family is one file of
 * ReportDefinitions under definitions/ and one line here.
 */
export const REPORTS: readonly ReportDefinition[] = [
  ticketsVolume,
  ticketsTimes,
  ticketsQuality,
  escalationsVolume,
  escalationsTimes,
  teamDelays,
  escalationsExpiries,
  escalationsReturns,
  escalationsOverdue,
  slaAchievementReport,
  slaBreaches,
  slaNearing,
  slaWarnings,
  csatReport,
  handsTimes,
  incidentsVolume,
  incidentsUpdates,
  incidentsResolution,
];

export const REPORT_NAMES = REPORTS.map((r) => r.name);

export const findReport = (name: string): ReportDefinition | undefined => REPORTS.find((r) => r.name === name);
