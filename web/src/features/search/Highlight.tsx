/** Text with the server's match ranges marked; the server sends no markup, React escapes the text. */
export function Highlight({ text, ranges }: { text: string; ranges: [number, number][] }) {
  const parts: { s: string; m: boolean }[] = [];
  let at = 0;
  for (const [a, b] of ranges) {
    if (a < at || b > text.length) continue;
    if (a > at) parts.push({ s: text.slice(at, a), m: false });
    parts.push({ s: text.slice(a, b), m: true });
    at = b;
  }
  if (at < text.length) parts.push({ s: text.slice(at), m: false });
  return <>{parts.map((p, i) => (p.m ? <mark key={i}>{p.s}</mark> : <span key={i}>{p.s}</span>))}</>;
}
