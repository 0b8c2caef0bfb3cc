package tokencache

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/errs"
)

func TestKey(t *testing.T) {
	tests := []struct{ server, want string }{
		{"http://127.0.0.1:8080", "127.0.0.1_8080"},
		{"http://localhost", "localhost_80"},
		{"https://latch.example.dev", "latch.example.dev_443"},
		{"https://latch.example.dev:8443/base/path", "latch.example.dev_8443_base_path"},
		{"http://[::1]:8080", "__1_8080"},
	}
	for _, tt := range tests {
		t.Run(tt.server, func(t *testing.T) {
			got, err := Key(tt.server)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Key(%q) = %q, want %q", tt.server, got, tt.want)
			}
		})
	}
}

func TestCacheRoundTrip(t *testing.T) {
	root := filepath.Join(t.TempDir(), "latch")
	c, err := New(root, "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("Load before Save: err = %v, want unauthenticated", err)
	}
	want := Credentials{
		Login: Login{
			Server:   "http://127.0.0.1:8080",
			Method:   MethodBootstrap,
			Identity: "45a0c0000000000000000000000000000000ee95",
			Expiry:   time.Date(2026, 3, 31, 9, 48, 0, 0, time.UTC),
		},
		AccessToken:  "access",
		RefreshToken: "refresh",
	}
	if err := c.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := c.Load()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("loaded (-want +got):\n%s", diff)
	}

	t.Run("files are private", func(t *testing.T) {
		for _, dir := range []string{root, c.Dir()} {
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if perm := fi.Mode().Perm(); perm != 0o700 {
				t.Errorf("%s has mode %o, want 700", dir, perm)
			}
		}
		entries, err := os.ReadDir(c.Dir())
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 {
			t.Errorf("cache holds %d files, want 3 (no temporary files left)", len(entries))
		}
		for _, e := range entries {
			fi, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			if perm := fi.Mode().Perm(); perm != 0o600 {
				t.Errorf("%s has mode %o, want 600", e.Name(), perm)
			}
		}
	})

	t.Run("a login without a refresh token drops the old one", func(t *testing.T) {
		next := want
		next.RefreshToken = ""
		if err := c.Save(next); err != nil {
			t.Fatal(err)
		}
		got, err := c.Load()
		if err != nil {
			t.Fatal(err)
		}
		if got.RefreshToken != "" {
			t.Errorf("refresh token = %q, want none", got.RefreshToken)
		}
	})

	t.Run("delete forgets everything", func(t *testing.T) {
		existed, err := c.Delete()
		if err != nil || !existed {
			t.Fatalf("Delete = %v, %v; want true, nil", existed, err)
		}
		if _, err := c.Load(); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("Load after Delete: err = %v, want unauthenticated", err)
		}
		existed, err = c.Delete()
		if err != nil || existed {
			t.Errorf("second Delete = %v, %v; want false, nil", existed, err)
		}
	})
}

func TestSaveTightensAnExistingDirectory(t *testing.T) {
	root := filepath.Join(t.TempDir(), "latch")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := New(root, "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(Credentials{AccessToken: "a"}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("root has mode %o, want 700", perm)
	}
}
