/**
 * How a path level is shown: its position "L1", "L2"… before its name. A name that already
 * starts with a level number (an administrator's "L2 Billing team") is shown as it is, so the
 * console never shows "L1 L2 Billing team".
 */
const NUMBERED = /^L\d+\b/i;

export function levelLabel(levelIndex: number, name: string | null | undefined, sep = ' '): string {
  const n = (name ?? '').trim();
  if (!n) return `L${levelIndex + 1}`;
  if (NUMBERED.test(n)) return n;
  return `L${levelIndex + 1}${sep}${n}`;
}

/** True when a level's name carries its own level number. */
export const nameIsNumbered = (name: string | null | undefined): boolean => NUMBERED.test((name ?? '').trim());
