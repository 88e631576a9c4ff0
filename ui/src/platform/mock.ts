// An in-memory platform for unit tests (and nothing else): it lets a test set
// what the "Rust side" answers and push events, without a window or IPC.
// Its queries mimic the Rust ones closely enough for the views' logic.
import type {
  Changes,
  AccountsOverview,
  AppInfo,
  CalendarEvent,
  CaseDetail,
  CaseFilterOptions,
  CaseListItem,
  ConflictItem,
  DropResult,
  FileDrag,
  FileItem,
  FolderItem,
  NoteItem,
  RecentDocument,
  TransferItem,
  Outcome,
  Platform,
  SearchResult,
  SyncStatus,
  TaskItem,
  UiError,
} from './index';

export interface MockData {
  cases: CaseListItem[];
  events: CalendarEvent[];
  tasks: TaskItem[];
  /** Case screens by case id. */
  details: Record<string, CaseDetail>;
  /** Folder trees by case id. */
  folders: Record<string, FolderItem[]>;
  /** A case's notes, for a provider that keeps them; a case absent here has none kept. */
  notes: Record<string, NoteItem[]>;
  /** Files by `${caseId}/${folder}`. */
  files: Record<string, FileItem[]>;
  transfers: TransferItem[];
  recent: RecentDocument[];
  /** What the case list offers to filter by. */
  filterOptions: CaseFilterOptions;
  /** What the next drop answers (default: everything queued). */
  dropAnswer: DropResult | null;
  /** The Accounts screen's data. */
  accounts: AccountsOverview;
  /** What search answers besides the cases whose names match (documents, events, tasks…). */
  searchHits: SearchResult[];
  /** What the next browser sign-in answers (default: signed in). */
  signInAnswer: UiError | null;
  /** The open conflicts. */
  conflicts: ConflictItem[];
  /** The firm's zone the calendar can switch to. */
  firmZone: string | null;
  /** The reminder lead time, in minutes. */
  reminderMinutes: number;
  /** What the shown account's provider takes, for events and tasks alike, and why not. */
  changes: Changes;
  readOnly: string | null;
  /** The signed-in user's staff id ("my events"), or none. */
  me: string | null;
}

export interface MockPlatform extends Platform {
  /** Pushes a sync status change to every listener, as Rust's event would. */
  emitSyncStatus(status: SyncStatus): void;
  /** Tells every listener the cache changed, as Rust's event would. */
  emitCacheChanged(): void;
  /** Makes the next calls of `appInfo` fail with this classified error. */
  failAppInfo(error: UiError | null): void;
  /** Makes the next calls of `listCases` fail with this classified error. */
  failCases(error: UiError | null): void;
  /** The requests `listCases` received, newest last. */
  caseRequests: Parameters<Platform['listCases']>[0][];
  /** How many times "Sync now" was asked for. */
  syncNowCalls: number;
  /** The documents asked to open, newest last. */
  opened: string[];
  /** The documents saved as copies, newest last. */
  saved: string[];
  /** The keep-offline requests, newest last. */
  kept: [string, boolean][];
  /** The drops received, newest last. */
  drops: Parameters<Platform['dropFiles']>[];
  /** The transfer actions received, newest last. */
  transferActions: Parameters<Platform['transferAction']>[];
  /** The account calls received (`add`, `sign_in`, `switch`, `sign_out`, `cancel`), newest last. */
  accountCalls: [string, ...unknown[]][];
  /** Sends a native file drag to every listener, as the webview would. */
  emitFileDrag(drag: FileDrag): void;
  /** The event, task and conflict edits received (`save_event`, `set_task_done`…), newest last. */
  edits: [string, ...unknown[]][];
  data: MockData;
}

