package bootstrap

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
)

const adminID = "1234567890123456789012345678901234567890"

func TestNewCmdBootstrap(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	ios.SetStdinTTY(true)
	err := clitest.ParseArgs(t, NewCmdBootstrap(&cmdutil.Factory{IOStreams: ios}, nil), "")
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) {
		t.Errorf("a terminal on stdin and no --token-file: err = %v, want a usage error", err)
	}
	var got *Options
	cmd := NewCmdBootstrap(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "--token-file secret --name ops"); err != nil {
		t.Fatal(err)
	}
	if got.TokenFile != "secret" || got.Name != "ops" {
		t.Errorf("options = %+v", got)
	}
	if err := clitest.ParseArgs(t, NewCmdBootstrap(&cmdutil.Factory{IOStreams: ios}, nil), "--token the-secret"); err == nil {
		t.Error("the secret must not be accepted as a flag value")
	}
}

func TestBootstrapRun(t *testing.T) {
	now := time.Date(2026, 3, 31, 8, 48, 0, 0, time.UTC)
	var used bool
	srv := clienttest.NewServer(t, clienttest.Handlers{
		HTTP: map[string]http.HandlerFunc{
			"POST /sts/bootstrap": clienttest.TokenHandler(func(bearer string, r *http.Request) (client.Token, error) {
				if bearer != "one-time-secret" || used {
					return client.Token{}, errs.New(errs.Unauthenticated, "the bootstrap secret is not valid")
				}
				used = true
				return client.Token{Token: clienttest.Token, RefreshToken: "refresh", Expiry: now.Add(time.Hour)}, nil
			}),
		},
		Auth: &clienttest.Auth{WhoAmIFunc: func(context.Context, *authv1.WhoAmIRequest) (*authv1.WhoAmIResponse, error) {
			return &authv1.WhoAmIResponse{Subject: adminID, IdentityName: "admin"}, nil
		}},
	})
	cache, err := tokencache.New(t.TempDir(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	secretFile := filepath.Join(t.TempDir(), "bootstrap-token")
	if err := os.WriteFile(secretFile, []byte("one-time-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(file, stdin string) (string, error) {
		ios, in, out, _ := iostreams.Test()
		in.WriteString(stdin)
		err := bootstrapRun(t.Context(), &Options{
			IO:         ios,
			Client:     func() (*client.Client, error) { return srv.Client, nil },
			TokenCache: func() (*tokencache.Cache, error) { return cache, nil },
			Now:        func() time.Time { return now },
			TokenFile:  file,
		})
		return out.String(), err
	}

	if _, err := run("", "  \n"); !errs.Is(err, errs.Invalid) {
		t.Errorf("an empty secret: err = %v, want invalid", err)
	}
	out, err := run(secretFile, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Logged in to " + srv.URL + " as admin [" + adminID + "], the server's administrator.\n"; out != want {
		t.Errorf("output = %q, want %q", out, want)
	}
	cr, err := cache.Load()
	if err != nil {
		t.Fatal(err)
	}
	if cr.RefreshToken != "refresh" || cr.Login.Method != tokencache.MethodBootstrap || cr.Login.Identity != adminID {
		t.Errorf("cached = %+v", cr)
	}
	_, err = run("", "one-time-secret")
	if !errs.Is(err, errs.Unauthenticated) || cmdutil.HintOf(err) == "" {
		t.Errorf("a used secret: err = %v, want unauthenticated with a hint", err)
	}
}
