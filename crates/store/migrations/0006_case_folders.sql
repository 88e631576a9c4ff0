-- A case's folders as its server lists them (empty ones too), walked when
-- the case is opened online and for pinned cases after each sync, so the
-- tree browses offline; and folders made on this laptop the server does
-- not have yet (pending = 1), created at the next document run; and an
-- index for a case's uploads.
CREATE TABLE case_folders (
    case_id TEXT NOT NULL,
    path TEXT NOT NULL,
    pending INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, path)
) WITHOUT ROWID;

-- When each case's tree was last walked on the server.
CREATE TABLE case_folder_walks (
    case_id TEXT PRIMARY KEY,
    walked_at TEXT NOT NULL
) WITHOUT ROWID;

-- A case's file list reads its uploads by case.
CREATE INDEX transfers_case ON transfers (case_id, direction);
