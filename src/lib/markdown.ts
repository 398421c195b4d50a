/**
 * Markdown of agents' replies and notes → HTML, one configuration for the server (the HTML part
 * of reply mail) and the console (timeline and preview import this file too), so what the agent
 * previews is what the customer receives. Pure and browser-safe: no Node APIs here.
 *
 * Safety is in the parser's configuration and again in a sanitiser on each side (sanitize-html
 * for mail, DOMPurify in the console):
 * - raw HTML in the source is text (`html: false`): `<script>` shows as written;
 * - images are not parsed (a remote image would tell its owner when the mail was read);
 * - only http, https and mailto links become links (no javascript:, data:, vbscript:, file:);
 *   every link opens in a new tab with rel="noopener noreferrer nofollow";
 * - single line breaks are kept (`breaks`), as agents write replies like plain text.
 */
import MarkdownIt from 'markdown-it';

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
  md.disable('image');
  md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
  const renderToken = md.renderer.renderToken.bind(md.renderer);
  md.renderer.rules.link_open = (tokens, idx, options) => {
    const token = tokens[idx]!;
    token.attrSet('target', '_blank');
    token.attrSet('rel', 'noopener noreferrer nofollow');
    return renderToken(tokens, idx, options);
  };
  return md;
}

let instance: MarkdownIt | null = null;

/** HTML of a Markdown body (not yet sanitised: each side runs its own sanitiser over it). */
export function markdownToHtml(source: string): string {
  instance ??= createMarkdown();
  return instance.render(source);
}

/** Tags and attributes the rendered Markdown may use; both sanitisers allow exactly these. */
export const MARKDOWN_TAGS = ['p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
// No style attributes (table alignment is lost): CSS can overlay the console or load remote URLs.
export const MARKDOWN_ATTRIBUTES: Record<string, string[]> = { a: ['href', 'target', 'rel'], ol: ['start'] };
