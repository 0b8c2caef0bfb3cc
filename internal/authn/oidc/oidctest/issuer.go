// Package oidctest runs an OIDC issuer in the test process: an httptest
// server with a discovery document and a JWKS, and Mint to sign tokens
// with its keys. Knobs make it misbehave the ways real issuers do (key
// rotation, a slow or huge JWKS, a redirect, a discovery document that
// names another issuer) and mint tokens no issuer should (alg none, HS256
// keyed with the public key, a key it does not publish).
package oidctest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Issuer is a running test issuer.
type Issuer struct {
	// URL is the issuer URL, the tokens' iss: http://127.0.0.1:PORT.
	URL    string
	Server *httptest.Server

	mu        sync.Mutex
	keys      map[string]*key // by algorithm: the key Mint signs with
	published []*key          // what the JWKS serves
	serial    int
	docIssuer string        // issuer the discovery document names
	delay     time.Duration // before answering the JWKS
	padding   int           // extra bytes in the JWKS
	redirect  string        // answer the JWKS with a redirect here
	fetches   struct{ discovery, jwks int }
}

type key struct {
	id     string
	alg    string
	signer crypto.Signer
}

// Start starts an issuer that lives until t ends. It publishes one ES256
// key.
func Start(t testing.TB) *Issuer {
	t.Helper()
	i := &Issuer{keys: map[string]*key{}}
	i.Server = httptest.NewServer(http.HandlerFunc(i.serve))
	t.Cleanup(i.Server.Close)
	i.URL = i.Server.URL
	i.docIssuer = i.URL
	i.Key(t, "ES256")
	return i
}

func (i *Issuer) serve(w http.ResponseWriter, r *http.Request) {
	i.mu.Lock()
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		i.fetches.discovery++
		doc := map[string]any{
			"issuer": i.docIssuer, "jwks_uri": i.URL + "/jwks",
			"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256", "EdDSA"},
		}
		i.mu.Unlock()
		writeJSON(w, doc)
		return
	case "/jwks":
		i.fetches.jwks++
		delay, redirect, body := i.delay, i.redirect, i.jwksLocked()
		i.mu.Unlock()
		if redirect != "" {
			http.Redirect(w, r, redirect, http.StatusFound)
			return
		}
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
		return
	}
	i.mu.Unlock()
	http.NotFound(w, r)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// jwksLocked renders the published keys, padded when asked.
func (i *Issuer) jwksLocked() []byte {
	set := map[string]any{"keys": i.publicKeysLocked()}
	if i.padding > 0 {
		set["padding"] = strings.Repeat("x", i.padding)
	}
	b, _ := json.Marshal(set)
	return b
}

func (i *Issuer) publicKeysLocked() []jose.JSONWebKey {
	out := make([]jose.JSONWebKey, 0, len(i.published))
	for _, k := range i.published {
		out = append(out, jose.JSONWebKey{Key: k.signer.Public(), KeyID: k.id, Algorithm: k.alg, Use: "sig"})
	}
	return out
}

// JWKS returns the published key set as a JSON document, as a static
// identity stores it.
func (i *Issuer) JWKS() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	b, _ := json.Marshal(map[string]any{"keys": i.publicKeysLocked()})
	return string(b)
}

// Key makes a new key for alg (RS256, RS384, RS512, PS256, PS384, PS512,
// ES256, ES384, ES512 or EdDSA), publishes it and makes it the one Mint
// uses for alg. Calling it again for an algorithm rotates that key; the
// old one stays published until Retire.
func (i *Issuer) Key(t testing.TB, alg string) string {
	t.Helper()
	k := newKey(t, alg)
	i.mu.Lock()
	defer i.mu.Unlock()
	i.serial++
	k.id = fmt.Sprintf("key-%d", i.serial)
	i.keys[alg] = k
	i.published = append(i.published, k)
	return k.id
}

