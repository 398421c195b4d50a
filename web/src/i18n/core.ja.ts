/**
 * The console's ja messages for the shell and the agent area: one chunk, loaded only when the
 * console is in this language (language.ts). Areas with messages of their own (admin) load theirs
 * with their chunk. A new file pair of messages is added here (or to the area bundle it belongs
 * to) and to index.ts's `resources`; i18n.test.ts checks the two agree.
 */
import { ja } from './ja.js';
import { agentJa } from './agent.ja.js';
import { deskJa } from './desk.ja.js';
import { privacyJa } from './privacy.ja.js';
import { handsJa } from './hands.ja.js';
import { incidentsJa } from './incidents.ja.js';
import { searchJa } from './search.ja.js';
import { macrosJa } from './macros.ja.js';
import { viewsJa } from './views.ja.js';
import { directoryJa } from './directory.ja.js';
import { composeJa } from './compose.ja.js';
import { reportsJa } from '../features/reports/reports.i18n.js';

import { problemsJa } from './problems.ja.js';

// admin2.problem: field problems appear on agent screens too (the admin area adds the rest of admin2).
export const messages = { admin2: { problem: problemsJa },  ...ja, agent: agentJa, privacy: privacyJa, hands: handsJa, incidents: incidentsJa, search: searchJa, reports: reportsJa, desk: deskJa, macros: macrosJa, views: viewsJa, directory: directoryJa, compose: composeJa };
