export const ROLES = ['agent', 'specialist', 'supervisor', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Who is making a request, resolved once by the auth hook. */
export interface Principal {
  userId: string;
  role: Role;
  locale: Locale;
  timeZone: string;
  name: string;
  email: string;
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
}
