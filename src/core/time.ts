import { DateTime, IANAZone } from 'luxon';

/** Dates for a person or workspace use their IANA zone, never the server's. */

// Checking a zone builds an Intl formatter, which is slow; the answers never change while running.
const zoneValidity = new Map<string, boolean>();

export function isValidTimeZone(tz: string | null | undefined): tz is string {
  if (!tz) return false;
  let valid = zoneValidity.get(tz);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(tz);
    if (zoneValidity.size < 1000) zoneValidity.set(tz, valid);
  }
  return valid;
}

export function safeZone(tz: string | null | undefined, fallback = 'UTC'): string {
  return isValidTimeZone(tz) ? tz : isValidTimeZone(fallback) ? fallback : 'UTC';
}

/** The calendar day ('YYYY-MM-DD') that `at` falls on in `tz`. */
export function localDay(at: Date, tz: string): string {
  const zone = safeZone(tz);
  let format = DAY_FORMATS.get(zone);
  if (!format) {
    // Asked on every give: one formatter per zone, reused (building one is the expensive part).
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    DAY_FORMATS.set(zone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(at)) parts[p.type] = p.value;
  return `${parts.year.padStart(4, '0')}-${parts.month}-${parts.day}`;
}

const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The instant the local day containing `at` began in `tz`. */
export function startOfLocalDay(at: Date, tz: string): Date {
  return DateTime.fromJSDate(at, { zone: safeZone(tz) }).startOf('day').toJSDate();
}

/** The instant the local ISO week (Monday 00:00) containing `at` began in `tz`. */
export function startOfLocalWeek(at: Date, tz: string): Date {
  return DateTime.fromJSDate(at, { zone: safeZone(tz) }).startOf('week').toJSDate();
}

export function addMinutes(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * 60_000);
}
