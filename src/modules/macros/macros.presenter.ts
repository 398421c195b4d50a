import { Type, type Static } from '@sinclair/typebox';
import type { Selectable } from 'kysely';
import { parseJson } from '../../db/database.js';
import type { MacrosTable } from '../../db/schema.js';
import { Nullable, OneOf, Timestamp, iso } from '../../http/schemas.js';
import { PrioritySchema, StatusSchema } from '../tickets/index.js';
import { MACRO_LANGUAGES, MACRO_SCOPES, type MacroChanges } from './macros.types.js';

const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50 });

export const MacroChangesSchema = Type.Object(
  {
    status: Type.Optional(StatusSchema),
    priority: Type.Optional(PrioritySchema),
    teamId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
    addTags: Type.Optional(Tags),
    removeTags: Type.Optional(Tags),
  },
  { additionalProperties: false, description: 'ticket field changes the macro makes when applied' },
);

export const MacroView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  bodyJa: Type.String(),
  bodyEn: Type.String(),
  changes: MacroChangesSchema,
  scope: OneOf(MACRO_SCOPES),
  ownerId: Nullable(Type.String()),
  createdBy: Nullable(Type.String()),
  updatedBy: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type MacroView = Static<typeof MacroView>;

export const AppliedMacroView = Type.Object({
  macroId: Type.String(),
  ticketId: Type.String(),
  language: OneOf(MACRO_LANGUAGES),
  text: Type.String({ description: 'the reply text with the placeholders filled in (plain text, for the composer)' }),
  html: Type.String({ description: 'the same text rendered with HTML escaping (as notification templates are)' }),
  changes: MacroChangesSchema,
  applied: Type.Boolean({ description: 'whether the changes were made on the ticket now (applyChanges: true)' }),
  ticketVersion: Type.Integer(),
});
export type AppliedMacroView = Static<typeof AppliedMacroView>;

export const presentMacro = (r: Selectable<MacrosTable>): MacroView => ({
  id: r.id,
  name: r.name,
  bodyJa: r.body_ja,
  bodyEn: r.body_en,
  changes: parseJson<MacroChanges>(r.changes, {}) as MacroView['changes'],
  scope: r.scope as MacroView['scope'],
  ownerId: r.owner_id,
  createdBy: r.created_by,
  updatedBy: r.updated_by,
  createdAt: iso(Number(r.created_at))!,
  updatedAt: iso(Number(r.updated_at))!,
});
