// The real platform: the generated tauri-specta bindings over Tauri IPC.
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { commands, events } from './bindings';
import type { Outcome, Platform, UiError } from './index';

/**
 * Commands reject with a classified UiError object; Tauri itself (an ACL
 * denial, an unknown command, a bad argument) rejects with a bare string.
 * Both reach the UI as a UiError.
 */
export function normalise<T>(outcome: { status: 'ok'; data: T } | { status: 'error'; error: unknown }): Outcome<T> {
  if (outcome.status === 'ok') return outcome;
  const error = outcome.error;
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    return { status: 'error', error: error as UiError };
  }
  return {
    status: 'error',
    error: { code: 'internal', message: `The app's core refused the request: ${String(error)}` },
  };
}

export const tauriPlatform: Platform = {
  appInfo: async () => normalise(await commands.appInfo()),
  syncStatus: async () => normalise(await commands.syncStatus()),
  syncDetails: async () => normalise(await commands.syncDetails()),
  syncNow: async () => normalise(await commands.syncNow()),
  listCases: async (request) => normalise(await commands.listCases(request)),
  caseFilterOptions: async () => normalise(await commands.caseFilterOptions()),
  listEvents: async (range) => normalise(await commands.listEvents(range)),
  calendarSettings: async () => normalise(await commands.calendarSettings()),
  setReminderMinutes: async (minutes) => normalise(await commands.setReminderMinutes(minutes)),
  eventDetail: async (id) => normalise(await commands.eventDetail(id)),
  saveEvent: async (id, edit) => normalise(await commands.saveEvent(id, edit)),
  moveEvent: async (id, to) => normalise(await commands.moveEvent(id, to)),
  deleteEvent: async (id) => normalise(await commands.deleteEvent(id)),
  exportEvents: async (from, to, zone, caseId, fileName) => normalise(await commands.exportEvents(from, to, zone, caseId, fileName)),
  listTasks: async (request) => normalise(await commands.listTasks(request)),
  taskDetail: async (id) => normalise(await commands.taskDetail(id)),
  saveTask: async (id, edit) => normalise(await commands.saveTask(id, edit)),
  setTaskDone: async (id, done) => normalise(await commands.setTaskDone(id, done)),
  deleteTask: async (id) => normalise(await commands.deleteTask(id)),
  listConflicts: async () => normalise(await commands.listConflicts()),
  resolveConflict: async (id, keep) => normalise(await commands.resolveConflict(id, keep)),
  search: async (text) => normalise(await commands.search(text)),
  cacheSummary: async () => normalise(await commands.cacheSummary()),
  caseDetail: async (id, zone) => normalise(await commands.caseDetail(id, zone)),
  caseFolders: async (caseId) => normalise(await commands.caseFolders(caseId)),
  folderFiles: async (caseId, folder) => normalise(await commands.folderFiles(caseId, folder)),
  refreshCaseFolders: async (caseId) => normalise(await commands.refreshCaseFolders(caseId)),
  caseNotes: async (caseId, refresh) => normalise(await commands.caseNotes(caseId, refresh)),
  newFolder: async (caseId, parent, name) => normalise(await commands.newFolder(caseId, parent, name)),
  dropFiles: async (caseId, folder, paths, onClash) => normalise(await commands.dropFiles(caseId, folder, paths, onClash)),
  listTransfers: async () => normalise(await commands.listTransfers()),
  recentDocuments: async () => normalise(await commands.recentDocuments()),
  openDocument: async (documentId) => normalise(await commands.openDocument(documentId)),
  saveDocumentCopy: async (documentId) => normalise(await commands.saveDocumentCopy(documentId)),
  keepCaseOffline: async (caseId, keep) => normalise(await commands.keepCaseOffline(caseId, keep)),
  transferAction: async (id, action) => normalise(await commands.transferAction(id, action)),
  listAccounts: async () => normalise(await commands.listAccounts()),
  addAccount: async (form) => normalise(await commands.addAccount(form)),
  signInAccount: async (id) => normalise(await commands.signInAccount(id)),
  cancelSignIn: async () => normalise(await commands.cancelSignIn()),
  switchAccount: async (id) => normalise(await commands.switchAccount(id)),
  signOutAccount: async (id, force) => normalise(await commands.signOutAccount(id, force)),
  async onFileDrag(listener) {
    // Tauri reports physical pixels; the page hit-tests in CSS pixels.
    const scale = () => window.devicePixelRatio || 1;
    return getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === 'leave') listener({ type: 'leave' });
      else if (p.type === 'drop') listener({ type: 'drop', x: p.position.x / scale(), y: p.position.y / scale(), paths: p.paths });
      else listener({ type: 'over', x: p.position.x / scale(), y: p.position.y / scale() });
    });
  },
  async onCacheChanged(listener) {
    return events.cacheChanged.listen(() => listener());
  },
  async onSyncStatus(listener) {
    return events.syncStatusChanged.listen((event) => listener(event.payload));
  },
};
