-- The customer directory: every customer a ticket was opened for, with their servers,
-- so a repeat ticket is picked rather than typed. Shared by every profile.
CREATE TABLE customers (
    alias      TEXT PRIMARY KEY,              -- upper case, 2-6 letters or digits
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_used  TEXT                           -- the last ticket opened for them
);

CREATE TABLE customer_servers (
    alias      TEXT NOT NULL REFERENCES customers (alias) ON DELETE CASCADE ON UPDATE CASCADE,
    name       TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    datacenter TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_used  TEXT,
    PRIMARY KEY (alias, name)
);
CREATE INDEX customer_servers_name ON customer_servers (name);

-- A template's L1 checklist items that a ticket went without, unexplained (JSON list of
-- {"id", "text"}): escalating the ticket asks the reason for each first.
ALTER TABLE requests ADD COLUMN checklist_open TEXT;
