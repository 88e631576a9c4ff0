// Generated from Rust by tauri-specta (src-tauri/src/ipc.rs). Do not edit.
// Regenerate: CASEFILE_UPDATE_BINDINGS=1 cargo test --lib ipc::
// The data types of the commands and events in bindings.ts.

/**  An account as the Accounts screen lists it. */
export type AccountRow = {
	id: string,
	/**  The provider's name, as people know it. */
	provider: string,
	base_url: string,
	zone: string,
	/**  Signs in through the browser; otherwise a token from the environment (scripts). */
	browser_sign_in: boolean,
	/**  Whether a sign-in is held; none when the keychain cannot be asked. */
	signed_in: boolean | null,
	/**  The API user it signs in as over HTTP Basic, if it does. */
	api_user: string | null,
	/**  Whether the window shows this account now. */
	shown: boolean,
};

/**  Everything the Accounts screen shows. */
export type AccountsOverview = {
	accounts: AccountRow[],
	/**  Whether the window shows the demo firm (invented data). */
	demo_shown: boolean,
	providers: ProviderOption[],
};

/**  Facts about this running app that only the Rust side knows. */
export type AppInfo = {
	name: string,
	version: string,
	/**  Where the local caches live. */
	data_dir: string,
	/**  Where the rolling log is written. */
	log_dir: string,
};

/**  Emitted when a sync changed the local cache: views reload what they show. */
export type CacheChanged = null;

/**  How much the local cache holds. */
export type CacheSummary = {
	cases: number,
	events: number,
	tasks: number,
	documents: number,
	pending_changes: number,
};

/**
 *  An event shaped for the calendar: instants for timed events, dates (with
 *  an exclusive end) for all-day ones.
 */
export type CalendarEvent = {
	id: string,
	title: string,
	start: string,
	end: string,
	all_day: boolean,
	location: string | null,
	case: FilterOption | null,
	/**  The first attendee, for colouring by staff member. */
	lead: FilterOption | null,
	sync: EditBadge,
};

/**  What the calendar needs besides its events. */
export type CalendarSettings = {
	/**  The firm's zone (IANA), for the "firm's time" switch; none without an account. */
	firm_zone: string | null,
	/**  How many minutes before an event its reminder comes. */
	reminder_minutes: number,
	/**  What the shown account's provider lets Casefile change. */
	events: Changes,
	tasks: Changes,
	/**  Why some change is not offered, for the tooltips; none when all are. */
	read_only: string | null,
	/**
	 *  The signed-in user's own staff id, for "my events" and "my tasks";
	 *  none until the provider has said who that is.
	 */
	me: string | null,
};

/**  Everything the case screen shows. */
export type CaseDetail = {
	id: string,
	name: string,
	number: string | null,
	description: string | null,
	status: string,
	opened_on: string | null,
	closed_on: string | null,
	clients: Person[],
	companies: Person[],
	staff: Person[],
	upcoming_events: UpcomingEvent[],
	open_tasks: OpenTask[],
	document_count: number,
	/**  Kept on this laptop with all its documents. */
	pinned: boolean,
	/**  The bytes of its documents on this laptop. */
	offline_bytes: number | null,
};

/**  What the case list can be filtered by. */
export type CaseFilterOptions = {
	stages: FilterOption[],
	practice_areas: FilterOption[],
	staff: FilterOption[],
	/**  Clients and companies with a case, by name. */
	clients: FilterOption[],
	/**  The firm's locations, for an event's location. */
	locations: FilterOption[],
};

export type CaseListItem = {
	id: string,
	name: string,
	number: string | null,
	status: string,
	stage: string | null,
	practice_area: string | null,
	opened_on: string | null,
	pending_changes: boolean,
};

export type CaseListRequest = {
	/**  Null for all statuses. */
	status: CaseStatus | null,
	/**  Ids from [`case_filter_options`]; null for any. */
	stage: string | null,
	practice_area: string | null,
	staff: string | null,
	client: string | null,
	text: string | null,
	sort: CaseSort,
	descending: boolean,
	offset: number,
	limit: number,
};

