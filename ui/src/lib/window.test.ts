import { describe, expect, it } from 'vitest';
import { rowWindow, scrollToRow } from './window';

describe('the row window', () => {
  it('draws the rows in view and a margin, with spacers for the rest', () => {
    expect(rowWindow(1000, 36, 0, 360)).toEqual({ start: 0, end: 30, above: 0, below: 970 * 36 });
    expect(rowWindow(1000, 36, 3600, 360)).toEqual({ start: 80, end: 130, above: 80 * 36, below: 870 * 36 });
    expect(rowWindow(1000, 36, 1e9, 360)).toMatchObject({ end: 1000, below: 0 });
    expect(rowWindow(5, 36, 0, 360)).toEqual({ start: 0, end: 5, above: 0, below: 0 });
  });

  it('scrolls just enough to show a row', () => {
    expect(scrollToRow(0, 36, 100, 360)).toBe(0);
    expect(scrollToRow(5, 36, 0, 360)).toBe(0);
    expect(scrollToRow(20, 36, 0, 360)).toBe(21 * 36 - 360);
  });
});
