// Which rows of a long list to draw: those in view plus a margin, so a
// folder of thousands of documents costs what a screenful costs.

export interface RowWindow {
  start: number;
  end: number;
  /** Heights of the spacers above and below the drawn rows, in px. */
  above: number;
  below: number;
}

export function rowWindow(total: number, rowHeight: number, scrollTop: number, viewport: number, margin = 20): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(viewport, rowHeight) / rowHeight);
  const start = Math.max(0, Math.min(first - margin, total));
  const end = Math.min(total, first + visible + margin);
  return { start, end: Math.max(start, end), above: start * rowHeight, below: (total - Math.max(start, end)) * rowHeight };
}

/** The scroll position that brings row `index` into view (unchanged when it is). */
export function scrollToRow(index: number, rowHeight: number, scrollTop: number, viewport: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return scrollTop;
}
