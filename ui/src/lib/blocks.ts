// The rows of a long list fetched in blocks as it scrolls: the list knows
// its total from the first answer and asks Rust (SQL paging) only for the
// blocks the visible window needs, so 50,000 cases cost what a screenful
// costs. A change of filter, sort or cache starts over under a new key.

export const BLOCK = 100;

/** The blocks that hold rows [start, end). */
export function blocksFor(start: number, end: number, block = BLOCK): number[] {
  if (end <= start) return [];
  const first = Math.floor(start / block);
  const last = Math.floor((end - 1) / block);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export class Blocks<T> {
  private key = '';
  private held = new Map<number, T[]>();
  /** After a sync, the rows shown before it, until their block is read again (no flash of empty rows). */
  private stale = new Map<number, T[]>();
  private asked = new Set<number>();

  /** Starts over for `key` (another filter, sort or cache). With `keepShown`, the old rows stay on screen until replaced. */
  reset(key: string, keepShown = false): void {
    this.key = key;
    this.stale = keepShown ? new Map([...this.stale, ...this.held]) : new Map();
    this.held = new Map();
    this.asked.clear();
  }

  /** The blocks of `wanted` neither held nor asked for; marks them asked. */
  claim(wanted: number[]): number[] {
    const out = wanted.filter((b) => !this.held.has(b) && !this.asked.has(b));
    for (const b of out) this.asked.add(b);
    return out;
  }

  /** Keeps a block's rows, if they answer the current key. */
  put(key: string, block: number, rows: T[]): boolean {
    if (key !== this.key) return false;
    this.held.set(block, rows);
    this.stale.delete(block);
    this.asked.delete(block);
    return true;
  }

  /** A block's request failed: it may be asked for again. */
  release(key: string, block: number): void {
    if (key === this.key) this.asked.delete(block);
  }

  row(index: number, block = BLOCK): T | undefined {
    const b = Math.floor(index / block);
    return (this.held.get(b) ?? this.stale.get(b))?.[index % block];
  }

  get currentKey(): string {
    return this.key;
  }
}
