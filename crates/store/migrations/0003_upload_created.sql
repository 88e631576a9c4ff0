-- Migration 3: whether an upload created its server document itself.
-- A cancelled upload removes the document it began on the server, and only
-- one it created: a document found by path (an unanswered create settled
-- later) might be someone else's, so it is never removed.
ALTER TABLE transfers ADD COLUMN remote_created INTEGER NOT NULL DEFAULT 0;
