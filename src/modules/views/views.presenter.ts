import { Type, type Static } from '@sinclair/typebox';
import type { Selectable } from 'kysely';
import { parseJson } from '../../db/database.js';
import type { SavedViewsTable } from '../../db/schema.js';
import { Nullable, OneOf, Timestamp, iso } from '../../http/schemas.js';
import { TicketListFilters } from '../tickets/index.js';
import { VIEW_COLUMNS, VIEW_COUNT_CAP, VIEW_SCOPES, VIEW_SORTS } from './views.types.js';

export const ViewColumns = Type.Array(OneOf(VIEW_COLUMNS), { maxItems: VIEW_COLUMNS.length, uniqueItems: true });

export const SavedView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  filters: TicketListFilters,
  sort: Nullable(OneOf(VIEW_SORTS)),
  columns: ViewColumns,
  scope: OneOf(VIEW_SCOPES),
  ownerId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type SavedView = Static<typeof SavedView>;

export const ViewCounts = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), count: Type.Integer({ description: `tickets the caller sees, at most ${VIEW_COUNT_CAP}` }), more: Type.Boolean({ description: 'more tickets than count' }) })),
});

export const presentView = (r: Selectable<SavedViewsTable>): SavedView => ({
  id: r.id,
  name: r.name,
  filters: parseJson<SavedView['filters']>(r.filters, {}),
  sort: (r.sort as SavedView['sort']) ?? null,
  columns: parseJson<SavedView['columns']>(r.columns, []),
  scope: r.scope as SavedView['scope'],
  ownerId: r.owner_id,
  createdAt: iso(Number(r.created_at))!,
  updatedAt: iso(Number(r.updated_at))!,
});
