/**
 * The console's languages at run time. Messages are split by area and by language, each bundle
 * its own chunk (core.{ja,en}.ts: the shell and the agent area; admin-area.{ja,en}.ts: the
 * administration screens and the board), so the first screen downloads one language's core
 * messages only. The t() API is unchanged: every bundle is merged into the one 'translation'
 * namespace under its usual keys (agent.…, admin2.…). index.ts keeps every message loaded at once
 * for tests and Node; the console imports this file, never index.ts.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const isLanguage = (v: unknown): v is Language => v === 'ja' || v === 'en';

type Messages = Record<string, unknown>;
type Loader = () => Promise<{ messages: Messages }>;
/** Each area's messages per language (a dynamic import per file, so one chunk per bundle and language). */
export const bundles = {
  core: { ja: () => import('./core.ja.js'), en: () => import('./core.en.js') },
  admin: { ja: () => import('./admin-area.ja.js'), en: () => import('./admin-area.en.js') },
} satisfies Record<string, Record<Language, Loader>>;
export type Bundle = keyof typeof bundles;

const STORAGE_KEY = 'escalon.language';

/** Before anyone signs in: the last language used on this browser, else the browser's own. */
export function initialLanguage(): Language {
  const stored = safeStorageGet(STORAGE_KEY);
  if (stored === 'ja' || stored === 'en') return stored;
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'ja';
  return nav.toLowerCase().startsWith('en') ? 'en' : 'ja';
}

/** The i18next options shared by the console and index.ts's createI18n. */
export const i18nOptions = {
  fallbackLng: 'en',
  // React escapes every interpolated value when it renders text.
  interpolation: { escapeValue: false },
  returnNull: false,
  initImmediate: false,
  // A bundle loaded later (an area's messages) re-renders the components that use t().
  react: { bindI18nStore: 'added' },
} as const;

let consoleI18n: i18n | null = null;
/** The bundles the console has needed so far: a change of language loads each of them again. */
const wanted = new Set<Bundle>(['core']);
const loaded = new Map<string, Promise<void>>();

/** Loads one bundle in one language into the console's instance (once). */
function loadInto(instance: i18n, bundle: Bundle, lng: Language): Promise<void> {
  const key = `${bundle}:${lng}`;
  let p = loaded.get(key);
  if (!p) {
    p = bundles[bundle][lng]().then(({ messages }) => {
      instance.addResourceBundle(lng, 'translation', messages, true, true);
    });
    // A failed download (network) is retried the next time the bundle is needed.
    p.catch(() => loaded.delete(key));
    loaded.set(key, p);
  }
  return p;
}

/** The console's i18next instance, with the core messages of `lng` loaded. */
export async function createConsoleI18n(lng: Language): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({ ...i18nOptions, lng, resources: {}, partialBundledLanguages: true });
  consoleI18n = instance;
  await loadInto(instance, 'core', lng);
  return instance;
}

/**
 * Makes an area's messages available in the console's current language (areas/index.ts calls
 * it beside the area's chunk). Without a console instance (tests, Node) there is nothing to do:
 * index.ts's instances hold every message.
 */
export async function loadMessages(bundle: Bundle): Promise<void> {
  wanted.add(bundle);
  const instance = consoleI18n;
  if (!instance || !isLanguage(instance.language)) return;
  await loadInto(instance, bundle, instance.language);
}

/** Switches the console's language (after loading its messages for every area used so far) and remembers it on this browser. */
export async function applyLanguage(instance: i18n, lng: Language): Promise<void> {
  safeStorageSet(STORAGE_KEY, lng);
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
  // useTranslation() hands out a wrapper of the instance (react-i18next 16), never the instance
  // itself, so identity says nothing: in the console there is one instance, and it is consoleI18n.
  const target = consoleI18n ?? instance;
  if (consoleI18n) await Promise.all([...wanted].map((b) => loadInto(target, b, lng)));
  if (target.language !== lng) await target.changeLanguage(lng);
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
