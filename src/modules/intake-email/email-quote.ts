/**
 * Folds the quoted history out of a reply so the timeline shows what the customer wrote now.
 *
 * Rules (top-posting is the norm in support mail, inline answers must survive):
 * - From the first reply header onward everything is folded: "On … wrote:" (also wrapped over
 *   two lines), Japanese "2026年1月5日 … のメッセージ:" / "… 書きました:" / Gmail's
 *   "2026年1月5日(月) 10:00 山田 <a@b>:", Outlook's "-----Original Message-----" /
 *   "-----元のメッセージ-----", and an Outlook "From:/差出人:" line followed within four lines by
 *   "Sent:/Date:/送信日時:/日付:" (with the "____" rule above it, if any).
 * - A header followed only by `>` lines (bottom-posting or inline answers after it) is not a cut
 *   point when non-quoted text follows the quote: the customer answered below or in between.
 * - A trailing run of `>` lines (blank lines allowed) is folded.
 * - `>` lines in the middle of new text are kept (inline answers need their context).
 * - Forwarded messages ("---------- Forwarded message ---------") are not folded: for support the
 *   forwarded content is usually the problem report.
 * - If folding would leave nothing visible, nothing is folded.
 */
export interface FoldedText {
  visibleText: string;
  quotedText: string;
}

const ATTRIBUTION_EN = /^\s*On\s.{1,400}\swrote:\s*$/i;
const ATTRIBUTION_JA = /^\s*\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}.{0,400}[:：]\s*$/;
const ATTRIBUTION_JA_SUFFIX = /(のメッセージ|のメール|書きました|wrote)\s*[:：]\s*$/;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(Original Message|元のメッセージ|オリジナル\s*メッセージ)\s*-{2,}\s*$/i;
const OUTLOOK_FROM = /^\s*\*?(From|差出人|送信者)\s*\*?\s*[:：]\s*\S/i;
const OUTLOOK_SENT = /^\s*\*?(Sent|Date|送信日時|日付|送信日)\s*\*?\s*[:：]\s*\S/i;
const UNDERSCORE_RULE = /^\s*_{10,}\s*$/;
const QUOTED = /^\s*>/;
const FORWARDED =
  /^\s*(-{2,}\s*(Forwarded message|転送されたメッセージ|転送メッセージ)\s*-{2,}|Begin forwarded message:|-{2,}\s*Forwarded by)/i;

export function foldQuotedText(text: string): FoldedText {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = findCut(lines);
  if (cut === null) return { visibleText: text.trim(), quotedText: '' };
  const visibleText = lines.slice(0, cut).join('\n').trim();
  if (visibleText === '') return { visibleText: text.trim(), quotedText: '' };
  return { visibleText, quotedText: lines.slice(cut).join('\n').trim() };
}

function findCut(lines: string[]): number | null {
  for (let i = 0; i < lines.length; i++) {
    if (FORWARDED.test(lines[i] ?? '')) return null;
    const headerLength = replyHeaderAt(lines, i);
    if (headerLength === 0) continue;
    if (answeredBelowQuote(lines, i + headerLength)) continue;
    return i > 0 && UNDERSCORE_RULE.test(lines[i - 1] ?? '') ? i - 1 : i;
  }
  return trailingQuoteStart(lines);
}

/** The number of lines of a reply header starting at `i`, or 0 when none starts there. */
function replyHeaderAt(lines: string[], i: number): number {
  const line = lines[i] ?? '';
  if (QUOTED.test(line)) return 0;
  if (ORIGINAL_MESSAGE.test(line)) return 1;
  if (isAttribution(line)) return 1;
  const next = lines[i + 1];
  // "On Mon, 5 Jan 2026 at 10:00, Taro Yamada <taro@example.com>\nwrote:" (wrapped by the client)
  if (next !== undefined && /^\s*On\s/i.test(line) && isAttribution(`${line} ${next.trim()}`)) return 2;
  if (OUTLOOK_FROM.test(line)) {
    for (let j = i + 1; j <= i + 4 && j < lines.length; j++)
      if (OUTLOOK_SENT.test(lines[j] ?? '')) return j - i + 1;
  }
  return 0;
}

function isAttribution(line: string): boolean {
  if (ATTRIBUTION_EN.test(line)) return true;
  if (!ATTRIBUTION_JA.test(line)) return false;
  // A date-led line ending in a colon is an attribution when it names the author (an address or
  // the "のメッセージ" / "書きました" suffix); a bare "2026年1月5日:" in a letter is not.
  return ATTRIBUTION_JA_SUFFIX.test(line) || /<[^<>\s]+@[^<>\s]+>\s*[:：]\s*$/.test(line);
}

/** True when the lines after a header hold a `>` quote followed by new, non-quoted text. */
function answeredBelowQuote(lines: string[], from: number): boolean {
  let sawQuote = false;
  for (let j = from; j < lines.length; j++) {
    const line = lines[j] ?? '';
    if (line.trim() === '') continue;
    if (QUOTED.test(line)) {
      sawQuote = true;
      continue;
    }
    return sawQuote;
  }
  return false;
}

function trailingQuoteStart(lines: string[]): number | null {
  let start: number | null = null;
  for (let j = lines.length - 1; j >= 0; j--) {
    const line = lines[j] ?? '';
    if (line.trim() === '') continue;
    if (!QUOTED.test(line)) break;
    start = j;
  }
  return start;
}
