package cli

import (
	"testing"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/root"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
)

// TestEveryCommandExplainsItself walks the command tree: every command
// says what it does, and every command that does something (not a group,
// not one built elsewhere) shows an example.
func TestEveryCommandExplainsItself(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	cmd := root.NewCmdRoot(&cmdutil.Factory{IOStreams: ios, Flags: &config.Flags{}})
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" || c.HasParent() && c.Parent().Name() == "completion" {
			return
		}
		if c.Short == "" {
			t.Errorf("%q has no short description", c.CommandPath())
		}
		owned := c.Name() != "server" && c.Name() != "dev" && (!c.HasParent() || c.Parent().Name() != "dev")
		if !c.HasSubCommands() && owned && c.Example == "" {
			t.Errorf("%q has no example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cmd)
}
