import DOMPurify from 'dompurify';
import { useMemo } from 'react';
import { MARKDOWN_ATTRIBUTES, MARKDOWN_TAGS, markdownToHtml } from '../../../../src/lib/markdown.js';

const ALLOWED_ATTR = [...new Set(Object.values(MARKDOWN_ATTRIBUTES).flat())];

/**
 * Markdown → HTML with the server's own configuration (src/lib/markdown.ts: no raw HTML, no
 * images, only http/https/mailto links), then DOMPurify with only the tags Markdown makes, and
 * every link forced to a new tab with rel="noopener noreferrer nofollow".
 */
export function renderMarkdownSafely(source: string): string {
  const html = markdownToHtml(source);
  DOMPurify.addHook('afterSanitizeAttributes', forceSafeLinks);
  try {
    return DOMPurify.sanitize(html, { ALLOWED_TAGS: MARKDOWN_TAGS, ALLOWED_ATTR, ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i });
  } finally {
    DOMPurify.removeHook('afterSanitizeAttributes');
  }
}

function forceSafeLinks(node: Element): void {
  if (node.tagName !== 'A') return;
  if (!node.getAttribute('href')) {
    node.removeAttribute('target');
    return;
  }
  node.setAttribute('target', '_blank');
  node.setAttribute('rel', 'noopener noreferrer nofollow');
}

/** A message's body: Markdown rendered (sanitised), or text exactly as written with its line breaks. */
export function MessageBody({ body, format }: { body: string; format: 'text' | 'markdown' }) {
  const html = useMemo(() => (format === 'markdown' ? renderMarkdownSafely(body) : null), [body, format]);
  if (html === null) return <div className="msg-body">{body}</div>;
  return <div className="msg-body msg-markdown" data-format="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
