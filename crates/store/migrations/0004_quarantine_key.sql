-- Migration 4: one quarantine row per record.
-- A malformed record is re-read at every incremental sync (the pull re-reads a
-- lookback), so quarantine is keyed: 'id:' and the remote id when the item has
-- one, else 'sha256:' and the SHA-256 (hex) of its payload. Quarantining a
-- record again updates its row. Rows kept from before without a remote id get
-- their payload's key from the migration's hook (SQL has no SHA-256), which
-- also folds duplicates among them; a NULL key never collides in the index.
ALTER TABLE quarantine ADD COLUMN record_key TEXT;
UPDATE quarantine SET record_key = 'id:' || remote_id WHERE remote_id IS NOT NULL;
-- Keep the newest row per key.
DELETE FROM quarantine WHERE id IN (
  SELECT id FROM (
    SELECT id, row_number() OVER (PARTITION BY resource, record_key ORDER BY at DESC, id DESC) AS n
    FROM quarantine WHERE record_key IS NOT NULL
  ) WHERE n > 1
);
CREATE UNIQUE INDEX quarantine_key ON quarantine (resource, record_key);

-- The status line counts refused pushes at every tick: a small index of
-- just the failed ops, so the count never reads the outbox's payloads.
CREATE INDEX outbox_failed ON outbox (seq) WHERE state = 'failed';