/**  A case's notes and where they stand. */
export type CaseNotes = {
	/**
	 *  Whether the account's provider keeps case notes at all; without
	 *  them the case screen shows no notes.
	 */
	kept: boolean,
	notes: NoteItem[],
	/**  When they were last read from the server (RFC 3339); none if never. */
	read_at: string | null,
	/**
	 *  Why they could not be read now (offline, signed out); none when
	 *  they were, or were not asked for.
	 */
	problem: UiError | null,
};

export type CasePage = {
	items: CaseListItem[],
	total: number,
	offset: number,
	limit: number,
};

/**  The column the case list is sorted by. */
export type CaseSort = "name" | "number" | "opened" | "updated";

/**  Which cases the list shows, by status. */
export type CaseStatus = "open" | "closed";

/**  Which changes of one kind the shown account's provider takes. */
export type Changes = {
	create: boolean,
	update: boolean,
	delete: boolean,
	/**  Whether its records keep a description (the dialogs offer the field only then). */
	description: boolean,
};

/**  What to do with dropped files named like files already there. */
export type ClashChoice = "new_version" | "keep_both";

/**  One field changed on both sides. */
export type ConflictItem = {
	id: string,
	/**  event, task, case… */
	kind: string,
	record_id: string,
	/**  The record's name as cached here. */
	record_name: string,
	/**
	 *  The field's name in the record (`name`, `time`, `description`…), or
	 *  `deleted_on_server` when the server deleted what was edited here.
	 */
	field: string,
	/**  Each side as text, none when the field was empty. */
	base: string | null,
	mine: string | null,
	theirs: string | null,
	created_at: string,
};

export type DropProblem = {
	name: string,
	message: string,
};

/**
 *  How a drop went: files queued (with any that were not, and why), or
 *  names that clash, to be asked about before anything is queued.
 */
export type DropResult = { outcome: "queued"; queued: number; problems: DropProblem[] } | { outcome: "clashes"; names: string[]; 
/**
 *  Whether "upload as a new version" may be offered (the firm's
 *  system keeps versions); otherwise only "keep both".
 */
versions: boolean };

/**
 *  Where a record's local edits stand, for its badge: waiting to sync,
 *  refused by the server (in its words), in conflict, checking (its
 *  create was sent, the answer lost, and the server is being asked), or
 *  failing (the server answered its last sends with errors, in its words).
 */
export type EditBadge = {
	pending: boolean,
	problem: string | null,
	conflict: boolean,
	checking: boolean,
	failing: string | null,
};

/**  An event as the edit dialog shows it. */
export type EventDetail = {
	id: string,
	name: string,
	description: string,
	location: string,
	/**  RFC 3339 for a timed event; a date for an all-day one. */
	start: string,
	/**  RFC 3339; for an all-day event the day after its last (exclusive). */
	end: string,
	all_day: boolean,
	/**  The zone a timed event was scheduled in (it may differ from the laptop's). */
	zone: string | null,
	case: FilterOption | null,
	staff: FilterOption[],
	private: boolean,
	sync: EditBadge,
};

/**  The edit dialog's fields, all of them, as typed. */
export type EventEdit = {
	name: string,
	description: string,
	location: string,
	/**
	 *  Timed: a wall-clock time `YYYY-MM-DDTHH:MM` in `zone`, or RFC 3339.
	 *  All-day: the first day, `YYYY-MM-DD`.
	 */
	start: string,
	/**  Timed: as `start`. All-day: the LAST day (inclusive). */
	end: string,
	all_day: boolean,
	/**  The zone the wall-clock times were typed in (the laptop's, or the firm's). */
	zone: string,
	/**  None: no case. */
	case_id: string | null,
	staff: string[],
	private: boolean,
};

/**  A dragged or resized event's new time. */
export type EventMove = {
	/**  RFC 3339, or a date for an all-day event. */
	start: string,
	/**  None keeps the length. All-day: the LAST day (inclusive). */
	end: string | null,
	all_day: boolean,
	zone: string,
};

