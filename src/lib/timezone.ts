import { IANAZone } from 'luxon';

export const isValidTimeZone = (tz: string): boolean => IANAZone.isValidZone(tz);