// Retire stops publishing the key with this ID.
func (i *Issuer) Retire(id string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	kept := i.published[:0]
	for _, k := range i.published {
		if k.id != id {
			kept = append(kept, k)
		}
	}
	i.published = kept
}

// Unpublished makes a key for alg that signs tokens but is not in the
// JWKS until Publish, as when an issuer rotates before latch refreshes.
func (i *Issuer) Unpublished(t testing.TB, alg string) string {
	t.Helper()
	k := newKey(t, alg)
	i.mu.Lock()
	defer i.mu.Unlock()
	i.serial++
	k.id = fmt.Sprintf("key-%d", i.serial)
	i.keys[alg] = k
	return k.id
}

// Publish adds the current key of alg to the JWKS.
func (i *Issuer) Publish(alg string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.published = append(i.published, i.keys[alg])
}

// SetDiscoveryIssuer makes the discovery document name another issuer.
func (i *Issuer) SetDiscoveryIssuer(iss string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.docIssuer = iss
}

// SetJWKSDelay makes the JWKS answer only after d.
func (i *Issuer) SetJWKSDelay(d time.Duration) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.delay = d
}

// SetJWKSPadding adds n bytes of padding to the JWKS document.
func (i *Issuer) SetJWKSPadding(n int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.padding = n
}

// SetJWKSRedirect answers the JWKS with a redirect to url.
func (i *Issuer) SetJWKSRedirect(url string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.redirect = url
}

// Fetches returns how often the discovery document and the JWKS were
// fetched.
func (i *Issuer) Fetches() (discovery, jwks int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.fetches.discovery, i.fetches.jwks
}

// Claims returns the claims of a token from this issuer for subject and
// audience, issued at now and valid for five minutes, merged with extra
// (a nil value in extra deletes the claim).
func (i *Issuer) Claims(now time.Time, subject, audience string, extra map[string]any) map[string]any {
	c := map[string]any{
		"iss": i.URL, "sub": subject, "aud": audience,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"jti": fmt.Sprintf("jti-%d", now.UnixNano()),
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}

// Mint signs claims with the issuer's ES256 key.
func (i *Issuer) Mint(t testing.TB, claims map[string]any) string {
	t.Helper()
	return i.MintWith(t, claims, "ES256")
}

// MintWith signs claims with alg. "none" makes an unsigned token and
// "HS256" one whose HMAC key is the PEM of the issuer's ES256 public key
// (the algorithm-confusion forgery); every other alg signs with the
// issuer's current key for it, made with Key.
func (i *Issuer) MintWith(t testing.TB, claims map[string]any, alg string) string {
	t.Helper()
	i.mu.Lock()
	k := i.keys[alg]
	es := i.keys["ES256"]
	i.mu.Unlock()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	switch alg {
	case "none":
		return compact(map[string]any{"alg": "none", "typ": "JWT"}, payload) + "."
	case "HS256":
		der, err := x509.MarshalPKIXPublicKey(es.signer.Public())
		if err != nil {
			t.Fatal(err)
		}
		secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		input := compact(map[string]any{"alg": "HS256", "typ": "JWT", "kid": es.id}, payload)
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(input))
		return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	}
	if k == nil {
		t.Fatalf("oidctest: no %s key; call Key(t, %q) first", alg, alg)
	}
	return Sign(t, k.signer, k.alg, k.id, payload)
}

// Sign signs payload with signer as a compact JWS with alg and kid.
func Sign(t testing.TB, signer crypto.Signer, alg, kid string, payload []byte) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader(jose.HeaderKey("kid"), kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: signer}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func compact(header map[string]any, payload []byte) string {
	h, _ := json.Marshal(header)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(payload)
}

func newKey(t testing.TB, alg string) *key {
	t.Helper()
	var (
		s   crypto.Signer
		err error
	)
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		s, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		s, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ES384":
		s, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ES512":
		s, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "EdDSA":
		_, s, err = ed25519.GenerateKey(rand.Reader)
	default:
		t.Fatalf("oidctest: no keys for %q", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return &key{alg: alg, signer: s}
}
