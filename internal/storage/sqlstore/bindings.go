package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

const bindingColumns = "id, identity_id, role_id, created_at, updated_at"

var bindingListing = listing{noun: "role binding", table: "role_bindings", columns: bindingColumns, ancestors: true, binding: true}

func scanBinding(sc scanner) (iam.RoleBinding, error) {
	var b iam.RoleBinding
	err := sc.Scan(&b.ID, &b.Identity, &b.Role, timeDest(&b.CreatedAt), timeDest(&b.UpdatedAt))
	return b, err
}

// CreateRoleBinding implements storage.RoleBindings.
func (s *Store) CreateRoleBinding(ctx context.Context, b iam.RoleBinding) error {
	if err := checkBindingIDs(b); err != nil {
		return err
	}
	return s.write(ctx, func(q querier) error {
		if err := s.bindingRefsExist(ctx, q, b); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx,
			`INSERT INTO role_bindings (id, parent_id, identity_id, role_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			b.ID, parentArg(b.ID), b.Identity, b.Role, s.db.dialect.timeArg(b.CreatedAt), s.db.dialect.timeArg(b.UpdatedAt))
		return s.bindingWriteErr(ctx, "create role binding", b, err)
	})
}

func checkBindingIDs(b iam.RoleBinding) error {
	switch {
	case !iam.ValidID(b.ID):
		return invalidID("id", b.ID)
	case !iam.ValidID(b.Identity):
		return invalidID("identity", b.Identity)
	case !iam.ValidID(b.Role):
		return invalidID("role", b.Role)
	}
	return nil
}

// bindingRefsExist says which of the binding's group, identity and role is
// missing. SQLite's foreign key errors do not name the key that failed, so
// the store looks first; the foreign keys still catch a deletion that
// races with the insert.
func (s *Store) bindingRefsExist(ctx context.Context, q querier, b iam.RoleBinding) error {
	var groups, identities, roles int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM groups WHERE id = $1),
		(SELECT count(*) FROM identities WHERE id = $2),
		(SELECT count(*) FROM roles WHERE id = $3)`, b.Group(), b.Identity, b.Role).Scan(&groups, &identities, &roles)
	switch {
	case err != nil:
		return s.db.fail(ctx, "check role binding references", err)
	case groups == 0 && b.Group() != iam.RootScope:
		return notFound(groupNoun(b.Group()), b.Group())
	case identities == 0:
		return notFound("identity", b.Identity)
	case roles == 0:
		return notFound("role", b.Role)
	}
	return nil
}

func (s *Store) bindingWriteErr(ctx context.Context, op string, b iam.RoleBinding, err error) error {
	if err == nil {
		return nil
	}
	switch s.db.dialect.violation(err) {
	case violationPrimaryKey:
		return errs.Wrap(errs.AlreadyExists, err, "a role binding with ID %s already exists", b.ID)
	case violationUnique:
		return errs.Wrap(errs.AlreadyExists, err, "identity %s already holds role %s %s", b.Identity, b.Role, inGroup(b.Group()))
	case violationForeignKey:
		return errs.Wrap(errs.NotFound, err, "the identity, role or group of role binding %s was deleted meanwhile", b.ID)
	case violationCheck:
		return errs.Wrap(errs.Invalid, err, "role binding ID %s does not fit its group", b.ID)
	}
	return s.db.fail(ctx, op, err)
}

// RoleBinding implements storage.RoleBindings.
func (s *Store) RoleBinding(ctx context.Context, id string) (iam.RoleBinding, error) {
	return s.binding(ctx, s.reader(), id, "")
}

func (s *Store) binding(ctx context.Context, q querier, id, lock string) (iam.RoleBinding, error) {
	if !iam.ValidID(id) {
		return iam.RoleBinding{}, invalidID("id", id)
	}
	b, err := scanBinding(q.QueryRowContext(ctx, "SELECT "+bindingColumns+" FROM role_bindings WHERE id = $1"+lock, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return iam.RoleBinding{}, notFound("role binding", id)
	case err != nil:
		return iam.RoleBinding{}, s.db.fail(ctx, "read role binding", err)
	}
	return b, nil
}

// UpdateRoleBinding implements storage.RoleBindings, with the row locked
// from read to write. fn may point the binding at another identity or
// role, not move it to another group (that is another ID).
func (s *Store) UpdateRoleBinding(ctx context.Context, id string, fn func(*iam.RoleBinding) error) (iam.RoleBinding, error) {
	var out iam.RoleBinding
	err := s.write(ctx, func(q querier) error {
		b, err := s.binding(ctx, q, id, s.db.dialect.lockRows(lockUpdate))
		if err != nil {
			return err
		}
		if err := fn(&b); errors.Is(err, storage.ErrUnchanged) {
			out, err = s.binding(ctx, q, id, "")
			return err
		} else if err != nil {
			return err
		}
		if b.ID != id {
			return errs.Invalidf("id", "cannot change (from %s to %s)", id, b.ID)
		}
		if err := checkBindingIDs(b); err != nil {
			return err
		}
		if err := s.bindingRefsExist(ctx, q, b); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx,
			`UPDATE role_bindings SET identity_id = $2, role_id = $3, created_at = $4, updated_at = $5 WHERE id = $1`,
			b.ID, b.Identity, b.Role, s.db.dialect.timeArg(b.CreatedAt), s.db.dialect.timeArg(b.UpdatedAt))
		if err := s.bindingWriteErr(ctx, "update role binding", b, err); err != nil {
			return err
		}
		out, err = s.binding(ctx, q, id, "")
		return err
	})
	if err != nil {
		return iam.RoleBinding{}, err
	}
	return out, nil
}

// DeleteRoleBinding implements storage.RoleBindings.
func (s *Store) DeleteRoleBinding(ctx context.Context, id string) error {
	if !iam.ValidID(id) {
		return invalidID("id", id)
	}
	res, err := s.exec(ctx, `DELETE FROM role_bindings WHERE id = $1`, id)
	if err != nil {
		return s.db.fail(ctx, "delete role binding", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.db.fail(ctx, "delete role binding", err)
	} else if n == 0 {
		return notFound("role binding", id)
	}
	return nil
}

// ListRoleBindings implements storage.RoleBindings. Name does not apply.
// Parent is the group a binding is in (iam.RootScope: server-wide
// bindings); AncestorsOf lists the bindings that apply at an object: the
// server-wide ones and those of every group that contains it or is it.
func (s *Store) ListRoleBindings(ctx context.Context, f storage.Filter) (storage.Page[iam.RoleBinding], error) {
	return list(ctx, s, bindingListing, f, scanBinding, func(b iam.RoleBinding) string { return b.ID })
}

// Grants implements storage.RoleBindings with one indexed join, ordered by
// binding ID. An identity with no bindings has no grants and no error,
// whether or not it exists.
func (s *Store) Grants(ctx context.Context, identity string) ([]iam.Grant, error) {
	rows, err := s.reader().QueryContext(ctx, `SELECT b.id, b.parent_id, b.role_id, r.name, r.capabilities
		FROM role_bindings b JOIN roles r ON r.id = b.role_id
		WHERE b.identity_id = $1 ORDER BY b.id`, identity)
	if err != nil {
		return nil, s.db.fail(ctx, "read grants", err)
	}
	defer rows.Close()
	var out []iam.Grant
	for rows.Next() {
		var g iam.Grant
		if err := rows.Scan(&g.Binding, parentDest(&g.Group), &g.Role, &g.RoleName, jsonDest(&g.Capabilities)); err != nil {
			return nil, s.db.fail(ctx, "read grants", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.fail(ctx, "read grants", err)
	}
	return out, nil
}
