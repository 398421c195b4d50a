/**
 * fast-check arbitraries from the JSON Schemas of the OpenAPI document: mostly values that fit
 * the schema (so requests get past validation and reach services and the database), mixed
 * with hostile ones (NUL, huge, unicode, bidi controls, lone surrogates, out-of-range
 * numbers, wrong types). No generated URL names a real host: nothing may leave the machine.
 */
import fc from 'fast-check';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
};

/** Strings that have broken servers: NUL, bidi, huge, odd Unicode, injection-shaped text. */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000',
  'ab\u0000cd',
  '',
  ' ',
  'x'.repeat(70_000),
  '😀👨‍👩‍👧‍👦🇯🇵',
  'e\u0301\u0301\u0301',
  '\uD800',
  '\uDFFFx',
  'invoice\u202Efdp.exe',
  '\u2066\u2067\u2068\u2069\u200E\u200F\u061C',
  '\uFEFF\u00A0\u3000',
  "'; DROP TABLE tickets; --",
  '%00%27%22',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '{{{ticket.subject}}}',
  '9'.repeat(400),
  '-1',
  '1e309',
  'NaN',
  '2026-02-30T25:61:61Z',
  'null',
  '\r\nX-Injected: 1',
  'ｔｅｓｔ＠ｅｘａｍｐｌｅ．ｊｐ',
];

export const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'binary', maxLength: 40 }));

const hostileNumber = fc.constantFrom(-1, 0, 1.5, -0.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53 + 2, 1e300, -1e300, Number.MAX_SAFE_INTEGER);

/** Anything at all, of a wrong type most of the time. */
const wrongType = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  hostileString.map((v) => [v]),
  fc.constant({ __proto__: { admin: true }, constructor: { prototype: { x: 1 } } }),
);

export interface ArbitraryOptions {
  /** Values for a property by name (ids of existing rows, so requests reach real records). */
  known?: (name: string) => fc.Arbitrary<unknown> | undefined;
  /** Chance (0–1 as a weight pair) of a hostile value instead of a fitting one. */
  hostileWeight?: number;
  resolveRef?: (ref: string) => JsonSchema | undefined;
}

const safeUrl = fc.constantFrom('https://example.invalid/path?q=1', 'http://example.invalid', 'mailto:someone@example.invalid', 'javascript:alert(1)', 'https://127.0.0.1:1/x', 'ftp://example.invalid');

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 60, 60);
  switch (s.format) {
    case 'email':
      return fc.constantFrom('a@example.jp', 'Yamada@Example.JP', 'x+y@example.invalid', 'no-reply@example.com');
    case 'uri':
    case 'url':
      return safeUrl;
    case 'date-time':
      return fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'uuid':
      return fc.uuid();
    default:
  }
  if (s.pattern) {
    try {
      // A one-class pattern (`^[A-Za-z0-9_-]+$`) with a minimum length: put the length into the
      // pattern, or the filter below would reject nearly every short match and never finish.
      const oneClass = /^\^(\[[^\]]+\])[+*]\$$/.exec(s.pattern);
      const pattern = oneClass && min > 1 ? `^${oneClass[1]}{${min},${Math.min(s.maxLength ?? min + 40, min + 40)}}$` : s.pattern;
      return fc.stringMatching(new RegExp(pattern, 'u')).filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
    } catch {
      // a pattern fast-check cannot read: fall through to plain text
    }
  }
  return fc.string({ unit: 'grapheme', minLength: Math.min(min, max), maxLength: Math.max(max, min) });
}

function numberArb(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1000);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 100_000);
  if (integer) return fc.integer({ min: Math.ceil(Math.max(lo, -(2 ** 31))), max: Math.floor(Math.min(hi, 2 ** 31 - 1)) });
  return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
}

/** Plausible text for well-known property names, so bodies pass the services' own checks. */
function byName(name: string): fc.Arbitrary<string> | undefined {
  if (/email/i.test(name)) return fc.constantFrom('a@example.jp', 'Yamada@Example.JP', 'x+y@example.invalid');
  if (/url$/i.test(name)) return safeUrl;
  if (/^time[zZ]one$/.test(name)) return fc.constantFrom('Asia/Tokyo', 'UTC', 'America/New_York', 'Mars/Olympus');
  if (/^(locale|language|lang)$/.test(name)) return fc.constantFrom('ja', 'en', 'fr');
  if (/password/i.test(name)) return fc.constantFrom('a-long-enough-password-1', 'short');
  return undefined;
}

