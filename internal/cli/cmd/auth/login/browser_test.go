package login

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	latchserver "latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
	"latch.dev/latch/internal/testutil/optest"
)

// browserEnv is a server whose users log in at a real OpenID Provider.
type browserEnv struct {
	op  *optest.Provider
	srv *servertest.Server
}

func startBrowserEnv(t *testing.T) *browserEnv {
	op := optest.Start(t)
	srv := servertest.Start(t, servertest.WithConfig(func(c *latchserver.Config) {
		c.OIDC = latchserver.OIDCConfig{Issuer: op.Issuer, ClientID: optest.ClientID, InsecureIssuers: []string{op.Issuer}}
	}))
	return &browserEnv{op: op, srv: srv}
}

func (e *browserEnv) options(t *testing.T, ios *iostreams.IOStreams) (*Options, *tokencache.Cache) {
	cache, err := tokencache.New(t.TempDir(), e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &Options{
		IO:         ios,
		Client:     func() (*client.Client, error) { return e.srv.Client(), nil },
		TokenCache: func() (*tokencache.Cache, error) { return cache, nil },
		HTTPClient: func() (*http.Client, error) { return &http.Client{Timeout: 30 * time.Second}, nil },
		Now:        time.Now,
		Timeout:    30 * time.Second,
	}, cache
}

// visit loads u the way the browser would, and returns the page.
func visit(t *testing.T, u string) (int, string) {
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("the browser cannot load %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestBrowserLoginThroughTheLoopbackRedirect(t *testing.T) {
	t.Parallel()
	e := startBrowserEnv(t)
	ios, _, out, _ := iostreams.Test()
	opts, cache := e.options(t, ios)
	var page string
	opts.OpenBrowser = func(authURL string) error {
		u, err := url.Parse(authURL)
		if err != nil {
			return err
		}
		redirect := u.Query().Get("redirect_uri")
		if !strings.HasPrefix(redirect, "http://127.0.0.1:") || !strings.HasSuffix(redirect, "/callback") {
			t.Errorf("redirect_uri %q is not a loopback IP literal with a port (RFC 8252 §7.3)", redirect)
		}
		if u.Query().Get("code_challenge_method") != "S256" || u.Query().Get("nonce") == "" || u.Query().Get("state") == "" {
			t.Errorf("the authorization request lacks PKCE S256, a nonce or a state: %s", authURL)
		}
		to, err := e.op.Browser(t.Context(), authURL, optest.Alice, optest.Password)
		if err != nil {
			return err
		}
		var code int
		code, page = visit(t, to)
		if code != http.StatusOK {
			t.Errorf("the loopback redirect answered %d: %s", code, page)
		}
		return nil
	}
	if err := loginRun(t.Context(), opts); err != nil {
		t.Fatalf("login: %v", err)
	}
	if !strings.Contains(page, "Logged in to latch") {
		t.Errorf("the browser was shown %q", page)
	}
	if !strings.HasPrefix(out.String(), "Successfully logged in.\nValid! Id: ") {
		t.Errorf("output %q", out.String())
	}
	if cr, err := cache.Load(); err != nil || cr.RefreshToken == "" {
		t.Errorf("cached session %+v, %v", cr.Login, err)
	}
}

func TestALoopbackRedirectWithAnotherStateIsRefused(t *testing.T) {
	t.Parallel()
	e := startBrowserEnv(t)
	ios, _, _, _ := iostreams.Test()
	opts, cache := e.options(t, ios)
	opts.OpenBrowser = func(authURL string) error {
		to, err := e.op.Browser(t.Context(), authURL, optest.Alice, optest.Password)
		if err != nil {
			return err
		}
		// An attacker's page sends the browser to the loopback port with
		// a code of the attacker's own login.
		forged, _ := url.Parse(to)
		q := forged.Query()
		q.Set("state", "attackers-state")
		forged.RawQuery = q.Encode()
		if code, _ := visit(t, forged.String()); code != http.StatusBadRequest {
			t.Errorf("the forged redirect answered %d, want 400", code)
		}
		return nil
	}
	err := loginRun(t.Context(), opts)
	if errs.KindOf(err) != errs.Unauthenticated || !strings.Contains(errs.Message(err), "state does not belong to this login") {
		t.Errorf("got %v, want a refusal naming the state", err)
	}
	if _, err := cache.Load(); err == nil {
		t.Error("a refused login was cached")
	}
}

func TestNoBrowserIsNotAFailure(t *testing.T) {
	t.Parallel()
	e := startBrowserEnv(t)
	ios, _, _, errOut := iostreams.Test()
	opts, _ := e.options(t, ios)
	opts.Timeout = 300 * time.Millisecond
	opts.OpenBrowser = func(string) error { return io.ErrClosedPipe }
	err := loginRun(t.Context(), opts)
	if !strings.Contains(errOut.String(), "visit:\n\n  http://") || !strings.Contains(errOut.String(), "Could not open a browser") {
		t.Errorf("stderr %q does not print the URL and say the browser did not open", errOut)
	}
	if errs.KindOf(err) != errs.Unauthenticated || !strings.Contains(errs.Message(err), "not completed in time") {
		t.Errorf("got %v, want a timeout saying the login was not completed", err)
	}
}

func TestHeadlessLoginReadsTheCodeOrTheRedirect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		paste func(redirect string) string
		ok    bool
		says  string
	}{
		{name: "the whole redirect address", paste: func(r string) string { return r }, ok: true},
		{name: "just the code", paste: func(r string) string { u, _ := url.Parse(r); return u.Query().Get("code") }, ok: true},
		{name: "a redirect with another state", paste: func(r string) string { return strings.Replace(r, "state=", "state=x", 1) }, says: "state does not belong"},
		{name: "nothing", paste: func(string) string { return "" }, says: "no code was entered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := startBrowserEnv(t)
			ios, _, _, errOut := iostreams.Test()
			opts, _ := e.options(t, ios)
			opts.Headless = true
			ios.In = readerFunc(func() string {
				authURL := strings.TrimSpace(strings.SplitN(strings.SplitN(errOut.String(), "\n\n", 3)[1], "\n", 2)[0])
				to, err := e.op.Browser(context.Background(), authURL, optest.Bob, optest.Password)
				if err != nil {
					t.Error(err)
				}
				return tt.paste(to) + "\n"
			})
			err := loginRun(t.Context(), opts)
			if tt.ok {
				if err != nil {
					t.Fatalf("login: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(errs.Message(err), tt.says) {
				t.Errorf("got %v, want an error saying %q", err, tt.says)
			}
		})
	}
}

// readerFunc is a reader whose content is computed on the first read.
type readerFunc func() string

func (f readerFunc) Read(p []byte) (int, error) {
	return strings.NewReader(f()).Read(p)
}
