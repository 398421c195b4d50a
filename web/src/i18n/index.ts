import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { i18nOptions, type Language } from './language.js';
import { agentEn } from './agent.en.js';
import { agentJa } from './agent.ja.js';
import { adminEn } from './admin.en.js';
import { adminJa } from './admin.ja.js';
import { en } from './en.js';
import { ja } from './ja.js';
import { deskEn } from './desk.en.js';
import { deskJa } from './desk.ja.js';
import { privacyEn } from './privacy.en.js';
import { privacyJa } from './privacy.ja.js';
import { handsEn } from './hands.en.js';
import { handsJa } from './hands.ja.js';
import { incidentsEn } from './incidents.en.js';
import { incidentsJa } from './incidents.ja.js';
import { searchEn } from './search.en.js';
import { searchJa } from './search.ja.js';
import { macrosEn } from './macros.en.js';
import { macrosJa } from './macros.ja.js';
import { viewsEn } from './views.en.js';
import { viewsJa } from './views.ja.js';
import { directoryEn } from './directory.en.js';
import { directoryJa } from './directory.ja.js';
import { composeEn } from './compose.en.js';
import { composeJa } from './compose.ja.js';
import { reportsEn, reportsJa } from '../features/reports/reports.i18n.js';

export { LANGUAGES, applyLanguage, initialLanguage, isLanguage, type Language } from './language.js';

// The agent screens' messages live under 'agent.' in their own files (agent.{ja,en}.ts).
// Administration and supervisor screens: under 'admin2.' in admin.{ja,en}.ts.
export const resources = {
  ja: { translation: { ...ja, agent: agentJa, admin2: adminJa, privacy: privacyJa, hands: handsJa, incidents: incidentsJa, search: searchJa, reports: reportsJa, desk: deskJa, macros: macrosJa, views: viewsJa, directory: directoryJa, compose: composeJa } },
  en: { translation: { ...en, agent: agentEn, admin2: adminEn, privacy: privacyEn, hands: handsEn, incidents: incidentsEn, search: searchEn, reports: reportsEn, desk: deskEn, macros: macrosEn, views: viewsEn, directory: directoryEn, compose: composeEn } },
} as const;

/**
 * Every message at once, synchronously: for tests and Node. The console loads its messages by
 * area and language instead (language.ts), so it never imports this file.
 */
export function createI18n(lng: Language): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    ...i18nOptions,
    resources,
    lng,
  });
  return instance;
}
