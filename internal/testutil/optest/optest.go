// Package optest runs a real OpenID Provider in the test process, so that
// human login is tested against an implementation nobody here wrote: the
// example OP of github.com/zitadel/oidc (Apache-2.0), an OpenID-certified
// library, with its username and password login page. Browser drives that
// page over HTTP with a cookie jar, the way a person's browser would.
package optest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"golang.org/x/text/language"
)

// ClientID is the public (PKCE, no secret) native client registered for
// latch's CLI, with the loopback redirect URI RFC 8252 prescribes; the
// provider accepts any port on it.
const ClientID = "latch-cli"

// Password is every test user's password.
const Password = "correct-horse-battery-staple"

// User is a person with an account at the provider.
type User struct {
	ID, Username, Email string
}

// The provider's users.
var (
	Alice = User{ID: "u-alice", Username: "alice", Email: "alice@example.dev"}
	Bob   = User{ID: "u-bob", Username: "bob", Email: "bob@example.dev"}
)

// Provider is a running OpenID Provider.
type Provider struct {
	// Issuer is its issuer URL, http://127.0.0.1:PORT.
	Issuer string
}

// Start runs the provider until t ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	users := userStore{}
	for _, u := range []User{Alice, Bob} {
		users[u.ID] = &storage.User{
			ID: u.ID, Username: u.Username, Password: Password, Email: u.Email, EmailVerified: true,
			FirstName: strings.ToUpper(u.Username[:1]) + u.Username[1:], LastName: "Example", PreferredLanguage: language.English,
		}
	}
	st := storage.NewStorageWithClients(users, map[string]*storage.Client{
		ClientID: storage.NativeClient(ClientID, "http://127.0.0.1/callback"),
	})
	srv.Config.Handler = exampleop.SetupServer(issuer, st, nil, false)
	srv.Start()
	t.Cleanup(srv.Close)
	return &Provider{Issuer: issuer}
}

// userStore implements the example storage's user lookup.
type userStore map[string]*storage.User

func (u userStore) GetUserByID(id string) *storage.User { return u[id] }

func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, user := range u {
		if user.Username == name {
			return user
		}
	}
	return nil
}

func (u userStore) ExampleClientID() string { return "service" }

// Browser logs user in at the provider, starting from an authorization
// URL, and returns the address the provider then sends the browser to
// (the client's redirect URI with code and state), without loading it.
func (p *Provider) Browser(ctx context.Context, authURL string, user User, password string) (string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return "", err
	}
	op, err := url.Parse(p.Issuer)
	if err != nil {
		return "", err
	}
	hc := &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		// Follow the provider's own redirects; stop at the one that
		// leaves it, which is the answer.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Host != op.Host {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	page, err := get(ctx, hc, authURL)
	if err != nil {
		return "", fmt.Errorf("open the authorization URL: %w", err)
	}
	if page.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the authorization URL answered %s", page.Status)
	}
	id := page.Request.URL.Query().Get("authRequestID")
	if id == "" {
		return "", fmt.Errorf("the provider did not show its login page (at %s)", page.Request.URL)
	}
	form := url.Values{"id": {id}, "username": {user.Username}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Issuer+"/login/username", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("submit the login form: %w", err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || loc == "" {
		return "", fmt.Errorf("the login form answered %s without sending the browser on: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return loc, nil
}

func get(ctx context.Context, hc *http.Client, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp, nil
}
