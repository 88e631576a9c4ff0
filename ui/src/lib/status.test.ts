import { describe, expect, it } from 'vitest';
import { pendingText, toneOf } from './status';

const status = (pending_changes: number, state: 'idle' | 'offline' | 'needs_plan' = 'offline') => ({ state, detail: '', pending_changes, last_success: null });

describe('status helpers', () => {
  it('pluralises pending changes and hides zero', () => {
    expect(pendingText(status(0))).toBeNull();
    expect(pendingText(status(1))).toBe('1 change waiting to sync');
    expect(pendingText(status(12))).toBe('12 changes waiting to sync');
  });

  it('leaves the count to the state when idle, whose words already say it', () => {
    expect(pendingText(status(3, 'idle'))).toBeNull();
    expect(pendingText(status(3, 'needs_plan'))).toBeNull();
  });

  it('gives attention-needing states a warning or error tone', () => {
    expect(toneOf('auth_required')).toBe('error');
    expect(toneOf('throttled')).toBe('warn');
    // Changes held for the firm's plan are not "all well".
    expect(toneOf('needs_plan')).toBe('warn');
    expect(toneOf('idle')).toBe('ok');
  });
});
