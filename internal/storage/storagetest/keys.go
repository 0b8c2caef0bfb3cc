package storagetest

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"latch.dev/latch/internal/storage"
)

func signingKey(id string, created time.Time) storage.SigningKey {
	return storage.SigningKey{
		ID: id, Algorithm: "ES256", PrivateDER: []byte("private key " + id),
		CreatedAt: created, SignUntil: created.Add(24 * time.Hour), PublishUntil: created.Add(25 * time.Hour),
	}
}

func keyIDs(keys []storage.SigningKey) []string {
	return ids(keys, func(k storage.SigningKey) string { return k.ID })
}

func keyTests() []test {
	return []test{
		{"a new store has no signing keys", func(t *testing.T, st storage.Store) {
			keys, err := st.SigningKeys(t.Context())
			must(t, err)
			wantEqual(t, "number of keys", 0, len(keys))
		}},
		{"the key set reads back exactly, in the order written", func(t *testing.T, st storage.Store) {
			want := []storage.SigningKey{signingKey("k2", epoch()), signingKey("k1", epoch().Add(-time.Hour).In(elsewhere()))}
			want[1].Algorithm = "RS256"
			must(t, st.UpdateSigningKeys(t.Context(), func(old []storage.SigningKey) ([]storage.SigningKey, error) {
				if len(old) != 0 {
					t.Errorf("fn saw %d keys in a new store", len(old))
				}
				return want, nil
			}))
			got, err := st.SigningKeys(t.Context())
			must(t, err)
			wantEqual(t, "keys", want, got)
		}},
		{"fn sees the current set and replaces it", func(t *testing.T, st storage.Store) {
			first := []storage.SigningKey{signingKey("k1", epoch())}
			must(t, st.UpdateSigningKeys(t.Context(), func([]storage.SigningKey) ([]storage.SigningKey, error) { return first, nil }))
			second := []storage.SigningKey{signingKey("k2", epoch().Add(time.Hour)), first[0]}
			must(t, st.UpdateSigningKeys(t.Context(), func(old []storage.SigningKey) ([]storage.SigningKey, error) {
				wantEqual(t, "old keys", first, old)
				return second, nil
			}))
			got, err := st.SigningKeys(t.Context())
			must(t, err)
			wantEqual(t, "keys", second, got)
		}},
		{"ErrUnchanged or an error from fn writes nothing", func(t *testing.T, st storage.Store) {
			first := []storage.SigningKey{signingKey("k1", epoch())}
			must(t, st.UpdateSigningKeys(t.Context(), func([]storage.SigningKey) ([]storage.SigningKey, error) { return first, nil }))
			must(t, st.UpdateSigningKeys(t.Context(), func([]storage.SigningKey) ([]storage.SigningKey, error) {
				return nil, storage.ErrUnchanged
			}))
			stop := errors.New("stop")
			err := st.UpdateSigningKeys(t.Context(), func([]storage.SigningKey) ([]storage.SigningKey, error) {
				return []storage.SigningKey{signingKey("k9", epoch())}, stop
			})
			if !errors.Is(err, stop) {
				t.Fatalf("got %v, want fn's error", err)
			}
			got, err := st.SigningKeys(t.Context())
			must(t, err)
			wantEqual(t, "keys", first, got)
		}},
		{"of racing rotations exactly one rotates", func(t *testing.T, st storage.Store) {
			must(t, st.UpdateSigningKeys(t.Context(), func([]storage.SigningKey) ([]storage.SigningKey, error) {
				return []storage.SigningKey{signingKey("r0", epoch())}, nil
			}))
			newest := "r0"
			// Several rounds: a missing lock does not lose every race.
			for round := 1; round <= 3; round++ {
				var rotated atomic.Int32
				race(func(i int) {
					mine := signingKey(fmt.Sprintf("r%d-%d", round, i), epoch().Add(time.Duration(round)*time.Hour))
					wrote := false
					err := st.UpdateSigningKeys(t.Context(), func(old []storage.SigningKey) ([]storage.SigningKey, error) {
						wrote = false // fn may run more than once
						if len(old) == 0 || old[0].ID != newest {
							return nil, storage.ErrUnchanged // another replica rotated first
						}
						wrote = true
						return append([]storage.SigningKey{mine}, old...), nil
					})
					if err != nil {
						t.Errorf("rotate: %v", err)
					} else if wrote {
						rotated.Add(1)
					}
				})
				if rotated.Load() != 1 {
					t.Fatalf("round %d: %d replicas rotated, want exactly 1", round, rotated.Load())
				}
				keys, err := st.SigningKeys(t.Context())
				must(t, err)
				if len(keys) != round+1 || keys[1].ID != newest {
					t.Fatalf("round %d: the key set is %v, want one new key before %s and the older ones", round, keyIDs(keys), newest)
				}
				newest = keys[0].ID
			}
		}},
	}
}
