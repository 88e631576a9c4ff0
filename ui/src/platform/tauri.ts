// The real platform: the generated tauri-specta bindings over Tauri IPC.
import { commands, events } from './bindings';
import type { Platform } from './index';

export const tauriPlatform: Platform = {
  appInfo: () => commands.appInfo(),
  syncStatus: () => commands.syncStatus(),
  async onSyncStatus(listener) {
    return events.syncStatusChanged.listen((event) => listener(event.payload));
  },
};
