-- The first schema of latch's PostgreSQL store.
--
-- IDs are UIDPs. Every ID column is COLLATE "C" so that comparisons are
-- bytewise whatever the database's locale: "everything below group G" is
-- the primary-key range [G || '/', G || '0'), and a linguistic collation
-- (which ignores punctuation such as '/') would break it. The root of the
-- tree (iam.RootScope) is a NULL parent_id. Times are timestamptz
-- (microseconds); NULL is the zero time. JSON is stored as text, exactly as
-- written.

-- +goose Up

-- One row per lock that writers take (SELECT ... FOR UPDATE) before a
-- read-modify-write of data that has no natural row to lock: the signing
-- key set and the set of built-in roles. Row locks, unlike advisory locks,
-- stay inside the schema, so two deployments in two schemas of one
-- database never wait for each other.
CREATE TABLE store_locks (
    name text COLLATE "C" NOT NULL,
    CONSTRAINT store_locks_pkey PRIMARY KEY (name)
);
INSERT INTO store_locks (name) VALUES ('signing_keys'), ('built_in_roles');

CREATE TABLE groups (
    id          text COLLATE "C" NOT NULL,
    parent_id   text COLLATE "C",
    name        text NOT NULL,
    description text NOT NULL,
    created_at  timestamptz,
    updated_at  timestamptz,
    CONSTRAINT groups_pkey PRIMARY KEY (id),
    CONSTRAINT groups_parent_fkey FOREIGN KEY (parent_id) REFERENCES groups (id),
    CONSTRAINT groups_id_check CHECK ((parent_id IS NULL AND length(id) = 40)
        OR (length(id) = length(parent_id) + 17 AND substr(id, 1, length(parent_id) + 1) = parent_id || '/'))
);
CREATE UNIQUE INDEX groups_parent_name ON groups (parent_id, name);
CREATE UNIQUE INDEX groups_root_name ON groups (name) WHERE parent_id IS NULL;

