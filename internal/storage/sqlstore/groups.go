package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

const groupColumns = "id, name, description, created_at, updated_at"

var groupListing = listing{noun: "group", table: "groups", columns: groupColumns, group: true, name: true, ancestors: true}

func scanGroup(sc scanner) (iam.Group, error) {
	var g iam.Group
	err := sc.Scan(&g.ID, &g.Name, &g.Description, timeDest(&g.CreatedAt), timeDest(&g.UpdatedAt))
	return g, err
}

// CreateGroup implements storage.Groups.
func (s *Store) CreateGroup(ctx context.Context, g iam.Group) error {
	if !iam.ValidID(g.ID) {
		return invalidID("id", g.ID)
	}
	_, err := s.exec(ctx,
		`INSERT INTO groups (id, parent_id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		g.ID, parentArg(g.ID), g.Name, g.Description, s.db.dialect.timeArg(g.CreatedAt), s.db.dialect.timeArg(g.UpdatedAt))
	return s.groupWriteErr(ctx, "create group", g, err)
}

// groupWriteErr explains a failed insert or update of g.
func (s *Store) groupWriteErr(ctx context.Context, op string, g iam.Group, err error) error {
	if err == nil {
		return nil
	}
	switch s.db.dialect.violation(err) {
	case violationPrimaryKey:
		return errs.Wrap(errs.AlreadyExists, err, "a group with ID %s already exists", g.ID)
	case violationUnique:
		return errs.Wrap(errs.AlreadyExists, err, "%s %q already exists %s; choose another name",
			groupNoun(g.ID), g.Name, inGroup(g.Parent()))
	case violationForeignKey:
		return errs.Wrap(errs.NotFound, err, "parent %s %s not found", groupNoun(g.Parent()), g.Parent())
	case violationCheck:
		return errs.Wrap(errs.Invalid, err, "group ID %s does not fit its parent", g.ID)
	}
	return s.db.fail(ctx, op, err)
}

// Group implements storage.Groups.
func (s *Store) Group(ctx context.Context, id string) (iam.Group, error) {
	return s.group(ctx, s.reader(), id, "")
}

// group reads one group, with lock appended to the query.
func (s *Store) group(ctx context.Context, q querier, id, lock string) (iam.Group, error) {
	if !iam.ValidID(id) {
		return iam.Group{}, invalidID("id", id)
	}
	g, err := scanGroup(q.QueryRowContext(ctx, "SELECT "+groupColumns+" FROM groups WHERE id = $1"+lock, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return iam.Group{}, notFound(groupNoun(id), id)
	case err != nil:
		return iam.Group{}, s.db.fail(ctx, "read group", err)
	}
	return g, nil
}

// UpdateGroup implements storage.Groups. The row is locked from the read to
// the write, so concurrent updates apply one after the other and none is
// lost.
func (s *Store) UpdateGroup(ctx context.Context, id string, fn func(*iam.Group) error) (iam.Group, error) {
	var out iam.Group
	err := s.write(ctx, func(q querier) error {
		g, err := s.group(ctx, q, id, s.db.dialect.lockRows(lockUpdate))
		if err != nil {
			return err
		}
		if err := fn(&g); errors.Is(err, storage.ErrUnchanged) {
			out, err = s.group(ctx, q, id, "")
			return err
		} else if err != nil {
			return err
		}
		if g.ID != id {
			return errs.Invalidf("id", "cannot change (from %s to %s)", id, g.ID)
		}
		_, err = q.ExecContext(ctx,
			`UPDATE groups SET name = $2, description = $3, created_at = $4, updated_at = $5 WHERE id = $1`,
			g.ID, g.Name, g.Description, s.db.dialect.timeArg(g.CreatedAt), s.db.dialect.timeArg(g.UpdatedAt))
		if err := s.groupWriteErr(ctx, "update group", g, err); err != nil {
			return err
		}
		out, err = s.group(ctx, q, id, "")
		return err
	})
	if err != nil {
		return iam.Group{}, err
	}
	return out, nil
}

// DeleteGroup implements storage.Groups. It locks the group's row against
// new children (their foreign key checks wait for the lock), counts what
// is still inside, and deletes only an empty group; the foreign keys
// remain as the last line of defence.
func (s *Store) DeleteGroup(ctx context.Context, id string) error {
	return s.write(ctx, func(q querier) error {
		g, err := s.group(ctx, q, id, s.db.dialect.lockRows(lockDelete))
		if err != nil {
			return err
		}
		var folders, identities, roles, bindings int
		err = q.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM groups WHERE parent_id = $1),
			(SELECT count(*) FROM identities WHERE parent_id = $1),
			(SELECT count(*) FROM roles WHERE parent_id = $1),
			(SELECT count(*) FROM role_bindings WHERE parent_id = $1)`, id).Scan(&folders, &identities, &roles, &bindings)
		if err != nil {
			return s.db.fail(ctx, "count group contents", err)
		}
		if folders+identities+roles+bindings > 0 {
			return errs.New(errs.Conflict, "%s %q has %s; delete them first", groupNoun(id), g.Name, enumerate(
				count(folders, "folder", "folders"),
				count(identities, "identity", "identities"),
				count(roles, "custom role", "custom roles"),
				count(bindings, "role binding", "role bindings")))
		}
		_, err = q.ExecContext(ctx, `DELETE FROM groups WHERE id = $1`, id)
		if s.db.dialect.violation(err) == violationForeignKey {
			return errs.Wrap(errs.Conflict, err, "%s %q is not empty; delete what it contains first", groupNoun(id), g.Name)
		}
		if err != nil {
			return s.db.fail(ctx, "delete group", err)
		}
		return nil
	})
}

// ListGroups implements storage.Groups. Identity and Role do not apply.
func (s *Store) ListGroups(ctx context.Context, f storage.Filter) (storage.Page[iam.Group], error) {
	return list(ctx, s, groupListing, f, scanGroup, func(g iam.Group) string { return g.ID })
}
