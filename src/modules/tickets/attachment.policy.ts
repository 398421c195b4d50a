/**
 * Pure rules of attachments: what a file really is (its first bytes, not the browser's word),
 * which types agents may upload, and which may be shown inline (raster images only — HTML and
 * SVG can run script, so they are always downloaded, never rendered).
 */

/** Bytes read from the start of a file to sniff its type. */
export const SNIFF_BYTES = 512;

/** Shown inline (thumbnails, lightbox): raster images whose bytes say so. */
export const PREVIEW_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Containers that other formats are built on: the declared type is kept when it is one of them. */
const ZIP_BASED = /^application\/(zip|epub\+zip|vnd\.openxmlformats-officedocument\..+|vnd\.oasis\.opendocument\..+|java-archive)$/;
const OLE_BASED = /^application\/(msword|vnd\.ms-excel|vnd\.ms-powerpoint|vnd\.ms-outlook|x-msi)$/;

function magic(b: Uint8Array): string | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(b, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-ole-storage';
  if (startsWith(b, [0x1f, 0x8b])) return 'application/gzip';
  if (startsWith(b, [0x4d, 0x5a])) return 'application/x-msdownload';
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return 'application/x-executable';
  return null;
}

/** Markup a browser would render (and run): HTML or SVG, however the file is named. */
function markup(b: Uint8Array): string | null {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (/^<svg[\s>]/.test(head) || (head.startsWith('<?xml') && head.includes('<svg'))) return 'image/svg+xml';
  if (/^<(!doctype html|html|head|body|script|iframe|div|a |img|style|meta|title)[\s>]/.test(head)) return 'text/html';
  return null;
}

/** No NUL and valid UTF-8 (a cut multi-byte character at the end is allowed). */
function looksText(b: Uint8Array): boolean {
  if (b.includes(0)) return false;
  try {
    // stream: an incomplete character at the very end (the sniffed head cut a file) is held back,
    // not an error; cutting bytes off instead broke a short file's last character.
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The type a file is stored and served as. Bytes win: a PNG is image/png whatever was declared,
 * HTML or SVG is named as such (and so refused or downloaded, never shown); a declared image or
 * PDF whose bytes are not one becomes application/octet-stream.
 */
export function sniffContentType(head: Uint8Array, declared: string): string {
  const d = declared.split(';')[0]!.trim().toLowerCase();
  const m = magic(head);
  if (m === 'application/zip') return ZIP_BASED.test(d) ? d : m;
  if (m === 'application/x-ole-storage') return OLE_BASED.test(d) ? d : 'application/octet-stream';
  if (m) return m;
  const mk = markup(head);
  if (mk) return mk;
  if (d.startsWith('image/') || d === 'application/pdf' || d === 'application/zip') return 'application/octet-stream';
  if (d === '' || d === 'application/octet-stream') return looksText(head) ? 'text/plain' : 'application/octet-stream';
  if (d.startsWith('text/') && !looksText(head)) return 'application/octet-stream';
  return d;
}

/** `type/*`, exact types, a trailing `*` (vnd.openxmlformats-officedocument.*), or `*`. */
export function typeAllowed(contentType: string, allowed: readonly string[]): boolean {
  const t = contentType.toLowerCase();
  return allowed.some((p) => p === '*' || p === t || (p.endsWith('*') && t.startsWith(p.slice(0, -1))));
}

export const isPreviewable = (contentType: string): boolean => (PREVIEW_TYPES as readonly string[]).includes(contentType);
