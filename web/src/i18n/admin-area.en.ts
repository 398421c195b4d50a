/** The en messages of administration and the supervisor board (under 'admin2.'): loaded with those areas (language.ts). */
import { adminEn } from './admin.en.js';

export const messages = { admin2: adminEn };
