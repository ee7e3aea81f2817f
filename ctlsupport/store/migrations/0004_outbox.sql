-- Write-ahead outbox: every submission is stored (without secrets) before it is sent.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_ref  TEXT    NOT NULL UNIQUE,
    profile     TEXT    NOT NULL,
    kind        TEXT    NOT NULL,              -- request | comment | escalation
    route       TEXT    NOT NULL DEFAULT 'api', -- api | email
    payload     TEXT    NOT NULL,              -- JSON, never a secret
    state       TEXT    NOT NULL DEFAULT 'queued', -- queued | sending | sent
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    desk_id     INTEGER,
    adopted     INTEGER NOT NULL DEFAULT 0,    -- found at the desk after a lost answer
    lease_owner TEXT,
    lease_until TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX outbox_state ON outbox (state, profile);

-- Interrupted interactive input, to resume with `open --resume`.
CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,                  -- open | comment
    profile    TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    payload    TEXT NOT NULL,                  -- JSON, never a secret
    reason     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
