package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// An identity's rule (AWS, ClaimMatch, Static or User) is stored as JSON in
// one column, with its kind beside it: the rules change shape as proof
// types grow, and nothing queries inside them. A user's issuer and subject
// are copied into columns of their own for the unique constraint and for
// UserIdentity.
const identityColumns = "id, name, description, kind, rule, created_at, updated_at, last_seen"

// The issuer an OIDC rule names goes into match_issuer ('*' for an issuer
// pattern), for Filter.Issuer; see migration 00002.

var identityListing = listing{noun: "identity", table: "identities", columns: identityColumns, name: true, issuer: true}

// patternIssuer is match_issuer for a claim_match rule with an issuer
// pattern.
const patternIssuer = "*"

// identityRow is an identity's rule as stored.
type identityRow struct {
	kind    iam.IdentityKind
	rule    string
	issuer  any // user_issuer, NULL unless a user
	subject any
	// matchIssuer is match_issuer: NULL unless claim_match or static.
	matchIssuer any
}

func encodeIdentity(id iam.Identity) (identityRow, error) {
	n := 0
	for _, set := range []bool{id.AWS != nil, id.ClaimMatch != nil, id.Static != nil, id.User != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return identityRow{}, errs.Invalidf("relationship", "an identity needs exactly one of aws_identity, claim_match, static or user; %d were given", n)
	}
	r := identityRow{kind: id.Kind()}
	var v any
	switch r.kind {
	case iam.KindAWS:
		v = id.AWS
	case iam.KindClaimMatch:
		v = id.ClaimMatch
		r.matchIssuer = id.ClaimMatch.Issuer
		if id.ClaimMatch.Issuer == "" {
			r.matchIssuer = patternIssuer
		}
	case iam.KindStatic:
		v = id.Static
		r.matchIssuer = id.Static.Issuer
	case iam.KindUser:
		v = id.User
		r.issuer, r.subject = id.User.Issuer, id.User.Subject
	}
	var err error
	r.rule, err = jsonArg(v)
	return r, err
}

func scanIdentity(sc scanner) (iam.Identity, error) {
	var (
		id   iam.Identity
		kind string
		rule string
	)
	err := sc.Scan(&id.ID, &id.Name, &id.Description, &kind, &rule,
		timeDest(&id.CreatedAt), timeDest(&id.UpdatedAt), timeDest(&id.LastSeen))
	if err != nil {
		return iam.Identity{}, err
	}
	var dest any
	switch iam.IdentityKind(kind) {
	case iam.KindAWS:
		id.AWS = new(iam.AWSIdentity)
		dest = id.AWS
	case iam.KindClaimMatch:
		id.ClaimMatch = new(iam.ClaimMatch)
		dest = id.ClaimMatch
	case iam.KindStatic:
		id.Static = new(iam.StaticKeys)
		dest = id.Static
	case iam.KindUser:
		id.User = new(iam.User)
		dest = id.User
	default:
		return iam.Identity{}, fmt.Errorf("identity %s has unknown kind %q", id.ID, kind)
	}
	if err := jsonDest(dest).Scan(rule); err != nil {
		return iam.Identity{}, fmt.Errorf("identity %s: decode %s rule: %w", id.ID, kind, err)
	}
	return id, nil
}