CREATE TABLE identities (
    id           text COLLATE "C" NOT NULL,
    parent_id    text COLLATE "C",
    name         text NOT NULL,
    description  text NOT NULL,
    kind         text NOT NULL,
    rule         text NOT NULL,
    user_issuer  text,
    user_subject text,
    created_at   timestamptz,
    updated_at   timestamptz,
    last_seen    timestamptz,
    CONSTRAINT identities_pkey PRIMARY KEY (id),
    CONSTRAINT identities_parent_fkey FOREIGN KEY (parent_id) REFERENCES groups (id),
    CONSTRAINT identities_kind_check CHECK (kind IN ('aws', 'claim_match', 'static', 'user')),
    CONSTRAINT identities_id_check CHECK ((parent_id IS NULL AND length(id) = 40)
        OR (length(id) = length(parent_id) + 17 AND substr(id, 1, length(parent_id) + 1) = parent_id || '/')),
    CONSTRAINT identities_user_check CHECK ((kind = 'user') = (user_issuer IS NOT NULL AND user_subject IS NOT NULL))
);
-- Users live at the root (NULL parent), which this index does not cover:
-- NULLs are distinct in unique indexes (00003 adds one for users' names).
CREATE UNIQUE INDEX identities_parent_name ON identities (parent_id, name);
CREATE UNIQUE INDEX identities_user ON identities (user_issuer, user_subject);

CREATE TABLE roles (
    id           text COLLATE "C" NOT NULL,
    parent_id    text COLLATE "C",
    name         text NOT NULL,
    description  text NOT NULL,
    capabilities text NOT NULL,
    created_at   timestamptz,
    updated_at   timestamptz,
    CONSTRAINT roles_pkey PRIMARY KEY (id),
    CONSTRAINT roles_parent_fkey FOREIGN KEY (parent_id) REFERENCES groups (id),
    CONSTRAINT roles_id_check CHECK ((parent_id IS NULL AND length(id) = 40)
        OR (length(id) = length(parent_id) + 17 AND substr(id, 1, length(parent_id) + 1) = parent_id || '/'))
);
CREATE UNIQUE INDEX roles_parent_name ON roles (parent_id, name);
CREATE UNIQUE INDEX roles_root_name ON roles (name) WHERE parent_id IS NULL;

CREATE TABLE role_bindings (
    id          text COLLATE "C" NOT NULL,
    parent_id   text COLLATE "C",
    identity_id text COLLATE "C" NOT NULL,
    role_id     text COLLATE "C" NOT NULL,
    created_at  timestamptz,
    updated_at  timestamptz,
    CONSTRAINT role_bindings_pkey PRIMARY KEY (id),
    CONSTRAINT role_bindings_parent_fkey FOREIGN KEY (parent_id) REFERENCES groups (id),
    CONSTRAINT role_bindings_identity_fkey FOREIGN KEY (identity_id) REFERENCES identities (id) ON DELETE CASCADE,
    CONSTRAINT role_bindings_role_fkey FOREIGN KEY (role_id) REFERENCES roles (id),
    CONSTRAINT role_bindings_id_check CHECK ((parent_id IS NULL AND length(id) = 40)
        OR (length(id) = length(parent_id) + 17 AND substr(id, 1, length(parent_id) + 1) = parent_id || '/'))
);
CREATE UNIQUE INDEX role_bindings_parent_identity_role ON role_bindings (parent_id, identity_id, role_id);
CREATE UNIQUE INDEX role_bindings_root_identity_role ON role_bindings (identity_id, role_id) WHERE parent_id IS NULL;
-- Grants runs on every API call and looks bindings up by identity.
CREATE INDEX role_bindings_identity ON role_bindings (identity_id);
-- DeleteRole counts a role's bindings; the foreign key check needs it too.
CREATE INDEX role_bindings_role ON role_bindings (role_id);

CREATE TABLE signing_keys (
    id            text COLLATE "C" NOT NULL,
    seq           integer NOT NULL,
    algorithm     text NOT NULL,
    private_der   bytea NOT NULL,
    created_at    timestamptz,
    sign_until    timestamptz,
    publish_until timestamptz,
    CONSTRAINT signing_keys_pkey PRIMARY KEY (id)
);

CREATE TABLE proofs (
    id         text COLLATE "C" NOT NULL,
    expires_at timestamptz NOT NULL,
    CONSTRAINT proofs_pkey PRIMARY KEY (id)
);
CREATE INDEX proofs_expires_at ON proofs (expires_at);

CREATE TABLE refresh_tokens (
    id          text COLLATE "C" NOT NULL,
    family_id   text COLLATE "C" NOT NULL,
    identity_id text COLLATE "C" NOT NULL,
    secret_hash bytea NOT NULL,
    audience    text NOT NULL,
    created_at  timestamptz,
    expires_at  timestamptz,
    used_at     timestamptz,
    revoked_at  timestamptz,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT refresh_tokens_identity_fkey FOREIGN KEY (identity_id) REFERENCES identities (id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_identity ON refresh_tokens (identity_id);

-- Events keep no foreign keys: the audit trail outlives what it mentions.
CREATE TABLE events (
    id          text COLLATE "C" NOT NULL,
    occurred_at timestamptz NOT NULL,
    type        text NOT NULL,
    group_id    text COLLATE "C" NOT NULL,
    identity_id text COLLATE "C" NOT NULL,
    outcome     text NOT NULL,
    reason      text NOT NULL,
    subject     text NOT NULL,
    detail      text NOT NULL,
    source_ip   text NOT NULL,
    token_id    text NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (id)
);
CREATE INDEX events_time ON events (occurred_at, id);
CREATE INDEX events_identity_time ON events (identity_id, occurred_at, id);
CREATE INDEX events_group ON events (group_id);

CREATE TABLE bootstrap (
    id          integer NOT NULL,
    secret_hash bytea NOT NULL,
    created_at  timestamptz,
    used_at     timestamptz,
    identity_id text COLLATE "C" NOT NULL,
    CONSTRAINT bootstrap_pkey PRIMARY KEY (id),
    CONSTRAINT bootstrap_singleton CHECK (id = 1)
);

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
