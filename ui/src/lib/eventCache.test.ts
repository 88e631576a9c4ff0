import { describe, expect, it } from 'vitest';
import { RangeCache, widen } from './eventCache';

describe('the calendar range cache', () => {
  const d = (s: string) => new Date(s);
  it('widens a week by a week either side, and leaves a month as it is', () => {
    const w = widen(d('2026-03-08T05:00:00Z'), d('2026-03-15T04:00:00Z'));
    expect([w.from.toISOString(), w.to.toISOString()]).toEqual(['2026-03-01T05:00:00.000Z', '2026-03-22T04:00:00.000Z']);
    const m = widen(d('2026-03-01T05:00:00Z'), d('2026-04-12T04:00:00Z'));
    expect(m.from.toISOString()).toBe('2026-03-01T05:00:00.000Z');
  });

  it('answers a covered range under the same key only, until cleared', () => {
    const cache = new RangeCache<string>();
    cache.put(d('2026-03-01T00:00:00Z'), d('2026-03-22T00:00:00Z'), 'UTC|||1', ['a']);
    expect(cache.get(d('2026-03-15T00:00:00Z'), d('2026-03-22T00:00:00Z'), 'UTC|||1')).toEqual(['a']);
    expect(cache.get(d('2026-03-16T00:00:00Z'), d('2026-03-23T00:00:00Z'), 'UTC|||1')).toBeNull();
    expect(cache.get(d('2026-03-08T00:00:00Z'), d('2026-03-15T00:00:00Z'), 'UTC|||2')).toBeNull();
    cache.clear();
    expect(cache.get(d('2026-03-08T00:00:00Z'), d('2026-03-15T00:00:00Z'), 'UTC|||1')).toBeNull();
  });
});