/**  Which events the calendar asks for. */
export type EventRange = {
	/**  RFC 3339 with an offset. */
	from: string,
	to: string,
	/**  The zone shown, whose dates all-day events match. */
	zone: string,
	/**  Only this case's events. */
	case_id: string | null,
	/**  Only events this staff member attends. */
	staff_id: string | null,
};

/**  A file's badge. */
export type FileBadge = "synced" | "offline" | "queued" | "uploading" | "paused" | 
/**  Failed, and tried again by itself. */
"waiting" | "failed";

export type FileItem = {
	document: string | null,
	transfer: string | null,
	name: string,
	path: string,
	size: number | null,
	updated: string | null,
	badge: FileBadge,
	/**  Upload progress, 0 to 100. */
	percent: number,
	/**  Why an upload failed, in plain words. */
	reason: string | null,
};

/**  One choice of a case-list filter. */
export type FilterOption = {
	id: string,
	name: string,
};

/**  One folder of a case, depth first; the root has the empty path. */
export type FolderItem = {
	path: string,
	name: string,
	depth: number,
	documents: number,
	/**  Made on this laptop; created on the server at the next sync. */
	pending: boolean,
};

/**  What walking a case's tree on the server found. */
export type FolderRefresh = {
	/**  When the tree was last walked (RFC 3339); none if never. */
	refreshed_at: string | null,
	/**  Why it could not be walked now (offline, signed out); none when it was. */
	problem: UiError | null,
};

/**  Which side a person kept for one field. */
export type Keep = "mine" | "theirs";

/**  What the add-account form sends. */
export type NewAccountForm = {
	provider: string,
	base_url: string,
	/**  For providers that sign in through the browser. */
	client_id: string,
	/**
	 *  For providers that sign in with a personal access token (kept in
	 *  the keychain, never in the settings).
	 */
	token: string | null,
	/**
	 *  Instead of a token, where the provider takes HTTP Basic: an API
	 *  user and its password (kept in the keychain, never in the settings).
	 */
	user: string | null,
	password: string | null,
	/**  Only for firms whose app registration has one. */
	client_secret: string | null,
	/**  Empty: the provider's own. */
	authorize_url: string | null,
	token_url: string | null,
	/**  The IANA zone the firm schedules in. */
	zone: string,
};

/**  One case note, as the server wrote it. */
export type NoteItem = {
	id: string,
	subject: string,
	/**  Plain text, or HTML when `is_html`: the window shows its text only. */
	body: string,
	is_html: boolean,
	note_type: string | null,
	/**  YYYY-MM-DD. */
	posted_on: string | null,
	/**  RFC 3339. */
	created_at: string | null,
	author: string | null,
};

export type OpenTask = {
	id: string,
	name: string,
	due: string | null,
	priority: string,
};

/**  How opening a document went. */
export type OpenedDocument = {
	/**  The decrypted copy handed to the system's viewer. */
	path: string,
	/**  Whether an application took it. */
	opened: boolean,
};

export type Person = {
	id: string,
	name: string,
	/**  A role on the case, an email or a phone number. */
	detail: string | null,
};

/**  A provider an account can be added for. */
export type ProviderOption = {
	id: string,
	label: string,
	/**  Its own sign-in endpoints, the form's defaults. */
	authorize_url: string | null,
	token_url: string | null,
};

/**  A recently changed document, with its case. */
export type RecentDocument = {
	id: string,
	name: string,
	/**  The folder it is in ("" at the case's top level). */
	folder: string,
	case_id: string,
	case_name: string,
	updated: string | null,
};

/**  How saving a copy went. */
export type SavedCopy = {
	/**  Where the copy was written; none when the user cancelled the dialog. */
	path: string | null,
};

export type SearchResult = {
	/**  "case", "client", "company", "event", "task" or "document". */
	kind: string,
	id: string,
	title: string,
	subtitle: string | null,
	/**  The case it belongs to (events, tasks, documents), if any. */
	case_id: string | null,
	/**
	 *  Where it sits: an event's start (RFC 3339, or a date when all day),
	 *  a task's due date, a document's folder path.
	 */
	at: string | null,
};

