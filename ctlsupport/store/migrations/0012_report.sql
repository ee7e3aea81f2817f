-- The service-level report: who signed each request, when the provider restored it (its
-- last public answer on a solved request), its last public answer and the longest wait
-- between two of them (updates), and for which update of the request the thread was last
-- read (a thread is read again only when the request changed since).
ALTER TABLE requests ADD COLUMN engineer TEXT;
ALTER TABLE requests ADD COLUMN restored_at TEXT;
ALTER TABLE requests ADD COLUMN last_answer_at TEXT;
ALTER TABLE requests ADD COLUMN update_gap INTEGER;
ALTER TABLE requests ADD COLUMN thread_read_for TEXT;
CREATE INDEX requests_created ON requests (profile, created_at);
