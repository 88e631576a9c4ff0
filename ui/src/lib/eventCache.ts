// The calendar's memory of the events it fetched last: a week or day view
// asks Rust for a week more on each side, so stepping to the next or the
// previous week draws from memory without a round trip. Any change (an
// edit, a sync, another filter or zone) clears it.

const DAY_MS = 86_400_000;

/** The range to fetch for a view of [start, end): a short view gets a week either side. */
export function widen(start: Date, end: Date): { from: Date; to: Date } {
  if (end.getTime() - start.getTime() > 8 * DAY_MS) return { from: start, to: end };
  return { from: new Date(start.getTime() - 7 * DAY_MS), to: new Date(end.getTime() + 7 * DAY_MS) };
}

export class RangeCache<T> {
  private held: { from: number; to: number; key: string; items: T[] } | null = null;

  /** What was fetched for a range covering [start, end) under `key`, or null. */
  get(start: Date, end: Date, key: string): T[] | null {
    const h = this.held;
    if (!h || h.key !== key || start.getTime() < h.from || end.getTime() > h.to) return null;
    return h.items;
  }

  put(from: Date, to: Date, key: string, items: T[]): void {
    this.held = { from: from.getTime(), to: to.getTime(), key, items };
  }

  clear(): void {
    this.held = null;
  }
}
