package reliability

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/client"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	"latch.dev/latch/internal/testutil/latchproc"
	"latch.dev/latch/internal/testutil/pgtest"
)

// replicas are two `latch server` processes on one PostgreSQL database
// with one public URL, behind a round-robin proxy.
type replicas struct {
	*world // replica a, which made the administrator and the identity
	b      *latchproc.Server
	proxy  *roundRobin
}

func startReplicas(t *testing.T) *replicas {
	t.Helper()
	dsn, _ := pgtest.FreshSchema(t)
	proxy := startRoundRobin(t)
	w := newWorld(t, options{db: dsn, url: proxy.URL})
	cfg := w.srv.Config()
	cfg.Port, cfg.DataDir = 0, filepath.Join(t.TempDir(), "data")
	b := startServer(t, "replica b", cfg)
	proxy.add(w.srv.URL)
	proxy.add(b.URL)
	return &replicas{world: w, b: b, proxy: proxy}
}

// whoami checks token at base.
func (r *replicas) whoami(ctx context.Context, base, token string) error {
	_, err := r.client(base).API(client.StaticToken(token)).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	return err
}

// TestReplicasOnOnePostgreSQL runs two replicas behind a round-robin
// proxy: tokens verify on either, a proof used on one is refused on the
// other, and rotating the signing keys on each in turn, under load, fails
// no request.
func TestReplicasOnOnePostgreSQL(t *testing.T) {
	t.Parallel()
	r := startReplicas(t)
	ctx := context.Background()
	a, b := r.srv.URL, r.b.URL

	t.Run("a token minted by one replica verifies on the other", func(t *testing.T) {
		for _, pair := range [][2]string{{a, b}, {b, a}} {
			ans, err := r.exchange(ctx, pair[0], r.proof(t), r.identity)
			if err != nil || ans.Status != http.StatusOK {
				t.Fatalf("exchange on %s: %+v %v", pair[0], ans, err)
			}
			if err := r.whoami(ctx, pair[1], ans.Token); err != nil {
				t.Errorf("token from %s refused by %s: %v", pair[0], pair[1], err)
			}
		}
	})

	t.Run("a proof used on one replica is refused on the other", func(t *testing.T) {
		proof := r.proof(t)
		if ans, err := r.exchange(ctx, a, proof, r.identity); err != nil || ans.Status != http.StatusOK {
			t.Fatalf("first use: %+v %v", ans, err)
		}
		ans, err := r.exchange(ctx, b, proof, r.identity)
		if err != nil || ans.Status != http.StatusUnauthorized || !strings.Contains(ans.Message, "already used") {
			t.Errorf("replay on the other replica: %+v %v; want 401 already used", ans, err)
		}
	})

	t.Run("rotating keys under load fails no request", func(t *testing.T) {
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			requests int
			kids     = map[string]bool{}
		)
		stop := make(chan struct{})
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					ans, err := r.exchange(ctx, r.proxy.URL, r.proof(t), r.identity)
					if err != nil || ans.Status != http.StatusOK {
						t.Errorf("exchange through the proxy during rotation: %+v %v", ans, err)
						return
					}
					// Two calls, so each replica sees the token: the proxy
					// alternates.
					for range 2 {
						if err := r.whoami(ctx, r.proxy.URL, ans.Token); err != nil {
							t.Errorf("token during rotation: %v", err)
							return
						}
					}
					mu.Lock()
					requests += 3
					kids[kidOf(t, ans.Token)] = true
					mu.Unlock()
				}
			})
		}
		// Each replica in turn, a few seconds apart: the one signalled
		// signs with the promoted key at once, the other still with the
		// retired one until it reloads; both verify both.
		for _, p := range []*latchproc.Server{r.srv, r.b, r.srv} {
			time.Sleep(2500 * time.Millisecond)
			if err := syscall.Kill(p.PID(), syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(2500 * time.Millisecond)
		close(stop)
		wg.Wait()
		t.Logf("%d requests, tokens signed with %d keys", requests, len(kids))
		if len(kids) < 3 {
			t.Errorf("tokens were signed with %d keys; three rotations should have brought at least 3 into use", len(kids))
		}
	})
}

// kidOf reads the key ID from a JWT's header.
func kidOf(t *testing.T, jwt string) string {
	t.Helper()
	h, _, _ := strings.Cut(jwt, ".")
	b, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		t.Fatal(err)
	}
	var header struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(b, &header); err != nil {
		t.Fatal(err)
	}
	return header.Kid
}
