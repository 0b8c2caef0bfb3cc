-- The first schema of latch's SQLite store.
--
-- IDs are UIDPs compared bytewise (SQLite's default BINARY collation), so
-- "everything below group G" is the primary-key range [G || '/', G || '0').
-- The root of the tree (iam.RootScope) is a NULL parent_id. Times are
-- microseconds since the Unix epoch, UTC; NULL is the zero time. JSON is
-- stored as TEXT. Tables are STRICT so a wrong type fails loudly, and
-- WITHOUT ROWID so rows are clustered by their text primary key.

-- +goose Up

-- One row per lock that writers take before a read-modify-write of data
-- that has no natural row to lock. SQLite needs none (its write transaction
-- is the lock), but the table keeps the two schemas alike.
CREATE TABLE store_locks (
    name TEXT NOT NULL PRIMARY KEY
) STRICT, WITHOUT ROWID;
INSERT INTO store_locks (name) VALUES ('signing_keys'), ('built_in_roles');

CREATE TABLE groups (
    id          TEXT NOT NULL PRIMARY KEY,
    parent_id   TEXT REFERENCES groups (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  INTEGER,
    updated_at  INTEGER,
    CHECK ((parent_id IS NULL AND length(id) = 40)
        OR (length(id) = length(parent_id) + 17 AND substr(id, 1, length(parent_id) + 1) = parent_id || '/'))
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX groups_parent_name ON groups (parent_id, name);
CREATE UNIQUE INDEX groups_root_name ON groups (name) WHERE parent_id IS NULL;

CREATE TABLE identities (
    id           TEXT NOT NULL PRIMARY KEY,
    parent_id    TEXT REFERENCES groups (id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('aws', 'claim_match', 'static', 'user')),
    rule         TEXT NOT NULL,
    user_issuer  TEXT,
    user_subject TEXT,
    created_at   INTEGER,
    updated_at   INTEGER,
    last_seen    INTEGER,
    CHECK ((parent_id IS NULL AND length(id) = 40)
        OR (length(id) = length(parent_id) + 17 AND substr(id, 1, length(parent_id) + 1) = parent_id || '/')),
    CHECK ((kind = 'user') = (user_issuer IS NOT NULL AND user_subject IS NOT NULL))
) STRICT, WITHOUT ROWID;
-- Users live at the root (NULL parent), which this index does not cover:
-- NULLs are distinct in unique indexes (00003 adds one for users' names).
CREATE UNIQUE INDEX identities_parent_name ON identities (parent_id, name);
CREATE UNIQUE INDEX identities_user ON identities (user_issuer, user_subject);

CREATE TABLE roles (
    id           TEXT NOT NULL PRIMARY KEY,
    parent_id    TEXT REFERENCES groups (id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    capabilities TEXT NOT NULL,
    created_at   INTEGER,
    updated_at   INTEGER,
    CHECK ((parent_id IS NULL AND length(id) = 40)
        OR (length(id) = length(parent_id) + 17 AND substr(id, 1, length(parent_id) + 1) = parent_id || '/'))
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX roles_parent_name ON roles (parent_id, name);
CREATE UNIQUE INDEX roles_root_name ON roles (name) WHERE parent_id IS NULL;

CREATE TABLE role_bindings (
    id          TEXT NOT NULL PRIMARY KEY,
    parent_id   TEXT REFERENCES groups (id),
    identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    role_id     TEXT NOT NULL REFERENCES roles (id),
    created_at  INTEGER,
    updated_at  INTEGER,
    CHECK ((parent_id IS NULL AND length(id) = 40)
        OR (length(id) = length(parent_id) + 17 AND substr(id, 1, length(parent_id) + 1) = parent_id || '/'))
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX role_bindings_parent_identity_role ON role_bindings (parent_id, identity_id, role_id);
CREATE UNIQUE INDEX role_bindings_root_identity_role ON role_bindings (identity_id, role_id) WHERE parent_id IS NULL;
-- Grants runs on every API call and looks bindings up by identity.
CREATE INDEX role_bindings_identity ON role_bindings (identity_id);
-- DeleteRole counts a role's bindings; the foreign key check needs it too.
CREATE INDEX role_bindings_role ON role_bindings (role_id);

CREATE TABLE signing_keys (
    id            TEXT NOT NULL PRIMARY KEY,
    seq           INTEGER NOT NULL,
    algorithm     TEXT NOT NULL,
    private_der   BLOB NOT NULL,
    created_at    INTEGER,
    sign_until    INTEGER,
    publish_until INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE proofs (
    id         TEXT NOT NULL PRIMARY KEY,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX proofs_expires_at ON proofs (expires_at);

CREATE TABLE refresh_tokens (
    id          TEXT NOT NULL PRIMARY KEY,
    family_id   TEXT NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    secret_hash BLOB NOT NULL,
    audience    TEXT NOT NULL,
    created_at  INTEGER,
    expires_at  INTEGER,
    used_at     INTEGER,
    revoked_at  INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_identity ON refresh_tokens (identity_id);

-- Events keep no foreign keys: the audit trail outlives what it mentions.
CREATE TABLE events (
    id          TEXT NOT NULL PRIMARY KEY,
    occurred_at INTEGER NOT NULL,
    type        TEXT NOT NULL,
    group_id    TEXT NOT NULL,
    identity_id TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    detail      TEXT NOT NULL,
    source_ip   TEXT NOT NULL,
    token_id    TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX events_time ON events (occurred_at, id);
CREATE INDEX events_identity_time ON events (identity_id, occurred_at, id);
CREATE INDEX events_group ON events (group_id);

CREATE TABLE bootstrap (
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    secret_hash BLOB NOT NULL,
    created_at  INTEGER,
    used_at     INTEGER,
    identity_id TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE bootstrap;
DROP TABLE events;
DROP TABLE refresh_tokens;
DROP TABLE proofs;
DROP TABLE signing_keys;
DROP TABLE role_bindings;
DROP TABLE roles;
DROP TABLE identities;
DROP TABLE groups;
DROP TABLE store_locks;
