// Package factory builds the Factory that the real CLI runs with: the
// process's streams and environment, the user's config and token cache,
// and an HTTP client with timeouts. Each dependency is built at most once,
// on first use.
package factory

import (
	"net/http"
	"os"
	"sync"
	"time"

	"latch.dev/latch/internal/cli/awsproof"
	"latch.dev/latch/internal/cli/buildinfo"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
)

// requestTimeout bounds one request; the CLI never streams.
const requestTimeout = 60 * time.Second

// New returns the Factory for a run of the CLI. getenv is os.Getenv
// outside tests.
func New(ios *iostreams.IOStreams, getenv func(string) string) *cmdutil.Factory {
	if getenv == nil {
		getenv = os.Getenv
	}
	f := &cmdutil.Factory{
		IOStreams: ios,
		Flags:     &config.Flags{},
		Now:       time.Now,
		Version:   buildinfo.Get().Version,
	}
	f.Config = sync.OnceValues(func() (*config.Config, error) {
		return config.Load(*f.Flags, getenv)
	})
	f.HTTPClient = sync.OnceValues(func() (*http.Client, error) {
		return &http.Client{Timeout: requestTimeout}, nil
	})
	f.Client = sync.OnceValues(func() (*client.Client, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		hc, err := f.HTTPClient()
		if err != nil {
			return nil, err
		}
		return client.New(cfg.URL, hc, "latch-cli/"+f.Version), nil
	})
	f.TokenCache = sync.OnceValues(func() (*tokencache.Cache, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		return tokencache.New(cfg.CacheDir, cfg.URL)
	})
	f.Session = sync.OnceValues(func() (*tokencache.Session, error) {
		cache, err := f.TokenCache()
		if err != nil {
			return nil, err
		}
		c, err := f.Client()
		if err != nil {
			return nil, err
		}
		return &tokencache.Session{Cache: cache, Renewer: c, Now: f.Now, SignAWS: awsproof.Sign}, nil
	})
	f.API = sync.OnceValues(func() (*client.API, error) {
		s, err := f.Session()
		if err != nil {
			return nil, err
		}
		c, err := f.Client()
		if err != nil {
			return nil, err
		}
		return c.API(s), nil
	})
	return f
}
