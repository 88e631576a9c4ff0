-- A case's notes as its server keeps them (where the provider keeps them),
-- read whole when the case is opened online and for pinned cases, so they
-- read offline; in the server's order. Read-only: never in the outbox.
CREATE TABLE case_notes (
    case_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    remote_id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (case_id, position)
) WITHOUT ROWID;

-- When each case's notes were last read from the server.
CREATE TABLE case_note_reads (
    case_id TEXT PRIMARY KEY,
    read_at TEXT NOT NULL
) WITHOUT ROWID;
