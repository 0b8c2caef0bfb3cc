// Package version is `latch version`.
package version

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/buildinfo"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
)

// Options are the inputs of version.
type Options struct {
	IO    *iostreams.IOStreams
	Build func() buildinfo.Info

	Format output.Format
}

// NewCmdVersion returns the command; runF, when set, replaces versionRun.
func NewCmdVersion(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Build: buildinfo.Get}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print latch's version",
		Long: `Print latch's version, the commit it was built from and the Go
version that built it.`,
		Example: `  latch version
  latch version -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return versionRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func versionRun(_ context.Context, opts *Options) error {
	info := opts.Build()
	switch opts.Format {
	case output.JSON:
		return output.NewPrinter(opts.IO, opts.Format, "", nil).JSONValue(info)
	case output.ID:
		_, err := fmt.Fprintln(opts.IO.Out, info.Version)
		return err
	}
	_, err := fmt.Fprintf(opts.IO.Out, "latch version %s\n", Line(info))
	return err
}

// Line describes a build on one line: "v1.2.3 (commit 0123abc, go1.26.8)".
func Line(info buildinfo.Info) string {
	s := info.Version + " ("
	if info.Commit != "" {
		c := info.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += "commit " + c
		if info.Modified {
			s += ", modified"
		}
		s += ", "
	}
	return s + info.GoVersion + ")"
}
