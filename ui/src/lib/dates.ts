// Date helpers in the laptop's own zone.

/** Today as YYYY-MM-DD in the laptop's zone. */
export function todayLocal(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** The laptop's IANA zone, e.g. "America/New_York". */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** "Mon 2 Dec 2026" for a YYYY-MM-DD date, without shifting it through UTC. */
export function formatDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  return new Date(y, m - 1, d).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

/** An RFC 3339 instant formatted in the laptop's zone; the text itself if it is not one. */
function formatAt(rfc3339: string, format: (when: Date) => string): string {
  const when = new Date(rfc3339);
  return Number.isNaN(when.getTime()) ? rfc3339 : format(when);
}

/** "09:30" in the laptop's zone for an RFC 3339 instant. */
export const formatTime = (rfc3339: string): string =>
  formatAt(rfc3339, (when) => when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }));

/** "2 Dec 2026" in the laptop's zone for an RFC 3339 instant. */
export const formatDay = (rfc3339: string): string =>
  formatAt(rfc3339, (when) => when.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' }));

/** "2 Dec 2026, 09:30" in the laptop's zone for an RFC 3339 instant. */
export const formatInstant = (rfc3339: string): string =>
  formatAt(rfc3339, (when) =>
    when.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
  );
