// Pure helpers that turn the Rust sync status into status-bar text and tone.
import type { SyncState, SyncStatus } from '../platform';

export type Tone = 'neutral' | 'ok' | 'busy' | 'warn' | 'error';

const TONES: Record<SyncState, Tone> = {
  no_account: 'neutral',
  idle: 'ok',
  syncing: 'busy',
  offline: 'warn',
  throttled: 'warn',
  needs_plan: 'warn',
  auth_required: 'error',
  error: 'error',
};

export function toneOf(state: SyncState): Tone {
  return TONES[state];
}

/**
 * "3 changes waiting to sync" beside the state, or null when nothing waits
 * or the state already says so (idle with changes waiting, and changes held for a
 * plan, are worded so by Rust).
 */
export function pendingText(status: SyncStatus): string | null {
  const n = status.pending_changes;
  if (n <= 0 || status.state === 'idle' || status.state === 'needs_plan') return null;
  return `${n} change${n === 1 ? '' : 's'} waiting to sync`;
}
