package storagetest

import (
	"crypto/sha256"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

func refreshToken(id, family, identity string, created time.Time) storage.RefreshToken {
	sum := sha256.Sum256([]byte("secret of " + id))
	return storage.RefreshToken{
		ID: id, Family: family, Identity: identity, SecretHash: sum[:],
		Audience:  []string{"https://latch.example.dev", "https://registry.example.dev"},
		CreatedAt: created, ExpiresAt: created.Add(30 * 24 * time.Hour),
	}
}

func refreshTests() []test {
	return []test{
		{"using a token marks it used and returns it exactly", func(t *testing.T, st storage.Store) {
			u := createUser(t, st, "https://accounts.example.dev", "user1")
			c := newClock()
			tok := refreshToken("t1", "f1", u.ID, c.Now().In(elsewhere()))
			must(t, st.CreateRefreshToken(t.Context(), tok))
			now := c.Advance(time.Hour)
			got, err := st.UseRefreshToken(t.Context(), tok.ID, now)
			must(t, err)
			want := tok
			want.UsedAt = now
			wantEqual(t, "used token", want, got)
		}},
		{"rotation: each token of a family is used once, and reuse revokes the family", func(t *testing.T, st storage.Store) {
			u := createUser(t, st, "https://accounts.example.dev", "user1")
			c := newClock()
			must(t, st.CreateRefreshToken(t.Context(), refreshToken("t1", "f1", u.ID, c.Now())))
			must(t, st.CreateRefreshToken(t.Context(), refreshToken("other", "f2", u.ID, c.Now())))
			_, err := st.UseRefreshToken(t.Context(), "t1", c.Advance(time.Minute))
			must(t, err)
			must(t, st.CreateRefreshToken(t.Context(), refreshToken("t2", "f1", u.ID, c.Now())))
			_, err = st.UseRefreshToken(t.Context(), "t2", c.Advance(time.Minute))
			must(t, err)
			must(t, st.CreateRefreshToken(t.Context(), refreshToken("t3", "f1", u.ID, c.Now())))

			// t1 comes back: it leaked.
			_, err = st.UseRefreshToken(t.Context(), "t1", c.Advance(time.Minute))
			wantKind(t, err, errs.Unauthenticated)
			_, err = st.UseRefreshToken(t.Context(), "t3", c.Advance(time.Minute))
			wantKind(t, err, errs.Unauthenticated)
			// Another family is untouched.
			_, err = st.UseRefreshToken(t.Context(), "other", c.Now())
			must(t, err)
		}},
		{"an unknown, expired or revoked token is Unauthenticated", func(t *testing.T, st storage.Store) {
			u := createUser(t, st, "https://accounts.example.dev", "user1")
			c := newClock()
			_, err := st.UseRefreshToken(t.Context(), "unknown", c.Now())
			wantKind(t, err, errs.Unauthenticated)

			short := refreshToken("short", "f1", u.ID, c.Now())
			short.ExpiresAt = c.Now().Add(time.Hour)
			must(t, st.CreateRefreshToken(t.Context(), short))
			_, err = st.UseRefreshToken(t.Context(), "short", c.Now().Add(time.Hour))
			wantKind(t, err, errs.Unauthenticated)

			must(t, st.CreateRefreshToken(t.Context(), refreshToken("revoked", "f2", u.ID, c.Now())))
			must(t, st.RevokeRefreshFamily(t.Context(), "f2", c.Advance(time.Minute)))
			_, err = st.UseRefreshToken(t.Context(), "revoked", c.Advance(time.Minute))
			wantKind(t, err, errs.Unauthenticated)
			must(t, st.RevokeRefreshFamily(t.Context(), "no-such-family", c.Now()))
		}},
		{"a token for a missing identity is NotFound, and deleting an identity deletes its tokens", func(t *testing.T, st storage.Store) {
			err := st.CreateRefreshToken(t.Context(), refreshToken("t1", "f1", newID(t, iam.RootScope), epoch()))
			wantKind(t, err, errs.NotFound)
			u := createUser(t, st, "https://accounts.example.dev", "user1")
			must(t, st.CreateRefreshToken(t.Context(), refreshToken("t2", "f2", u.ID, epoch())))
			must(t, st.DeleteIdentity(t.Context(), u.ID))
			_, err = st.UseRefreshToken(t.Context(), "t2", epoch().Add(time.Minute))
			wantKind(t, err, errs.Unauthenticated)
		}},
		{"a token ID used twice is AlreadyExists", func(t *testing.T, st storage.Store) {
			u := createUser(t, st, "https://accounts.example.dev", "user1")
			must(t, st.CreateRefreshToken(t.Context(), refreshToken("t1", "f1", u.ID, epoch())))
			wantKind(t, st.CreateRefreshToken(t.Context(), refreshToken("t1", "f9", u.ID, epoch())), errs.AlreadyExists)
		}},
		{"of racing uses of one token exactly one wins, and the rest revoke its family", func(t *testing.T, st storage.Store) {
			u := createUser(t, st, "https://accounts.example.dev", "user1")
			// Several rounds: a missing lock does not lose every race.
			for round := range 3 {
				tok, sibling := fmt.Sprintf("t%d", round), fmt.Sprintf("s%d", round)
				family := fmt.Sprintf("f%d", round)
				must(t, st.CreateRefreshToken(t.Context(), refreshToken(tok, family, u.ID, epoch())))
				must(t, st.CreateRefreshToken(t.Context(), refreshToken(sibling, family, u.ID, epoch())))
				var won atomic.Int32
				race(func(int) {
					_, err := st.UseRefreshToken(t.Context(), tok, epoch().Add(time.Minute))
					if err == nil {
						won.Add(1)
					} else if !errs.Is(err, errs.Unauthenticated) {
						t.Errorf("use: %v", err)
					}
				})
				if won.Load() != 1 {
					t.Fatalf("round %d: %d uses won, want exactly 1", round, won.Load())
				}
				_, err := st.UseRefreshToken(t.Context(), sibling, epoch().Add(2*time.Minute))
				wantKind(t, err, errs.Unauthenticated)
			}
		}},
	}
}
