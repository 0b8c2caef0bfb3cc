package oidc_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"latch.dev/latch/internal/authn/oidc"
	"latch.dev/latch/internal/authn/oidc/oidctest"
	"latch.dev/latch/internal/errs"
)

func TestKeysAreFetchedOnceAndCached(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for range 3 {
		if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
			t.Fatal(err)
		}
	}
	if d, k := e.iss.Fetches(); d != 1 || k != 1 {
		t.Errorf("fetched the discovery document %d and the JWKS %d times, want once each", d, k)
	}
}

func TestARotationAtTheIssuerIsPickedUpOnTheFirstTokenWithTheNewKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute) // past the refresh interval
	e.iss.Key(t, "ES256")        // the issuer rotates; latch still holds the old set
	if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
		t.Fatalf("a token signed with the rotated-in key is refused: %v", err)
	}
	if _, k := e.iss.Fetches(); k != 2 {
		t.Errorf("the JWKS was fetched %d times, want 2 (once more for the unknown kid)", k)
	}
}

func TestUnknownKeyIDsRefreshAtMostOncePerInterval(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
		t.Fatal(err)
	}
	// A flood of tokens signed by keys the issuer does not publish.
	e.clock.Advance(oidc.DefaultMinRefreshInterval)
	for range 5 {
		kid := e.iss.Unpublished(t, "ES256")
		_, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github())
		wantRefusal(t, err, errs.Unauthenticated, oidc.ErrUnknownKey, kid)
	}
	if _, k := e.iss.Fetches(); k != 2 {
		t.Errorf("the JWKS was fetched %d times for 5 unknown key IDs in one interval, want 2 in all", k)
	}
	// Once the interval has passed, a published rotation is seen.
	e.iss.Publish("ES256")
	e.clock.Advance(oidc.DefaultMinRefreshInterval)
	if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
		t.Fatalf("after the interval the new key is still unknown: %v", err)
	}
}

func TestConcurrentFetchesForOneIssuerAreCoalesced(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.iss.SetJWKSDelay(200 * time.Millisecond)
	tok := e.iss.Mint(t, e.claims(nil))
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := e.auth.Authenticate(t.Context(), tok, e.github()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if d, k := e.iss.Fetches(); d != 1 || k != 1 {
		t.Errorf("20 concurrent exchanges fetched the discovery document %d and the JWKS %d times, want once each", d, k)
	}
}

func TestAHugeJWKSIsNotRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *oidc.Config) { c.MaxResponseBytes = 16 << 10 })
	e.iss.SetJWKSPadding(1 << 20)
	_, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github())
	wantRefusal(t, err, errs.Unauthenticated, oidc.ErrTooLarge, "larger than 16384 bytes")
}

func TestASlowJWKSTimesOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *oidc.Config) { c.Timeout = 100 * time.Millisecond })
	e.iss.SetJWKSDelay(5 * time.Second)
	start := time.Now()
	_, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github())
	wantRefusal(t, err, errs.Unavailable, oidc.ErrFetch, "did not arrive within 100ms")
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the refusal took %v; the timeout is 100ms", took)
	}
}

func TestARedirectToAnotherHostIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	elsewhere := oidctest.Start(t)
	// Same keys, served from another host: still refused.
	e.iss.SetJWKSRedirect(elsewhere.URL + "/jwks")
	_, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github())
	wantRefusal(t, err, errs.Unauthenticated, oidc.ErrRedirect, "redirected elsewhere")
	if _, k := elsewhere.Fetches(); k != 0 {
		t.Errorf("the other host was fetched %d times", k)
	}
}

func TestARedirectOnTheSameHostIsFollowed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.iss.SetJWKSRedirect(e.iss.URL + "/.well-known/../jwks-moved")
	// The issuer answers 404 for the new path: the point is that the
	// redirect was followed, not refused.
	_, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github())
	wantRefusal(t, err, errs.Unauthenticated, oidc.ErrFetch, "404")
}

func TestAFailedFetchIsNotRetriedAtOnce(t *testing.T) {
	t.Parallel()
	var hits int
	var mu sync.Mutex
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	e := newEnv(t, func(c *oidc.Config) { c.InsecureIssuers = append(c.InsecureIssuers, down.URL) })
	id := e.github()
	id.ClaimMatch.Issuer = down.URL
	tok := e.iss.Mint(t, e.claims(map[string]any{"iss": down.URL}))
	for range 3 {
		_, err := e.auth.Authenticate(t.Context(), tok, id)
		wantRefusal(t, err, errs.Unavailable, oidc.ErrFetch, "503")
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 1 {
		t.Errorf("a failing issuer was asked %d times within the backoff, want 1", hits)
	}
}

func TestCachedKeysServeWhileTheIssuerIsDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *oidc.Config) { c.Timeout = 200 * time.Millisecond })
	if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour) // the keys are due for a refresh
	e.iss.SetJWKSDelay(time.Hour)  // and the issuer hangs
	if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
		t.Errorf("stale keys did not serve while the issuer is down: %v", err)
	}
}

func TestTheCacheHoldsABoundedNumberOfIssuers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var issuers []*oidctest.Issuer
	var allowed []string
	for range 3 {
		iss := oidctest.Start(t)
		issuers = append(issuers, iss)
		allowed = append(allowed, iss.URL)
	}
	v, err := oidc.New(oidc.Config{InsecureIssuers: allowed, CacheSize: 2, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	auth := oidc.NewClaimMatch(v, latchURL)
	for _, iss := range issuers {
		id := e.github()
		id.ClaimMatch.Issuer = iss.URL
		tok := iss.Mint(t, iss.Claims(e.clock.Now(), "repo:acme/app:ref:refs/heads/main", latchURL, map[string]any{"repository": "acme/app", "ref": "refs/heads/main"}))
		if _, err := auth.Authenticate(t.Context(), tok, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := v.CachedIssuers(); n != 2 {
		t.Errorf("the cache holds %d issuers, want at most 2", n)
	}
}

func TestAHangingIssuerCostsOneFetchPerBackoff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *oidc.Config) { c.Timeout = 100 * time.Millisecond })
	if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
	e.iss.SetJWKSDelay(time.Hour)
	for range 3 {
		if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
			t.Fatalf("stale keys did not serve: %v", err)
		}
	}
	if _, k := e.iss.Fetches(); k != 2 {
		t.Errorf("the hanging JWKS was asked %d times in all, want 2 (the first fetch and one refresh)", k)
	}
}

// TestFetchesAreCounted checks the fetch metrics an operator watches: a
// first exchange counts one discovery and one JWKS fetch as ok; once the
// keys are due for a refresh, a key set grown too large counts as refused.
func TestFetchesAreCounted(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	e := newEnv(t, func(c *oidc.Config) {
		c.Registerer, c.MaxResponseBytes = reg, 16<<10
	})
	if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github()); err != nil {
		t.Fatal(err)
	}
	e.iss.SetJWKSPadding(1 << 20)
	e.clock.Advance(oidc.DefaultKeysTTL + time.Second)
	_, _ = e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(map[string]any{"jti": "second"})), e.github())
	want := map[string]float64{
		`document="discovery",result="ok"`: 2,
		`document="jwks",result="ok"`:      1,
		`document="jwks",result="refused"`: 1,
	}
	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "latch_oidc_fetches_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			got[strings.Join(labels, ",")] = m.GetCounter().GetValue()
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("latch_oidc_fetches_total (-want +got):\n%s", diff)
	}
}
