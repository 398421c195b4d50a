/** The reports area (one chunk, with the chart library). */
export { ReportsPage } from '../features/reports/ReportsPage.js';
