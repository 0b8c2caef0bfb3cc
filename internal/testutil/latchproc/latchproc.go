// Package latchproc runs `latch server` as a child process, built from
// this module's ./cmd/latch, so that tests and load tools can do to it
// what happens to real servers: start it on an existing data directory,
// time its start-up, read its memory, kill it with SIGKILL, run two of
// them on one database.
package latchproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Build compiles latch into dir and returns the binary's path.
func Build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "latch")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "latch.dev/latch/cmd/latch")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build latch: %w\n%s", err, out)
	}
	return bin, nil
}

// Config says how to run the server.
type Config struct {
	// Bin is the latch binary (see Build).
	Bin string
	// DataDir is --data-dir; it is created if missing.
	DataDir string
	// DB is --db (default: SQLite in DataDir).
	DB string
	// URL is --url, the public URL (default: http://127.0.0.1:Port). Give
	// the load balancer's URL to replicas behind one.
	URL string
	// Port to listen on, on 127.0.0.1; 0 picks a free one. A restarted
	// server should keep its port: its URL is the tokens' issuer.
	Port int
	// BootstrapSecret is written to a file for --bootstrap-secret-file.
	BootstrapSecret string
	// Args are more flags.
	Args []string
	// Env is added to the environment.
	Env []string
	// Log, when set, receives the server's standard error.
	Log io.Writer
}

// Server is a running child process.
type Server struct {
	cfg Config
	cmd *exec.Cmd
	// URL is where this process listens (http://127.0.0.1:Port), which
	// is not its public URL when Config.URL is set.
	URL  string
	Port int
	// Started is when the process was started.
	Started time.Time

	done    chan struct{}
	waitErr error
	mu      sync.Mutex
	stderr  bytes.Buffer
}

// Start starts the server; it does not wait until it is ready (see
// WaitReady).
func Start(cfg Config) (*Server, error) {
	if cfg.Port == 0 {
		p, err := FreePort()
		if err != nil {
			return nil, err
		}
		cfg.Port = p
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Port))
	args := []string{"server", "--addr", addr, "--data-dir", cfg.DataDir, "--log-level", "warn"}
	if cfg.DB != "" {
		args = append(args, "--db", cfg.DB)
	}
	if cfg.URL != "" {
		args = append(args, "--url", cfg.URL)
	}
	if cfg.BootstrapSecret != "" {
		f := filepath.Join(cfg.DataDir, "bootstrap-secret")
		if err := os.WriteFile(f, []byte(cfg.BootstrapSecret+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("bootstrap secret: %w", err)
		}
		args = append(args, "--bootstrap-secret-file", f)
	}
	args = append(args, cfg.Args...)
	s := &Server{cfg: cfg, URL: "http://" + addr, Port: cfg.Port, done: make(chan struct{})}
	s.cmd = exec.Command(cfg.Bin, args...)
	s.cmd.Env = append(os.Environ(), cfg.Env...)
	s.cmd.Stdout = io.Discard
	s.cmd.Stderr = &lockedWriter{s: s}
	s.Started = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start latch server: %w", err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	return s, nil
}

// lockedWriter keeps the server's standard error for Stderr and copies it
// to Config.Log.
type lockedWriter struct{ s *Server }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	w.s.stderr.Write(p)
	if w.s.cfg.Log != nil {
		_, _ = w.s.cfg.Log.Write(p)
	}
	return len(p), nil
}

// Stderr returns what the server wrote to standard error so far.
func (s *Server) Stderr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// PID is the process ID.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Config returns the configuration, with the port filled in, to restart
// the server as it was.
func (s *Server) Config() Config { return s.cfg }

// WaitReady polls /readyz until it answers 200 and returns how long after
// the start that was. It fails if the process exits or timeout passes.
func (s *Server) WaitReady(timeout time.Duration) (time.Duration, error) {
	hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-s.done:
			return 0, fmt.Errorf("latch server exited before it was ready (%v):\n%s", s.waitErr, s.Stderr())
		default:
		}
		res, err := hc.Get(s.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(s.Started), nil
			}
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("latch server not ready after %s (last: %v):\n%s", timeout, err, s.Stderr())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Kill sends SIGKILL, as a crash or the OOM killer would, and waits for
// the process to be gone.
func (s *Server) Kill() error { return s.signal(syscall.SIGKILL) }

// Stop sends SIGTERM, asking for a graceful shutdown, and waits.
func (s *Server) Stop() error { return s.signal(syscall.SIGTERM) }

func (s *Server) signal(sig syscall.Signal) error {
	select {
	case <-s.done:
		return nil
	default:
	}
	if err := s.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal latch server: %w", err)
	}
	select {
	case <-s.done:
		return nil
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("latch server did not exit within 30s of %v", sig)
	}
}

// Exited reports whether the process has ended.
func (s *Server) Exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// FreePort asks the kernel for a free loopback port. Another process may
// take it before the server binds it; callers that cannot tolerate that
// retry.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
