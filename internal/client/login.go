package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"latch.dev/latch/internal/errs"
)

// LoginProvider is the upstream OpenID Provider a server's users log in
// at, as GET /sts/login describes it.
type LoginProvider struct {
	Issuer   string   `json:"issuer"`
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`
}

// LoginProvider asks the server where people log in. It fails with
// NotFound when the server has no login provider.
func (c *Client) LoginProvider(ctx context.Context) (LoginProvider, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+"/sts/login", nil)
	if err != nil {
		return LoginProvider{}, fmt.Errorf("login provider request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return LoginProvider{}, unreachable(c.baseURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	if err != nil {
		return LoginProvider{}, errs.Wrap(errs.Unavailable, err, "reading the answer from %s failed", c.baseURL)
	}
	if resp.StatusCode != http.StatusOK {
		return LoginProvider{}, decodeHTTPError(resp.StatusCode, body)
	}
	var p LoginProvider
	if err := json.Unmarshal(body, &p); err != nil || p.Issuer == "" || p.ClientID == "" {
		if err == nil {
			err = errors.New("no issuer or client ID")
		}
		return LoginProvider{}, errs.Wrap(errs.Internal, err, "the server at %s described its login provider in a way this CLI does not understand", c.baseURL)
	}
	return p, nil
}

// LoginRequest says what to ask /sts/login for.
type LoginRequest struct {
	// Nonce is the nonce of the authorization request the ID token
	// answers; the server checks it too.
	Nonce string
	// AccessToken is the access token issued with the ID token; the
	// server reads the user's profile with it when the ID token has none.
	AccessToken string
	// Audience lists the token's audiences; empty means the server's URL.
	Audience []string
}

// Login trades an ID token from the server's login provider for a latch
// session with a refresh token.
func (c *Client) Login(ctx context.Context, idToken string, r LoginRequest) (Token, error) {
	form := url.Values{}
	if r.Nonce != "" {
		form.Set("nonce", r.Nonce)
	}
	if r.AccessToken != "" {
		form.Set("access_token", r.AccessToken)
	}
	for _, a := range r.Audience {
		form.Add("aud", a)
	}
	return c.postToken(ctx, "/sts/login", idToken, form)
}

// Revoke revokes a refresh token and every token of its family, so that
// a logged-out session cannot be renewed. Unknown tokens are not an
// error.
func (c *Client) Revoke(ctx context.Context, refreshToken string) error {
	if strings.TrimSpace(refreshToken) == "" {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/sts/revoke", nil)
	if err != nil {
		return fmt.Errorf("revoke request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(refreshToken))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return unreachable(c.baseURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	if resp.StatusCode != http.StatusOK {
		return decodeHTTPError(resp.StatusCode, body)
	}
	return nil
}
