package status

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
)

const (
	orgID      = "45a0c0000000000000000000000000000000ee95"
	identityID = orgID + "/2c5f700000003871"
)

var now = time.Date(2026, 3, 31, 8, 48, 0, 0, time.UTC)

func setup(t *testing.T, loggedIn bool) *Options {
	t.Helper()
	srv := clienttest.NewServer(t, clienttest.Handlers{Auth: &clienttest.Auth{
		WhoAmIFunc: func(context.Context, *authv1.WhoAmIRequest) (*authv1.WhoAmIResponse, error) {
			return &authv1.WhoAmIResponse{
				Issuer: "http://127.0.0.1:8080", Subject: identityID, IdentityName: "aws-ec2-identity",
				Login: "aws", Upstream: "arn:aws:sts::453012345643:assumed-role/Role/i-05a6",
				Expiry: timestamppb.New(now.Add(59 * time.Minute)),
				Grants: []*authv1.Grant{{Group: orgID, GroupName: "acme.dev", Roles: []string{"viewer"}, Capabilities: []string{"groups.list", "identity.list"}}},
			}, nil
		},
	}})
	cache, err := tokencache.New(t.TempDir(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if loggedIn {
		err := cache.Save(tokencache.Credentials{AccessToken: clienttest.Token, Login: tokencache.Login{Method: tokencache.MethodIdentityToken, Expiry: now.Add(59 * time.Minute)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	session := &tokencache.Session{Cache: cache, Renewer: srv.Client, Now: func() time.Time { return now }}
	return &Options{
		Config:  func() (*config.Config, error) { return &config.Config{URL: "http://127.0.0.1:8080"}, nil },
		Session: func() (*tokencache.Session, error) { return session, nil },
		API:     func() (*client.API, error) { return srv.Client.API(session), nil },
		Now:     func() time.Time { return now },
	}
}

func TestStatusRun(t *testing.T) {
	tests := []struct {
		name   string
		format output.Format
		tty    bool
		want   string
	}{
		{
			name: "a terminal",
			tty:  true,
			want: `Server:    http://127.0.0.1:8080
Identity:  aws-ec2-identity
ID:        ` + identityID + `
Login:     aws
Upstream:  arn:aws:sts::453012345643:assumed-role/Role/i-05a6
Expires:   in 59m
Valid:     True

GROUP                                                 ROLES
acme.dev [` + orgID + `]   viewer
`,
		},
		{
			name:   "wide adds capabilities",
			format: output.Wide,
			want: `Server:    http://127.0.0.1:8080
Identity:  aws-ec2-identity
ID:        ` + identityID + `
Login:     aws
Upstream:  arn:aws:sts::453012345643:assumed-role/Role/i-05a6
Expires:   2026-03-31T09:47:00Z
Valid:     True

GROUP                                                 ROLES    CAPABILITIES
acme.dev [` + orgID + `]   viewer   groups.list,identity.list
`,
		},
		{name: "id", format: output.ID, want: identityID + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := setup(t, true)
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			opts.IO, opts.Format = ios, tt.format
			if err := statusRun(t.Context(), opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatusRunJSON(t *testing.T) {
	opts := setup(t, true)
	ios, _, out, _ := iostreams.Test()
	opts.IO, opts.Format = ios, output.JSON
	if err := statusRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"subject": "` + identityID + `"`, `"identity_name": "aws-ec2-identity"`, `"group_name": "acme.dev"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("json lacks %s:\n%s", want, out.String())
		}
	}
}

func TestStatusRunNotLoggedIn(t *testing.T) {
	opts := setup(t, false)
	ios, _, _, _ := iostreams.Test()
	opts.IO = ios
	if err := statusRun(t.Context(), opts); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("err = %v, want unauthenticated", err)
	}
}
