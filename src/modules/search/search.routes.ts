import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { OneOf, errorResponses } from '../../http/schemas.js';
import { invalid } from '../../lib/errors.js';
import { SearchResultView } from './search.presenter.js';
import { SEARCH_TYPES } from './search.types.js';

const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

function date(field: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw invalid([{ field, message: 'must be a date (2026-12-02) or an ISO-8601 instant', code: 'invalid_date_or_instant' }]);
  return ms;
}

export function searchRoutes(app: AppInstance): void {
  app.get(
    '/api/v1/search',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['search'],
        summary: 'Search tickets, messages, escalations, customers, incidents and articles',
        description:
          'Words are ANDed; Japanese is matched by character pairs, so 期限 finds 期限切れ; "quoted text" is a phrase; -word excludes. ' +
          'Widths and case are folded (ｶﾅ = カナ, ＥＵＣ = EUC). A one-character query looks through the newest documents only (mode: scan). ' +
          'Tickets the caller may not see are left out, as in the lists.',
        querystring: Type.Object(
          {
            q: Type.String({ minLength: 1, maxLength: 200 }),
            type: Type.Optional(OneOf(SEARCH_TYPES)),
            status: Type.Optional(Type.String({ maxLength: 200, description: 'comma-separated ticket statuses' })),
            team: Type.Optional(Type.String({ maxLength: 2000, description: 'comma-separated team ids' })),
            customer: Type.Optional(Type.String({ format: 'uuid' })),
            from: Type.Optional(Type.String({ maxLength: 40, description: 'written at or after (date or instant)' })),
            to: Type.Optional(Type.String({ maxLength: 40, description: 'written before (date or instant)' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: SearchResultView, ...errorResponses },
      },
    },
    (req) => {
      const q = req.query;
      return app.deps.search.search(req.principal, {
        q: q.q,
        filters: { type: q.type, status: list(q.status), teamId: list(q.team), customerId: q.customer, from: date('from', q.from), to: date('to', q.to) },
        limit: q.limit ?? 20,
        cursor: q.cursor,
      });
    },
  );
}
