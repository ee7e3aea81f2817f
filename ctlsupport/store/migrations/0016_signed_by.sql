-- The full name a request was opened with here, so that `comment` and `escalate` can
-- sign with the same name when the profile has none (the sandbox profile, often).
ALTER TABLE requests ADD COLUMN signed_by TEXT;
