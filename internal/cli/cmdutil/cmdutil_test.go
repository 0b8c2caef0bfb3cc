package cmdutil

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

func TestConfirmDeletion(t *testing.T) {
	tests := []struct {
		name     string
		yes      bool
		terminal bool
		answer   string
		want     error
	}{
		{name: "--yes needs no terminal", yes: true},
		{name: "y confirms", terminal: true, answer: "y\n"},
		{name: "YES confirms", terminal: true, answer: "YES\n"},
		{name: "an empty answer declines", terminal: true, answer: "\n", want: ErrCancel},
		{name: "end of input declines", terminal: true, answer: "", want: ErrCancel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, in, _, _ := iostreams.Test()
			ios.SetStdinTTY(tt.terminal)
			ios.SetStdoutTTY(tt.terminal)
			in.WriteString(tt.answer)
			if err := ConfirmDeletion(ios, tt.yes, "thing"); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	ios, _, _, _ := iostreams.Test()
	var fe *FlagError
	if err := ConfirmDeletion(ios, false, "thing"); !errors.As(err, &fe) {
		t.Errorf("without a terminal: err = %v, want a usage error", err)
	}
	if err := RequireYes(ios, false); !errors.As(err, &fe) {
		t.Errorf("RequireYes without a terminal: err = %v, want a usage error", err)
	}
}

func TestGroupCommand(t *testing.T) {
	cmd := GroupCommand(&cobra.Command{Use: "iam"})
	cmd.AddCommand(&cobra.Command{Use: "organizations", Run: func(*cobra.Command, []string) {}})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"organization"})
	err := cmd.Execute()
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "did you mean organizations?") {
		t.Errorf("err = %v, want a usage error with a suggestion", err)
	}
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Errorf("bare group: err = %v, want help and no error", err)
	}
}

func TestHints(t *testing.T) {
	base := errs.New(errs.NotFound, "no such thing")
	err := WithHint(base, "list them with %s", "`ls`")
	if HintOf(err) != "list them with `ls`" || !errors.Is(err, base) || err.Error() != "no such thing" {
		t.Errorf("hinted error = %v (hint %q)", err, HintOf(err))
	}
	if WithHint(nil, "x") != nil {
		t.Error("WithHint(nil) must stay nil")
	}
}

func TestOptionalFlags(t *testing.T) {
	var name OptionalString
	var claims OptionalList
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.Var(&name, "name", "")
	fs.Var(&claims, "claim", "")
	if name.Ptr() != nil || claims.Given {
		t.Fatal("unset flags must not count as given")
	}
	if err := fs.Parse([]string{"--name=", "--claim", "a:1,b:2", "--claim", "c:3"}); err != nil {
		t.Fatal(err)
	}
	if name != Given("") || name.Ptr() == nil || *name.Ptr() != "" {
		t.Errorf("an empty --name must count as given: %+v", name)
	}
	if !claims.Given || len(claims.Values) != 2 || claims.String() != "a:1,b:2,c:3" {
		t.Errorf("claims = %+v", claims)
	}
}

func TestParent(t *testing.T) {
	cfg := &config.Config{DefaultParent: "acme.dev"}
	if Parent("prod", cfg) != "prod" || Parent("", cfg) != "acme.dev" || Parent("", &config.Config{}) != "" {
		t.Error("Parent must prefer the flag, then the configured default")
	}
}

// TestChooseParent asks for a group only on a terminal and only when
// neither --parent nor a default names one; a script gets a usage error
// at once, without a call to the server.
func TestChooseParent(t *testing.T) {
	const (
		org    = "45a0c0000000000000000000000000000000ee95"
		folder = org + "/2c5f700000003871"
	)
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(context.Context, *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			// Unsorted, as a server may answer.
			return &iamv1.GroupList{Items: []*iamv1.Group{{Id: folder, Name: "eng"}, {Id: org, Name: "acme.dev"}}}, nil
		},
	}})
	calls := 0
	api := func() (*client.API, error) { calls++; return srv.API, nil }
	for _, tc := range []struct {
		name     string
		flag     string
		cfg      config.Config
		terminal bool
		answer   string
		want     string
		usage    bool
		asked    string
	}{
		{name: "the flag", flag: "prod", terminal: true, want: "prod"},
		{name: "the default", cfg: config.Config{DefaultParent: "acme.dev"}, terminal: true, want: "acme.dev"},
		{name: "a script", usage: true},
		{name: "a choice on a terminal", terminal: true, answer: "2\n", want: folder, asked: "   1  acme.dev\n   2  acme.dev/eng\nNumber: "},
		{name: "a number out of range", terminal: true, answer: "3\n", usage: true},
		{name: "not a number", terminal: true, answer: "eng\n", usage: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls = 0
			ios, in, _, errOut := iostreams.Test()
			ios.SetStdinTTY(tc.terminal)
			ios.SetStdoutTTY(tc.terminal)
			in.WriteString(tc.answer)
			got, err := ChooseParent(t.Context(), ios, api, tc.flag, &tc.cfg)
			var fe *FlagError
			switch {
			case tc.usage && !errors.As(err, &fe):
				t.Fatalf("err = %v, want a usage error", err)
			case !tc.usage && (err != nil || got != tc.want):
				t.Fatalf("ChooseParent = %q, %v; want %q", got, err, tc.want)
			}
			if !strings.Contains(errOut.String(), tc.asked) {
				t.Errorf("asked %q, want it to contain %q", errOut.String(), tc.asked)
			}
			if (tc.answer == "") != (calls == 0) {
				t.Errorf("%d calls to the server; want one exactly when asking", calls)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name    string
		tty     bool
		answer  string
		yes     bool
		deleted bool
		out     string
		err     error
	}{
		{name: "a confirmed deletion says so", tty: true, answer: "y\n", deleted: true, out: "Delete org x? [y/N] Deleted org x.\n"},
		{name: "a declined one does nothing", tty: true, answer: "n\n", out: "Delete org x? [y/N] ", err: ErrCancel},
		{name: "a script with --yes gets no output", yes: true, deleted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, in, out, _ := iostreams.Test()
			ios.SetStdinTTY(tt.tty)
			ios.SetStdoutTTY(tt.tty)
			in.WriteString(tt.answer)
			deleted := false
			err := Delete(ios, tt.yes, "org x", func() error { deleted = true; return nil })
			if !errors.Is(err, tt.err) || deleted != tt.deleted || out.String() != tt.out {
				t.Errorf("err %v, deleted %v, output %q", err, deleted, out.String())
			}
		})
	}
	ios, _, _, _ := iostreams.Test()
	failed := errs.New(errs.Conflict, "not empty")
	if err := Delete(ios, true, "org x", func() error { return failed }); !errors.Is(err, failed) {
		t.Errorf("a failed deletion: err = %v", err)
	}
}
