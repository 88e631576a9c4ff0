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

/** "09:30" in the laptop's zone for an RFC 3339 instant. */
export function formatTime(rfc3339: string): string {
  const when = new Date(rfc3339);
  if (Number.isNaN(when.getTime())) return rfc3339;
  return when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** "2 Dec 2026" in the laptop's zone for an RFC 3339 instant. */
export function formatDay(rfc3339: string): string {
  const when = new Date(rfc3339);
  if (Number.isNaN(when.getTime())) return rfc3339;
  return when.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** "2 Dec 2026, 09:30" in the laptop's zone for an RFC 3339 instant. */
export function formatInstant(rfc3339: string): string {
  const when = new Date(rfc3339);
  if (Number.isNaN(when.getTime())) return rfc3339;
  return when.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}