// CreateIdentity implements storage.Identities. Names are unique within a
// group; users, who live at the root, are unique by issuer and subject
// instead and may share names.
func (s *Store) CreateIdentity(ctx context.Context, id iam.Identity) error {
	if !iam.ValidID(id.ID) {
		return invalidID("id", id.ID)
	}
	r, err := encodeIdentity(id)
	if err != nil {
		return err
	}
	t := s.db.dialect.timeArg
	_, err = s.exec(ctx, `INSERT INTO identities
		(id, parent_id, name, description, kind, rule, user_issuer, user_subject, created_at, updated_at, last_seen, match_issuer)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		id.ID, parentArg(id.ID), id.Name, id.Description, string(r.kind), r.rule, r.issuer, r.subject,
		t(id.CreatedAt), t(id.UpdatedAt), t(id.LastSeen), r.matchIssuer)
	return s.identityWriteErr(ctx, "create identity", id, err)
}

// identityWriteErr explains a failed insert or update. A user has a NULL
// parent and a non-user NULL issuer and subject, and NULLs never collide,
// so the kind tells which unique indexes the row may have broken: a
// user's issuer and subject or its name among users; another identity's
// name in its group.
func (s *Store) identityWriteErr(ctx context.Context, op string, id iam.Identity, err error) error {
	if err == nil {
		return nil
	}
	switch s.db.dialect.violation(err) {
	case violationPrimaryKey:
		return errs.Wrap(errs.AlreadyExists, err, "an identity with ID %s already exists", id.ID)
	case violationUnique:
		if id.User != nil {
			return errs.Wrap(errs.AlreadyExists, err, "a user with issuer %q and subject %q, or another user named %q, already exists", id.User.Issuer, id.User.Subject, id.Name)
		}
		return errs.Wrap(errs.AlreadyExists, err, "identity %q already exists %s; choose another name", id.Name, inGroup(id.Group()))
	case violationForeignKey:
		return errs.Wrap(errs.NotFound, err, "%s %s not found", groupNoun(id.Group()), id.Group())
	case violationCheck:
		return errs.Wrap(errs.Invalid, err, "identity %s does not fit where it is: users live at the root, other identities in a group", id.ID)
	}
	return s.db.fail(ctx, op, err)
}

// Identity implements storage.Identities.
func (s *Store) Identity(ctx context.Context, id string) (iam.Identity, error) {
	return s.identity(ctx, s.reader(), id, "")
}

func (s *Store) identity(ctx context.Context, q querier, id, lock string) (iam.Identity, error) {
	if !iam.ValidID(id) {
		return iam.Identity{}, invalidID("id", id)
	}
	out, err := scanIdentity(q.QueryRowContext(ctx, "SELECT "+identityColumns+" FROM identities WHERE id = $1"+lock, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return iam.Identity{}, notFound("identity", id)
	case err != nil:
		return iam.Identity{}, s.db.fail(ctx, "read identity", err)
	}
	return out, nil
}

// UserIdentity implements storage.Identities.
func (s *Store) UserIdentity(ctx context.Context, issuer, subject string) (iam.Identity, error) {
	out, err := scanIdentity(s.reader().QueryRowContext(ctx,
		"SELECT "+identityColumns+" FROM identities WHERE user_issuer = $1 AND user_subject = $2", issuer, subject))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return iam.Identity{}, errs.New(errs.NotFound, "no user with issuer %q and subject %q", issuer, subject)
	case err != nil:
		return iam.Identity{}, s.db.fail(ctx, "read user", err)
	}
	return out, nil
}

// UpdateIdentity implements storage.Identities. The row stays locked from
// the read to the write. fn may change the rule, even its kind, but not
// the ID.
func (s *Store) UpdateIdentity(ctx context.Context, id string, fn func(*iam.Identity) error) (iam.Identity, error) {
	var out iam.Identity
	err := s.write(ctx, func(q querier) error {
		cur, err := s.identity(ctx, q, id, s.db.dialect.lockRows(lockUpdate))
		if err != nil {
			return err
		}
		if err := fn(&cur); errors.Is(err, storage.ErrUnchanged) {
			out, err = s.identity(ctx, q, id, "")
			return err
		} else if err != nil {
			return err
		}
		if cur.ID != id {
			return errs.Invalidf("id", "cannot change (from %s to %s)", id, cur.ID)
		}
		r, err := encodeIdentity(cur)
		if err != nil {
			return err
		}
		t := s.db.dialect.timeArg
		_, err = q.ExecContext(ctx, `UPDATE identities SET name = $2, description = $3, kind = $4, rule = $5,
			user_issuer = $6, user_subject = $7, created_at = $8, updated_at = $9, last_seen = $10,
			match_issuer = $11 WHERE id = $1`,
			cur.ID, cur.Name, cur.Description, string(r.kind), r.rule, r.issuer, r.subject,
			t(cur.CreatedAt), t(cur.UpdatedAt), t(cur.LastSeen), r.matchIssuer)
		if err := s.identityWriteErr(ctx, "update identity", cur, err); err != nil {
			return err
		}
		out, err = s.identity(ctx, q, id, "")
		return err
	})
	if err != nil {
		return iam.Identity{}, err
	}
	return out, nil
}

// TouchIdentity implements storage.Identities: one statement, no read
// first, and LastSeen only ever moves forward, so exchanges racing on one
// identity cannot set it back.
func (s *Store) TouchIdentity(ctx context.Context, id string, t time.Time) error {
	at := s.db.dialect.timeArg(t)
	if at == nil {
		return errs.Invalidf("last_seen", "is the zero time")
	}
	_, err := s.exec(ctx, `UPDATE identities SET last_seen = $2 WHERE id = $1 AND (last_seen IS NULL OR last_seen < $2)`, id, at)
	if err != nil {
		return s.db.fail(ctx, "touch identity", err)
	}
	return nil
}

// DeleteIdentity implements storage.Identities. Its role bindings and
// refresh tokens go with it in the same statement (ON DELETE CASCADE), so a
// binding created concurrently can never outlive its identity.
func (s *Store) DeleteIdentity(ctx context.Context, id string) error {
	if !iam.ValidID(id) {
		return invalidID("id", id)
	}
	res, err := s.exec(ctx, `DELETE FROM identities WHERE id = $1`, id)
	if err != nil {
		return s.db.fail(ctx, "delete identity", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.db.fail(ctx, "delete identity", err)
	} else if n == 0 {
		return notFound("identity", id)
	}
	return nil
}

// ListIdentities implements storage.Identities. AncestorsOf, Identity and
// Role do not apply. Parent iam.RootScope lists users. Issuer is one
// lookup in the match_issuer index.
func (s *Store) ListIdentities(ctx context.Context, f storage.Filter) (storage.Page[iam.Identity], error) {
	return list(ctx, s, identityListing, f, scanIdentity, func(id iam.Identity) string { return id.ID })
}
