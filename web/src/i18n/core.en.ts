/**
 * The console's en messages for the shell and the agent area: one chunk, loaded only when the
 * console is in this language (language.ts). Areas with messages of their own (admin) load theirs
 * with their chunk. A new file pair of messages is added here (or to the area bundle it belongs
 * to) and to index.ts's `resources`; i18n.test.ts checks the two agree.
 */
import { en } from './en.js';
import { agentEn } from './agent.en.js';
import { deskEn } from './desk.en.js';
import { privacyEn } from './privacy.en.js';
import { handsEn } from './hands.en.js';
import { incidentsEn } from './incidents.en.js';
import { searchEn } from './search.en.js';
import { macrosEn } from './macros.en.js';
import { viewsEn } from './views.en.js';
import { directoryEn } from './directory.en.js';
import { composeEn } from './compose.en.js';
import { reportsEn } from '../features/reports/reports.i18n.js';

import { problemsEn } from './problems.en.js';

// admin2.problem: field problems appear on agent screens too (the admin area adds the rest of admin2).
export const messages = { admin2: { problem: problemsEn },  ...en, agent: agentEn, privacy: privacyEn, hands: handsEn, incidents: incidentsEn, search: searchEn, reports: reportsEn, desk: deskEn, macros: macrosEn, views: viewsEn, directory: directoryEn, compose: composeEn };
