package tokencache

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"latch.dev/latch/internal/errs"
)

// Login methods recorded in login.json.
const (
	MethodIdentityToken = "identity-token" // an upstream token given to `auth login`
	MethodBrowser       = "browser"        // a person logged in at the server's OpenID Provider
	MethodAWS           = "aws"            // an AWS proof signed on this machine (`auth login --aws`)
	MethodBootstrap     = "bootstrap"      // the server's one-time bootstrap secret
	MethodDev           = "dev"            // `latch dev` logged the CLI in
)

// File names inside a server's directory.
const (
	accessTokenFile  = "access-token"
	refreshTokenFile = "refresh-token"
	loginFile        = "login.json"
)

// Login describes how a session was obtained.
type Login struct {
	Server   string   `json:"server"`
	Method   string   `json:"method"`
	Identity string   `json:"identity,omitempty"`
	Audience []string `json:"audience,omitempty"`
	// IdentityTokenFile is the file the upstream token was read from; a
	// renewal reads it again (Kubernetes and CI rotate such files).
	IdentityTokenFile string `json:"identity_token_file,omitempty"`
	// AWSSTSEndpoint and AWSSTSRegion are what an AWS login signed its
	// proof for, when not the defaults; a renewal signs the same way.
	AWSSTSEndpoint string    `json:"aws_sts_endpoint,omitempty"`
	AWSSTSRegion   string    `json:"aws_sts_region,omitempty"`
	Expiry         time.Time `json:"expiry"`
	LoggedInAt     time.Time `json:"logged_in_at"`
}

// Credentials are what is cached for one server.
type Credentials struct {
	Login        Login
	AccessToken  string
	RefreshToken string
}

// Cache is the credential directory of one server.
type Cache struct {
	root   string
	dir    string
	server string
}

// New returns the cache for server under root ($XDG_CACHE_HOME/latch).
func New(root, server string) (*Cache, error) {
	if root == "" {
		return nil, errs.New(errs.Invalid, "no cache directory: set XDG_CACHE_HOME or HOME")
	}
	key, err := Key(server)
	if err != nil {
		return nil, err
	}
	return &Cache{root: root, dir: filepath.Join(root, key), server: server}, nil
}

// Key turns a server URL into a directory name: host and port, plus the
// path when the server is not at the root, with every character outside
// [A-Za-z0-9.-] replaced by "_". The scheme's default port is spelt out so
// that http://h and http://h:80 share a cache.
func Key(server string) (string, error) {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return "", errs.New(errs.Invalid, "%q is not a server URL", server)
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	key := u.Hostname() + "_" + port
	if p := strings.Trim(u.Path, "/"); p != "" {
		key += "_" + p
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			return r
		}
		return '_'
	}, key), nil
}

// Dir returns the server's cache directory.
func (c *Cache) Dir() string { return c.dir }

// Server returns the server URL the cache belongs to.
func (c *Cache) Server() string { return c.server }

// Load reads the cached credentials. Without any it returns an
// Unauthenticated error.
func (c *Cache) Load() (Credentials, error) {
	var cr Credentials
	access, err := os.ReadFile(filepath.Join(c.dir, accessTokenFile))
	if errors.Is(err, fs.ErrNotExist) {
		return cr, errs.New(errs.Unauthenticated, "not logged in to %s", c.server)
	}
	if err != nil {
		return cr, fmt.Errorf("token cache: %w", err)
	}
	cr.AccessToken = strings.TrimSpace(string(access))
	if b, err := os.ReadFile(filepath.Join(c.dir, refreshTokenFile)); err == nil {
		cr.RefreshToken = strings.TrimSpace(string(b))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return cr, fmt.Errorf("token cache: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(c.dir, loginFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		cr.Login.Server = c.server
	case err != nil:
		return cr, fmt.Errorf("token cache: %w", err)
	default:
		if err := json.Unmarshal(b, &cr.Login); err != nil {
			return cr, fmt.Errorf("token cache: %s is damaged (%v); run `latch auth logout` and log in again", filepath.Join(c.dir, loginFile), err)
		}
	}
	if cr.AccessToken == "" {
		return cr, errs.New(errs.Unauthenticated, "not logged in to %s", c.server)
	}
	return cr, nil
}

// Save writes cr, replacing what was cached. A session without a refresh
// token removes any older refresh token, which belongs to another login.
func (c *Cache) Save(cr Credentials) error {
	if err := mkdirPrivate(c.root); err != nil {
		return err
	}
	if err := mkdirPrivate(c.dir); err != nil {
		return err
	}
	cr.Login.Server = c.server
	login, err := json.MarshalIndent(cr.Login, "", "  ")
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	if err := writePrivate(filepath.Join(c.dir, loginFile), append(login, '\n')); err != nil {
		return err
	}
	if cr.RefreshToken != "" {
		if err := writePrivate(filepath.Join(c.dir, refreshTokenFile), []byte(cr.RefreshToken+"\n")); err != nil {
			return err
		}
	} else if err := os.Remove(filepath.Join(c.dir, refreshTokenFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("token cache: %w", err)
	}
	// The access token goes last: Load treats its presence as "logged in".
	return writePrivate(filepath.Join(c.dir, accessTokenFile), []byte(cr.AccessToken+"\n"))
}

// Delete removes the server's credentials. It reports whether there were any.
func (c *Cache) Delete() (bool, error) {
	if _, err := os.Stat(c.dir); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return true, fmt.Errorf("token cache: %w", err)
	}
	return true, nil
}

// mkdirPrivate creates dir with mode 0700, and tightens an existing one,
// since the tokens inside are bearer credentials.
func mkdirPrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	return nil
}

// writePrivate writes a 0600 file through a temporary file and a rename,
// so that a crash or a concurrent reader never sees half a token.
func writePrivate(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("token cache: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("token cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	return nil
}
