-- Following tickets: when the provider first answered (this stops the first-response
-- clock for good, so `list` need not ask the desk again), and a faster status filter.
ALTER TABLE requests ADD COLUMN first_reply_at TEXT;
CREATE INDEX requests_status ON requests (profile, status);
