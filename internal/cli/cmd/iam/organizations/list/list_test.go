package list

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const (
	orgID    = "45a0c0000000000000000000000000000000ee95"
	folderID = orgID + "/2c5f700000003871"
)

var testTime = time.Date(2026, 3, 31, 8, 48, 0, 0, time.UTC)

func TestNewCmdList(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    output.Format
		wantErr bool
	}{
		{name: "no flags leave the format to the printer", args: "", want: output.Auto},
		{name: "-o table", args: "-o table", want: output.Table},
		{name: "-oid sticks the value to the flag", args: "-oid", want: output.ID},
		{name: "--output tree", args: "--output=tree", want: output.Tree},
		{name: "an unknown format is a usage error", args: "-o yaml", wantErr: true},
		{name: "arguments are a usage error", args: "acme", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdList(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *Options) error {
				got = o
				return nil
			})
			err := clitest.ParseArgs(t, cmd, tt.args)
			if tt.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != tt.want {
				t.Errorf("format = %q, want %q", got.Format, tt.want)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	var filters []*iamv1.GroupFilter
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			filters = append(filters, f)
			list := []*iamv1.Group{{Id: orgID, Name: "acme.dev", Description: "Acme, Inc.", CreatedAt: timestamppb.New(testTime)}}
			if f.GetUidp().GetChildrenOf() == "" {
				list = append(list, &iamv1.Group{Id: folderID, Name: "prod"})
			}
			return &iamv1.GroupList{Items: list}, nil
		},
	}})

	tests := []struct {
		name       string
		tty        bool
		format     output.Format
		want       string
		wantFilter *iamv1.GroupFilter
	}{
		{
			name:       "on a terminal it prints a table",
			tty:        true,
			wantFilter: &iamv1.GroupFilter{Uidp: &iamv1.UIDPFilter{ChildrenOf: "/"}},
			want: "ID                                         NAME       DESCRIPTION\n" +
				orgID + "   acme.dev   Acme, Inc.\n",
		},
		{
			name:       "in a pipe it prints tab-separated lines without a header",
			wantFilter: &iamv1.GroupFilter{Uidp: &iamv1.UIDPFilter{ChildrenOf: "/"}},
			want:       orgID + "\tacme.dev\tAcme, Inc.\n",
		},
		{
			name:       "an explicit table has headers in a pipe too",
			format:     output.Table,
			wantFilter: &iamv1.GroupFilter{Uidp: &iamv1.UIDPFilter{ChildrenOf: "/"}},
			want: "ID                                         NAME       DESCRIPTION\n" +
				orgID + "   acme.dev   Acme, Inc.\n",
		},
		{
			name:       "wide adds the parent and creation time",
			format:     output.Wide,
			wantFilter: &iamv1.GroupFilter{Uidp: &iamv1.UIDPFilter{ChildrenOf: "/"}},
			want: "ID                                         NAME       DESCRIPTION   PARENT   CREATED\n" +
				orgID + "   acme.dev   Acme, Inc.             2026-03-31T08:48:00Z\n",
		},
		{
			name:       "id prints bare IDs",
			format:     output.ID,
			wantFilter: &iamv1.GroupFilter{Uidp: &iamv1.UIDPFilter{ChildrenOf: "/"}},
			want:       orgID + "\n",
		},
		{
			name:       "json wraps the list in items with proto field names",
			format:     output.JSON,
			wantFilter: &iamv1.GroupFilter{Uidp: &iamv1.UIDPFilter{ChildrenOf: "/"}},
			want: `{
  "items": [
    {
      "id": "` + orgID + `",
      "name": "acme.dev",
      "description": "Acme, Inc.",
      "created_at": "2026-03-31T08:48:00Z"
    }
  ]
}
`,
		},
		{
			name:       "tree lists every group under its organization",
			format:     output.Tree,
			wantFilter: &iamv1.GroupFilter{},
			want:       "acme.dev [" + orgID + "]\n└── prod [" + folderID + "]\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			filters = nil
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			err := listRun(t.Context(), &Options{
				IO:     ios,
				Config: func() (*config.Config, error) { return &config.Config{}, nil },
				API:    func() (*client.API, error) { return srv.API, nil },
				Format: tt.format,
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if len(filters) != 1 || filters[0].GetUidp().GetChildrenOf() != tt.wantFilter.GetUidp().GetChildrenOf() {
				t.Errorf("filters = %v, want one like %v", filters, tt.wantFilter)
			}
		})
	}
}
