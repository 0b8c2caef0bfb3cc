package completion

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/iostreams"
)

func TestNewCmdCompletion(t *testing.T) {
	got, err := clitest.Parse(t, NewCmdCompletion, "zsh")
	if err != nil || got.Shell != "zsh" || got.Root == nil {
		t.Fatalf("options = %+v, err %v", got, err)
	}
	for _, args := range []string{"", "tcsh", "bash zsh"} {
		if _, err := clitest.Parse(t, NewCmdCompletion, args); !clitest.IsUsageError(err) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}

func TestCompletionRun(t *testing.T) {
	root := &cobra.Command{Use: "latch"}
	root.AddCommand(&cobra.Command{Use: "iam", Run: func(*cobra.Command, []string) {}})
	for shell, marker := range map[string]string{
		"bash":       "bash completion V2 for latch",
		"zsh":        "#compdef latch",
		"fish":       "fish completion for latch",
		"powershell": "powershell completion for latch",
	} {
		ios, _, out, _ := iostreams.Test()
		if err := completionRun(t.Context(), &Options{IO: ios, Shell: shell, Root: root}); err != nil {
			t.Fatalf("%s: %v", shell, err)
		}
		if !strings.Contains(out.String(), marker) {
			t.Errorf("%s: the script lacks %q", shell, marker)
		}
	}
}
