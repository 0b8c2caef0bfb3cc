// Package servertest starts a real latch server for tests: SQLite in a
// temporary directory (or PostgreSQL when asked), a loopback listener, and
// an administrator made by the real bootstrap. Tests then talk to it with
// real clients over HTTP.
package servertest

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/server"
)

// Server is a running test server.
type Server struct {
	*server.Server
	// URL is the server's base URL (and issuer).
	URL string
	// Admin is the bootstrap administrator's token pair.
	Admin client.Token
	// DataDir is the server's data directory.
	DataDir string
}

// Option changes the configuration before the server starts.
type Option func(*server.Config)

// WithConfig lets a test set any configuration field.
func WithConfig(fn func(*server.Config)) Option { return Option(fn) }

// bootstrapSecret is the fixed bootstrap secret of test servers.
const bootstrapSecret = "latch_bs_test-secret-test-secret-test-secret"

// Start starts a server that lives until the test ends, and bootstraps its
// administrator.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := server.Config{
		Addr:            ln.Addr().String(),
		URL:             "http://" + ln.Addr().String(),
		DataDir:         dir,
		BootstrapSecret: bootstrapSecret,
		ShutdownGrace:   time.Second,
		Log:             Logger(t),
	}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		ln.Close()
		t.Fatalf("start server: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("server stopped with %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	s := &Server{Server: srv, URL: srv.URL(), DataDir: dir}
	if cfg.BootstrapSecret == bootstrapSecret {
		s.Admin, err = s.Client().Bootstrap(ctx, bootstrapSecret, "admin")
		if err != nil {
			t.Fatalf("bootstrap: %v", err)
		}
	}
	return s
}

// Client returns an unauthenticated client of the server.
func (s *Server) Client() *client.Client {
	return client.New(s.URL, &http.Client{Timeout: 30 * time.Second}, "latch-test")
}

// API returns the Connect clients authenticated with tok.
func (s *Server) API(tok string) *client.API {
	return s.Client().API(client.StaticToken(tok))
}

// AdminAPI returns the Connect clients of the bootstrap administrator.
func (s *Server) AdminAPI() *client.API { return s.API(s.Admin.Token) }

// Logger returns a logger that writes to the test's log when LATCH_TEST_LOG
// is set, and nowhere otherwise, so failing tests can be rerun verbosely.
func Logger(t testing.TB) *slog.Logger {
	if os.Getenv("LATCH_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// WriteFile writes a file in a fresh temporary directory and returns its
// path.
func WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
