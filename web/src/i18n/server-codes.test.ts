/**
 * Every code the server can send the console has a Japanese and an English text: audit actions
 * (and their kinds of target), field problem codes, and request error codes. The codes are read
 * from the server's source (src/), so a new code without both translations fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_ERRORS, KNOWN_ERRORS, problemKeys } from '../components/ErrorMessage.js';
import { createI18n } from './index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const sources = (() => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('test-support.ts')) files.push(p);
    }
  };
  walk(join(root, 'src'));
  return files.map((f) => ts.createSourceFile(relative(root, f), readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true));
})();

const where = (sf: ts.SourceFile, n: ts.Node) => `${sf.fileName}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
const propName = (sf: ts.SourceFile, p: ts.ObjectLiteralElementLike) => (p.name ? p.name.getText(sf) : undefined);
const propValue = (p: ts.ObjectLiteralElementLike | undefined): ts.Expression | undefined =>
  !p ? undefined : ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;

/**
 * The string literals an expression can be ('a', cond ? 'b' : 'c', table[key] ?? 'd' with
 * `table` an object literal of the same file); null when one is computed.
 */
function literalsOf(e: ts.Expression | undefined): (string | null)[] {
  if (!e) return [null];
  if (ts.isStringLiteralLike(e)) return [e.text];
  if (ts.isParenthesizedExpression(e)) return literalsOf(e.expression);
  if (ts.isConditionalExpression(e)) return [...literalsOf(e.whenTrue), ...literalsOf(e.whenFalse)];
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) return [...literalsOf(e.left), ...literalsOf(e.right)];
  if (ts.isElementAccessExpression(e) && ts.isIdentifier(e.expression)) {
    const table = tableOf(e.getSourceFile(), e.expression.text);
    if (table) return table.properties.flatMap((p) => literalsOf(propValue(p)));
  }
  return [null];
}

/** `const name = { … }` at the top of a file. */
function tableOf(sf: ts.SourceFile, name: string): ts.ObjectLiteralExpression | undefined {
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) if (d.name.getText(sf) === name && d.initializer && ts.isObjectLiteralExpression(d.initializer)) return d.initializer;
  }
  return undefined;
}

function visitAll(fn: (n: ts.Node, sf: ts.SourceFile) => void) {
  for (const sf of sources) {
    const visit = (n: ts.Node) => {
      fn(n, sf);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
}

/** Audit actions and target types: `audit.change(ex, actor, 'x.y', { type }, …)` and `audit.record(ex, { action, targetType })`. */
function auditCodes() {
  const actions = new Map<string, string>();
  const targets = new Map<string, string>();
  const computed: string[] = [];
  visitAll((n, sf) => {
    if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression)) return;
    const method = n.expression.name.text;
    if (!/audit/i.test(n.expression.expression.getText(sf)) || (method !== 'change' && method !== 'record')) return;
    let action: ts.Expression | undefined;
    let target: ts.Expression | undefined;
    if (method === 'change') {
      action = n.arguments[2];
      const t = n.arguments[3];
      if (t && ts.isObjectLiteralExpression(t)) target = propValue(t.properties.find((p) => propName(sf, p) === 'type'));
    } else {
      const o = n.arguments[1];
      if (o && ts.isObjectLiteralExpression(o)) {
        action = propValue(o.properties.find((p) => propName(sf, p) === 'action'));
        target = propValue(o.properties.find((p) => propName(sf, p) === 'targetType'));
      }
    }
    const note = (into: Map<string, string>) => (l: string | null) => {
      if (l === null) computed.push(where(sf, n));
      else into.set(l, where(sf, n));
    };
    literalsOf(action).forEach(note(actions));
    if (target) literalsOf(target).forEach(note(targets));
  });
  return { actions, targets, computed };
}

/** Files whose problems are not (yet) shown by a console form with codes: their own English words are shown. */
const PROBLEMS_WITHOUT_CODES = new Set([
  // The calendar definition's checks (admin calendar editor shows them as the server words them).
  'src/modules/calendars/calendar.policy.ts',
  'src/modules/calendars/calendars.service.ts',
  // Template compile errors carry line and column; templates are edited through the API only.
  'src/modules/notifications/templates/compile-template.ts',
  // Public contact form and the messaging webhook: answered to API clients, not console forms.
  'src/modules/intake/intake.service.ts',
  'src/modules/intake/messaging.service.ts',
]);

/**
 * Field problem codes: object literals with `code` and `message` (FieldProblem, password problems),
 * and helpers such as `add(field, message, code)` / `problem(code, message)` whose parameter
 * becomes the code, followed to their calls in the same file.
 */
