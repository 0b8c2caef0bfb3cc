package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// ServeOptions configures [Serve].
type ServeOptions struct {
	// Addr to listen on. Default "127.0.0.1:0" (loopback, any free port).
	Addr string
	// CA, when set, makes the server speak TLS (HTTP/2 and HTTP/1.1) with
	// a leaf it issues. Without it the server speaks HTTP/1.1 and
	// prior-knowledge HTTP/2 (h2c) in the clear.
	CA *CA
	// Names are added to the TLS leaf besides 127.0.0.1, ::1, localhost.
	Names []string
	// ErrorLog receives the HTTP server's own errors (such as failed TLS
	// handshakes). Default discards them.
	ErrorLog *log.Logger
}

// Server is a running emulator, like httptest.Server but usable outside
// tests (latch dev runs one for each emulator).
type Server struct {
	// URL is the base URL, e.g. https://127.0.0.1:34567, without a
	// trailing slash.
	URL string
	// CAPEM is the PEM certificate clients must trust, when serving TLS.
	CAPEM []byte

	ca   *CA
	srv  *http.Server
	done chan error
}

// Serve starts serving h on a new listener and returns once it accepts
// connections.
func Serve(h http.Handler, o ServeOptions) (*Server, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.ErrorLog == nil {
		o.ErrorLog = log.New(io.Discard, "", 0)
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          o.ErrorLog,
		Protocols:         &protocols,
	}
	s := &Server{srv: srv, ca: o.CA, done: make(chan error, 1)}
	scheme := "http"
	if o.CA != nil {
		cfg, err := o.CA.ServerConfig(o.Names...)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		srv.TLSConfig = cfg
		protocols.SetHTTP2(true)
		scheme = "https"
		s.CAPEM = o.CA.CertPEM()
	} else {
		protocols.SetUnencryptedHTTP2(true)
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("serve: listen on %s: %w", o.Addr, err)
	}
	s.URL = scheme + "://" + ln.Addr().String()
	go func() {
		var err error
		if o.CA != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s, nil
}

// Client returns an HTTP client that trusts the server's CA (if any) and
// may use HTTP/2.
func (s *Server) Client() *http.Client {
	tr := &http.Transport{ForceAttemptHTTP2: true}
	if s.ca != nil {
		tr.TLSClientConfig = s.ca.ClientConfig()
	}
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// Close stops the server at once, closing open connections (which ends
// delayed or never-ending fault responses), and waits for it to stop.
func (s *Server) Close() error {
	err := s.srv.Close()
	if serr := <-s.done; serr != nil {
		err = errors.Join(err, fmt.Errorf("serve: %w", serr))
	}
	s.done <- nil // let a second Close return
	return err
}

// Shutdown stops the server gracefully, waiting for in-flight requests
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if serr := <-s.done; serr != nil {
		err = errors.Join(err, fmt.Errorf("serve: %w", serr))
	}
	s.done <- nil
	return err
}
