package output

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/types/known/timestamppb"

	"latch.dev/latch/internal/cli/iostreams"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

var now = time.Date(2026, 3, 31, 8, 48, 0, 0, time.UTC)

func view() View[*iamv1.Group] {
	return View[*iamv1.Group]{
		ID: (*iamv1.Group).GetId,
		Columns: []Column[*iamv1.Group]{
			{Header: "ID", Text: (*iamv1.Group).GetId},
			{Header: "DESCRIPTION", Text: (*iamv1.Group).GetDescription, Max: 8},
			{Header: "CREATED", Wide: true, Time: func(g *iamv1.Group) time.Time { return g.GetCreatedAt().AsTime() }},
		},
	}
}

func groups() []*iamv1.Group {
	return []*iamv1.Group{
		{Id: "a", Description: "short", CreatedAt: timestamppb.New(now.Add(-3 * time.Hour))},
		{Id: "bb", Description: "a long\tdescription\x1b[31m", CreatedAt: timestamppb.New(now.Add(-72 * time.Hour))},
	}
}

func TestList(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		tty    bool
		color  bool
		want   string
	}{
		{
			name: "a terminal gets a table with cut cells",
			tty:  true,
			want: "ID   DESCRIPTION\na    short\nbb   a long …\n",
		},
		{
			name:  "colour makes the header bold",
			tty:   true,
			color: true,
			want:  "\x1b[1mID   DESCRIPTION\x1b[0m\na    short\nbb   a long …\n",
		},
		{
			name: "a pipe gets tab-separated rows, control characters removed",
			want: "a\tshort\nbb\ta long description[31m\n",
		},
		{
			name:   "wide on a terminal shows relative times",
			format: Wide,
			tty:    true,
			want:   "ID   DESCRIPTION" + pad(14) + "CREATED\na    short" + pad(20) + "3h ago\n" + "bb   a long description[31m   3d ago\n",
		},
		{
			name:   "wide in a pipe shows RFC 3339 times and nothing cut",
			format: Wide,
			want:   "ID   DESCRIPTION" + pad(14) + "CREATED\na    short" + pad(20) + "2026-03-31T05:48:00Z\n" + "bb   a long description[31m   2026-03-28T08:48:00Z\n",
		},
		{
			name:   "id",
			format: ID,
			tty:    true,
			want:   "a\nbb\n",
		},
		{
			name:   "json",
			format: JSON,
			want: `{
  "items": [
    {
      "id": "a",
      "description": "short",
      "created_at": "2026-03-31T05:48:00Z"
    },
    {
      "id": "bb",
      "description": "a long\tdescription\u001b[31m",
      "created_at": "2026-03-28T08:48:00Z"
    }
  ]
}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			ios.SetColorEnabled(tt.color)
			p := NewPrinter(ios, tt.format, "", func() time.Time { return now })
			if err := List(p, view(), groups()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmptyJSONListHasItems(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := List(NewPrinter(ios, JSON, "", nil), view(), nil); err != nil {
		t.Fatal(err)
	}
	if out.String() != "{\n  \"items\": []\n}\n" {
		t.Errorf("output = %q", out.String())
	}
}

func TestObject(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		want   string
	}{
		{name: "fields include the wide columns", format: Table, want: "ID:           a\nDESCRIPTION:  short\nCREATED:      2026-03-31T05:48:00Z\n"},
		{name: "tsv is one row", format: TSV, want: "a\tshort\n"},
		{name: "json is the object itself", format: JSON, want: "{\n  \"id\": \"a\",\n  \"description\": \"short\",\n  \"created_at\": \"2026-03-31T05:48:00Z\"\n}\n"},
		{name: "id", format: ID, want: "a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			if err := Object(NewPrinter(ios, tt.format, "", nil), view(), groups()[0]); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewPrinterResolvesTheFormat(t *testing.T) {
	tests := []struct {
		name       string
		flag       Format
		configured string
		tty        bool
		want       Format
	}{
		{name: "a flag wins", flag: JSON, configured: "wide", want: JSON},
		{name: "the configured default comes next", configured: "wide", want: Wide},
		{name: "a configured tree is not a default", configured: "tree", tty: true, want: Table},
		{name: "a terminal gets a table", tty: true, want: Table},
		{name: "a pipe gets tsv", want: TSV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			if got := NewPrinter(ios, tt.flag, tt.configured, nil).Format(); got != tt.want {
				t.Errorf("format = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTree(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	err := NewPrinter(ios, Tree, "", nil).PrintTree([]*Node{
		{Label: "acme.dev", Children: []*Node{
			{Label: "prod", Children: []*Node{{Label: "team-a"}}},
			{Label: "staging"},
		}},
		{Label: "other.dev"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "acme.dev\n├── prod\n│   └── team-a\n└── staging\nother.dev\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestRelative(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "now"},
		{59 * time.Minute, "in 59m"},
		{-5 * time.Hour, "5h ago"},
		{72 * time.Hour, "in 3d"},
	}
	for _, tt := range tests {
		if got := Relative(now.Add(tt.d), now); got != tt.want {
			t.Errorf("Relative(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestFlag(t *testing.T) {
	tests := []struct {
		args    []string
		want    Format
		wantErr bool
	}{
		{args: []string{"-oid"}, want: ID},
		{args: []string{"-o", "JSON"}, want: JSON},
		{args: []string{"--output=wide"}, want: Wide},
		{args: []string{"-o", "tree"}, wantErr: true},
	}
	for _, tt := range tests {
		var f Format
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		AddFlag(cmd, &f)
		cmd.SetArgs(tt.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.Execute()
		if (err != nil) != tt.wantErr || f != tt.want {
			t.Errorf("%v: format %q, err %v; want %q, error %v", tt.args, f, err, tt.want, tt.wantErr)
		}
	}
}

func pad(n int) string { return strings.Repeat(" ", n) }

func TestDetailAndSummaryColumns(t *testing.T) {
	v := View[*iamv1.Group]{
		ID: (*iamv1.Group).GetId,
		Columns: []Column[*iamv1.Group]{
			{Header: "ID", Text: (*iamv1.Group).GetId},
			{Header: "SUMMARY", Wide: true, Summary: true, Text: func(*iamv1.Group) string { return "sum" }},
			{Header: "DETAIL", Detail: true, Text: func(*iamv1.Group) string { return "det" }},
		},
	}
	g := []*iamv1.Group{{Id: "a"}}
	ios, _, out, _ := iostreams.Test()
	if err := List(NewPrinter(ios, Wide, "", nil), v, g); err != nil {
		t.Fatal(err)
	}
	if err := Object(NewPrinter(ios, Table, "", nil), v, g[0]); err != nil {
		t.Fatal(err)
	}
	want := "ID   SUMMARY\na    sum\nID:      a\nDETAIL:  det\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestJSONValue(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	v := struct {
		OK   bool   `json:"ok"`
		Name string `json:"name"`
	}{Name: "x"}
	if err := NewPrinter(ios, JSON, "", nil).JSONValue(v); err != nil {
		t.Fatal(err)
	}
	if out.String() != "{\n  \"ok\": false,\n  \"name\": \"x\"\n}\n" {
		t.Errorf("output = %q", out.String())
	}
}

func TestTabular(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	for f, want := range map[Format]bool{Table: true, Wide: true, TSV: true, JSON: false, ID: false, Tree: false} {
		if got := NewPrinter(ios, f, "", nil).Tabular(); got != want {
			t.Errorf("%s: Tabular() = %v, want %v", f, got, want)
		}
	}
}
