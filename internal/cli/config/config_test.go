package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/errs"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeConfig(t *testing.T, dir, text string) string {
	t.Helper()
	path := filepath.Join(dir, "latch", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	const file = "url: https://file.example.dev/\noutput: json\ndefault:\n  parent: file-org\n"
	tests := []struct {
		name  string
		file  string
		flags Flags
		env   map[string]string
		want  Config
	}{
		{
			name: "without a file everything has its default",
			want: Config{URL: DefaultURL, URLSource: "default"},
		},
		{
			name: "the file's values are used and its URL loses the trailing slash",
			file: file,
			want: Config{URL: "https://file.example.dev", URLSource: "FILE", Output: "json", DefaultParent: "file-org", File: "FILE"},
		},
		{
			name: "environment variables win over the file",
			file: file,
			env:  map[string]string{EnvURL: "http://env.example.dev:8080", EnvOutput: "table", EnvDefaultParent: "env-org"},
			want: Config{URL: "http://env.example.dev:8080", URLSource: EnvURL, Output: "table", DefaultParent: "env-org", File: "FILE"},
		},
		{
			name:  "flags win over the environment",
			file:  file,
			flags: Flags{URL: "http://flag.example.dev"},
			env:   map[string]string{EnvURL: "http://env.example.dev"},
			want:  Config{URL: "http://flag.example.dev", URLSource: "--url", Output: "json", DefaultParent: "file-org", File: "FILE"},
		},
		{
			name: "an empty file is fine",
			file: "",
			want: Config{URL: DefaultURL, URLSource: "default", File: "FILE"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			m := map[string]string{"XDG_CONFIG_HOME": dir, "XDG_CACHE_HOME": filepath.Join(dir, "cache")}
			for k, v := range tt.env {
				m[k] = v
			}
			path := ""
			if tt.name != "without a file everything has its default" {
				path = writeConfig(t, dir, tt.file)
			}
			got, err := Load(tt.flags, env(m))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.CacheDir = filepath.Join(dir, "cache", "latch")
			if want.File == "FILE" {
				want.File = path
			}
			if want.URLSource == "FILE" {
				want.URLSource = path
			}
			if diff := cmp.Diff(want, *got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		flags Flags
		env   map[string]string
		want  string
	}{
		{name: "malformed YAML names the file", file: "url: [", want: "config.yaml is not valid"},
		{name: "an unknown key is reported", file: "ulr: http://x\n", want: "field ulr not found"},
		{name: "a URL without http(s) is refused", flags: Flags{URL: "example.dev"}, want: `server URL from --url: "example.dev" is not a server URL`},
		{name: "a URL with a query is refused", env: map[string]string{EnvURL: "http://x/?a=b"}, want: "may not carry a query"},
		{name: "an explicit config file must exist", flags: Flags{ConfigFile: "/nonexistent/latch.yaml"}, want: "config file /nonexistent/latch.yaml does not exist"},
		{name: "a default output must be a standard format", env: map[string]string{EnvOutput: "tree"}, want: `output "tree" from LATCH_OUTPUT`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			m := map[string]string{"XDG_CONFIG_HOME": dir, "HOME": dir}
			for k, v := range tt.env {
				m[k] = v
			}
			if tt.file != "" {
				writeConfig(t, dir, tt.file)
			}
			_, err := Load(tt.flags, env(m))
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("error kind = %v, want invalid", errs.KindOf(err))
			}
		})
	}
}

func TestLoadFallsBackToHome(t *testing.T) {
	home := t.TempDir()
	got, err := Load(Flags{}, env(map[string]string{"HOME": home}))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".cache", "latch"); got.CacheDir != want {
		t.Errorf("CacheDir = %q, want %q", got.CacheDir, want)
	}
}
