import sanitizeHtml from 'sanitize-html';

/**
 * HTML of inbound mail, made safe to show inside the console.
 *
 * Rules:
 * - No scripts, styles, forms, frames, objects, SVG or MathML; no `on*` handlers and no `style`
 *   attributes (CSS can load remote URLs and overlay the console). Only http, https, mailto and
 *   tel links, never protocol-relative; links open in a new tab with `noopener noreferrer nofollow`.
 * - Remote images are blocked, never fetched by the viewer's browser (they leak that and when the
 *   mail was read): an image with an http(s) source becomes a link "[image: alt]" the agent may
 *   open on purpose; 0×0 / 1×1 images (tracking pixels) are dropped.
 * - Inline images (`cid:`) keep a placeholder `src="cid:<content-id>"` when the mail carries that
 *   part; the presenter swaps it for the attachment's URL with `resolveCidReferences`. A `cid:`
 *   that names no part is dropped.
 * - `data:` images are kept only for raster types (png, gif, jpeg, webp): they load nothing remote.
 */
export function sanitizeEmailHtml(html: string, knownContentIds: ReadonlySet<string>): string {
  const clean = sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center'],
    disallowedTagsMode: 'discard',
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'xml'],
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      table: ['width', 'border', 'cellpadding', 'cellspacing'],
      col: ['span', 'width'],
      ol: ['start', 'type'],
      '*': ['dir', 'lang', 'align'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'cid', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    parseStyleAttributes: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: attribs.href
          ? { ...pick(attribs, ['href', 'title']), target: '_blank', rel: 'noopener noreferrer nofollow' }
          : pick(attribs, ['title']),
      }),
      // A void element cannot be given text here (sanitize-html would swallow what follows), so
      // images are only normalised now and replaced after sanitising, in `replaceImages`.
      img: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, src: normaliseImageSource(attribs.src ?? '', knownContentIds) },
      }),
    },
  });
  return replaceImages(clean);
}

const RASTER_DATA_URL = /^data:image\/(png|gif|jpe?g|webp);base64,[a-z0-9+/=\s]+$/i;

/** `cid:` kept only for parts the mail carries; data: only for raster images; else unchanged. */
function normaliseImageSource(src: string, knownContentIds: ReadonlySet<string>): string {
  const trimmed = src.trim();
  if (/^cid:/i.test(trimmed)) {
    const cid = decodeCid(trimmed);
    return cid !== null && knownContentIds.has(cid) ? `cid:${cid}` : '';
  }
  if (/^data:/i.test(trimmed)) return RASTER_DATA_URL.test(trimmed) ? trimmed : '';
  return trimmed;
}

/**
 * Runs on sanitised output (attributes double-quoted and escaped): remote images become links,
 * tracking pixels and images without a usable source disappear (their alt text stays).
 */
function replaceImages(html: string): string {
  return html.replace(/<img\b[^>]*>/gi, (tag) => {
    const attr = (name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)?.[1];
    const src = attr('src') ?? '';
    const alt = attr('alt') ?? '';
    if (/^(cid|data):/i.test(src)) return tag;
    if (/^https?:\/\//i.test(src)) {
      if (isTiny(attr('width')) || isTiny(attr('height'))) return '';
      return `<a href="${src}" target="_blank" rel="noopener noreferrer nofollow" title="Remote image (blocked)">[image${alt ? `: ${alt}` : ''}]</a>`;
    }
    return alt ? `[${alt}]` : '';
  });
}

const isTiny = (v: string | undefined): boolean => v !== undefined && /^\s*[01]\s*(px)?\s*$/i.test(v);

function pick(attribs: sanitizeHtml.Attributes, names: string[]): sanitizeHtml.Attributes {
  const out: sanitizeHtml.Attributes = {};
  for (const name of names) {
    const value = attribs[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** `cid:part1.abc%40example.com` → `part1.abc@example.com` (RFC 2392 URLs are %-encoded). */
export function decodeCid(src: string): string | null {
  const raw = src.replace(/^cid:/i, '').trim().replace(/^<|>$/g, '');
  if (raw === '') return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Swaps the `cid:` placeholders of sanitised HTML for URLs the app serves (or drops the image
 * when `resolve` returns null). Runs on already-sanitised HTML, so it only touches `src` values.
 */
export function resolveCidReferences(html: string, resolve: (contentId: string) => string | null): string {
  return html.replace(/<img\b[^>]*>/gi, (tag) => {
    const match = /\ssrc="cid:([^"]*)"/i.exec(tag);
    if (!match) return tag;
    const url = resolve(decodeHtmlAttribute(match[1] ?? ''));
    return url === null ? '' : tag.replace(match[0], ` src="${escapeHtmlAttribute(url)}"`);
  });
}

function decodeHtmlAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function escapeHtmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
