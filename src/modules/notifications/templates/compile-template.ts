import Handlebars from 'handlebars';
import { AppError, invalid, type FieldProblem } from '../../../lib/errors.js';
import { formatDateTime } from '../../../integrations/escalation-card.js';

/**
 * Handlebars for notification templates, in its own environment with a fixed set of
 * helpers. Templates may be edited by administrators, so `compileTemplate` is called when a
 * template is saved: syntax errors, unknown helpers and partials are refused there, with the
 * line and column, instead of surfacing when a notification is due.
 */

export type TemplateMode = 'html' | 'text';
export type TemplateFn = (context: object) => string;

export interface TemplateErrorLocation {
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

export const MAX_TEMPLATE_CHARS = 64 * 1024;

const hb = Handlebars.create();

/** `{{datetime ms}}`: an epoch-ms instant in the recipient's locale and time zone. */
hb.registerHelper('datetime', function (this: unknown, ms: unknown, options: Handlebars.HelperOptions) {
  const root = (options?.data as { root?: { locale?: unknown; timeZone?: unknown } } | undefined)?.root;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  const locale = typeof root?.locale === 'string' ? root.locale : 'en';
  const timeZone = typeof root?.timeZone === 'string' ? root.timeZone : 'UTC';
  return formatDateTime(ms, locale, timeZone);
});
/** `{{#if (eq a b)}}`. */
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);

const compileOptions = (mode: TemplateMode): CompileOptions => ({
  noEscape: mode === 'text',
  knownHelpers: { datetime: true, eq: true },
  knownHelpersOnly: true,
  // Prototype access stays off (the Handlebars default since 4.6); data is plain objects.
});

/** Handlebars' Jison parser keeps the location of the token it failed on. */
const lastParserLocation = (): { first_line: number; first_column: number } | undefined =>
  (hb as unknown as { Parser?: { lexer?: { yylloc?: { first_line: number; first_column: number } } } }).Parser
    ?.lexer?.yylloc;

/**
 * Line, column and a readable message from a Handlebars parse or compile error, or
 * undefined when the error is of another kind.
 */
export const templateErrorLocation = (err: unknown): TemplateErrorLocation | undefined => {
  if (!(err instanceof Error)) return undefined;
  const parse = /^(?:Parse|Lexical) error on line (\d+)/.exec(err.message);
  if (parse) {
    const line = Number(parse[1]);
    const loc = lastParserLocation();
    const column = loc && loc.first_line === line ? loc.first_column + 1 : 1;
    const got = /got '([^']+)'\s*$/.exec(err.message)?.[1];
    const expectsClose = /Expecting[^\n]*'CLOSE'/.test(err.message);
    let message: string;
    if (err.message.startsWith('Lexical')) message = 'unrecognised text (an unclosed comment or tag?)';
    else if (got === 'EOF')
      message = expectsClose
        ? 'the template ends inside a {{ … }} tag'
        : 'the template ends before a block is closed';
    else message = `unexpected ${describeToken(got)}`;
    return { line, column, message };
  }
  // Compiler exceptions carry lineNumber / 0-based column and end with " - line:column".
  const e = err as Error & { lineNumber?: unknown; column?: unknown };
  if (typeof e.lineNumber === 'number') {
    const message = err.message
      .replace(/ - \d+:\d+$/, '')
      .replace(/^You specified knownHelpersOnly, but used the unknown helper (\S+)$/, "unknown helper '$1'");
    return { line: e.lineNumber, column: (typeof e.column === 'number' ? e.column : 0) + 1, message };
  }
  return undefined;
};

const describeToken = (token: string | undefined): string => {
  switch (token) {
    case undefined:
      return 'text';
    case 'CLOSE':
      return "'}}'";
    case 'CLOSE_UNESCAPED':
      return "'}}}'";
    case 'OPEN_ENDBLOCK':
      return 'closing tag {{/…}}';
    case 'INVERSE':
      return '{{else}}';
    default:
      return `token ${token}`;
  }
};

type AstNode = { type?: unknown; loc?: { start?: { line?: number; column?: number } } };

/** Partials and decorators would reach outside the fixed set of templates; refuse them. */
const findForbiddenNode = (node: unknown): AstNode | undefined => {
  if (!node || typeof node !== 'object') return undefined;
  const n = node as AstNode;
  if (typeof n.type === 'string' && /^(Partial|Decorator)/.test(n.type)) return n;
  for (const value of Object.values(node)) {
    if (value && typeof value === 'object' && value !== n.loc) {
      const found = Array.isArray(value)
        ? value.map(findForbiddenNode).find(Boolean)
        : findForbiddenNode(value);
      if (found) return found;
    }
  }
  return undefined;
};

