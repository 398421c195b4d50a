import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORTS } from './reports.registry.js';

/** The README's report definitions are the registry's words (the console's help shows the same), so they cannot drift apart. */
describe('report definitions in the README', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
  it.each(REPORTS.map((r) => [r.name, r] as const))('%s is listed with its title, group-bys, drill-down and definition', (_name, r) => {
    const line = `- **\`${r.name}\`** — ${r.title.en} (${r.title.ja}); group by ${r.groupBys.map((g) => `\`${g}\``).join(', ')}; drills to ${r.drills}. ${r.definition.en}`;
    expect(readme).toContain(line);
  });
  it('gives every report a Japanese and an English title and definition', () => {
    for (const r of REPORTS) for (const lang of ['ja', 'en'] as const) expect(r.definition[lang].length, `${r.name} ${lang}`).toBeGreaterThan(20);
  });
});
