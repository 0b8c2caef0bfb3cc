package oidcdisco

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/token"
)

// Paths below the issuer URL.
const (
	WellKnownDiscovery = "/.well-known/openid-configuration"
	WellKnownJWKS      = "/.well-known/jwks.json"
)

// How long clients may cache the documents; the package documentation
// explains the arithmetic.
const (
	DiscoveryMaxAge = time.Hour
	JWKSMaxAge      = 5 * time.Minute
)

// KeySet supplies the published keys; *signer.Signer is one.
type KeySet interface {
	PublicKeys(ctx context.Context) (jose.JSONWebKeySet, error)
}

// Config configures the Handler. Issuer and Keys are required.
type Config struct {
	// Issuer is the server's URL, the tokens' "iss".
	Issuer string
	// Keys supplies the JWKS.
	Keys KeySet
	// AuthorizationEndpoint and TokenEndpoint are advertised when set.
	AuthorizationEndpoint string
	TokenEndpoint         string
	// SigningAlgorithms lists the algorithms tokens may be signed with
	// (signer.Algorithms by default: every algorithm latch may use, so
	// that relying parties that read the document once keep working
	// across a change of algorithm).
	SigningAlgorithms []string
	// Logger receives failures to read the keys (discarded).
	Logger *slog.Logger
}

// Document is the discovery document (OpenID Connect Discovery 1.0 §3).
type Document struct {
	Issuer                           string   `json:"issuer"`
	AuthorizationEndpoint            string   `json:"authorization_endpoint,omitempty"`
	TokenEndpoint                    string   `json:"token_endpoint,omitempty"`
	JWKSURI                          string   `json:"jwks_uri"`
	ResponseTypesSupported           []string `json:"response_types_supported"`
	SubjectTypesSupported            []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
	ClaimsSupported                  []string `json:"claims_supported"`
}

// Handler serves the discovery document and the JWKS, each at its path
// below the issuer's path. It answers GET and HEAD, 405 to other methods
// and 404 to other paths.
type Handler struct {
	keys          KeySet
	log           *slog.Logger
	discoveryPath string
	jwksPath      string
	doc           Document
	docBody       []byte
	docETag       string
}

// New returns a Handler.
func New(cfg Config) (*Handler, error) {
	if err := token.CheckIssuer(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("oidcdisco: %w", err)
	}
	if cfg.Keys == nil {
		return nil, errors.New("oidcdisco: Config.Keys is required")
	}
	for _, e := range []string{cfg.AuthorizationEndpoint, cfg.TokenEndpoint} {
		if u, err := url.Parse(e); e != "" && (err != nil || !u.IsAbs()) {
			return nil, fmt.Errorf("oidcdisco: endpoint %q is not an absolute URL", e)
		}
	}
	algs := cfg.SigningAlgorithms
	if len(algs) == 0 {
		algs = signer.Algorithms()
	}
	for _, a := range algs {
		if a != signer.ES256 && a != signer.RS256 {
			return nil, fmt.Errorf("oidcdisco: latch does not sign with %q", a)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	u, _ := url.Parse(cfg.Issuer) // checked above
	h := &Handler{
		keys:          cfg.Keys,
		log:           cfg.Logger,
		discoveryPath: u.Path + WellKnownDiscovery,
		jwksPath:      u.Path + WellKnownJWKS,
		doc: Document{
			Issuer:                           cfg.Issuer,
			AuthorizationEndpoint:            cfg.AuthorizationEndpoint,
			TokenEndpoint:                    cfg.TokenEndpoint,
			JWKSURI:                          cfg.Issuer + WellKnownJWKS,
			ResponseTypesSupported:           []string{"id_token"},
			SubjectTypesSupported:            []string{"public"},
			IDTokenSigningAlgValuesSupported: algs,
			ClaimsSupported: []string{
				"iss", "sub", "aud", "iat", "nbf", "exp", "jti",
				"act", "caps", "scopes", "email", "kind",
			},
		},
	}
	if cfg.AuthorizationEndpoint != "" {
		h.doc.ResponseTypesSupported = []string{"code", "id_token"}
	}
	body, err := json.Marshal(h.doc)
	if err != nil {
		return nil, fmt.Errorf("oidcdisco: encode the discovery document: %w", err)
	}
	h.docBody = append(body, '\n')
	h.docETag = etag(h.docBody)
	return h, nil
}

// Document returns the discovery document.
func (h *Handler) Document() Document { return h.doc }

// DiscoveryPath returns the URL path the discovery document is served at.
func (h *Handler) DiscoveryPath() string { return h.discoveryPath }

// JWKSPath returns the URL path the JWKS is served at.
func (h *Handler) JWKSPath() string { return h.jwksPath }

// ServeHTTP serves the document the path names.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var serve func(http.ResponseWriter, *http.Request)
	switch r.URL.Path {
	case h.discoveryPath:
		serve = h.serveDiscovery
	case h.jwksPath:
		serve = h.serveJWKS
	default:
		writeError(w, http.StatusNotFound, errs.NotFound, "no such document; discovery is at "+h.discoveryPath)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, errs.Invalid, "use GET or HEAD")
		return
	}
	serve(w, r)
}

func (h *Handler) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	writeDocument(w, r, h.docBody, h.docETag, cacheControl(DiscoveryMaxAge))
}

func (h *Handler) serveJWKS(w http.ResponseWriter, r *http.Request) {
	set, err := h.keys.PublicKeys(r.Context())
	if err != nil {
		h.log.ErrorContext(r.Context(), "oidcdisco: reading the published keys failed", "err", err)
		writeError(w, http.StatusServiceUnavailable, errs.Unavailable, "the signing keys are unavailable; try again shortly")
		return
	}
	if set.Keys == nil {
		set.Keys = []jose.JSONWebKey{} // "keys" is a list, never null
	}
	body, err := json.Marshal(set)
	if err != nil {
		h.log.ErrorContext(r.Context(), "oidcdisco: encoding the JWKS failed", "err", err)
		writeError(w, http.StatusInternalServerError, errs.Internal, "internal error; the server log has the details")
		return
	}
	body = append(body, '\n')
	cc := cacheControl(JWKSMaxAge)
	if len(set.Keys) == 0 {
		cc = "no-store"
	}
	writeDocument(w, r, body, etag(body), cc)
}

// writeDocument writes a public JSON document, answering 304 to a
// matching If-None-Match.
func writeDocument(w http.ResponseWriter, r *http.Request, body []byte, tag, cc string) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Cache-Control", cc)
	hd.Set("ETag", tag)
	// The documents are public; browsers on other origins may read them.
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("X-Content-Type-Options", "nosniff")
	if matches(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// writeError writes latch's JSON error body. Errors are never cached.
func writeError(w http.ResponseWriter, status int, kind errs.Kind, msg string) {
	body, _ := json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{kind.String(), msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func cacheControl(maxAge time.Duration) string {
	return "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))
}

// matches reports whether an If-None-Match header value names tag
// (RFC 9110 §13.1.2: a list of entity tags, weak comparison, or "*").
func matches(inm, tag string) bool {
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

// etag is a strong validator for body.
func etag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}
