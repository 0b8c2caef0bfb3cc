package logout

import (
	"testing"

	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/errs"
)

func TestLogoutRun(t *testing.T) {
	cache, err := tokencache.New(t.TempDir(), "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.Save(tokencache.Credentials{AccessToken: "a", RefreshToken: "r"}); err != nil {
		t.Fatal(err)
	}
	run := func() string {
		ios, _, out, _ := iostreams.Test()
		if err := logoutRun(t.Context(), &Options{IO: ios, TokenCache: func() (*tokencache.Cache, error) { return cache, nil }}); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if out := run(); out != "Logged out of http://127.0.0.1:8080.\n" {
		t.Errorf("first logout = %q", out)
	}
	if _, err := cache.Load(); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("after logout: %v", err)
	}
	if out := run(); out != "Not logged in to http://127.0.0.1:8080.\n" {
		t.Errorf("second logout = %q", out)
	}
}
