package login

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"connectrpc.com/connect"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
)

// DefaultBrowserTimeout is how long a browser login may take.
const DefaultBrowserTimeout = 5 * time.Minute

// Browser login: the CLI is a public client of the server's upstream
// OpenID Provider (the server names it at GET /sts/login). It runs the
// authorization code flow with PKCE (RFC 7636) and a loopback redirect on
// 127.0.0.1 and a random port (RFC 8252 §7.3), checks state and nonce,
// and trades the ID token at POST /sts/login for a latch session. No
// secret exists anywhere: PKCE ties the code to this process, state ties
// the redirect to this login, and the nonce ties the ID token to it.

// flow is one authorization request.
type flow struct {
	conf     oauth2.Config
	verifier string // PKCE code verifier
	state    string
	nonce    string
}

// browserRun logs a person in through the server's OpenID Provider.
func browserRun(ctx context.Context, opts *Options, c *client.Client, cache *tokencache.Cache) error {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultBrowserTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	p, err := c.LoginProvider(ctx)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			if who, ok := loggedIn(ctx, opts); ok {
				fmt.Fprintf(opts.IO.Out, "Already logged in to %s as %s [%s].\n", c.BaseURL(), who.GetIdentityName(), who.GetSubject())
				fmt.Fprintln(opts.IO.ErrOut, "This server has no login provider for people, so there is nothing to log in to again; `latch auth status` shows the session.")
				return nil
			}
			return cmdutil.WithHint(err, "Workloads log in with --identity-token; a new server's first administrator with `latch auth bootstrap`.")
		}
		return err
	}
	hc, err := opts.HTTPClient()
	if err != nil {
		return err
	}
	octx := gooidc.ClientContext(ctx, hc)
	provider, err := gooidc.NewProvider(octx, p.Issuer)
	if err != nil {
		return errs.Wrap(errs.Unavailable, err, "the login provider %s could not be reached or described itself wrongly", p.Issuer)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen for the browser's redirect: %w", err)
	}
	defer ln.Close()
	f, err := newFlow(opts, p, provider.Endpoint(), "http://"+ln.Addr().String()+"/callback")
	if err != nil {
		return err
	}
	authURL := f.conf.AuthCodeURL(f.state, oauth2.S256ChallengeOption(f.verifier), oauth2.SetAuthURLParam("nonce", f.nonce))

	var code string
	if opts.Headless {
		ln.Close()
		code, err = f.readCode(ctx, opts, authURL)
	} else {
		code, err = f.awaitCode(ctx, opts, ln, authURL)
	}
	if err != nil {
		return err
	}
	tok, err := f.conf.Exchange(octx, code, oauth2.VerifierOption(f.verifier))
	if err != nil {
		return errs.Wrap(errs.Unauthenticated, err, "the login provider did not accept the authorization code; run `latch auth login` again")
	}
	idToken, _ := tok.Extra("id_token").(string)
	if idToken == "" {
		return errs.New(errs.Unauthenticated, "the login provider answered without an ID token; its client for latch must allow the openid scope")
	}
	if err := checkNonce(idToken, f.nonce); err != nil {
		return err
	}
	session, err := c.Login(ctx, idToken, client.LoginRequest{Nonce: f.nonce, AccessToken: tok.AccessToken, Audience: opts.Audience})
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, "Successfully logged in.")
	return save(ctx, opts, c, cache, session, tokencache.MethodBrowser, "")
}

func newFlow(opts *Options, p client.LoginProvider, ep oauth2.Endpoint, redirect string) (*flow, error) {
	r := opts.Rand
	if r == nil {
		r = rand.Reader
	}
	var vals [3]string
	for i, n := range []int{32, 16, 16} {
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("login: random bytes: %w", err)
		}
		vals[i] = base64.RawURLEncoding.EncodeToString(b)
	}
	// A public client sends its ID in the form and no secret.
	ep.AuthStyle = oauth2.AuthStyleInParams
	return &flow{
		conf:     oauth2.Config{ClientID: p.ClientID, Endpoint: ep, RedirectURL: redirect, Scopes: p.Scopes},
		verifier: vals[0], state: vals[1], nonce: vals[2],
	}, nil
}

