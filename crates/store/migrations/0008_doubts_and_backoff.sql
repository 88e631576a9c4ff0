-- Migration 8: where a create in doubt must be looked for, and how often a
-- change the server keeps failing has failed.
--
-- A create whose answer was lost stays in doubt until it is found on the
-- server or its window has passed (in_doubt.rs in the sync crate), however
-- many syncs that takes, while each pull moves the resource's watermark on.
-- The look-up must still reach back to the attempt, by the server's clock
-- (not the laptop's, which may be wrong): the resource's watermark when it
-- was sent. NULL when the resource had none yet (the look-up walks it all).
ALTER TABLE create_attempts ADD COLUMN server_since TEXT;

-- A change the server answers with an error again and again (a 500 on the
-- same record forever) backs off instead of being sent at every sync, and
-- is shown as failing, with the reason, without holding up the rest of
-- the outbox. Consecutive failures since it last changed, and when the
-- last one happened (this laptop's clock, RFC 3339).
ALTER TABLE outbox ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN failed_at TEXT;
