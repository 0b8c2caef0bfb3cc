package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

const refreshColumns = "id, family_id, identity_id, secret_hash, audience, created_at, expires_at, used_at, revoked_at"

func scanRefresh(sc scanner) (storage.RefreshToken, error) {
	var t storage.RefreshToken
	err := sc.Scan(&t.ID, &t.Family, &t.Identity, &t.SecretHash, jsonDest(&t.Audience),
		timeDest(&t.CreatedAt), timeDest(&t.ExpiresAt), timeDest(&t.UsedAt), timeDest(&t.RevokedAt))
	return t, err
}

// CreateRefreshToken implements storage.RefreshTokens. It fails with
// NotFound when the identity does not exist: tokens belong to an identity
// and are deleted with it.
func (s *Store) CreateRefreshToken(ctx context.Context, t storage.RefreshToken) error {
	switch {
	case t.ID == "":
		return errs.Invalidf("refresh_token.id", "is empty")
	case t.Family == "":
		return errs.Invalidf("refresh_token.family", "is empty")
	case !iam.ValidID(t.Identity):
		return invalidID("refresh_token.identity", t.Identity)
	case len(t.SecretHash) == 0:
		return errs.Invalidf("refresh_token.secret_hash", "is empty")
	}
	aud, err := jsonArg(t.Audience)
	if err != nil {
		return err
	}
	ta := s.db.dialect.timeArg
	_, err = s.exec(ctx, `INSERT INTO refresh_tokens (`+refreshColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		t.ID, t.Family, t.Identity, t.SecretHash, aud, ta(t.CreatedAt), ta(t.ExpiresAt), ta(t.UsedAt), ta(t.RevokedAt))
	switch s.db.dialect.violation(err) {
	case violationNone:
	case violationPrimaryKey:
		return errs.Wrap(errs.AlreadyExists, err, "a refresh token with this ID already exists")
	case violationForeignKey:
		return errs.Wrap(errs.NotFound, err, "identity %s not found", t.Identity)
	}
	if err != nil {
		return s.db.fail(ctx, "create refresh token", err)
	}
	return nil
}

// UseRefreshToken implements storage.RefreshTokens. The token's row is
// locked from read to write, so of two requests racing with one token
// exactly one gets it, and the other counts as reuse.
//
// Reuse revokes the whole family and then fails: the revocation is
// committed even though the call returns an error. Called inside Tx, it
// lands only if the caller's transaction commits.
func (s *Store) UseRefreshToken(ctx context.Context, id string, now time.Time) (storage.RefreshToken, error) {
	var (
		out     storage.RefreshToken
		refusal error
	)
	err := s.write(ctx, func(q querier) error {
		refusal = nil // fn may run more than once
		t, err := scanRefresh(q.QueryRowContext(ctx,
			"SELECT "+refreshColumns+" FROM refresh_tokens WHERE id = $1"+s.db.dialect.lockRows(lockUpdate), id))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			refusal = errs.New(errs.Unauthenticated, "the refresh token is not known; sign in again")
			return nil
		case err != nil:
			return s.db.fail(ctx, "read refresh token", err)
		case !t.RevokedAt.IsZero():
			refusal = errs.New(errs.Unauthenticated, "the refresh token was revoked; sign in again")
			return nil
		case !t.UsedAt.IsZero():
			if err := s.revokeFamily(ctx, q, t.Family, now); err != nil {
				return err
			}
			s.db.log.WarnContext(ctx, "storage: a used refresh token came back; revoked its family",
				"family", t.Family, "identity", t.Identity)
			refusal = errs.New(errs.Unauthenticated, "the refresh token was used before, so every token of that sign-in is now revoked; sign in again")
			return nil
		case !now.Before(t.ExpiresAt):
			refusal = errs.New(errs.Unauthenticated, "the refresh token expired; sign in again")
			return nil
		}
		if _, err := q.ExecContext(ctx, `UPDATE refresh_tokens SET used_at = $2 WHERE id = $1`, id, s.db.dialect.timeArg(now)); err != nil {
			return s.db.fail(ctx, "use refresh token", err)
		}
		t.UsedAt = micro(now.UTC())
		out = t
		return nil
	})
	switch {
	case err != nil:
		return storage.RefreshToken{}, err
	case refusal != nil:
		return storage.RefreshToken{}, refusal
	}
	return out, nil
}

// RevokeRefreshFamily implements storage.RefreshTokens. Tokens revoked
// before keep their time; an unknown family is not an error.
func (s *Store) RevokeRefreshFamily(ctx context.Context, family string, now time.Time) error {
	return s.write(ctx, func(q querier) error { return s.revokeFamily(ctx, q, family, now) })
}

func (s *Store) revokeFamily(ctx context.Context, q querier, family string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`,
		family, s.db.dialect.timeArg(now))
	if err != nil {
		return s.db.fail(ctx, "revoke refresh token family", err)
	}
	return nil
}
