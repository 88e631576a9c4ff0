// The platform boundary: everything the UI needs from the host, as one
// interface. `tauri.ts` implements it over the generated IPC bindings; `mock.ts`
// implements it in memory for unit tests. Only files in this folder may import
// @tauri-apps/*. Components receive a Platform through context, never import one.
import { getContext, setContext } from 'svelte';
import type {
  AccountsOverview,
  AppInfo,
  CacheSummary,
  CalendarEvent,
  CaseDetail,
  CaseFilterOptions,
  CaseListRequest,
  CalendarSettings,
  Changes,
  ConflictItem,
  EventDetail,
  EventRange,
  EventEdit,
  EventMove,
  Keep,
  TaskEdit,
  TaskItem,
  CasePage,
  ClashChoice,
  DropResult,
  FileItem,
  FolderItem,
  FolderRefresh,
  CaseNotes,
  OpenedDocument,
  RecentDocument,
  SavedCopy,
  SearchResult,
  SyncDetails,
  TransferAction,
  TransferItem,
  SyncStatus,
  TaskListRequest,
  TaskPage,
  UiError,
  NewAccountForm,
} from './bindings';

export type {
  AccountRow,
  AccountsOverview,
  NewAccountForm,
  ProviderOption,
  AppInfo,
  CaseFilterOptions,
  FilterOption,
  OpenedDocument,
  RecentDocument,
  SavedCopy,
  SyncDetails,
  CacheSummary,
  CalendarEvent,
  CaseDetail,
  ClashChoice,
  CalendarSettings,
  Changes,
  ConflictItem,
  DropProblem,
  EventRange,
  EditBadge,
  EventDetail,
  EventEdit,
  EventMove,
  Keep,
  TaskEdit,
  DropResult,
  FileBadge,
  FileItem,
  FolderItem,
  FolderRefresh,
  CaseNotes,
  NoteItem,
  OpenTask,
  Person,
  TransferAction,
  TransferItem,
  UpcomingEvent,
  CaseListItem,
  CaseListRequest,
  CasePage,
  SearchResult,
  SyncState,
  SyncStatus,
  TaskItem,
  TaskListRequest,
  TaskPage,
  UiError,
} from './bindings';

/** A native file drag over the window: where it is (CSS pixels) and, on drop, the paths. */
export type FileDrag =
  | { type: 'over'; x: number; y: number }
  | { type: 'drop'; x: number; y: number; paths: string[] }
  | { type: 'leave' };

/** A command's outcome: the classified `{code, message}` error is data, not a throw. */
export type Outcome<T> = { status: 'ok'; data: T } | { status: 'error'; error: UiError };