function problemCodes() {
  const codes = new Map<string, string>();
  const missing: string[] = [];
  const note = (sf: ts.SourceFile, at: ts.Node) => (l: string | null) => {
    if (l === null) missing.push(`${where(sf, at)} (computed code)`);
    else codes.set(l, where(sf, at));
  };
  visitAll((n, sf) => {
    if (!ts.isObjectLiteralExpression(n)) return;
    const names = n.properties.map((p) => propName(sf, p));
    if (!names.includes('message') || !(names.includes('field') || names.includes('code'))) return;
    // A request error's body ({ code, message, requestId }) is not a field problem: see errorCodes().
    if (names.includes('requestId') || sf.fileName.endsWith('schemas.ts')) return;
    // A route's response schema (Type.Object({ code: Type.String(), message })) describes, not sends, a code.
    if (ts.isCallExpression(n.parent) && n.parent.expression.getText(sf) === 'Type.Object') return;
    const code = n.properties.find((p) => propName(sf, p) === 'code');
    const value = propValue(code);
    // A caught AppError's code passed on ({ code: err.code, message: err.message }, e.g. a bulk action's
    // per-ticket result) is a request error code: errorCodes() checks those.
    if (value && ts.isPropertyAccessExpression(value) && value.name.text === 'code') return;
    if (!value) {
      if (!PROBLEMS_WITHOUT_CODES.has(sf.fileName)) missing.push(`${where(sf, n)} ${n.getText(sf).slice(0, 80)}`);
      return;
    }
    if (ts.isIdentifier(value)) {
      // A helper's parameter: the literals its callers pass in that position.
      let fn: ts.Node | undefined = n.parent;
      while (fn && !ts.isArrowFunction(fn) && !ts.isFunctionDeclaration(fn) && !ts.isFunctionExpression(fn)) fn = fn.parent;
      const index = fn ? (fn as ts.FunctionLikeDeclaration).parameters.findIndex((p) => p.name.getText(sf) === value.text) : -1;
      const decl = fn?.parent;
      const helper = decl && ts.isVariableDeclaration(decl) ? decl.name.getText(sf) : fn && ts.isFunctionDeclaration(fn) ? fn.name?.text : undefined;
      if (index < 0 || !helper) return void missing.push(`${where(sf, n)} (code ${value.text} is not traced)`);
      const visitCalls = (c: ts.Node) => {
        if (ts.isCallExpression(c) && ts.isIdentifier(c.expression) && c.expression.text === helper) {
          literalsOf(c.arguments[index]).forEach(note(sf, c));
        }
        ts.forEachChild(c, visitCalls);
      };
      visitCalls(sf);
      return;
    }
    literalsOf(value).forEach(note(sf, n));
  });
  return { codes, missing };
}

/** The request error codes: the keys of statusOfCode in src/lib/errors.ts. */
function errorCodes(): string[] {
  const sf = sources.find((s) => s.fileName.replace(/\\/g, '/') === 'src/lib/errors.ts')!;
  const out: string[] = [];
  visitAll((n, s) => {
    if (s !== sf || !ts.isVariableDeclaration(n) || n.name.getText(sf) !== 'statusOfCode' || !n.initializer || !ts.isObjectLiteralExpression(n.initializer)) return;
    for (const p of n.initializer.properties) out.push(propName(sf, p)!);
  });
  return out;
}

const languages = [createI18n('ja'), createI18n('en')];
const untranslated = (keys: (code: string) => string[], codes: Iterable<string>) =>
  [...codes].flatMap((code) => languages.filter((i) => !keys(code).some((k) => i.exists(k, { lng: i.language, fallbackLng: [] }))).map((i) => `${i.language}: ${code}`));

describe('server codes the console shows', () => {
  it('names every audit action and target type recorded in src/ in Japanese and English', () => {
    const { actions, targets, computed } = auditCodes();
    expect(computed, 'audit actions must be literals, so this test can see them').toEqual([]);
    expect(actions.size).toBeGreaterThan(40);
    expect(actions.has('inbound_message.held_accepted')).toBe(true);
    expect(untranslated((a) => [`admin2.audit.actions.${a}`], actions.keys())).toEqual([]);
    // The filter's kinds are the actions' prefixes.
    expect(untranslated((a) => [`admin2.audit.groups.${a.split('.')[0]}`], actions.keys())).toEqual([]);
    expect(untranslated((t) => [`admin2.audit.targets.${t}`], targets.keys())).toEqual([]);
  });

  it('has a Japanese and an English text for every field problem code in src/', () => {
    const { codes, missing } = problemCodes();
    expect(missing, 'problems shown by console forms need a code').toEqual([]);
    for (const c of ['window_end_before_start', 'delegate_self', 'token_expiry_past', 'password_common', 'no_targets', 'too_long']) expect(codes.has(c), c).toBe(true);
    // Objects such as { code: 'rate_limited', message } are request errors: the third test's.
    const requestErrors = new Set(errorCodes());
    expect(untranslated(problemKeys, [...codes.keys()].filter((c) => !requestErrors.has(c)))).toEqual([]);
  });

  it('has a Japanese and an English text for every request error code', () => {
    const codes = errorCodes();
    expect(codes).toContain('link_expired');
    expect(codes.filter((c) => !KNOWN_ERRORS.includes(c) && !ACCOUNT_ERRORS.includes(c))).toEqual([]);
    expect(untranslated((c) => [`errors.${c}`, `accounts.errors.${c}`], codes)).toEqual([]);
  });
});
