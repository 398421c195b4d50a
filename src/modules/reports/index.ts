/** Reports (issue 18): the registry of metric definitions, the ticket facts they read, CSV. */
export { ReportsService, type ReportQuery, type ReportResultView } from './reports.service.js';
export { ReportFacts, REPORT_CALENDAR_KEY } from './report-facts.service.js';
export { reportsRoutes } from './reports.routes.js';
export { REPORTS, REPORT_NAMES, findReport } from './reports.registry.js';
export { toCsv, csvField, BOM } from './reports.csv.js';
export * from './reports.policy.js';
export type { ReportDefinition, ReportContext, ReportOutput, ReportRow, ReportColumn, Bilingual } from './reports.types.js';
