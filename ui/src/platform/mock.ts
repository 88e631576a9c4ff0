// An in-memory platform for unit tests (and nothing else): it lets a test set
// what the "Rust side" answers and push events, without a window or IPC.
import type { AppInfo, Outcome, Platform, SyncStatus, UiError } from './index';

export interface MockPlatform extends Platform {
  /** Pushes a sync status change to every listener, as Rust's event would. */
  emitSyncStatus(status: SyncStatus): void;
  /** Makes the next calls of `appInfo` fail with this classified error. */
  failAppInfo(error: UiError | null): void;
}

export function createMockPlatform(overrides: Partial<AppInfo> = {}): MockPlatform {
  const info: AppInfo = {
    name: 'Casefile',
    version: '0.0.0-test',
    data_dir: '/tmp/casefile-test',
    log_dir: '/tmp/casefile-test/logs',
    ...overrides,
  };
  let status: SyncStatus = {
    state: 'no_account',
    detail: 'Local only: no firm account connected',
    pending_changes: 0,
    last_success: null,
  };
  let appInfoError: UiError | null = null;
  const listeners = new Set<(s: SyncStatus) => void>();
  const ok = <T>(data: T): Outcome<T> => ({ status: 'ok', data });
  return {
    async appInfo() {
      return appInfoError ? { status: 'error', error: appInfoError } : ok(info);
    },
    async syncStatus() {
      return ok(status);
    },
    async onSyncStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emitSyncStatus(next) {
      status = next;
      for (const l of listeners) l(next);
    },
    failAppInfo(error) {
      appInfoError = error;
    },
  };
}
