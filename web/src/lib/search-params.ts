/**
 * URL search params as screen state. The router reads and writes plain query strings
 * (`?status=open&shown=100`); each route declares its params with `searchOf({ name: str | num | bool })`,
 * which drops what is missing, empty or malformed, so a hand-edited link never breaks a screen.
 */

export function parseSearchParams(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search.startsWith('?') ? search.slice(1) : search)) out[k] = v;
  return out;
}

export function stringifySearchParams(search: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.set(k, v === true ? '1' : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

type Parser<T> = (v: unknown) => T | undefined;
export const str: Parser<string> = (v) => (typeof v === 'string' && v !== '' ? v.slice(0, 500) : undefined);
export const num: Parser<number> = (v) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};
export const bool: Parser<boolean> = (v) => (v === true || v === '1' || v === 'true' ? true : undefined);

/** A route's `validateSearch`: every param optional, typed by its parser. */
export function searchOf<S extends Record<string, Parser<unknown>>>(shape: S) {
  return (raw: Record<string, unknown>): { [K in keyof S]?: S[K] extends Parser<infer T> ? T : never } => {
    const out: Record<string, unknown> = {};
    for (const [k, parse] of Object.entries(shape)) {
      const v = parse(raw[k]);
      if (v !== undefined) out[k] = v;
    }
    return out as { [K in keyof S]?: S[K] extends Parser<infer T> ? T : never };
  };
}
