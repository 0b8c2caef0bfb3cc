package list

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const (
	orgID      = "45a0c0000000000000000000000000000000ee95"
	identityID = orgID + "/2c5f700000003871"
	goneID     = orgID + "/0000000000000009"
	arn        = "arn:aws:sts::123456789012:assumed-role/app/i-1"
)

var now = time.Date(2026, 3, 31, 8, 48, 0, 0, time.UTC)

func TestNewCmdList(t *testing.T) {
	clitest.RunParseCases(t, NewCmdList, []clitest.ParseCase[Options]{
		{
			Name: "every filter",
			Args: "--parent acme.dev --identity ec2-app --outcome refused --since 1h -L 10 -o json",
			Want: Options{Parent: "acme.dev", Identity: "ec2-app", Outcome: "refused", Since: "1h", Limit: 10, Format: output.JSON},
		},
		{Name: "the default limit", Args: "", Want: Options{Limit: defaultLimit}},
		{Name: "an unknown outcome", Args: "--outcome failed", WantErr: true},
		{Name: "a since that is no time", Args: "--since yesterday", WantErr: true},
		{Name: "a negative limit", Args: "--limit -1", WantErr: true},
		{Name: "an argument", Args: "ec2-app", WantErr: true},
	})
}

func TestParseSince(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"90s", now.Add(-90 * time.Second)},
		{"1h30m", now.Add(-90 * time.Minute)},
		{"7d", now.Add(-7 * 24 * time.Hour)},
		{"2w", now.Add(-14 * 24 * time.Hour)},
		{"2026-03-01", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-03-31T08:00:00Z", now.Add(-48 * time.Minute)},
	}
	for _, tt := range tests {
		got, err := parseSince(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"-1h", "0s", "xd", "soon"} {
		if _, err := parseSince(bad, now); !clitest.IsUsageError(err) {
			t.Errorf("parseSince(%q): err = %v, want a usage error", bad, err)
		}
	}
}

func events() []*authv1.Event {
	return []*authv1.Event{
		{Id: "e2", Time: timestamppb.New(now.Add(-2 * time.Minute)), Type: "exchange", Group: orgID, Identity: identityID, Outcome: "refused",
			Subject: "arn:aws:sts::123456789012:assumed-role/app-admin/i-1", Reason: "the ARN does not match", SourceIp: "10.0.0.1", Detail: map[string]string{"check": "arn"}},
		{Id: "e1", Time: timestamppb.New(now.Add(-3 * time.Hour)), Type: "exchange", Group: orgID, Identity: goneID, Outcome: "accepted",
			Subject: arn, TokenId: "jti-1"},
	}
}

func TestListRun(t *testing.T) {
	var got []*authv1.ListEventsRequest
	srv := clienttest.NewServer(t, clienttest.Handlers{
		Auth: &clienttest.Auth{ListEventsFunc: func(_ context.Context, r *authv1.ListEventsRequest) (*authv1.EventList, error) {
			got = append(got, r)
			return &authv1.EventList{Items: events()}, nil
		}},
		Groups: &clienttest.Groups{ListFunc: func(context.Context, *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			return &iamv1.GroupList{Items: []*iamv1.Group{{Id: orgID, Name: "acme.dev"}}}, nil
		}},
		Identities: &clienttest.Identities{ListFunc: func(_ context.Context, f *iamv1.IdentityFilter) (*iamv1.IdentityList, error) {
			if f.GetName() == "ec2-app" || slices.Contains(f.GetUidp().GetIds(), identityID) {
				return &iamv1.IdentityList{Items: []*iamv1.Identity{{Id: identityID, Name: "ec2-app"}}}, nil
			}
			return nil, clienttest.Error(connect.CodePermissionDenied, "no")
		}},
	})
	tests := []struct {
		name    string
		opts    Options
		cfg     config.Config
		tty     bool
		want    string
		wantReq *authv1.ListEventsRequest
	}{
		{
			name: "a terminal: names and relative times",
			opts: Options{Limit: 50},
			tty:  true,
			want: "TIME     TYPE       OUTCOME    IDENTITY" + strings.Repeat(" ", 52) + "SUBJECT" + strings.Repeat(" ", 48) + "REASON\n" +
				"2m ago   exchange   refused    ec2-app" + strings.Repeat(" ", 53) + "arn:aws:sts::123456789012:assumed-role/app-admin/i-1   the ARN does not match\n" +
				"3h ago   exchange   accepted   " + goneID + "   " + arn + "\n",
			wantReq: &authv1.ListEventsRequest{PageSize: 50},
		},
		{
			name: "a pipe: RFC 3339 times, and filters resolved",
			opts: Options{Identity: "ec2-app", Outcome: "refused", Since: "1h", Limit: 1},
			cfg:  config.Config{DefaultParent: "acme.dev"},
			want: "2026-03-31T08:46:00Z\texchange\trefused\tec2-app\tarn:aws:sts::123456789012:assumed-role/app-admin/i-1\tthe ARN does not match\n",
			wantReq: &authv1.ListEventsRequest{Parent: "acme.dev", Identity: identityID, Outcome: "refused",
				Since: timestamppb.New(now.Add(-time.Hour)), PageSize: 1},
		},
		{
			name:    "-o id, and an identity ID is taken as it is",
			opts:    Options{Identity: goneID, Format: output.ID},
			want:    "e2\ne1\n",
			wantReq: &authv1.ListEventsRequest{Identity: goneID},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			opts := tt.opts
			opts.IO, opts.Now = ios, func() time.Time { return now }
			opts.Config = func() (*config.Config, error) { return &tt.cfg, nil }
			opts.API = func() (*client.API, error) { return srv.API, nil }
			if err := listRun(t.Context(), &opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if len(got) != 1 || !cmpProto(got[0], tt.wantReq) {
				t.Errorf("requests = %v, want one %v", got, tt.wantReq)
			}
		})
	}
}

func TestListRunJSON(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Handlers{Auth: &clienttest.Auth{ListEventsFunc: func(context.Context, *authv1.ListEventsRequest) (*authv1.EventList, error) {
		return &authv1.EventList{Items: events()[1:]}, nil
	}}})
	ios, _, out, _ := iostreams.Test()
	opts := &Options{IO: ios, Format: output.JSON, Now: func() time.Time { return now },
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil }}
	if err := listRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	want := `{
  "items": [
    {
      "id": "e1",
      "time": "2026-03-31T05:48:00Z",
      "type": "exchange",
      "group": "` + orgID + `",
      "identity": "` + goneID + `",
      "outcome": "accepted",
      "subject": "` + arn + `",
      "token_id": "jti-1"
    }
  ]
}
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
}

func cmpProto(a, b *authv1.ListEventsRequest) bool {
	return cmp.Equal(a, b, protocmp.Transform())
}
