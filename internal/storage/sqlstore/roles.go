package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// Capabilities are stored as a JSON array in the role's row: Grants then
// reads each binding's capabilities with one join and no second query,
// and roles are read far more often than they change.
const roleColumns = "id, name, description, capabilities, created_at, updated_at"

var roleListing = listing{noun: "role", table: "roles", columns: roleColumns, name: true, ancestors: true}

func scanRole(sc scanner) (iam.Role, error) {
	var r iam.Role
	err := sc.Scan(&r.ID, &r.Name, &r.Description, jsonDest(&r.Capabilities), timeDest(&r.CreatedAt), timeDest(&r.UpdatedAt))
	return r, err
}

// roleNoun tells built-in roles (at the root) from custom ones.
func roleNoun(id string) string {
	if iam.ParentID(id) == iam.RootScope {
		return "built-in role"
	}
	return "role"
}

// CreateRole implements storage.Roles. Only custom roles, which belong to
// a group: the built-in roles at the root are PutBuiltInRoles' alone.
func (s *Store) CreateRole(ctx context.Context, r iam.Role) error {
	if !iam.ValidID(r.ID) {
		return invalidID("id", r.ID)
	}
	if r.BuiltIn() {
		return errs.Invalidf("parent", "custom roles belong to an organization or folder; the roles at the root are built in")
	}
	return s.write(ctx, func(q querier) error { return s.insertRole(ctx, q, r) })
}

func (s *Store) insertRole(ctx context.Context, q querier, r iam.Role) error {
	caps, err := jsonArg(r.Capabilities)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx,
		`INSERT INTO roles (id, parent_id, name, description, capabilities, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.ID, parentArg(r.ID), r.Name, r.Description, caps, s.db.dialect.timeArg(r.CreatedAt), s.db.dialect.timeArg(r.UpdatedAt))
	return s.roleWriteErr(ctx, "create role", r, err)
}

func (s *Store) roleWriteErr(ctx context.Context, op string, r iam.Role, err error) error {
	if err == nil {
		return nil
	}
	switch s.db.dialect.violation(err) {
	case violationPrimaryKey:
		return errs.Wrap(errs.AlreadyExists, err, "a role with ID %s already exists", r.ID)
	case violationUnique:
		return errs.Wrap(errs.AlreadyExists, err, "%s %q already exists %s; choose another name", roleNoun(r.ID), r.Name, inGroup(r.Group()))
	case violationForeignKey:
		return errs.Wrap(errs.NotFound, err, "%s %s not found", groupNoun(r.Group()), r.Group())
	case violationCheck:
		return errs.Wrap(errs.Invalid, err, "role ID %s does not fit its group", r.ID)
	}
	return s.db.fail(ctx, op, err)
}

// Role implements storage.Roles.
func (s *Store) Role(ctx context.Context, id string) (iam.Role, error) {
	return s.role(ctx, s.reader(), id, "")
}

func (s *Store) role(ctx context.Context, q querier, id, lock string) (iam.Role, error) {
	if !iam.ValidID(id) {
		return iam.Role{}, invalidID("id", id)
	}
	r, err := scanRole(q.QueryRowContext(ctx, "SELECT "+roleColumns+" FROM roles WHERE id = $1"+lock, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return iam.Role{}, notFound("role", id)
	case err != nil:
		return iam.Role{}, s.db.fail(ctx, "read role", err)
	}
	return r, nil
}

// UpdateRole implements storage.Roles, with the row locked from read to
// write.
func (s *Store) UpdateRole(ctx context.Context, id string, fn func(*iam.Role) error) (iam.Role, error) {
	var out iam.Role
	err := s.write(ctx, func(q querier) error {
		r, err := s.role(ctx, q, id, s.db.dialect.lockRows(lockUpdate))
		if err != nil {
			return err
		}
		if err := fn(&r); errors.Is(err, storage.ErrUnchanged) {
			out, err = s.role(ctx, q, id, "")
			return err
		} else if err != nil {
			return err
		}
		if r.ID != id {
			return errs.Invalidf("id", "cannot change (from %s to %s)", id, r.ID)
		}
		if err := s.updateRole(ctx, q, r); err != nil {
			return err
		}
		out, err = s.role(ctx, q, id, "")
		return err
	})
	if err != nil {
		return iam.Role{}, err
	}
	return out, nil
}

func (s *Store) updateRole(ctx context.Context, q querier, r iam.Role) error {
	caps, err := jsonArg(r.Capabilities)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx,
		`UPDATE roles SET name = $2, description = $3, capabilities = $4, created_at = $5, updated_at = $6 WHERE id = $1`,
		r.ID, r.Name, r.Description, caps, s.db.dialect.timeArg(r.CreatedAt), s.db.dialect.timeArg(r.UpdatedAt))
	return s.roleWriteErr(ctx, "update role", r, err)
}

// DeleteRole implements storage.Roles. The role's row is locked against
// new bindings (their foreign key checks wait for it) while its bindings
// are counted, so the refusal names an exact number.
func (s *Store) DeleteRole(ctx context.Context, id string) error {
	return s.write(ctx, func(q querier) error {
		r, err := s.role(ctx, q, id, s.db.dialect.lockRows(lockDelete))
		if err != nil {
			return err
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM role_bindings WHERE role_id = $1`, id).Scan(&n); err != nil {
			return s.db.fail(ctx, "count role bindings", err)
		}
		if n > 0 {
			return errs.New(errs.Conflict, "%s %q is still used by %s; delete them first", roleNoun(id), r.Name, count(n, "role binding", "role bindings"))
		}
		_, err = q.ExecContext(ctx, `DELETE FROM roles WHERE id = $1`, id)
		if s.db.dialect.violation(err) == violationForeignKey {
			return errs.Wrap(errs.Conflict, err, "%s %q is still bound; delete its role bindings first", roleNoun(id), r.Name)
		}
		if err != nil {
			return s.db.fail(ctx, "delete role", err)
		}
		return nil
	})
}