export interface Platform {
  appInfo(): Promise<Outcome<AppInfo>>;
  syncStatus(): Promise<Outcome<SyncStatus>>;
  /** What the status bar's details show: pending, refused, conflicts, quarantined, transfers. */
  syncDetails(): Promise<Outcome<SyncDetails>>;
  /** Asks the connected account to sync now. */
  syncNow(): Promise<Outcome<null>>;
  listCases(request: CaseListRequest): Promise<Outcome<CasePage>>;
  /** What the case list can be filtered by: stages, practice areas, staff, clients. */
  caseFilterOptions(): Promise<Outcome<CaseFilterOptions>>;
  /** Events overlapping [from, to) (RFC 3339 with offsets) for the zone shown, optionally of one case or staff member. */
  listEvents(range: EventRange): Promise<Outcome<CalendarEvent[]>>;
  /** The firm's zone, for the calendar's "firm's time" switch. */
  calendarSettings(): Promise<Outcome<CalendarSettings>>;
  /** How many minutes before an event its reminder comes (0 to 1440). */
  setReminderMinutes(minutes: number): Promise<Outcome<null>>;
  /** One event for the edit dialog. */
  eventDetail(id: string): Promise<Outcome<EventDetail>>;
  /** Creates an event (`id` null) or saves the dialog over one; it shows at once and syncs later. */
  saveEvent(id: string | null, edit: EventEdit): Promise<Outcome<EventDetail>>;
  /** A drag or a resize: only the time changes. */
  moveEvent(id: string, to: EventMove): Promise<Outcome<EventDetail>>;
  deleteEvent(id: string): Promise<Outcome<null>>;
  /** Asks where (the native save dialog) and writes the events of [from, to) as an .ics file; `path` is null when cancelled. */
  exportEvents(from: string, to: string, zone: string, caseId: string | null, fileName: string): Promise<Outcome<SavedCopy>>;
  listTasks(request: TaskListRequest): Promise<Outcome<TaskPage>>;
  taskDetail(id: string): Promise<Outcome<TaskItem>>;
  /** Creates a task (`id` null) or saves the dialog over one. */
  saveTask(id: string | null, edit: TaskEdit): Promise<Outcome<TaskItem>>;
  /** The checkbox: ticks a task off, or opens it again. */
  setTaskDone(id: string, done: boolean): Promise<Outcome<TaskItem>>;
  deleteTask(id: string): Promise<Outcome<null>>;
  /** Fields changed both here and on the server, waiting for a person's choice. */
  listConflicts(): Promise<Outcome<ConflictItem[]>>;
  resolveConflict(id: string, keep: Keep): Promise<Outcome<null>>;
  search(text: string): Promise<Outcome<SearchResult[]>>;
  cacheSummary(): Promise<Outcome<CacheSummary>>;
  /** The case screen; "upcoming" is measured in the viewer's IANA zone. */
  caseDetail(id: string, zone: string): Promise<Outcome<CaseDetail>>;
  caseFolders(caseId: string): Promise<Outcome<FolderItem[]>>;
  folderFiles(caseId: string, folder: string): Promise<Outcome<FileItem[]>>;
  /** Walks a case's folders on the server now (when connected); says when they were last walked. */
  refreshCaseFolders(caseId: string): Promise<Outcome<FolderRefresh>>;
  /** A case's notes (read-only), read from the server first when `refresh` and connected. */
  caseNotes(caseId: string, refresh: boolean): Promise<Outcome<CaseNotes>>;
  /** Makes a folder inside `parent` at once (created on the server at the next sync); resolves to its path. */
  newFolder(caseId: string, parent: string, name: string): Promise<Outcome<string>>;
  /** Files and folders dropped on a case folder (paths from the OS; the bytes never cross IPC). */
  dropFiles(caseId: string, folder: string, paths: string[], onClash: ClashChoice | null): Promise<Outcome<DropResult>>;
  listTransfers(): Promise<Outcome<TransferItem[]>>;
  /** Opens a document with the system's default application (downloading it first if needed). */
  openDocument(documentId: string): Promise<Outcome<OpenedDocument>>;
  /** Asks where (the native save dialog) and saves a copy there; `path` is null when cancelled. */
  saveDocumentCopy(documentId: string): Promise<Outcome<SavedCopy>>;
  /** Keeps a case's documents on this laptop, or stops; resolves to how many were queued. */
  keepCaseOffline(caseId: string, keep: boolean): Promise<Outcome<number>>;
  /** The documents the server changed most recently, across cases. */
  recentDocuments(): Promise<Outcome<RecentDocument[]>>;
  transferAction(id: string, action: TransferAction): Promise<Outcome<null>>;
  /** The accounts, which one the window shows (or the demo firm), and the providers one can be added for. */
  listAccounts(): Promise<Outcome<AccountsOverview>>;
  /** Sets an account up; resolves to its id. Signing in is the next step. */
  addAccount(form: NewAccountForm): Promise<Outcome<string>>;
  /** Signs in through the system browser, waiting for it; the account is then shown. */
  signInAccount(id: string): Promise<Outcome<null>>;
  /** Stops waiting for the browser. */
  cancelSignIn(): Promise<Outcome<null>>;
  /** Shows an account, or the demo firm for null. */
  switchAccount(id: string | null): Promise<Outcome<null>>;
  /** Signs out and removes the account's data; a `conflict` while changes wait, unless forced. */
  signOutAccount(id: string, force: boolean): Promise<Outcome<null>>;
  /** Subscribes to native file drags over the window; resolves to an unsubscribe function. */
  onFileDrag(listener: (drag: FileDrag) => void): Promise<() => void>;
  /** Subscribes to "the cache changed" (after a sync); resolves to an unsubscribe function. */
  onCacheChanged(listener: () => void): Promise<() => void>;
  /** Subscribes to sync status changes; resolves to an unsubscribe function. */
  onSyncStatus(listener: (status: SyncStatus) => void): Promise<() => void>;
}

const KEY = Symbol('casefile.platform');

export function providePlatform(platform: Platform): void {
  setContext(KEY, platform);
}

export function usePlatform(): Platform {
  const platform = getContext<Platform | undefined>(KEY);
  if (!platform) throw new Error('No platform provided: mount the app through App.svelte.');
  return platform;
}