// awaitCode opens the browser and serves the loopback redirect until it
// arrives with this login's state.
func (f *flow) awaitCode(ctx context.Context, opts *Options, ln net.Listener, authURL string) (string, error) {
	type result struct {
		code string
		err  error
	}
	done := make(chan result, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		code, err := f.fromRedirect(r.URL.Query())
		if err != nil {
			http.Error(w, errs.Message(err)+"\nReturn to the terminal and run `latch auth login` again.", http.StatusBadRequest)
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!DOCTYPE html><title>latch</title><p>Logged in to latch. You can close this window and return to the terminal.</p>\n")
		}
		select {
		case done <- result{code, err}:
		default:
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	fmt.Fprintf(opts.IO.ErrOut, "Opening your browser to log in. If it does not open, visit:\n\n  %s\n\n", authURL)
	open := opts.OpenBrowser
	if open == nil {
		open = openBrowser
	}
	if err := open(authURL); err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "Could not open a browser (%v); open the URL above yourself, or run `latch auth login --headless`.\n", err)
	}
	select {
	case r := <-done:
		return r.code, r.err
	case <-ctx.Done():
		return "", errs.Wrap(errs.Unauthenticated, ctx.Err(), "the login was not completed in time; run `latch auth login` again")
	}
}

// readCode prints the URL and reads the code, or the redirect URL the
// browser ended on, from standard input.
func (f *flow) readCode(ctx context.Context, opts *Options, authURL string) (string, error) {
	fmt.Fprintf(opts.IO.ErrOut, "Open this URL in a browser and log in:\n\n  %s\n\n"+
		"The browser then fails to load an address on 127.0.0.1; that is expected.\n"+
		"Paste that whole address (or just its code parameter) here and press Enter:\n", authURL)
	type line struct {
		s   string
		err error
	}
	got := make(chan line, 1)
	go func() {
		s, err := bufio.NewReader(io.LimitReader(opts.IO.In, 16<<10)).ReadString('\n')
		got <- line{s, err}
	}()
	var in line
	select {
	case in = <-got:
	case <-ctx.Done():
		return "", errs.Wrap(errs.Unauthenticated, ctx.Err(), "the login was not completed in time; run `latch auth login --headless` again")
	}
	s := strings.TrimSpace(in.s)
	if s == "" {
		return "", errs.New(errs.Invalid, "no code was entered; run `latch auth login --headless` again and paste the address the browser was sent to")
	}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", errs.New(errs.Invalid, "the pasted address is not a URL")
		}
		q := u.Query()
		if q.Get("state") == "" && q.Get("error") == "" {
			return "", errs.New(errs.Invalid, "the pasted address has no state parameter; paste the whole address the browser was sent to")
		}
		return f.fromRedirect(q)
	}
	// A bare code carries no state to check; PKCE still binds it to this
	// login, and the ID token's nonce is checked below.
	return s, nil
}

// fromRedirect takes the code from a redirect's parameters after checking
// that it answers this login: a mismatched state is a redirect forged
// to log the user in as someone else (login CSRF).
func (f *flow) fromRedirect(q url.Values) (string, error) {
	if e := q.Get("error"); e != "" {
		msg := e
		if d := q.Get("error_description"); d != "" {
			msg += ": " + d
		}
		return "", errs.New(errs.Unauthenticated, "the login provider refused the login (%s)", msg)
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.state)) != 1 {
		return "", errs.New(errs.Unauthenticated, "the redirect's state does not belong to this login; it may have been forged")
	}
	code := q.Get("code")
	if code == "" {
		return "", errs.New(errs.Unauthenticated, "the redirect carries no authorization code")
	}
	return code, nil
}

// checkNonce compares the ID token's nonce with this login's before the
// token goes anywhere. The server verifies the signature and checks the
// nonce again.
func checkNonce(idToken, nonce string) error {
	parts := strings.Split(idToken, ".")
	if len(parts) != 3 {
		return errs.New(errs.Unauthenticated, "the login provider's ID token is not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Nonce string `json:"nonce"`
	}
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return errs.Wrap(errs.Unauthenticated, err, "the login provider's ID token cannot be read")
	}
	if subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(nonce)) != 1 {
		return errs.New(errs.Unauthenticated, "the ID token's nonce does not belong to this login; run `latch auth login` again")
	}
	return nil
}

// loggedIn reports the session the CLI already holds for the server, if
// it is still good (renewed if need be). Any failure means no session.
func loggedIn(ctx context.Context, opts *Options) (*authv1.WhoAmIResponse, bool) {
	if opts.API == nil {
		return nil, false
	}
	api, err := opts.API()
	if err != nil {
		return nil, false
	}
	who, err := api.Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		return nil, false
	}
	return who.Msg, true
}
