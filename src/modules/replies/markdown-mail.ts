/**
 * A Markdown reply as mail: the HTML part is the shared rendering (src/lib/markdown.ts) run
 * through sanitize-html with only the tags Markdown makes; the text part is that HTML as plain
 * text (lists keep their bullets and numbers, links show their address), so it stays readable
 * in any mail reader.
 */
import { convert } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';
import { MARKDOWN_ATTRIBUTES, MARKDOWN_TAGS, markdownToHtml } from '../../lib/markdown.js';

export function markdownMailHtml(source: string): string {
  return sanitizeHtml(markdownToHtml(source), {
    allowedTags: MARKDOWN_TAGS,
    allowedAttributes: MARKDOWN_ATTRIBUTES,
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'escape',
    transformTags: { a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }) },
  });
}

export function markdownMailText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'h5', options: { uppercase: false } },
      { selector: 'h6', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
      // "the manual [https://…]": the address once, and not at all when the text is the address.
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['<', '>'] } },
    ],
  }).trim();
}
