-- Migration 1: the whole cache schema.
-- Every entity table keeps the full provider-neutral record as JSON in `data`
-- (so fields we do not model survive), plus bookkeeping columns; what SQL must
-- filter, sort or search on is exposed as generated columns and indexed.
-- The calendar reads events' columns for thousands of rows at a time, so
-- those are STORED (computed once on write) rather than VIRTUAL.
-- Generated from a table list once; edit this file, not a generator.

CREATE TABLE staff (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  first_name TEXT GENERATED ALWAYS AS (json_extract(data, '$.first_name')) VIRTUAL,
  last_name TEXT GENERATED ALWAYS AS (json_extract(data, '$.last_name')) VIRTUAL,
  email TEXT GENERATED ALWAYS AS (json_extract(data, '$.email')) VIRTUAL
);

CREATE TABLE case_stages (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL
);

CREATE TABLE practice_areas (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL
);

CREATE TABLE locations (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL
);

CREATE TABLE clients (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  first_name TEXT GENERATED ALWAYS AS (json_extract(data, '$.first_name')) VIRTUAL,
  last_name TEXT GENERATED ALWAYS AS (json_extract(data, '$.last_name')) VIRTUAL,
  email TEXT GENERATED ALWAYS AS (json_extract(data, '$.email')) VIRTUAL,
  phone TEXT GENERATED ALWAYS AS (json_extract(data, '$.phone')) VIRTUAL
);

CREATE TABLE companies (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL,
  email TEXT GENERATED ALWAYS AS (json_extract(data, '$.email')) VIRTUAL,
  phone TEXT GENERATED ALWAYS AS (json_extract(data, '$.phone')) VIRTUAL
);

CREATE TABLE cases (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL,
  number TEXT GENERATED ALWAYS AS (json_extract(data, '$.number')) VIRTUAL,
  description TEXT GENERATED ALWAYS AS (json_extract(data, '$.description')) VIRTUAL,
  status TEXT GENERATED ALWAYS AS (json_extract(data, '$.status')) VIRTUAL,
  stage_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.stage')) VIRTUAL,
  practice_area_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.practice_area')) VIRTUAL,
  opened_on TEXT GENERATED ALWAYS AS (json_extract(data, '$.opened_on')) VIRTUAL
);

CREATE TABLE folders (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  case_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.case')) VIRTUAL,
  parent_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.parent')) VIRTUAL,
  name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL
);

CREATE TABLE documents (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  case_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.case')) VIRTUAL,
  folder_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.folder')) VIRTUAL,
  name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL,
  path TEXT GENERATED ALWAYS AS (json_extract(data, '$.path')) VIRTUAL
);

CREATE TABLE events (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) STORED,
  description TEXT GENERATED ALWAYS AS (json_extract(data, '$.description')) STORED,
  location TEXT GENERATED ALWAYS AS (json_extract(data, '$.location')) STORED,
  case_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.case')) STORED,
  all_day INTEGER GENERATED ALWAYS AS (json_extract(data, '$.time.kind') = 'all_day') STORED,
  start_s INTEGER GENERATED ALWAYS AS (CASE json_extract(data, '$.time.kind') WHEN 'timed' THEN unixepoch(json_extract(data, '$.time.start')) END) STORED,
  end_s INTEGER GENERATED ALWAYS AS (CASE json_extract(data, '$.time.kind') WHEN 'timed' THEN unixepoch(json_extract(data, '$.time.end')) END) STORED,
  start_date TEXT GENERATED ALWAYS AS (CASE json_extract(data, '$.time.kind') WHEN 'all_day' THEN json_extract(data, '$.time.start') END) STORED,
  end_date TEXT GENERATED ALWAYS AS (CASE json_extract(data, '$.time.kind') WHEN 'all_day' THEN json_extract(data, '$.time.end') END) STORED
);