/**  What the status bar's details show. */
export type SyncDetails = {
	status: SyncStatus,
	/**  Local changes not yet on the server, refused ones included. */
	pending: number,
	/**  Changes the server refused; they wait for an edit. */
	refused: number,
	/**  Changes that collided with the server's and wait for a choice. */
	conflicts: number,
	/**  Server records set aside because they could not be read. */
	quarantined: number,
	/**  Uploads and downloads not finished. */
	transfers: number,
	/**  Whether an account is connected, so "Sync now" can work. */
	can_sync: boolean,
};

/**  The phase of the sync engine, as the status bar shows it. */
export type SyncState = 
/**  No firm account is connected: the app runs on its local cache only. */
"no_account" | "idle" | "syncing" | "offline" | "throttled" | 
/**  Changes wait for a plan the firm's server lacks (its Premium APIs). */
"needs_plan" | "auth_required" | "error";

/**  What the status bar shows about sync. */
export type SyncStatus = {
	state: SyncState,
	/**  A short sentence for the status bar. */
	detail: string,
	/**  Local edits not yet confirmed by the server. */
	pending_changes: number,
	/**  RFC 3339 time of the last successful sync, if any. */
	last_success: string | null,
};

/**  Emitted whenever the sync status changes. */
export type SyncStatusChanged = SyncStatus;

/**  The task dialog's fields, all of them, as typed. */
export type TaskEdit = {
	name: string,
	description: string,
	/**  low, medium or high. */
	priority: string,
	/**  YYYY-MM-DD. */
	due: string,
	/**  None: no case. */
	case_id: string | null,
	staff: string[],
};

/**  Which tasks the list shows; `overdue` is open tasks due before `today`. */
export type TaskFilter = "open" | "overdue" | "completed" | "all";

/**  A task as the list and the edit dialog show it. */
export type TaskItem = {
	id: string,
	name: string,
	description: string,
	/**  low, medium or high. */
	priority: string,
	/**  YYYY-MM-DD. */
	due: string | null,
	completed: boolean,
	case: FilterOption | null,
	staff: FilterOption[],
	sync: EditBadge,
};

export type TaskListRequest = {
	filter: TaskFilter,
	/**  Today in the viewer's zone (YYYY-MM-DD), for "overdue". */
	today: string,
	/**  Only tasks assigned to this staff member. */
	assignee: string | null,
	/**  Only tasks of this case. */
	case_id: string | null,
	/**  Only tasks of this priority (low, medium or high). */
	priority: string | null,
	offset: number,
	limit: number,
};

export type TaskPage = {
	items: TaskItem[],
	total: number,
	offset: number,
	limit: number,
};

/**  What the user asks of a transfer. */
export type TransferAction = "pause" | "resume" | "retry" | "cancel";

/**  One transfer in the panel. */
export type TransferItem = {
	id: string,
	upload: boolean,
	/**  "queued", "running", "paused", "failed", "done" or "cancelled". */
	state: string,
	name: string,
	path: string | null,
	case_id: string,
	size: number | null,
	done_bytes: number | null,
	bytes_per_s: number | null,
	seconds_left: number | null,
	error: string | null,
	retry_at: string | null,
};

/**  A classified error, serialised as `{"code": "...", "message": "...", ...}`. */
export type UiError = 
/**  The server cannot be reached; the local cache still works. */
{ code: "offline"; message: string } | 
/**  The account must sign in again. */
{ code: "auth_required"; message: string } | 
/**  The provider rate-limited us; retry after `until` (RFC 3339). */
{ code: "throttled"; message: string; until: string } | 
/**  A local and a remote change collided and wait for the user. */
{ code: "conflict"; message: string } | 
/**  The input was refused; `field` names the offending field. */
{ code: "validation"; message: string; field: string } | 
/**  The requested record does not exist in the local cache. */
{ code: "not_found"; message: string } | 
/**  The disk is full: nothing was lost; the work goes on once there is room. */
{ code: "disk_full"; message: string } | 
/**  Anything else. The message is safe to show; details go to the log. */
{ code: "internal"; message: string };

export type UpcomingEvent = {
	id: string,
	title: string,
	/**  RFC 3339 for a timed event, a date for an all-day one. */
	start: string,
	all_day: boolean,
	location: string | null,
};

