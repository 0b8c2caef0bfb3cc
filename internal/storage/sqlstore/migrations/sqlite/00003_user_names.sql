-- Users (the identities at the root) get unique names, as identities in a
-- group already have: `--identity alice` then names one person. Where two
-- first logins at once gave two users one name, one user (the smallest ID)
-- keeps it and the others get the end of their ID appended.

-- +goose Up
UPDATE identities SET name = name || '-' || substr(id, length(id) - 7)
    WHERE parent_id IS NULL AND EXISTS (
        SELECT 1 FROM identities other
        WHERE other.parent_id IS NULL AND other.name = identities.name AND other.id < identities.id);
CREATE UNIQUE INDEX identities_root_name ON identities (name) WHERE parent_id IS NULL;

-- +goose Down
DROP INDEX identities_root_name;