/**
 * What an HTML template may insert unescaped ({{{x}}} or {{& x}}): only values the server makes
 * (links, numbers, pre-formatted dates and labels). Everything people type — the subject and
 * messages customers write, names, asks, answers, reasons — must go through {{x}}, or a
 * customer's "<script>" or phishing link would land in staff mail as markup.
 */
const SERVER_MADE_FIELDS = new Set([
  'url', 'acknowledgeUrl', 'settingsUrl', 'number', 'id', 'count', 'language', 'locale', 'timeZone',
  'temperature', 'temperatureText', 'dueText', 'dueAtMs', 'atMs', 'atText', 'clock', 'clockText', 'label', 'event', 'isQuestion', 'forRequester',
]);

type MustacheNode = AstNode & { escaped?: boolean; path?: { type?: string; original?: string; parts?: string[] }; params?: unknown[] };

/** Every block parameter name (`as |x|`): one named `url` could alias ticket.subject. */
const blockParamNames = (node: unknown, into = new Set<string>()): Set<string> => {
  if (!node || typeof node !== 'object') return into;
  const params = (node as { blockParams?: unknown }).blockParams;
  if (Array.isArray(params)) for (const p of params) if (typeof p === 'string') into.add(p);
  for (const value of Object.values(node)) if (value && typeof value === 'object') blockParamNames(value, into);
  return into;
};

/** An unescaped mustache that prints a field people can write (the datetime helper's output is fine). */
const findUnescapedPeopleText = (node: unknown, aliases: Set<string>): MustacheNode | undefined => {
  if (!node || typeof node !== 'object') return undefined;
  const n = node as MustacheNode;
  if (n.type === 'MustacheStatement' && n.escaped === false) {
    const path = n.path;
    const parts = path?.type === 'PathExpression' ? (path.parts ?? []) : [];
    const helper = path?.original === 'datetime';
    const serverMade = !n.params?.length && parts.length > 0 && SERVER_MADE_FIELDS.has(parts.at(-1)!) && !aliases.has(parts[0]!);
    if (!helper && !serverMade) return n;
  }
  for (const value of Object.values(node)) {
    if (value && typeof value === 'object' && value !== n.loc) {
      const found = Array.isArray(value) ? value.map((v) => findUnescapedPeopleText(v, aliases)).find(Boolean) : findUnescapedPeopleText(value, aliases);
      if (found) return found;
    }
  }
  return undefined;
};

const problem = (field: string, location: TemplateErrorLocation): FieldProblem & TemplateErrorLocation => ({
  ...location,
  field,
  message: `line ${location.line}, column ${location.column}: ${location.message}`,
});

/**
 * Parses and compiles `source` now (Handlebars would otherwise defer it to the first render).
 * HTML mode escapes every `{{value}}`; text mode (plain text bodies, subjects) does not.
 * Throws `invalid([{ field, message: 'line 3, column 7: …', line, column }])` on any error.
 */
export const compileTemplate = (
  source: string,
  mode: TemplateMode = 'html',
  field = 'template',
): TemplateFn => {
  if (source.length > MAX_TEMPLATE_CHARS) {
    throw invalid([{ field, message: `is longer than ${MAX_TEMPLATE_CHARS} characters` }]);
  }
  const options = compileOptions(mode);
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
    hb.precompile(ast, options);
  } catch (err) {
    const location = templateErrorLocation(err);
    if (!location)
      throw new AppError(
        'validation_failed',
        `${field}: ${String(err)}`,
        { problems: [{ field, message: String(err) }] },
        { cause: err },
      );
    const p = problem(field, location);
    throw invalid([p]);
  }
  const forbidden = findForbiddenNode(ast);
  if (forbidden) {
    const start = forbidden.loc?.start;
    throw invalid([
      problem(field, {
        line: start?.line ?? 1,
        column: (start?.column ?? 0) + 1,
        message: 'partials and decorators are not available in notification templates',
      }),
    ]);
  }
  const unescaped = mode === 'html' ? findUnescapedPeopleText(ast, blockParamNames(ast)) : undefined;
  if (unescaped) {
    const start = unescaped.loc?.start;
    const name = unescaped.path?.original ?? 'this';
    throw invalid([
      problem(field, {
        line: start?.line ?? 1,
        column: (start?.column ?? 0) + 1,
        message: `{{{${name}}}} would insert text that customers or staff write without escaping it; write {{${name}}} instead`,
      }),
    ]);
  }
  const template = hb.compile(ast, options);
  return (context) => template(context);
};
