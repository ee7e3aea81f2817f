-- Every request submitted from this machine or seen at the desk, per profile.
CREATE TABLE requests (
    profile        TEXT    NOT NULL,
    id             INTEGER NOT NULL,
    subject        TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL DEFAULT '',
    priority       TEXT,
    type           TEXT,
    created_at     TEXT,
    updated_at     TEXT,
    customer_alias TEXT,
    server         TEXT,
    datacenter     TEXT,
    submitted_here INTEGER NOT NULL DEFAULT 0,
    client_ref     TEXT,
    seen_at        TEXT    NOT NULL,
    data           TEXT,
    PRIMARY KEY (profile, id)
);
CREATE INDEX requests_updated ON requests (profile, updated_at);

-- Values typed before (customer aliases, server names), for completion and defaults.
CREATE TABLE seen_values (
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    last_used TEXT NOT NULL,
    uses      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (kind, value)
);
