package storagetest

import (
	"crypto/sha256"
	"sync/atomic"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

func bootstrapState(secret string, at time.Time) storage.BootstrapState {
	sum := sha256.Sum256([]byte(secret))
	return storage.BootstrapState{SecretHash: sum[:], CreatedAt: at}
}

func bootstrapTests() []test {
	return []test{
		{"before InitBootstrap there is no state", func(t *testing.T, st storage.Store) {
			_, err := st.BootstrapState(t.Context())
			wantKind(t, err, errs.NotFound)
			wantKind(t, st.UseBootstrap(t.Context(), newID(t, iam.RootScope), epoch()), errs.NotFound)
		}},
		{"the first InitBootstrap stores the secret and later ones change nothing", func(t *testing.T, st storage.Store) {
			first := bootstrapState("first", epoch().In(elsewhere()))
			stored, err := st.InitBootstrap(t.Context(), first)
			must(t, err)
			if !stored {
				t.Fatal("the first InitBootstrap reported that it stored nothing")
			}
			stored, err = st.InitBootstrap(t.Context(), bootstrapState("second", epoch().Add(time.Hour)))
			must(t, err)
			if stored {
				t.Fatal("a second InitBootstrap reported that it stored its secret")
			}
			got, err := st.BootstrapState(t.Context())
			must(t, err)
			wantEqual(t, "bootstrap state", first, got)
		}},
		{"the bootstrap is used once", func(t *testing.T, st storage.Store) {
			init := bootstrapState("secret", epoch())
			_, err := st.InitBootstrap(t.Context(), init)
			must(t, err)
			admin := newID(t, iam.RootScope)
			used := epoch().Add(time.Minute)
			must(t, st.UseBootstrap(t.Context(), admin, used))
			err = st.UseBootstrap(t.Context(), newID(t, iam.RootScope), used.Add(time.Minute))
			wantKind(t, err, errs.Conflict)
			got, err := st.BootstrapState(t.Context())
			must(t, err)
			want := init
			want.UsedAt, want.Identity = used, admin
			wantEqual(t, "bootstrap state", want, got)
		}},
		{"of racing replicas exactly one initializes and exactly one uses the bootstrap", func(t *testing.T, st storage.Store) {
			var stored, used atomic.Int32
			race(func(int) {
				ok, err := st.InitBootstrap(t.Context(), bootstrapState("secret", epoch()))
				if err != nil {
					t.Errorf("init: %v", err)
				} else if ok {
					stored.Add(1)
				}
			})
			race(func(int) {
				err := st.UseBootstrap(t.Context(), newID(t, iam.RootScope), epoch().Add(time.Minute))
				if err == nil {
					used.Add(1)
				} else if !errs.Is(err, errs.Conflict) {
					t.Errorf("use: %v", err)
				}
			})
			if stored.Load() != 1 || used.Load() != 1 {
				t.Errorf("%d replicas initialized and %d used the bootstrap; want 1 and 1", stored.Load(), used.Load())
			}
		}},
	}
}