/** A fitting value for `s` (its fields recursively mixed with hostile ones). */
export function fitting(s: JsonSchema, opts: ArbitraryOptions, depth: number, name?: string): fc.Arbitrary<unknown> {
  if (s.$ref && opts.resolveRef) {
    const target = opts.resolveRef(s.$ref);
    if (target) return valueOf(target, opts, depth, name);
  }
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => valueOf(a, opts, depth, name)));
  if (s.allOf?.length) return valueOf(Object.assign({}, ...s.allOf) as JsonSchema, opts, depth, name);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : [];
  if (types.length > 1) return fc.oneof(...types.map((t) => fitting({ ...s, type: t }, opts, depth, name)));
  const known = name ? opts.known?.(name) : undefined;
  switch (types[0]) {
    case 'string': {
      if (known) return fc.oneof({ weight: 3, arbitrary: known }, { weight: 1, arbitrary: stringArb(s) });
      const hinted = name && !s.pattern && !s.format ? byName(name) : undefined;
      return hinted ? fc.oneof({ weight: 4, arbitrary: hinted }, { weight: 1, arbitrary: stringArb(s) }) : stringArb(s);
    }
    case 'integer':
      return numberArb(s, true);
    case 'number':
      return numberArb(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const tuple = s.prefixItems ?? (Array.isArray(s.items) ? s.items : undefined);
      if (tuple) return fc.tuple(...tuple.map((t) => valueOf(t, opts, depth + 1, name)));
      const maxLength = Math.min(s.maxItems ?? 3, 3);
      const minLength = Math.min(s.minItems ?? 0, maxLength);
      return fc.array(valueOf((s.items as JsonSchema | undefined) ?? {}, opts, depth + 1, name), { minLength, maxLength });
    }
    case 'object': {
      if (depth > 5) return fc.constant({});
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const entries = Object.entries(props);
      const record = fc.record(
        Object.fromEntries(entries.map(([k, v]) => [k, valueOf(v, opts, depth + 1, k)])),
        { requiredKeys: entries.map(([k]) => k).filter((k) => required.has(k)) },
      );
      // Now and then an unknown field, which must be refused, never crash.
      if (depth > 0) return record;
      return fc.oneof({ weight: 30, arbitrary: record }, { weight: 1, arbitrary: record.map((r) => ({ ...r, unexpectedField: 1 })) });
    }
    default:
      return known ?? wrongType;
  }
}

/** Characters injected into otherwise fitting strings: the value still passes the schema and reaches the database. */
const INJECTED = ['\u0000', '\u202E', '\u2066', '\u200F', '😀', '\uD800', "'", '\\', '%', '\u3000', '\r\n', 'e\u0301'];

const injectInto = (fit: fc.Arbitrary<string>, s: JsonSchema): fc.Arbitrary<string> =>
  fc.tuple(fit, fc.constantFrom(...INJECTED), fc.nat()).map(([v, bad, at]) => {
    const i = at % (v.length + 1);
    const out = v.slice(0, i) + bad + v.slice(i);
    return s.maxLength !== undefined && out.length > s.maxLength ? v.slice(0, Math.max(0, s.maxLength - bad.length)) + bad : out;
  });

/**
 * A value for `s`: mostly fitting; strings often carry an injected hostile character (NUL,
 * bidi, emoji, lone surrogate…) while still fitting; now and then a hostile or wrong-typed value.
 * One wrong field makes a whole body fail validation, so wrong types stay rare per field.
 */
export function valueOf(s: JsonSchema, opts: ArbitraryOptions = {}, depth = 0, name?: string): fc.Arbitrary<unknown> {
  const fit = fitting(s, opts, depth, name);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  const w = opts.hostileWeight ?? 0.01;
  const hostile = { weight: Math.max(1, Math.round(w * 100)), arbitrary: fc.oneof(type === 'integer' || type === 'number' ? hostileNumber : hostileString, wrongType) };
  if (type === 'string' && !s.enum && s.const === undefined && !s.format && !s.pattern) {
    return fc.oneof({ weight: 85, arbitrary: fit }, { weight: 12, arbitrary: injectInto(fit as fc.Arbitrary<string>, s) }, hostile);
  }
  return fc.oneof({ weight: 100 - hostile.weight, arbitrary: fit }, hostile);
}
