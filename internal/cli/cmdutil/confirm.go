package cmdutil

import (
	"bufio"
	"fmt"
	"strings"

	"latch.dev/latch/internal/cli/iostreams"
)

// RequireYes fails with a usage error when a destructive command could not
// ask for confirmation and --yes was not given. Commands call it before
// doing any work, so a script learns about the missing flag at once.
func RequireYes(ios *iostreams.IOStreams, yes bool) error {
	if yes || ios.CanPrompt() {
		return nil
	}
	return FlagErrorf("--yes is required when not running interactively")
}

// ConfirmDeletion decides whether a destructive command may go ahead. With
// yes it may. Otherwise the user is asked on the terminal, and without a
// terminal --yes is required, so that a script never deletes by accident
// and never hangs waiting for an answer.
func ConfirmDeletion(ios *iostreams.IOStreams, yes bool, what string) error {
	if yes {
		return nil
	}
	if !ios.CanPrompt() {
		return FlagErrorf("--yes is required to delete %s when not running interactively", what)
	}
	fmt.Fprintf(ios.Out, "Delete %s? [y/N] ", what)
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && line == "" {
		return ErrCancel
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return ErrCancel
}

// Delete confirms the deletion of what (see ConfirmDeletion), runs del,
// and on a terminal says what was deleted. A script gets no output: the
// exit code says it all.
func Delete(ios *iostreams.IOStreams, yes bool, what string, del func() error) error {
	if err := ConfirmDeletion(ios, yes, what); err != nil {
		return err
	}
	if err := del(); err != nil {
		return err
	}
	if ios.IsStdoutTTY() {
		fmt.Fprintf(ios.Out, "Deleted %s.\n", what)
	}
	return nil
}
