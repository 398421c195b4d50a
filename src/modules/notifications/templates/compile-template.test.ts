import { describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/errors.js';
import { compileTemplate, MAX_TEMPLATE_CHARS } from './compile-template.js';

/** The validation problem compileTemplate throws for `source`. */
const problemOf = (source: string, mode: 'html' | 'text' = 'html') => {
  try {
    compileTemplate(source, mode);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('validation_failed');
    const problems = (
      (err as AppError).details as {
        problems: { field: string; message: string; line?: number; column?: number }[];
      }
    ).problems;
    expect(problems).toHaveLength(1);
    return problems[0]!;
  }
  throw new Error('expected a validation error');
};

describe('compileTemplate', () => {
  it('escapes HTML in html mode and not in text mode', () => {
    const data = { name: '<b>Tom & Jerry</b>' };
    expect(compileTemplate('Hi {{name}}', 'html')(data)).toBe('Hi &lt;b&gt;Tom &amp; Jerry&lt;/b&gt;');
    expect(compileTemplate('Hi {{name}}', 'text')(data)).toBe('Hi <b>Tom & Jerry</b>');
  });

  it('reports the line and column of an unclosed tag at save time', () => {
    const p = problemOf('Hello {{recipient.name}},\n\nTicket {{ticket.number\nThanks');
    expect(p).toMatchObject({ field: 'template', line: 3 });
    expect(p.message).toMatch(/^line 3, column \d+: /);
  });

  it('reports an unexpected token with its position', () => {
    const p = problemOf('one\ntwo {{ticket.number}}}');
    expect(p.line).toBe(2);
    // `{{ticket.number` is closed by `}}}`, the triple-stash closer, at column 20.
    expect(p.column).toBe(20);
    expect(p.message).toBe("line 2, column 20: unexpected '}}}'");
  });

  it('reports mismatched blocks and blocks left open', () => {
    expect(problemOf('a\nb\n{{#if x}}\n{{/each}}').message).toBe("line 3, column 4: if doesn't match each");
    expect(problemOf('{{#if x}}\nyes').message).toMatch(
      /^line 2, column \d+: the template ends before a block is closed$/,
    );
    expect(problemOf('a\nb {{!-- never closed').message).toMatch(/^line 2, column 3: unrecognised text/);
  });

  it('refuses unknown helpers and partials, with their position', () => {
    expect(problemOf('ok\n  {{shout recipient.name}}').message).toBe(
      "line 2, column 3: unknown helper 'shout'",
    );
    expect(problemOf('x\n{{#each items}}{{> row}}{{/each}}').message).toMatch(/^line 2, column 16: partials/);
  });

  it('offers datetime (recipient locale and zone from the root) and eq helpers', () => {
    const render = compileTemplate(
      '{{datetime at}}|{{#if (eq a "x")}}yes{{/if}}|{{datetime missing}}',
      'text',
    );
    expect(render({ locale: 'ja', timeZone: 'Asia/Tokyo', at: Date.UTC(2026, 0, 5, 9, 30), a: 'x' })).toBe(
      '2026年1月5日(月) 18:30 JST|yes|',
    );
  });

  it('refuses templates that are too large', () => {
    expect(problemOf('x'.repeat(MAX_TEMPLATE_CHARS + 1)).message).toMatch(/longer than/);
  });

  it('does not give templates access to prototypes', () => {
    expect(compileTemplate('{{constructor.name}}', 'text')({})).toBe('');
  });
});

describe('compileTemplate: unescaped output of text people write', () => {
  it('refuses {{{ }}} and {{& }} of customer-controlled fields in HTML templates, naming the fix', () => {
    for (const src of ['<p>{{{ticket.subject}}}</p>', '{{& escalation.ask}}', '{{#each items}}{{{summary}}}{{/each}}', '{{#with ticket}}{{{subject}}}{{/with}}', '{{#with ticket.subject as |url|}}{{{url}}}{{/with}}', '{{{lookup ticket "subject"}}}', '{{#with ticket.subject}}{{{this}}}{{/with}}']) {
      const p = problemOf(src);
      expect(p.field, src).toBe('template');
      expect(p.message, src).toMatch(/without escaping it; write \{\{/);
    }
    expect(problemOf('Hi\n  {{{ticket.subject}}}')).toMatchObject({ line: 2, column: 3 });
    expect(problemOf('{{{ticket.subject}}}').message).toContain('write {{ticket.subject}} instead');
  });

  it('still allows unescaped server-made values (links, numbers, dates) and any field in text mode', () => {
    const data = { ticket: { url: 'https://x.example/t/1?a=1&b=2', number: 7, subject: '<b>s</b>' } };
    expect(compileTemplate('<a href="{{{ticket.url}}}">#{{{ticket.number}}}</a>', 'html')(data)).toBe('<a href="https://x.example/t/1?a=1&b=2">#7</a>');
    expect(compileTemplate('{{{ticket.subject}}}', 'text')(data)).toBe('<b>s</b>');
    expect(() => compileTemplate('{{{datetime escalation.dueAtMs}}}', 'html')).not.toThrow();
  });
});
