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

// maxTokenResponse bounds what is read from a token endpoint; a token pair
// is a few kilobytes.
const maxTokenResponse = 1 << 20

// ExchangeRequest says what to ask /sts/exchange for.
type ExchangeRequest struct {
	// Identity is the ID of the identity to assume.
	Identity string
	// Audience lists the token's audiences; empty means the server's URL.
	Audience []string
	// Capabilities narrows the token to these capabilities.
	Capabilities []string
	// Scopes narrows the token to these groups.
	Scopes []string
}

// Exchange trades an upstream proof (an OIDC token, a signed AWS request)
// for a latch token, following Chainguard's wire protocol.
func (c *Client) Exchange(ctx context.Context, proof string, r ExchangeRequest) (Token, error) {
	form := url.Values{}
	if r.Identity != "" {
		form.Set("identity", r.Identity)
	}
	for _, a := range r.Audience {
		form.Add("aud", a)
	}
	for _, cp := range r.Capabilities {
		form.Add("cap", cp)
	}
	for _, s := range r.Scopes {
		form.Add("scopes", s)
	}
	return c.postToken(ctx, "/sts/exchange", proof, form)
}

// Refresh trades a refresh token for a new pair. The old refresh token is
// dead afterwards, so the caller must store the new one.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (Token, error) {
	return c.postToken(ctx, "/sts/exchange_refresh_token", refreshToken, url.Values{})
}

// Bootstrap uses a new server's one-time bootstrap secret to create its
// first administrator (named name; empty means the server's default) and
// returns that administrator's tokens.
func (c *Client) Bootstrap(ctx context.Context, secret, name string) (Token, error) {
	form := url.Values{}
	if name != "" {
		form.Set("name", name)
	}
	return c.postToken(ctx, "/sts/bootstrap", secret, form)
}

func (c *Client) postToken(ctx context.Context, path, bearer string, form url.Values) (Token, error) {
	if strings.TrimSpace(bearer) == "" {
		return Token{}, errs.New(errs.Invalid, "no credential to send to %s", path)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, fmt.Errorf("token request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(bearer))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return Token{}, unreachable(c.baseURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	if err != nil {
		return Token{}, errs.Wrap(errs.Unavailable, err, "reading the answer from %s failed", c.baseURL+path)
	}
	if resp.StatusCode != http.StatusOK {
		return Token{}, decodeHTTPError(resp.StatusCode, body)
	}
	var t Token
	if err := json.Unmarshal(body, &t); err != nil || t.Token == "" {
		if err == nil {
			err = errors.New("no token in the answer")
		}
		return Token{}, errs.Wrap(errs.Internal, err, "the server at %s answered %s with something that is not a token", c.baseURL, path)
	}
	return t, nil
}
