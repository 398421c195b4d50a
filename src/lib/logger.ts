import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

export type { Logger };

/** Structured JSON logs on stdout (one line per event), as every log collector expects. */
export const createLogger = (level: LogLevel): Logger => pino({ level, base: { service: 'escalon' }, timestamp: pino.stdTimeFunctions.isoTime });