CREATE TABLE tasks (
  id TEXT PRIMARY KEY NOT NULL,
  remote_id TEXT UNIQUE,
  data TEXT NOT NULL CHECK (json_valid(data)),
  change_counter INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  server_updated_at TEXT,
  local_updated_at TEXT NOT NULL,
  name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL,
  description TEXT GENERATED ALWAYS AS (json_extract(data, '$.description')) VIRTUAL,
  priority TEXT GENERATED ALWAYS AS (json_extract(data, '$.priority')) VIRTUAL,
  due TEXT GENERATED ALWAYS AS (json_extract(data, '$.due')) VIRTUAL,
  completed INTEGER GENERATED ALWAYS AS (json_extract(data, '$.completed')) VIRTUAL,
  case_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.case')) VIRTUAL
);
-- Relations (case <-> clients/companies/staff, event/task <-> staff), kept by the
-- upsert code from the records' lists so queries can filter by them with an index.
CREATE TABLE links (
  from_id TEXT NOT NULL,
  rel TEXT NOT NULL,
  to_id TEXT NOT NULL,
  role TEXT,
  PRIMARY KEY (from_id, rel, to_id)
) WITHOUT ROWID;
CREATE INDEX links_to ON links (rel, to_id, from_id);

CREATE INDEX cases_name ON cases (name COLLATE NOCASE) WHERE deleted = 0;
CREATE INDEX cases_number ON cases (number) WHERE deleted = 0;
CREATE INDEX cases_opened ON cases (opened_on) WHERE deleted = 0;
CREATE INDEX cases_updated ON cases (server_updated_at) WHERE deleted = 0;
CREATE INDEX cases_status_name ON cases (status, name COLLATE NOCASE) WHERE deleted = 0;
CREATE INDEX cases_stage ON cases (stage_id) WHERE deleted = 0;
CREATE INDEX cases_area ON cases (practice_area_id) WHERE deleted = 0;
-- Covering for the calendar: a month of events is read from the index alone.
CREATE INDEX events_timed ON events (start_s, end_s, id, name, location) WHERE deleted = 0 AND all_day = 0;
CREATE INDEX events_all_day ON events (start_date, end_date, id, name, location) WHERE deleted = 0 AND all_day = 1;
CREATE INDEX events_case ON events (case_id) WHERE deleted = 0;
CREATE INDEX tasks_due ON tasks (completed, due) WHERE deleted = 0;
CREATE INDEX tasks_case ON tasks (case_id) WHERE deleted = 0;
CREATE INDEX folders_case ON folders (case_id, parent_id) WHERE deleted = 0;
CREATE INDEX documents_folder ON documents (folder_id) WHERE deleted = 0;
CREATE INDEX documents_case ON documents (case_id) WHERE deleted = 0;

