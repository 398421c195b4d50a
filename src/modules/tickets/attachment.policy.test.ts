import { describe, expect, it } from 'vitest';
import { isPreviewable, sniffContentType, typeAllowed } from './attachment.policy.js';

const bytes = (s: string | number[]) => (typeof s === 'string' ? new TextEncoder().encode(s) : Uint8Array.from(s));

describe('attachment types', () => {
  it('keeps a short Japanese text file as text, and a head cut inside a character too', () => {
    const ja = new TextEncoder().encode('1. 電源を切る\n2. 10 秒待つ\n');
    expect(sniffContentType(ja, 'text/plain')).toBe('text/plain');
    expect(sniffContentType(ja, '')).toBe('text/plain');
    expect(sniffContentType(ja.subarray(0, ja.length - 1), 'text/plain')).toBe('text/plain');
    expect(sniffContentType(new Uint8Array([0x41, 0xff, 0x41]), 'text/plain')).toBe('application/octet-stream');
  });

  it('takes the type from the bytes, not from what the browser said', () => {
    expect(sniffContentType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'application/octet-stream')).toBe('image/png');
    expect(sniffContentType(bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/png')).toBe('image/jpeg');
    expect(sniffContentType(bytes('%PDF-1.7'), 'text/plain')).toBe('application/pdf');
    expect(sniffContentType(bytes('GIF89a..'), '')).toBe('image/gif');
  });
  it('names markup as HTML or SVG whatever it claims to be, so it is never shown inline', () => {
    expect(sniffContentType(bytes('<html><script>alert(1)</script>'), 'image/png')).toBe('text/html');
    expect(sniffContentType(bytes('\uFEFF  <!DOCTYPE html><p>x'), 'text/plain')).toBe('text/html');
    expect(sniffContentType(bytes('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'), 'image/png')).toBe('image/svg+xml');
    expect(isPreviewable('image/svg+xml')).toBe(false);
    expect(isPreviewable('text/html')).toBe(false);
  });
  it('does not believe an image, PDF or ZIP whose bytes are not one; keeps Office types on their containers', () => {
    expect(sniffContentType(bytes('just text'), 'image/png')).toBe('application/octet-stream');
    expect(sniffContentType(bytes('just text'), 'application/pdf')).toBe('application/octet-stream');
    expect(sniffContentType(bytes([0x50, 0x4b, 0x03, 0x04, 1]), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(sniffContentType(bytes([0x50, 0x4b, 0x03, 0x04, 1]), 'image/png')).toBe('application/zip');
    expect(sniffContentType(bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'application/msword')).toBe('application/msword');
    expect(sniffContentType(bytes([0x4d, 0x5a, 0x90, 0]), 'application/pdf')).toBe('application/x-msdownload');
  });
  it('keeps text as text (Japanese included) and unknown binary as octet-stream', () => {
    expect(sniffContentType(bytes('手順: 電源を切る'), 'application/octet-stream')).toBe('text/plain');
    expect(sniffContentType(bytes('a,b\n1,2'), 'text/csv; charset=utf-8')).toBe('text/csv');
    expect(sniffContentType(bytes([0, 1, 2, 3]), 'text/plain')).toBe('application/octet-stream');
  });
  it('matches allowed types, patterns and *', () => {
    const allowed = ['image/*', 'application/pdf', 'application/vnd.openxmlformats-officedocument.*'];
    expect(typeAllowed('image/webp', allowed)).toBe(true);
    expect(typeAllowed('application/pdf', allowed)).toBe(true);
    expect(typeAllowed('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', allowed)).toBe(true);
    expect(typeAllowed('text/html', allowed)).toBe(false);
    expect(typeAllowed('text/html', ['*'])).toBe(true);
  });
});
