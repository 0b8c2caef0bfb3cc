package login

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/cli/awsproof"
	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
)

const identityID = "45a0c0000000000000000000000000000000ee95/2c5f700000003871"

var now = time.Date(2026, 3, 31, 8, 48, 0, 0, time.UTC)

func TestNewCmdLogin(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    Options
		wantErr bool
		says    string // part of the usage error
	}{
		{
			name: "the tutorial's command",
			args: "--identity-token c2lnbmVk --identity " + identityID,
			want: Options{IdentityToken: "c2lnbmVk", Identity: identityID},
		},
		{
			name: "audiences repeat or are comma-separated",
			args: "--identity-token t --audience a --audience b,c",
			want: Options{IdentityToken: "t", Audience: []string{"a", "b", "c"}},
		},
		{name: "no flags mean a browser login", args: "", want: Options{}},
		{name: "headless is a browser login", args: "--headless", want: Options{Headless: true}},
		{name: "aws signs the proof here", args: "--aws --identity " + identityID, want: Options{AWS: true, Identity: identityID}},
		{
			name: "aws may name the STS endpoint and region",
			args: "--aws --identity " + identityID + " --aws-sts-endpoint https://sts.eu-west-1.amazonaws.com --aws-sts-region eu-west-1",
			want: Options{AWS: true, Identity: identityID, AWSOptions: awsproof.Options{Endpoint: "https://sts.eu-west-1.amazonaws.com", Region: "eu-west-1"}},
		},
		{name: "aws needs an identity", args: "--aws", wantErr: true},
		{name: "aws does not go with a token", args: "--aws --identity " + identityID + " --identity-token t", wantErr: true, says: "does not go with --identity-token"},
		{name: "an STS endpoint needs aws", args: "--identity-token t --aws-sts-endpoint https://sts.amazonaws.com", wantErr: true},
		{name: "an identity needs a token", args: "--identity " + identityID, wantErr: true},
		{name: "headless does not go with a token", args: "--headless --identity-token t", wantErr: true},
		{name: "no positional arguments", args: "token", wantErr: true},
		// $TOK empty: `--identity-token "$TOK"` and `--identity-token $TOK`.
		{name: "an empty token", args: "--identity-token '' --identity " + identityID, wantErr: true, says: "--identity-token is empty"},
		{name: "a token that is the next flag", args: "--identity-token --identity " + identityID, wantErr: true, says: `took the flag "--identity" as its value`},
		{name: "an identity name instead of its ID", args: "--identity-token t --identity aws-ec2-identity", wantErr: true, says: `"aws-ec2-identity" is not an identity ID`},
		{name: "standard input is not a flag", args: "--identity-token - --identity " + identityID, want: Options{IdentityToken: "-", Identity: identityID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Options
			cmd := NewCmdLogin(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
			err := clitest.ParseArgs(t, cmd, tt.args)
			if tt.wantErr {
				var fe *cmdutil.FlagError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				if !strings.Contains(err.Error(), tt.says) {
					t.Errorf("err = %v, want it to say %q", err, tt.says)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO, got.Client, got.TokenCache, got.API, got.Now, got.HTTPClient, got.SignAWS = nil, nil, nil, nil, nil, nil, nil
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// server accepts the proof "good-proof" for identityID.
func server(t *testing.T, gotForm *[]string) *clienttest.Server {
	return clienttest.NewServer(t, clienttest.Handlers{
		HTTP: map[string]http.HandlerFunc{
			"POST /sts/exchange": clienttest.TokenHandler(func(bearer string, r *http.Request) (client.Token, error) {
				*gotForm = append(*gotForm, r.PostForm.Encode())
				if bearer != "good-proof" {
					return client.Token{}, errs.New(errs.PermissionDenied, "the proof does not match the identity's rules")
				}
				return client.Token{Token: clienttest.Token, Expiry: now.Add(time.Hour)}, nil
			}),
		},
		Auth: &clienttest.Auth{WhoAmIFunc: func(context.Context, *authv1.WhoAmIRequest) (*authv1.WhoAmIResponse, error) {
			return &authv1.WhoAmIResponse{Subject: identityID, IdentityName: "aws-ec2-identity"}, nil
		}},
	})
}

func TestLoginRun(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(tokenFile, []byte("good-proof\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		token    string
		stdin    string
		wantFile string
	}{
		{name: "a literal token", token: "good-proof"},
		{name: "a token file", token: tokenFile, wantFile: tokenFile},
		{name: "standard input", token: "-", stdin: "good-proof\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var forms []string
			srv := server(t, &forms)
			cache, err := tokencache.New(t.TempDir(), srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			ios, in, out, _ := iostreams.Test()
			in.WriteString(tt.stdin)
			err = loginRun(t.Context(), &Options{
				IO:            ios,
				Client:        func() (*client.Client, error) { return srv.Client, nil },
				TokenCache:    func() (*tokencache.Cache, error) { return cache, nil },
				Now:           func() time.Time { return now },
				IdentityToken: tt.token,
				Identity:      identityID,
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := "Successfully exchanged token.\nValid! Id: " + identityID + "\n"; out.String() != want {
				t.Errorf("output = %q, want %q", out.String(), want)
			}
			if len(forms) != 1 || !strings.Contains(forms[0], "identity=45a0c") {
				t.Errorf("exchange forms = %v", forms)
			}
			cr, err := cache.Load()
			if err != nil {
				t.Fatal(err)
			}
			want := tokencache.Credentials{
				AccessToken: clienttest.Token,
				Login: tokencache.Login{
					Server: srv.URL, Method: tokencache.MethodIdentityToken, Identity: identityID,
					IdentityTokenFile: tt.wantFile, Expiry: now.Add(time.Hour), LoggedInAt: now,
				},
			}
			if diff := cmp.Diff(want, cr); diff != "" {
				t.Errorf("cached (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoginRunRefused(t *testing.T) {
	var forms []string
	srv := server(t, &forms)
	cache, err := tokencache.New(t.TempDir(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ios, _, out, _ := iostreams.Test()
	err = loginRun(t.Context(), &Options{
		IO:            ios,
		Client:        func() (*client.Client, error) { return srv.Client, nil },
		TokenCache:    func() (*tokencache.Cache, error) { return cache, nil },
		Now:           func() time.Time { return now },
		IdentityToken: "stolen-proof",
		Identity:      identityID,
	})
	if !errs.Is(err, errs.PermissionDenied) || cmdutil.HintOf(err) == "" {
		t.Errorf("err = %v (hint %q), want permission denied with a hint", err, cmdutil.HintOf(err))
	}
	if out.String() != "" {
		t.Errorf("output = %q, want nothing", out.String())
	}
	if _, err := cache.Load(); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("a refused login must not be cached: %v", err)
	}
}

func TestProofRejectsEmptyTokens(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := iostreams.Test()
	for _, arg := range []string{empty, "-"} {
		if _, err := proof(&Options{IO: ios, IdentityToken: arg}); !errs.Is(err, errs.Invalid) {
			t.Errorf("proof(%q): err = %v, want invalid", arg, err)
		}
	}
}
