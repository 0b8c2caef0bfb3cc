package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/factory"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"no error", nil, ExitOK},
		{"a plain error", errors.New("boom"), ExitError},
		{"a usage error", cmdutil.FlagErrorf("bad flag"), ExitUsage},
		{"a wrapped usage error", fmt.Errorf("ctx: %w", cmdutil.FlagErrorf("bad")), ExitUsage},
		{"a declined confirmation", cmdutil.ErrCancel, ExitUsage},
		{"a silent error", cmdutil.ErrSilent, ExitError},
		{"invalid input", errs.New(errs.Invalid, "x"), ExitError},
		{"unauthenticated", errs.New(errs.Unauthenticated, "x"), ExitAuth},
		{"permission denied", errs.New(errs.PermissionDenied, "x"), ExitAuth},
		{"not found", errs.New(errs.NotFound, "x"), ExitNotFound},
		{"already exists", errs.New(errs.AlreadyExists, "x"), ExitConflict},
		{"conflict", fmt.Errorf("delete: %w", errs.New(errs.Conflict, "x")), ExitConflict},
		{"unavailable", errs.New(errs.Unavailable, "x"), ExitError},
		{"a hint keeps the kind", cmdutil.WithHint(errs.New(errs.NotFound, "x"), "look"), ExitNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

const orgID = "45a0c0000000000000000000000000000000ee95"

// stubServer answers like a server holding one organization, acme.dev,
// that is not empty, and a viewer who may not create anything.
func stubServer(t *testing.T) *clienttest.Server {
	return clienttest.NewServer(t, clienttest.Handlers{
		Groups: &clienttest.Groups{
			ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
				if f.GetName() == "secret.dev" {
					return nil, clienttest.Error(connect.CodePermissionDenied, "you may not list groups in secret.dev")
				}
				if f.GetName() != "" && f.GetName() != "acme.dev" {
					return &iamv1.GroupList{}, nil
				}
				return &iamv1.GroupList{Items: []*iamv1.Group{{Id: orgID, Name: "acme.dev"}}}, nil
			},
			CreateFunc: func(_ context.Context, r *iamv1.CreateGroupRequest) (*iamv1.Group, error) {
				return nil, clienttest.Error(connect.CodeAlreadyExists, fmt.Sprintf("an organization named %q exists", r.GetGroup().GetName()))
			},
			DeleteFunc: func(context.Context, *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error) {
				return nil, clienttest.Error(connect.CodeFailedPrecondition, "acme.dev still holds 2 identities; delete them first")
			},
		},
	})
}

// run runs the CLI with the real factory against url, logged in when
// loggedIn, and returns the exit code, stdout and stderr.
func run(t *testing.T, url string, loggedIn bool, args ...string) (int, string, string) {
	t.Helper()
	home := t.TempDir()
	env := map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"),
		"LATCH_URL":       url,
	}
	if loggedIn {
		cache, err := tokencache.New(filepath.Join(home, ".cache", "latch"), url)
		if err != nil {
			t.Fatal(err)
		}
		err = cache.Save(tokencache.Credentials{
			AccessToken: clienttest.Token,
			Login:       tokencache.Login{Method: tokencache.MethodBootstrap, Expiry: time.Now().Add(time.Hour)},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	ios, _, out, errOut := iostreams.Test()
	f := factory.New(ios, func(k string) string { return env[k] })
	code := Run(t.Context(), f, args)
	return code, out.String(), errOut.String()
}

func TestRun(t *testing.T) {
	srv := stubServer(t)
	tests := []struct {
		name       string
		loggedOut  bool
		args       string
		wantCode   int
		wantOut    string
		wantStderr []string
	}{
		{
			name:     "a listing succeeds",
			args:     "iam orgs ls",
			wantCode: ExitOK,
			wantOut:  orgID + "\tacme.dev\t\n",
		},
		{
			name:       "not found exits 5",
			args:       "iam organizations describe nope.dev",
			wantCode:   ExitNotFound,
			wantStderr: []string{`Error: no organization named "nope.dev" is visible to you; check the spelling, or see what you can with ` + "`latch iam organizations ls`"},
		},
		{
			name:       "permission denied exits 4 with a hint",
			args:       "iam orgs describe secret.dev",
			wantCode:   ExitAuth,
			wantStderr: []string{"Error: you may not list groups in secret.dev\n", "latch auth status"},
		},
		{
			name:       "not logged in exits 4",
			loggedOut:  true,
			args:       "iam orgs ls",
			wantCode:   ExitAuth,
			wantStderr: []string{"Error: not logged in to " + srv.URL, "latch auth login"},
		},
		{
			name:       "a conflict exits 6",
			args:       "iam orgs delete acme.dev --yes",
			wantCode:   ExitConflict,
			wantStderr: []string{"Error: acme.dev still holds 2 identities; delete them first\n"},
		},
		{
			name:       "already exists exits 6",
			args:       "iam orgs create acme.dev",
			wantCode:   ExitConflict,
			wantStderr: []string{`Error: an organization named "acme.dev" exists`},
		},
		{
			name:       "an unknown flag exits 2 with the usage",
			args:       "iam orgs ls --nope",
			wantCode:   ExitUsage,
			wantStderr: []string{"Error: unknown flag: --nope\n\nUsage:\n  latch iam organizations list [flags]"},
		},
		{
			name:       "a missing argument exits 2 with the usage",
			args:       "iam orgs describe",
			wantCode:   ExitUsage,
			wantStderr: []string{"Error: an organization name or ID is required\n", "Usage:"},
		},
		{
			name:       "delete without --yes and without a terminal exits 2",
			args:       "iam orgs delete acme.dev",
			wantCode:   ExitUsage,
			wantStderr: []string{"--yes is required"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, srv.URL, !tt.loggedOut, strings.Fields(tt.args)...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if tt.wantOut != "" && out != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out, tt.wantOut)
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr does not contain %q:\n%s", s, stderr)
				}
			}
		})
	}
}

func TestRunAgainstAServerThatIsDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	code, _, stderr := run(t, url, true, "iam", "orgs", "ls")
	if code != ExitError {
		t.Errorf("exit code = %d, want %d", code, ExitError)
	}
	if !strings.Contains(stderr, "Error: cannot reach the latch server at "+url) || !strings.Contains(stderr, "--url or LATCH_URL") {
		t.Errorf("stderr:\n%s", stderr)
	}
}
