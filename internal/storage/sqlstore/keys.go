package sqlstore

import (
	"context"
	"errors"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/storage"
)

// SigningKeys implements storage.Keys: the set in the order it was written.
func (s *Store) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	return s.signingKeys(ctx, s.reader())
}

func (s *Store) signingKeys(ctx context.Context, q querier) ([]storage.SigningKey, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, algorithm, private_der, created_at, sign_until, publish_until
		FROM signing_keys ORDER BY seq`)
	if err != nil {
		return nil, s.db.fail(ctx, "read signing keys", err)
	}
	defer rows.Close()
	var out []storage.SigningKey
	for rows.Next() {
		var k storage.SigningKey
		if err := rows.Scan(&k.ID, &k.Algorithm, &k.PrivateDER,
			timeDest(&k.CreatedAt), timeDest(&k.SignUntil), timeDest(&k.PublishUntil)); err != nil {
			return nil, s.db.fail(ctx, "read signing keys", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.fail(ctx, "read signing keys", err)
	}
	return out, nil
}

// UpdateSigningKeys implements storage.Keys.
//
// Every replica runs the rotation check on a timer, and two that find the
// newest key too old at the same moment must not both rotate: each would
// publish a key and then sign with a key the other replica's JWKS has not
// got (dex's rotation race). So the whole read–decide–write runs under
// the signing_keys lock (a row lock in store_locks on PostgreSQL; the
// single write transaction on SQLite): the second replica waits, then
// reads the set the first wrote, and fn sees that it has nothing to do.
// When fn returns storage.ErrUnchanged nothing is written.
func (s *Store) UpdateSigningKeys(ctx context.Context, fn func(old []storage.SigningKey) ([]storage.SigningKey, error)) error {
	return s.write(ctx, func(q querier) error {
		if err := s.lockNamed(ctx, q, "signing_keys"); err != nil {
			return err
		}
		old, err := s.signingKeys(ctx, q)
		if err != nil {
			return err
		}
		next, err := fn(old)
		if errors.Is(err, storage.ErrUnchanged) {
			return nil
		} else if err != nil {
			return err
		}
		seen := make(map[string]bool, len(next))
		for _, k := range next {
			switch {
			case k.ID == "":
				return errs.Invalidf("signing_keys.id", "a signing key has no ID")
			case seen[k.ID]:
				return errs.Invalidf("signing_keys.id", "key ID %q appears twice", k.ID)
			case k.Algorithm == "":
				return errs.Invalidf("signing_keys.algorithm", "key %q has no algorithm", k.ID)
			case len(k.PrivateDER) == 0:
				return errs.Invalidf("signing_keys.private_der", "key %q has no private key", k.ID)
			}
			seen[k.ID] = true
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM signing_keys`); err != nil {
			return s.db.fail(ctx, "replace signing keys", err)
		}
		t := s.db.dialect.timeArg
		for i, k := range next {
			_, err := q.ExecContext(ctx, `INSERT INTO signing_keys
				(id, seq, algorithm, private_der, created_at, sign_until, publish_until) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				k.ID, i, k.Algorithm, k.PrivateDER, t(k.CreatedAt), t(k.SignUntil), t(k.PublishUntil))
			if err != nil {
				return s.db.fail(ctx, "replace signing keys", err)
			}
		}
		return nil
	})
}
