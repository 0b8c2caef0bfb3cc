package fakeaws

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Credentials are an AWS access key as a client holds it. The emulators
// look the secret up by AccessKeyID, the way STS does.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken is set for temporary credentials (ASIA… keys). When it
	// is set, STS requires the request to carry it, signed.
	SessionToken string
	// Expires is when STS starts answering ExpiredToken; zero means never.
	Expires time.Time
}

// expired reports whether the credentials are no longer accepted at now.
func (c Credentials) expired(now time.Time) bool {
	return !c.Expires.IsZero() && !now.Before(c.Expires)
}

// NewTemporaryCredentials returns random temporary credentials (an ASIA…
// key with a session token) that expire at expires, like the ones an
// instance role or AssumeRole hands out.
func NewTemporaryCredentials(rand io.Reader, expires time.Time) (Credentials, error) {
	r := newLockedReader(rand)
	c, err := newKey(r, "ASIA")
	if err != nil {
		return Credentials{}, err
	}
	tok := make([]byte, 192)
	if _, err := io.ReadFull(r, tok); err != nil {
		return Credentials{}, fmt.Errorf("generate session token: %w", err)
	}
	c.SessionToken = base64.StdEncoding.EncodeToString(tok)
	c.Expires = expires
	return c, nil
}

// NewLongTermCredentials returns a random long-term access key (AKIA…,
// no session token, no expiry), like an IAM user's.
func NewLongTermCredentials(rand io.Reader) (Credentials, error) {
	return newKey(newLockedReader(rand), "AKIA")
}

func newKey(r io.Reader, prefix string) (Credentials, error) {
	id, err := randomString(r, idAlphabet, 16)
	if err != nil {
		return Credentials{}, fmt.Errorf("generate access key id: %w", err)
	}
	secret, err := randomString(r, secretAlphabet, 40)
	if err != nil {
		return Credentials{}, fmt.Errorf("generate secret access key: %w", err)
	}
	return Credentials{AccessKeyID: prefix + id, SecretAccessKey: secret}, nil
}

// Registry maps access key IDs to their secrets and to the principal STS
// reports for them. The STS and IMDS emulators share one, so credentials
// the fake instance hands out are accepted by the fake STS, and tests can
// add their own keys. It is safe for concurrent use.
type Registry struct {
	mu   sync.RWMutex
	keys map[string]registered
}

type registered struct {
	creds     Credentials
	principal Principal
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{keys: make(map[string]registered)}
}

// Add registers credentials for a principal. The access key ID must be new
// and must not contain '/' or whitespace (it is the first field of the
// SigV4 credential scope).
func (r *Registry) Add(c Credentials, p Principal) error {
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return errors.New("register credentials: access key id and secret are required")
	}
	if strings.ContainsAny(c.AccessKeyID, "/, \t\r\n") {
		return fmt.Errorf("register credentials: access key id %q contains '/', ',' or whitespace", c.AccessKeyID)
	}
	if err := p.validate(); err != nil {
		return fmt.Errorf("register credentials: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.keys[c.AccessKeyID]; ok {
		return fmt.Errorf("register credentials: access key id %q is already registered", c.AccessKeyID)
	}
	r.keys[c.AccessKeyID] = registered{creds: c, principal: p}
	return nil
}

// Remove forgets an access key, so STS answers InvalidClientTokenId for it
// from then on (like a deleted key). It reports whether the key was known.
func (r *Registry) Remove(accessKeyID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.keys[accessKeyID]
	delete(r.keys, accessKeyID)
	return ok
}

// Lookup returns the credentials and principal registered for an access
// key ID.
func (r *Registry) Lookup(accessKeyID string) (Credentials, Principal, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.keys[accessKeyID]
	return e.creds, e.principal, ok
}
