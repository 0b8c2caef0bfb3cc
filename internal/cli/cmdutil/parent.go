package cmdutil

import "latch.dev/latch/internal/cli/config"

// Parent returns the group a command works in: the --parent flag when
// given, else the configuration's default.parent (LATCH_DEFAULT_PARENT),
// else "".
func Parent(flag string, cfg *config.Config) string {
	if flag != "" {
		return flag
	}
	return cfg.DefaultParent
}

// RequireParent is Parent for commands that cannot do without a group;
// having none is a usage error that says both ways to give one.
func RequireParent(flag string, cfg *config.Config) (string, error) {
	p := Parent(flag, cfg)
	if p == "" {
		return "", FlagErrorf("--parent is required (or set default.parent in the config file, or LATCH_DEFAULT_PARENT)")
	}
	return p, nil
}
