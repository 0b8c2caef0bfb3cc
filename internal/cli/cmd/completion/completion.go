// Package completion is `latch completion`: shell completion scripts.
package completion

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
)

// shells are the shells a script can be generated for.
func shells() []string { return []string{"bash", "zsh", "fish", "powershell"} }

// Options are the inputs of completion.
type Options struct {
	IO *iostreams.IOStreams

	Shell string
	// Root is the command tree to complete; the command's own root.
	Root *cobra.Command
}

// NewCmdCompletion returns the command; runF, when set, replaces
// completionRun. It replaces cobra's default completion command, which
// exits 0 on an unknown shell.
func NewCmdCompletion(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "completion {bash|zsh|fish|powershell}",
		Short: "Print a shell completion script",
		Long: `Print the script that makes your shell complete latch's commands, flags
and flag values. Load it in the current shell, or install it where your
shell looks for completions:

  bash        source <(latch completion bash)
              latch completion bash > /etc/bash_completion.d/latch
  zsh         latch completion zsh > "${fpath[1]}/_latch"
              (completion must be on: autoload -U compinit; compinit)
  fish        latch completion fish > ~/.config/fish/completions/latch.fish
  powershell  latch completion powershell | Out-String | Invoke-Expression`,
		Example: `  source <(latch completion bash)
  latch completion zsh > "${fpath[1]}/_latch"`,
		ValidArgs: shells(),
		Args:      cmdutil.ExactArgs(1, "a shell is required: bash, zsh, fish or powershell"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Shell, opts.Root = args[0], cmd.Root()
			if !slices.Contains(shells(), opts.Shell) {
				return cmdutil.FlagErrorf("unknown shell %q; use bash, zsh, fish or powershell", opts.Shell)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return completionRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func completionRun(_ context.Context, opts *Options) error {
	out := opts.IO.Out
	switch opts.Shell {
	case "bash":
		return opts.Root.GenBashCompletionV2(out, true)
	case "zsh":
		return opts.Root.GenZshCompletion(out)
	case "fish":
		return opts.Root.GenFishCompletion(out, true)
	case "powershell":
		return opts.Root.GenPowerShellCompletionWithDesc(out)
	}
	return fmt.Errorf("completion: unknown shell %q", opts.Shell)
}
