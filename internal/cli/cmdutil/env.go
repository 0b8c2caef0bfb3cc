package cmdutil

import (
	"strings"

	"github.com/spf13/pflag"
)

// ApplyEnv gives every flag of fs that was not set on the command line the
// value of its environment variable, LATCH_ and the flag name in upper
// case with "-" as "_" (--data-dir ← LATCH_DATA_DIR), so that a server can
// be configured entirely from its environment. Flags named in skip are
// left alone (the global ones that have their own variable).
func ApplyEnv(fs *pflag.FlagSet, getenv func(string) string, skip ...string) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || contains(skip, f.Name) {
			return
		}
		name := "LATCH_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v := getenv(name)
		if v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = FlagErrorf("%s=%q: %v", name, v, serr)
		}
	})
	return err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
