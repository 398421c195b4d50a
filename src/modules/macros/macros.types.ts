/** Macros (issue 15 §2): canned replies with placeholders and optional field changes. */
export const MACRO_SCOPES = ['personal', 'shared'] as const;
export type MacroScope = (typeof MACRO_SCOPES)[number];
export const MACRO_LANGUAGES = ['ja', 'en'] as const;
export type MacroLanguage = (typeof MACRO_LANGUAGES)[number];

/** The ticket field changes a macro may carry (the shape of a bulk change, without assignee). */
export interface MacroChanges {
  status?: string;
  priority?: string;
  teamId?: string | null;
  addTags?: string[];
  removeTags?: string[];
}

export interface MacroInput {
  name?: string;
  bodyJa?: string;
  bodyEn?: string;
  changes?: MacroChanges;
  scope?: MacroScope;
}
