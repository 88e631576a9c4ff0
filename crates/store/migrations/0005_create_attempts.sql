-- Migration 5: what a create sent, kept until it is settled.
-- A create whose answer was lost is looked for on the server by the body it
-- sent. The record may be edited or deleted before the next sync, so the
-- look-up must use what was sent, not the record as it is now; and when the
-- server's copy is adopted it answers only the ops that attempt carried, so
-- later edits stay pending as an update (and a later delete as a delete).
CREATE TABLE create_attempts (
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  -- The request body, as sent.
  body TEXT NOT NULL,
  -- The outbox op ids the attempt carried (a JSON array).
  ops TEXT NOT NULL,
  -- The record's change counter when it was sent.
  counter_snapshot INTEGER NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (kind, record_id)
);
