import { describe, expect, it } from 'vitest';
import { formatDate, todayLocal } from './dates';

describe('dates', () => {
  it('formats today from local fields, not UTC', () => {
    expect(todayLocal(new Date(2026, 2, 8, 23, 59))).toBe('2026-03-08');
    expect(todayLocal(new Date(2026, 0, 1, 0, 0))).toBe('2026-01-01');
  });

  it('keeps a date on its day when formatting', () => {
    expect(formatDate('2026-03-15')).toContain('15');
    expect(formatDate('not a date')).toBe('not a date');
  });
});
