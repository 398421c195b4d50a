/** The ja messages of administration and the supervisor board (under 'admin2.'): loaded with those areas (language.ts). */
import { adminJa } from './admin.ja.js';

export const messages = { admin2: adminJa };
