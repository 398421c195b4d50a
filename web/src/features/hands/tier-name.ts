import type { TFunction } from 'i18next';

/**
 * The tier names of the built-in configuration (src/modules/hands/hands.types.ts,
 * DEFAULT_HANDS_CONFIG) are stored as English text; the console says them in the reader's
 * language. A name an admin typed is shown as typed.
 */
const DEFAULT_TIER_KEYS: ReadonlyMap<string, string> = new Map([
  ['Team leader', 'hands.defaultTier.teamLeader'],
  ['Floor', 'hands.defaultTier.floor'],
  ['Floor manager', 'hands.defaultTier.floorManager'],
]);

/** The i18n key of a built-in tier name, or null for a name an admin typed. */
export function defaultTierKey(name: string): string | null {
  return DEFAULT_TIER_KEYS.get(name) ?? null;
}

/** A tier name in the reader's language when it is a built-in one, else as stored. */
export function tierLabel(name: string, t: TFunction): string {
  const key = defaultTierKey(name);
  return key ? t(key) : name;
}
