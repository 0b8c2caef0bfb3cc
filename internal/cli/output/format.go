package output

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// Format is an output format.
type Format string

// The formats.
const (
	Auto  Format = ""
	Table Format = "table"
	Wide  Format = "wide"
	TSV   Format = "tsv"
	JSON  Format = "json"
	ID    Format = "id"
	Tree  Format = "tree"
)

// Standard returns the formats every command with -o accepts.
func Standard() []Format { return []Format{Table, Wide, TSV, JSON, ID} }

// IsDefaultable reports whether s may be configured as the default format
// (tree is not: most commands cannot print it).
func IsDefaultable(s string) bool { return slices.Contains(Standard(), Format(s)) }

// formatValue is the pflag.Value behind -o; it rejects formats the
// command does not offer, so the mistake is a usage error.
type formatValue struct {
	target  *Format
	allowed []Format
}

func (v *formatValue) String() string { return string(*v.target) }
func (v *formatValue) Type() string   { return "format" }

func (v *formatValue) Set(s string) error {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(v.allowed, f) {
		return fmt.Errorf("unknown output format %q; use one of %s", s, joinFormats(v.allowed))
	}
	*v.target = f
	return nil
}

// AddFlag registers -o/--output on cmd, storing the choice in target.
// Without extra formats the standard ones are allowed; extra adds to them.
func AddFlag(cmd *cobra.Command, target *Format, extra ...Format) {
	allowed := append(Standard(), extra...)
	cmd.Flags().VarP(&formatValue{target: target, allowed: allowed}, "output", "o",
		"output format: "+joinFormats(allowed))
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		out := make([]string, len(allowed))
		for i, f := range allowed {
			out[i] = string(f)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

func joinFormats(list []Format) string {
	s := make([]string, len(list))
	for i, f := range list {
		s[i] = string(f)
	}
	return strings.Join(s, "|")
}
