-- Migration 2: document transfers.
-- The transfer queue survives restarts: one row per upload or download, with
-- its state, progress and the last error in plain words. Signed storage URLs
-- are credentials and are never stored; a resumed transfer asks for a fresh one.
CREATE TABLE transfers (
  id TEXT PRIMARY KEY NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('upload', 'download')),
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'failed', 'done', 'cancelled')),
  case_id TEXT NOT NULL,
  -- The local document (a download's source; an upload's new version target).
  document_id TEXT,
  -- The server's document once an upload created it (the resume point).
  remote_document TEXT,
  -- Whether an upload's create may have reached the server unanswered.
  create_sent INTEGER NOT NULL DEFAULT 0,
  -- Upload: the document's path in the case, folders then the file name.
  path TEXT,
  file_name TEXT NOT NULL,
  -- SHA-256 (hex) of the bytes in the account's blob store.
  blob TEXT,
  size INTEGER,
  done_bytes INTEGER NOT NULL DEFAULT 0,
  -- The speed of the current (or last) attempt.
  bytes_per_s INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error TEXT,
  -- Download: a directory to also save a copy into.
  save_to TEXT,
  saved_as TEXT,
  -- The process running it (its pid), so a dead owner's transfer is resumed.
  owner TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX transfers_state ON transfers (state, created_at);

-- Which document bytes are on this laptop. Kept apart from the documents'
-- JSON, which every pull rewrites from the server copy.
CREATE TABLE document_blobs (
  document_id TEXT PRIMARY KEY NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  server_updated_at TEXT,
  stored_at TEXT NOT NULL
) WITHOUT ROWID;

-- Cases kept offline: every document downloaded and kept current.
CREATE TABLE pinned_cases (
  case_id TEXT PRIMARY KEY NOT NULL,
  pinned_at TEXT NOT NULL
) WITHOUT ROWID;
