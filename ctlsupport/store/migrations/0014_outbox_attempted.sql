-- When the last send of an outbox item began: a later sender that doubts it arrived
-- waits until the desk has had time to finish that send before it looks (and resends).
ALTER TABLE outbox ADD COLUMN attempted_at TEXT;
