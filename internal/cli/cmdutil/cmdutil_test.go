package cmdutil

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/errs"
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
