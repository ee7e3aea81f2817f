-- Escalations sent from here: which ticket, by which route, as what new request or message.
CREATE TABLE escalations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    profile       TEXT    NOT NULL,
    original_id   INTEGER NOT NULL,
    escalation_id INTEGER,              -- the new request (API route)
    message_id    TEXT,                 -- the Message-ID (email route)
    route         TEXT    NOT NULL,     -- api | email
    reason        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX escalations_original ON escalations (profile, original_id);
