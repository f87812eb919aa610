/**
 * Whether a string that starts with YYYY-MM-DD names a day that exists. JavaScript's Date rolls
 * 2025-02-30 over to March 2nd without a word, so an event dated that way would be stored on a
 * day its sender never meant; it is refused instead.
 */
export function isCalendarDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Every month has days 1-28; only later days need the calendar (this runs once per ingested event).
  if (month >= 1 && month <= 12 && day >= 1 && day <= 28) return true;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
