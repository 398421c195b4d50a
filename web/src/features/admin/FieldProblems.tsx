import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError, problemField, type Problem } from '../../api/client.js';
import { problemKeys } from '../../components/ErrorMessage.js';

/** A problem's field in one notation: `levels[0].name` (the schema says `levels.0.name`). */
export const normaliseField = (p: Problem): string => problemField(p).replace(/\.(\d+)(?=\.|$)/g, '[$1]');

/** The problems of a failed save, or none. */
export const problemsOf = (error: unknown): Problem[] => (error instanceof ApiError ? error.problems : []);

/** What is wrong, in the reader's language when the server sent a code; else its own words. */
export function describeProblem(p: Problem, t: TFunction): string {
  const { code, params } = p as Problem & { code?: unknown; params?: Record<string, unknown> };
  if (typeof code === 'string') return t(problemKeys(code), { ...params, defaultValue: p.message, interpolation: { escapeValue: false } });
  return t('admin2.problem.other', { message: p.message, interpolation: { escapeValue: false } });
}

/**
 * The problems that belong to one field (or, with `prefix`, to everything under it), shown
 * next to that field.
 */
export function FieldProblems({ problems, field, prefix = false }: { problems: Problem[]; field: string; prefix?: boolean }) {
  const { t } = useTranslation();
  const mine = problems.filter((p) => {
    const f = normaliseField(p);
    return f === field || (prefix && (f.startsWith(`${field}.`) || f.startsWith(`${field}[`)));
  });
  if (!mine.length) return null;
  return (
    <ul className="field-problems" role="alert">
      {mine.map((p, i) => (
        <li key={i}>{describeProblem(p, t)}</li>
      ))}
    </ul>
  );
}
