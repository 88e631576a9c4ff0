-- Migration 8: where a create in doubt must be looked for.
-- A create whose answer was lost stays in doubt until it is found on the
-- server or its window has passed (push.rs in the sync crate), however many
-- syncs that takes, while each pull moves the resource's watermark on. The
-- look-up must still reach back to the attempt, by the server's clock (not
-- the laptop's, which may be wrong): the resource's watermark when it was
-- sent. NULL when the resource had none yet (the look-up walks it all).
ALTER TABLE create_attempts ADD COLUMN server_since TEXT;