export function createMockPlatform(overrides: Partial<AppInfo> = {}, data: Partial<MockData> = {}): MockPlatform {
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
  let casesError: UiError | null = null;
  const listeners = new Set<(s: SyncStatus) => void>();
  const cacheListeners = new Set<() => void>();
  const ok = <T>(value: T): Outcome<T> => ({ status: 'ok', data: value });
  const store: MockData = { cases: [], events: [], tasks: [], details: {}, folders: {}, notes: {}, files: {}, transfers: [], recent: [], filterOptions: { stages: [], practice_areas: [], staff: [], clients: [], locations: [] }, dropAnswer: null, accounts: { accounts: [], demo_shown: true, providers: [{ id: 'firmapi', label: 'Firm API', authorize_url: 'https://auth.example.test/authorize', token_url: 'https://auth.example.test/token' }] }, signInAnswer: null, searchHits: [], conflicts: [], firmZone: null, reminderMinutes: 15, changes: { create: true, update: true, delete: true, description: true }, readOnly: null, me: null, ...data };
  const caseRequests: Parameters<Platform['listCases']>[0][] = [];
  const drops: Parameters<Platform['dropFiles']>[] = [];
  const transferActions: Parameters<Platform['transferAction']>[] = [];
  const dragListeners = new Set<(drag: FileDrag) => void>();
  const notFound = (what: string): Outcome<never> => ({ status: 'error', error: { code: 'not_found', message: `That ${what} is not in the local cache.` } });
  return {
    data: store,
    caseRequests,
    drops,
    transferActions,
    opened: [],
    kept: [],
    accountCalls: [],
    edits: [],
    async eventDetail(id) {
      const e = store.events.find((x) => x.id === id);
      if (!e) return notFound('event');
      return ok({ id, name: e.title, description: '', location: e.location ?? '', start: e.start, end: e.end, all_day: e.all_day, zone: null, case: null, staff: [], private: false, sync: e.sync });
    },
    async saveEvent(id, edit) {
      this.edits.push(['save_event', id, edit]);
      const saved = { id: id ?? `e${store.events.length + 1}`, name: edit.name, description: edit.description, location: edit.location, start: edit.start, end: edit.end, all_day: edit.all_day, zone: edit.zone, case: null, staff: [], private: edit.private, sync: { pending: true, problem: null, conflict: false, checking: false, failing: null } };
      return ok(saved);
    },
    async moveEvent(id, to) {
      this.edits.push(['move_event', id, to]);
      const e = store.events.find((x) => x.id === id);
      if (!e) return notFound('event');
      return ok({ id, name: e.title, description: '', location: '', start: to.start, end: to.end ?? e.end, all_day: to.all_day, zone: to.zone, case: null, staff: [], private: false, sync: { pending: true, problem: null, conflict: false, checking: false, failing: null } });
    },
    async deleteEvent(id) {
      this.edits.push(['delete_event', id]);
      store.events = store.events.filter((e) => e.id !== id);
      return ok(null);
    },
    async exportEvents(from, to, zone, caseId, fileName) {
      this.edits.push(['export_events', from, to, zone, caseId, fileName]);
      return ok({ path: `/tmp/${fileName}` });
    },
    async taskDetail(id) {
      const t = store.tasks.find((x) => x.id === id);
      return t ? ok(structuredClone(t)) : notFound('task');
    },
    async saveTask(id, edit) {
      this.edits.push(['save_task', id, edit]);
      const sync = { pending: true, problem: null, conflict: false, checking: false, failing: null };
      const saved: TaskItem = { id: id ?? `t${store.tasks.length + 1}`, name: edit.name, description: edit.description, priority: edit.priority, due: edit.due || null, completed: false, case: null, staff: [], sync };
      store.tasks = [...store.tasks.filter((t) => t.id !== saved.id), saved];
      return ok(saved);
    },
    async setTaskDone(id, done) {
      this.edits.push(['set_task_done', id, done]);
      const t = store.tasks.find((x) => x.id === id);
      if (!t) return notFound('task');
      const saved = { ...t, completed: done, sync: { pending: true, problem: null, conflict: false, checking: false, failing: null } };
      store.tasks = store.tasks.map((x) => (x.id === id ? saved : x));
      return ok(saved);
    },
    async deleteTask(id) {
      this.edits.push(['delete_task', id]);
      store.tasks = store.tasks.filter((t) => t.id !== id);
      return ok(null);
    },
    async listConflicts() {
      return ok(structuredClone(store.conflicts));
    },
    async resolveConflict(id, keep) {
      this.edits.push(['resolve_conflict', id, keep]);
      store.conflicts = store.conflicts.filter((c) => c.id !== id);
      return ok(null);
    },
    async listAccounts() {
      return ok(structuredClone(store.accounts));
    },
    async addAccount(form) {
      this.accountCalls.push(['add', form]);
      if (!form.base_url.startsWith('http')) return { status: 'error', error: { code: 'validation', field: 'base_url', message: `${form.base_url} is not an http(s) URL` } };
      const id = `${form.provider}-${form.base_url.replace(/^https?:\/\//, '')}`;
      const byToken = store.accounts.providers.find((p) => p.id === form.provider)?.authorize_url === null;
      const user = form.user?.trim() || null;
      if (byToken && user && !form.password) return { status: 'error', error: { code: 'validation', field: 'password', message: "Enter the API user's password." } };
      if (byToken && !user && !form.token) return { status: 'error', error: { code: 'validation', field: 'token', message: 'Paste a personal access token.' } };
      store.accounts.accounts.push({ id, provider: byToken ? 'Token API' : 'Firm API', base_url: form.base_url, zone: form.zone, browser_sign_in: !byToken, signed_in: byToken, api_user: byToken ? user : null, shown: false });
      return ok(id);
    },
    async signInAccount(id) {
      this.accountCalls.push(['sign_in', id]);
      if (store.signInAnswer) return { status: 'error', error: store.signInAnswer };
      for (const a of store.accounts.accounts) {
        a.shown = a.id === id;
        if (a.id === id) a.signed_in = true;
      }
      store.accounts.demo_shown = false;
      return ok(null);
    },
    async cancelSignIn() {
      this.accountCalls.push(['cancel']);
      return ok(null);
    },
    async switchAccount(id) {
      this.accountCalls.push(['switch', id]);
      for (const a of store.accounts.accounts) a.shown = a.id === id;
      store.accounts.demo_shown = id === null;
      return ok(null);
    },
    async signOutAccount(id, force) {
      this.accountCalls.push(['sign_out', id, force]);
      if (!force && status.pending_changes > 0) return { status: 'error', error: { code: 'conflict', message: `${status.pending_changes} changes have not reached the server yet.` } };
      store.accounts.accounts = store.accounts.accounts.filter((a) => a.id !== id);
      if (!store.accounts.accounts.some((a) => a.shown)) store.accounts.demo_shown = true;
      return ok(null);
    },
    async openDocument(id) {
      this.opened.push(id);
      return ok({ path: `/tmp/open/${id}`, opened: true });
    },
    saved: [],
    async saveDocumentCopy(id) {
      this.saved.push(id);
      return ok({ path: `/home/me/Desktop/${id}.pdf` });
    },
    async keepCaseOffline(caseId, keep) {
      this.kept.push([caseId, keep]);
      const detail = store.details[caseId];
      if (detail) detail.pinned = keep;
      return ok(keep ? 2 : 0);
    },
    async caseDetail(id) {
      const detail = store.details[id];
      return detail ? ok(detail) : notFound('case');
    },
    async caseFolders(caseId) {
      return ok([...(store.folders[caseId] ?? [{ path: '', name: '', depth: 0, documents: 0, pending: false }])]);
    },
    async refreshCaseFolders() {
      return ok({ refreshed_at: '2026-12-01T09:30:00Z', problem: null });
    },
    async caseNotes(caseId) {
      const notes = store.notes[caseId];
      return ok({ kept: notes !== undefined, notes: notes ?? [], read_at: notes ? '2026-12-01T09:30:00Z' : null, problem: null });
    },
    async newFolder(caseId, parent, name) {
      const tree = store.folders[caseId] ?? (store.folders[caseId] = [{ path: '', name: '', depth: 0, documents: 0, pending: false }]);
      const path = parent ? `${parent}/${name.trim()}` : name.trim();
      if (!name.trim()) return { status: 'error', error: { code: 'validation', field: 'name', message: 'Give the folder a name.' } };
      if (tree.some((f) => f.path.toLowerCase() === path.toLowerCase())) return { status: 'error', error: { code: 'validation', field: 'name', message: `A folder named ${name} is already here.` } };
      tree.push({ path, name: name.trim(), depth: path.split('/').length, documents: 0, pending: true });
      return ok(path);
    },
    async folderFiles(caseId, folder) {
      return ok(store.files[`${caseId}/${folder}`] ?? []);
    },
    async dropFiles(...args) {
      drops.push(args);
      return ok(store.dropAnswer ?? { outcome: 'queued', queued: args[2].length, problems: [] });
    },
    async recentDocuments() {
      return ok(store.recent);
    },
    async listTransfers() {
      return ok(store.transfers);
    },
    async transferAction(...args) {
      transferActions.push(args);
      return ok(null);
    },
    async onFileDrag(listener) {
      dragListeners.add(listener);
      return () => dragListeners.delete(listener);
    },
    emitFileDrag(drag) {
      for (const l of dragListeners) l(drag);
    },
    async appInfo() {
      return appInfoError ? { status: 'error', error: appInfoError } : ok(info);
    },
    async syncStatus() {
      return ok(status);
    },
    syncNowCalls: 0,
    async syncDetails() {
      return ok({ status, pending: status.pending_changes, refused: 0, conflicts: 0, quarantined: 0, transfers: store.transfers.length, can_sync: status.state !== 'no_account' });
    },
    async syncNow() {
      this.syncNowCalls++;
      return ok(null);
    },
    async listCases(request) {
      caseRequests.push(request);
      if (casesError) return { status: 'error', error: casesError };
      const text = request.text?.toLowerCase() ?? '';
      const matching = store.cases
        .filter((c) => !request.status || c.status === request.status)
        .filter((c) => !text || c.name.toLowerCase().includes(text) || (c.number ?? '').toLowerCase().includes(text))
        .sort((a, b) => a.name.localeCompare(b.name) * (request.descending ? -1 : 1));
      return ok({
        items: matching.slice(request.offset, request.offset + request.limit),
        total: matching.length,
        offset: request.offset,
        limit: request.limit,
      });
    },
    async caseFilterOptions() {
      return ok(store.filterOptions);
    },
    async listEvents(range) {
      return ok(store.events.filter((e) => e.start < range.to && e.end > range.from && (!range.case_id || e.case?.id === range.case_id) && (!range.staff_id || e.lead?.id === range.staff_id)));
    },
    async calendarSettings() {
      return ok({ firm_zone: store.firmZone, reminder_minutes: store.reminderMinutes, events: store.changes, tasks: store.changes, read_only: store.readOnly, me: store.me });
    },
    async setReminderMinutes(minutes) {
      this.edits.push(['set_reminder_minutes', minutes]);
      store.reminderMinutes = minutes;
      return ok(null);
    },
    async listTasks(request) {
      const matching = store.tasks.filter((t) =>
        request.filter === 'open' ? !t.completed : request.filter === 'completed' ? t.completed
          : request.filter === 'overdue' ? !t.completed && t.due !== null && t.due < request.today : true,
      );
      return ok({ items: matching.slice(request.offset, request.offset + request.limit), total: matching.length, offset: request.offset, limit: request.limit });
    },
    async search(text) {
      const t = text.toLowerCase();
      const hits: SearchResult[] = store.cases
        .filter((c) => c.name.toLowerCase().includes(t))
        .map((c) => ({ kind: 'case', id: c.id, title: c.name, subtitle: c.number, case_id: null, at: null }));
      return ok([...hits, ...store.searchHits.filter((h) => h.title.toLowerCase().includes(t))]);
    },
    async cacheSummary() {
      return ok({ cases: store.cases.length, events: store.events.length, tasks: store.tasks.length, documents: 0, pending_changes: 0 });
    },
    async onCacheChanged(listener) {
      cacheListeners.add(listener);
      return () => cacheListeners.delete(listener);
    },
    emitCacheChanged() {
      for (const l of cacheListeners) l();
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
    failCases(error) {
      casesError = error;
    },
  };
}
