import { describe, expect, it } from 'vitest';
import { NAV_ITEMS, viewForShortcut } from './nav';

describe('viewForShortcut', () => {
  it('maps Ctrl or Cmd plus a digit to the navigation item in that position', () => {
    NAV_ITEMS.forEach((item, index) => {
      expect(viewForShortcut({ key: String(index + 1), ctrlKey: true, metaKey: false, altKey: false })).toBe(item.id);
      expect(viewForShortcut({ key: String(index + 1), ctrlKey: false, metaKey: true, altKey: false })).toBe(item.id);
    });
  });

  it('ignores plain digits, Alt combinations and unknown digits', () => {
    expect(viewForShortcut({ key: '1', ctrlKey: false, metaKey: false, altKey: false })).toBeNull();
    expect(viewForShortcut({ key: '1', ctrlKey: true, metaKey: false, altKey: true })).toBeNull();
    expect(viewForShortcut({ key: '9', ctrlKey: true, metaKey: false, altKey: false })).toBeNull();
  });
});
