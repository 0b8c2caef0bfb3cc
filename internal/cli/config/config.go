// Package config merges the CLI's settings from, in order of precedence,
// command-line flags, LATCH_* environment variables and the YAML file
// $XDG_CONFIG_HOME/latch/config.yaml.
//
// The file is optional; when it exists it is decoded strictly, so that a
// misspelt key is reported (naming the file) instead of silently ignored.
//
//	url: https://latch.example.dev
//	output: table
//	default:
//	  parent: example.dev
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/errs"
)

// DefaultURL is where `latch server` and `latch dev` listen by default.
const DefaultURL = "http://127.0.0.1:8080"

// Environment variables read by Load.
const (
	EnvURL           = "LATCH_URL"
	EnvConfig        = "LATCH_CONFIG"
	EnvOutput        = "LATCH_OUTPUT"
	EnvDefaultParent = "LATCH_DEFAULT_PARENT"
	EnvCacheDir      = "LATCH_CACHE_DIR"
)

// Flags are the global flags; the root command binds them.
type Flags struct {
	URL        string // --url
	ConfigFile string // --config
}

// Config is the merged configuration.
type Config struct {
	// URL is the server's base URL, without a trailing slash.
	URL string
	// URLSource says where URL came from ("--url", "LATCH_URL", the file
	// or "default"), for error messages.
	URLSource string
	// DefaultParent is used by commands whose --parent is not given.
	DefaultParent string
	// Output is the default -o format.
	Output string
	// File is the configuration file that was read, or "" if none was.
	File string
	// CacheDir is the root of the token cache ($XDG_CACHE_HOME/latch).
	CacheDir string
}

// file is the on-disk shape of config.yaml.
type file struct {
	URL     string `yaml:"url"`
	Output  string `yaml:"output"`
	Default struct {
		Parent string `yaml:"parent"`
	} `yaml:"default"`
}

// Load merges flags, environment (read through getenv) and file.
func Load(flags Flags, getenv func(string) string) (*Config, error) {
	path, explicit := flags.ConfigFile, flags.ConfigFile != ""
	if !explicit {
		if path = getenv(EnvConfig); path != "" {
			explicit = true
		} else if dir := configHome(getenv); dir != "" {
			path = filepath.Join(dir, "latch", "config.yaml")
		}
	}
	var f file
	cfg := &Config{}
	if path != "" {
		found, err := readFile(path, &f)
		if err != nil {
			return nil, err
		}
		if !found && explicit {
			return nil, errs.New(errs.Invalid, "config file %s does not exist", path)
		}
		if found {
			cfg.File = path
		}
	}

	cfg.URL, cfg.URLSource = first(
		source{flags.URL, "--url"},
		source{getenv(EnvURL), EnvURL},
		source{f.URL, cfg.File},
		source{DefaultURL, "default"},
	)
	var outputSource string
	cfg.Output, outputSource = first(source{getenv(EnvOutput), EnvOutput}, source{f.Output, cfg.File})
	if cfg.Output != "" && !output.IsDefaultable(cfg.Output) {
		return nil, errs.New(errs.Invalid, "output %q from %s is not a default format; use table, wide, tsv, json or id", cfg.Output, outputSource)
	}
	cfg.DefaultParent, _ = first(source{getenv(EnvDefaultParent), EnvDefaultParent}, source{f.Default.Parent, cfg.File})
	if cfg.CacheDir = getenv(EnvCacheDir); cfg.CacheDir == "" {
		if dir := cacheHome(getenv); dir != "" {
			cfg.CacheDir = filepath.Join(dir, "latch")
		}
	}

	u, err := NormalizeURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("server URL from %s: %w", cfg.URLSource, err)
	}
	cfg.URL = u
	return cfg, nil
}

// NormalizeURL checks that s is an http(s) URL with a host and returns it
// without a trailing slash, so that it can be joined with API paths and
// used as a cache key.
func NormalizeURL(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errs.New(errs.Invalid, "%q is not a server URL; use http(s)://host[:port]", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errs.New(errs.Invalid, "%q is not a server URL; it may not carry a query, fragment or user", s)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// readFile decodes path into f. A missing file is not an error; it is
// reported through found.
func readFile(path string, f *file) (found bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("config file %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return true, errs.New(errs.Invalid, "config file %s is not valid: %v", path, err)
	}
	return true, nil
}

type source struct{ value, name string }

// first returns the first non-empty value and its source's name.
func first(list ...source) (string, string) {
	for _, s := range list {
		if v := strings.TrimSpace(s.value); v != "" {
			return v, s.name
		}
	}
	return "", ""
}

// configHome follows the XDG base directory spec, falling back to
// ~/.config like os.UserConfigDir does on Linux.
func configHome(getenv func(string) string) string {
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return d
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config")
	}
	return ""
}

// cacheHome follows the XDG base directory spec, falling back to ~/.cache.
func cacheHome(getenv func(string) string) string {
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return d
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache")
	}
	return ""
}
