package client

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Token is what the token endpoints return.
type Token struct {
	// Token is the latch access token, a JWT.
	Token string `json:"token"`
	// RefreshToken, when set, buys a new pair once; it is issued for
	// human and bootstrap logins.
	RefreshToken string `json:"refresh_token,omitempty"`
	// Expiry is when Token stops being accepted.
	Expiry time.Time `json:"expiry"`
}

// TokenSource supplies the bearer token for API calls.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// StaticToken is a TokenSource that always returns the same token.
type StaticToken string

// Token returns the token.
func (t StaticToken) Token(context.Context) (string, error) { return string(t), nil }

// Client talks to one latch server.
type Client struct {
	baseURL   string
	http      *http.Client
	userAgent string
}

// New returns a client for the server at baseURL (http(s)://host[:port][/path]).
// A nil httpClient means http.DefaultClient.
func New(baseURL string, httpClient *http.Client, userAgent string) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	if userAgent == "" {
		userAgent = "latch"
	}
	return &Client{baseURL: strings.TrimRight(baseURL, "/"), http: httpClient, userAgent: userAgent}
}

// BaseURL returns the server's URL.
func (c *Client) BaseURL() string { return c.baseURL }
