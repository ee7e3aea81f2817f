-- The support alias's mailbox as a source (`ctlsupport sync`): how far each mailbox was
-- read, the desk's notifications found in it, and the encoded ids they carry.

-- IMAP: the folder's UIDVALIDITY and the last UID read (a new UIDVALIDITY reads all again).
CREATE TABLE mailbox_cursor (
    profile     TEXT    NOT NULL,
    source      TEXT    NOT NULL,               -- imap://user@host:port/folder or maildir:path
    uidvalidity INTEGER,
    last_uid    INTEGER NOT NULL DEFAULT 0,
    synced_at   TEXT,
    PRIMARY KEY (profile, source)
);

-- Maildir has no UIDs: the unique part of each file name read.
CREATE TABLE mailbox_seen (
    profile TEXT NOT NULL,
    source  TEXT NOT NULL,
    key     TEXT NOT NULL,
    PRIMARY KEY (profile, source, key)
) WITHOUT ROWID;

-- One row per notification (by Message-ID): a second copy is a duplicate, never a fact twice.
CREATE TABLE mail_notices (
    profile    TEXT    NOT NULL,
    message_id TEXT    NOT NULL,
    request_id INTEGER NOT NULL,
    code       TEXT,                            -- the encoded id, e.g. 1G7EOR-0Q2J
    kind       TEXT    NOT NULL,                -- received | reply | solved | update
    status     TEXT,                            -- the status it implies, when it implies one
    author     TEXT,
    body       TEXT    NOT NULL DEFAULT '',     -- the newest comment it quotes
    subject    TEXT    NOT NULL DEFAULT '',
    reply_to   TEXT,                            -- the desk's reply address
    refs       TEXT    NOT NULL DEFAULT '',     -- its References, for a reply to it
    sent_at    TEXT    NOT NULL,
    seen_at    TEXT    NOT NULL,
    PRIMARY KEY (profile, message_id)
);
CREATE INDEX mail_notices_request ON mail_notices (profile, request_id, sent_at);

-- Encoded id -> ticket number, learnt from the first notification that showed both.
CREATE TABLE mail_codes (
    profile    TEXT    NOT NULL,
    code       TEXT    NOT NULL,
    request_id INTEGER NOT NULL,
    PRIMARY KEY (profile, code)
);

-- Where a known request's facts came from (api | mail) and when the mailbox last told.
ALTER TABLE requests ADD COLUMN source TEXT;
ALTER TABLE requests ADD COLUMN mail_updated_at TEXT;
