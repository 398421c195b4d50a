import type { Locale, Role } from '../auth/auth.types.js';

export const AVAILABILITY = ['available', 'busy', 'away', 'off'] as const;
export type Availability = (typeof AVAILABILITY)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  timeZone: string;
  availability: Availability;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}
