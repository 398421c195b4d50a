import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
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
import { composeEn } from './compose.en.js';
import { composeJa } from './compose.ja.js';
import { reportsEn, reportsJa } from '../features/reports/reports.i18n.js';

export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

// The agent screens' messages live under 'agent.' in their own files (agent.{ja,en}.ts).
// Administration and supervisor screens: under 'admin2.' in admin.{ja,en}.ts.
export const resources = {
  ja: { translation: { ...ja, agent: agentJa, admin2: adminJa, privacy: privacyJa, hands: handsJa, incidents: incidentsJa, search: searchJa, reports: reportsJa, desk: deskJa, macros: macrosJa, views: viewsJa, compose: composeJa } },
  en: { translation: { ...en, agent: agentEn, admin2: adminEn, privacy: privacyEn, hands: handsEn, incidents: incidentsEn, search: searchEn, reports: reportsEn, desk: deskEn, macros: macrosEn, views: viewsEn, compose: composeEn } },
} as const;

const STORAGE_KEY = 'escalon.language';

/** Before anyone signs in: the last language used on this browser, else the browser's own. */
export function initialLanguage(): Language {
  const stored = safeStorageGet(STORAGE_KEY);
  if (stored === 'ja' || stored === 'en') return stored;
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'ja';
  return nav.toLowerCase().startsWith('en') ? 'en' : 'ja';
}

export const isLanguage = (v: unknown): v is Language => v === 'ja' || v === 'en';

export function createI18n(lng: Language): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    // React escapes every interpolated value when it renders text.
    interpolation: { escapeValue: false },
    returnNull: false,
    initImmediate: false,
  });
  return instance;
}

/** Switches the console's language and remembers it on this browser. */
export async function applyLanguage(instance: i18n, lng: Language): Promise<void> {
  safeStorageSet(STORAGE_KEY, lng);
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
  if (instance.language !== lng) await instance.changeLanguage(lng);
}

function safeStorageGet(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
function safeStorageSet(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // private mode or storage disabled: the choice simply is not remembered
  }
}
