import { describe, expect, it } from 'vitest';
import { markdownToHtml } from './markdown.js';

describe('Markdown of replies and notes', () => {
  it('renders bold, lists, code and links, keeping single line breaks', () => {
    const html = markdownToHtml('**bold** and *it*\nnext line\n\n- one\n- two\n\n1. first\n\n`code`\n\n[guide](https://help.example/a)');
    expect(html).toContain('<strong>bold</strong> and <em>it</em><br>\nnext line');
    expect(html).toContain('<ul>\n<li>one</li>');
    expect(html).toContain('<ol>\n<li>first</li>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<a href="https://help.example/a" target="_blank" rel="noopener noreferrer nofollow">guide</a>');
  });
  it('keeps raw HTML as text, links only to http, https and mailto, and loads no images', () => {
    const html = markdownToHtml('<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](data:text/html,x) [c](vbscript:x) [d](mailto:hana@aozora.example)\n\n![pixel](https://tracker.example/p.gif)');
    expect(html).not.toMatch(/<script|<img|href="javascript|href="data|href="vbscript/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('href="mailto:hana@aozora.example"');
  });
});