// ListRoles implements storage.Roles. Identity and Role do not apply.
// AncestorsOf lists the roles usable at an object: the built-in roles and
// the custom roles of every group that contains it.
func (s *Store) ListRoles(ctx context.Context, f storage.Filter) (storage.Page[iam.Role], error) {
	return list(ctx, s, roleListing, f, scanRole, func(r iam.Role) string { return r.ID })
}

// PutBuiltInRoles implements storage.Roles.
//
// Replicas of one release run it at every start, at the same moment, so
// it holds the built_in_roles lock (see store_locks) for the whole
// comparison and writes only what differs: the second replica finds
// everything in place and writes nothing. A role keeps its CreatedAt; the
// given CreatedAt and UpdatedAt apply to roles it inserts or changes.
//
// A built-in role that the new set no longer has is deleted, and with it
// every binding of it: the role no longer exists, so access that rested
// on it ends (fail closed). Each such deletion is logged as a warning. An
// empty set is refused as Invalid.
func (s *Store) PutBuiltInRoles(ctx context.Context, roles []iam.Role) error {
	if len(roles) == 0 {
		// Making the set empty would delete every built-in binding, the
		// administrators' included: certainly a bug in the caller.
		return errs.Invalidf("roles", "the set of built-in roles is empty")
	}
	want := make(map[string]iam.Role, len(roles))
	for _, r := range roles {
		switch {
		case !iam.ValidID(r.ID):
			return invalidID("id", r.ID)
		case !r.BuiltIn():
			return errs.Invalidf("id", "built-in role %q has ID %s, which is not at the root", r.Name, r.ID)
		}
		if _, dup := want[r.ID]; dup {
			return errs.Invalidf("id", "built-in role ID %s appears twice", r.ID)
		}
		want[r.ID] = r
	}
	return s.write(ctx, func(q querier) error {
		if err := s.lockNamed(ctx, q, "built_in_roles"); err != nil {
			return err
		}
		have, err := s.builtInRoles(ctx, q)
		if err != nil {
			return err
		}
		for _, old := range have {
			if _, keep := want[old.ID]; keep {
				continue
			}
			if err := s.dropBuiltInRole(ctx, q, old); err != nil {
				return err
			}
		}
		for _, r := range roles {
			old, ok := have[r.ID]
			switch {
			case !ok:
				err = s.insertRole(ctx, q, r)
			case old.Name != r.Name || old.Description != r.Description || !slices.Equal(old.Capabilities, r.Capabilities):
				r.CreatedAt = old.CreatedAt
				err = s.updateRole(ctx, q, r)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) builtInRoles(ctx context.Context, q querier) (map[string]iam.Role, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+roleColumns+" FROM roles WHERE parent_id IS NULL")
	if err != nil {
		return nil, s.db.fail(ctx, "read built-in roles", err)
	}
	defer rows.Close()
	out := map[string]iam.Role{}
	for rows.Next() {
		r, err := scanRole(rows)
		if err != nil {
			return nil, s.db.fail(ctx, "read built-in roles", err)
		}
		out[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.fail(ctx, "read built-in roles", err)
	}
	return out, nil
}

func (s *Store) dropBuiltInRole(ctx context.Context, q querier, r iam.Role) error {
	res, err := q.ExecContext(ctx, `DELETE FROM role_bindings WHERE role_id = $1`, r.ID)
	if err != nil {
		return s.db.fail(ctx, "delete bindings of a retired built-in role", err)
	}
	n, _ := res.RowsAffected()
	if _, err := q.ExecContext(ctx, `DELETE FROM roles WHERE id = $1`, r.ID); err != nil {
		return s.db.fail(ctx, "delete a retired built-in role", err)
	}
	s.db.log.WarnContext(ctx, "storage: deleted a built-in role that this release no longer has, with its bindings",
		"role", r.Name, "id", r.ID, "bindings", n)
	return nil
}

// lockNamed takes one of the store_locks rows until the transaction ends,
// serializing writers of data that has no row of its own to lock. On
// SQLite the write transaction already excludes every other writer, and
// the statement is a cheap no-op.
func (s *Store) lockNamed(ctx context.Context, q querier, name string) error {
	var got string
	err := q.QueryRowContext(ctx, "SELECT name FROM store_locks WHERE name = $1"+s.db.dialect.lockRows(lockUpdate), name).Scan(&got)
	if err != nil {
		return s.db.fail(ctx, "lock "+name, err)
	}
	return nil
}
