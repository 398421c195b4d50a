/** The reports area (one chunk, with the chart library). */
export { ReportsPage } from '../features/reports/ReportsPage.js';
export { HandsReportPage } from '../features/reports/HandsReportPage.js';
export { DashboardPage } from '../features/reports/DashboardPage.js';
export { PathReviewRoute } from '../features/reports/PathReviewPage.js';
