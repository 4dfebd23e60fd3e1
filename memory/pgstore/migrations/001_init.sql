-- devai's shared store: the decision log (one chain per repository),
-- proposals, and MCP sessions of streamable HTTP.

-- The end of each repository's chain, signed with the log's key (the
-- anchor of the file log). Appends lock this row (FOR UPDATE), so
-- concurrent replicas extend the chain one at a time and never fork it.
CREATE TABLE decision_heads (
    repo   text PRIMARY KEY,
    seq    bigint NOT NULL,
    hash   text   NOT NULL,
    key_id text   NOT NULL,
    mac    text   NOT NULL
);

-- One row per record. line is the record's canonical JSON exactly as
-- hashed (jsonb would reorder its keys); record is the same as jsonb, so a
-- field added to records later can be queried without a schema change.
CREATE TABLE decisions (
    repo    text        NOT NULL,
    seq     bigint      NOT NULL,
    entry   uuid        NOT NULL UNIQUE, -- the append that wrote it: a retried append finds its own record
    line    text        NOT NULL,
    record  jsonb       GENERATED ALWAYS AS (line::jsonb) STORED,
    tool    text        NOT NULL,
    session text        NOT NULL DEFAULT '',
    outcome text        NOT NULL,
    at      timestamptz NOT NULL,
    PRIMARY KEY (repo, seq)
);
CREATE INDEX decisions_by_session ON decisions (repo, session);
CREATE INDEX decisions_by_tool ON decisions (repo, tool, seq);

-- Proposals of propose_patch: meta_text is the record as stored (the
-- resource serves it as it is), meta the same as jsonb; diff is exactly as
-- built, so that git apply reproduces it.
CREATE TABLE proposals (
    repo      text        NOT NULL,
    id        text        NOT NULL,
    created   timestamptz NOT NULL,
    title     text        NOT NULL,
    base      text        NOT NULL,
    branch    text        NOT NULL,
    checks    jsonb       NOT NULL,
    meta_text text        NOT NULL,
    meta      jsonb       GENERATED ALWAYS AS (meta_text::jsonb) STORED,
    diff      text        NOT NULL,
    PRIMARY KEY (repo, id)
);

-- Sessions of streamable HTTP: an id issued by one replica is honoured by
-- every replica. state holds what a replica needs to serve a session
-- another initialised (client info and capabilities, protocol version,
-- log level).
CREATE TABLE mcp_sessions (
    id        text        PRIMARY KEY,
    created   timestamptz NOT NULL DEFAULT now(),
    last_used timestamptz NOT NULL DEFAULT now(),
    state     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX mcp_sessions_by_last_used ON mcp_sessions (last_used);
