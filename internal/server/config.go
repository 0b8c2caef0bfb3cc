package server

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"latch.dev/latch/internal/ratelimit"
	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/token"
)

// Config is everything `latch server` and `latch dev` can set. The zero
// value of each field is its default.
type Config struct {
	// Addr is the listen address (":8080").
	Addr string
	// URL is the public URL: the issuer of tokens and their default
	// audience. Default: http://<Addr>, with 127.0.0.1 for an empty host.
	URL string
	// DataDir holds the SQLite database and the bootstrap secret
	// ("./latch-data").
	DataDir string
	// DB is the database: a SQLite file path or a postgres:// URL
	// (default: latch.db in DataDir).
	DB string
	// TLSCert and TLSKey serve HTTPS when both are set.
	TLSCert, TLSKey string

	// SigningAlgorithm is ES256 (default) or RS256.
	SigningAlgorithm string
	// TokenLifetime is how long issued tokens live (1h).
	TokenLifetime time.Duration
	// KeyRotation is how long each signing key signs (24h).
	KeyRotation time.Duration
	// KeyEncryptionKeyFiles, when set, hold the key-encryption keys that
	// seal the private signing keys in the database (see
	// signer.SealedKeys), 32 bytes in base64 each: the first seals, every
	// one opens. Every replica needs the one that sealed the stored keys.
	// More than one is for changing the key while replicas run.
	KeyEncryptionKeyFiles []string

	// BootstrapSecretFile, when set, holds the bootstrap secret to use
	// instead of generating one (for several replicas, or a secret that
	// comes from a secrets manager).
	BootstrapSecretFile string
	// BootstrapSecret is the bootstrap secret itself; `latch dev` uses it
	// to bootstrap in-process. It wins over BootstrapSecretFile.
	BootstrapSecret string

	// Audiences are the audiences, besides URL, that tokens may be issued
	// for: other services that trust latch tokens.
	Audiences []string
	// AWS configures the AWS proof verifier.
	AWS AWSConfig
	// RateLimit sets the token exchange's rate limits; the zero value
	// sets none.
	RateLimit ratelimit.Limits
	// OIDC configures OIDC federation and human login (oidc.go).
	OIDC OIDCConfig

	// ShutdownGrace is how long in-flight requests get on shutdown (10s).
	ShutdownGrace time.Duration

	Log  *slog.Logger
	Now  func() time.Time
	Rand io.Reader
}

// DefaultAddr is where `latch server` listens unless told otherwise.
const DefaultAddr = ":8080"

func (c Config) withDefaults() (Config, error) {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.DataDir == "" {
		c.DataDir = "latch-data"
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "latch.db")
	}
	if c.URL == "" {
		host, port, err := net.SplitHostPort(c.Addr)
		if err != nil {
			return c, fmt.Errorf("listen address %q: %w", c.Addr, err)
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		scheme := "http"
		if c.TLSCert != "" {
			scheme = "https"
		}
		c.URL = scheme + "://" + net.JoinHostPort(host, port)
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if err := token.CheckIssuer(c.URL); err != nil {
		return c, fmt.Errorf("--url: %w", err)
	}
	if u, _ := url.Parse(c.URL); u.Scheme != "https" && !isLoopback(u.Hostname()) {
		// Tokens and proofs travel as bearer credentials: over plain
		// HTTP anyone on the path can take them. Allow it only on
		// loopback, where there is no path.
		return c, fmt.Errorf("--url %s: a public URL must use https (plain http is allowed only on loopback)", c.URL)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return c, fmt.Errorf("--tls-cert and --tls-key go together; give both or neither")
	}
	if c.SigningAlgorithm == "" {
		c.SigningAlgorithm = signer.ES256
	}
	if c.ShutdownGrace == 0 {
		c.ShutdownGrace = 10 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AWSConfig is the STS endpoint allowlist of the AWS proof verifier.
type AWSConfig struct {
	// Partitions whose STS endpoints are trusted (aws).
	Partitions []string
	// Regional and FIPS also trust those endpoints of the partitions.
	Regional, FIPS bool
	// NoPublic trusts no public AWS endpoint, only Endpoints (a
	// deployment that reaches STS through a VPC endpoint, or latch dev).
	NoPublic bool
	// Endpoints are extra STS URLs to trust (a VPC endpoint, a proxy, a
	// test STS).
	Endpoints []string
	// CAFile is a PEM bundle trusted for Endpoints instead of the system
	// roots.
	CAFile string
	// Region is the signing region of Endpoints.
	Region string
}
