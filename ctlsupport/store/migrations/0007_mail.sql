-- Messages of the email route: the Message-ID fixed when the message is queued, the
-- client reference in its body, where it went, and whether the server took it.
CREATE TABLE mail_messages (
    client_ref   TEXT    PRIMARY KEY,
    message_id   TEXT    NOT NULL UNIQUE,
    profile      TEXT    NOT NULL,
    kind         TEXT    NOT NULL,              -- request | escalation
    route        TEXT    NOT NULL,              -- the route name: urgent, high, task, ...
    recipient    TEXT    NOT NULL,
    subject      TEXT    NOT NULL DEFAULT '',
    state        TEXT    NOT NULL DEFAULT 'queued', -- queued | doubtful | accepted
    attempts     INTEGER NOT NULL DEFAULT 0,
    doubtful_at  TEXT,                          -- when a send may have been taken
    accepted_at  TEXT,
    desk_id      INTEGER,                       -- the request, once seen at the desk
    created_at   TEXT    NOT NULL
);
CREATE INDEX mail_messages_profile ON mail_messages (profile, created_at);

-- No bursts: the earliest moment the next message may go, per sending address.
CREATE TABLE mail_pace (
    sender  TEXT PRIMARY KEY,
    next_at REAL NOT NULL                       -- epoch seconds
);