-- Sync bookkeeping.
-- The mirror: the last server copy of each synced record, the 3-way merge base.
CREATE TABLE mirror (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  server_updated_at TEXT,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- Pending local operations, replayed in seq order within the planner's rules.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  op_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
  payload TEXT CHECK (payload IS NULL OR json_valid(payload)),
  counter_snapshot INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX outbox_record ON outbox (kind, record_id);

-- Per-resource pull checkpoints: the server-time watermark and an in-progress cursor.
CREATE TABLE checkpoints (
  resource TEXT PRIMARY KEY NOT NULL,
  watermark TEXT,
  cursor TEXT,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- True conflicts waiting for the user; never resolved silently.
CREATE TABLE conflicts (
  id TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  base TEXT,
  local TEXT,
  remote TEXT,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolution TEXT
) WITHOUT ROWID;
CREATE INDEX conflicts_open ON conflicts (resolved_at, kind, record_id);

-- Records the server sent that could not be applied, with the reason.
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  resource TEXT NOT NULL,
  remote_id TEXT,
  payload TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL
);

-- What was changed from this laptop, when, and under which account.
CREATE TABLE activity (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  account TEXT NOT NULL,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  action TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX activity_at ON activity (at);

CREATE TABLE store_meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- Global search: one FTS5 table per searchable kind, rowid = the record's rowid,
-- with prefix indexes for type-ahead. Triggers keep it exact across inserts,
-- updates (renames), tombstones and deletes: the old terms are always removed.

CREATE VIRTUAL TABLE cases_fts USING fts5(name, number, description, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases WHEN new.deleted = 0 BEGIN
  INSERT INTO cases_fts (rowid, name, number, description) VALUES (new.rowid, new.name, new.number, new.description);
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF data, deleted ON cases BEGIN
  DELETE FROM cases_fts WHERE rowid = old.rowid;
  INSERT INTO cases_fts (rowid, name, number, description) SELECT new.rowid, new.name, new.number, new.description WHERE new.deleted = 0;
END;
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
  DELETE FROM cases_fts WHERE rowid = old.rowid;
END;

CREATE VIRTUAL TABLE clients_fts USING fts5(first_name, last_name, email, phone, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients WHEN new.deleted = 0 BEGIN
  INSERT INTO clients_fts (rowid, first_name, last_name, email, phone) VALUES (new.rowid, new.first_name, new.last_name, new.email, new.phone);
END;
CREATE TRIGGER clients_fts_update AFTER UPDATE OF data, deleted ON clients BEGIN
  DELETE FROM clients_fts WHERE rowid = old.rowid;
  INSERT INTO clients_fts (rowid, first_name, last_name, email, phone) SELECT new.rowid, new.first_name, new.last_name, new.email, new.phone WHERE new.deleted = 0;
END;
CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN
  DELETE FROM clients_fts WHERE rowid = old.rowid;
END;

CREATE VIRTUAL TABLE companies_fts USING fts5(name, email, phone, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER companies_fts_insert AFTER INSERT ON companies WHEN new.deleted = 0 BEGIN
  INSERT INTO companies_fts (rowid, name, email, phone) VALUES (new.rowid, new.name, new.email, new.phone);
END;
CREATE TRIGGER companies_fts_update AFTER UPDATE OF data, deleted ON companies BEGIN
  DELETE FROM companies_fts WHERE rowid = old.rowid;
  INSERT INTO companies_fts (rowid, name, email, phone) SELECT new.rowid, new.name, new.email, new.phone WHERE new.deleted = 0;
END;
CREATE TRIGGER companies_fts_delete AFTER DELETE ON companies BEGIN
  DELETE FROM companies_fts WHERE rowid = old.rowid;
END;

CREATE VIRTUAL TABLE events_fts USING fts5(name, description, location, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER events_fts_insert AFTER INSERT ON events WHEN new.deleted = 0 BEGIN
  INSERT INTO events_fts (rowid, name, description, location) VALUES (new.rowid, new.name, new.description, new.location);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF data, deleted ON events BEGIN
  DELETE FROM events_fts WHERE rowid = old.rowid;
  INSERT INTO events_fts (rowid, name, description, location) SELECT new.rowid, new.name, new.description, new.location WHERE new.deleted = 0;
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
  DELETE FROM events_fts WHERE rowid = old.rowid;
END;

CREATE VIRTUAL TABLE tasks_fts USING fts5(name, description, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks WHEN new.deleted = 0 BEGIN
  INSERT INTO tasks_fts (rowid, name, description) VALUES (new.rowid, new.name, new.description);
END;
CREATE TRIGGER tasks_fts_update AFTER UPDATE OF data, deleted ON tasks BEGIN
  DELETE FROM tasks_fts WHERE rowid = old.rowid;
  INSERT INTO tasks_fts (rowid, name, description) SELECT new.rowid, new.name, new.description WHERE new.deleted = 0;
END;
CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
  DELETE FROM tasks_fts WHERE rowid = old.rowid;
END;

CREATE VIRTUAL TABLE documents_fts USING fts5(name, path, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents WHEN new.deleted = 0 BEGIN
  INSERT INTO documents_fts (rowid, name, path) VALUES (new.rowid, new.name, new.path);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF data, deleted ON documents BEGIN
  DELETE FROM documents_fts WHERE rowid = old.rowid;
  INSERT INTO documents_fts (rowid, name, path) SELECT new.rowid, new.name, new.path WHERE new.deleted = 0;
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
  DELETE FROM documents_fts WHERE rowid = old.rowid;
END;
